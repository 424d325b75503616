-- Gallring that removes everything personal (issue #10).
--
-- 1. The logs: a record's hash now covers a digest of its content, hash = sha256(prev_hash || content_digest) with
--    content_digest = sha256(the canonical content), so gallring can remove a record's content (set it NULL) while
--    its place, digest and hash stay and the chain still verifies. Records written before this migration keep the
--    old formula, hash = sha256(prev_hash || canonical content): each head remembers the first seq of the new
--    formula (`digest_from`). SQLite cannot drop NOT NULL, so both log tables are rebuilt with nullable content.
-- 2. The only change a log record may undergo is that removal: the update trigger refuses everything else.
-- 3. Households whose case file is gallrad keep one row per month for statistics (size and type, amounts,
--    outcome, unit), and are marked as gallrad.
-- 4. Persons gallrad whose log records are not yet old enough to lose their content, by id only, until they are.

CREATE TABLE audit_log_v2 (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NULL,
    action         TEXT NULL,
    subject_person BIGINT NULL,
    page           TEXT NULL,
    detail_json    TEXT NULL,
    content_digest TEXT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
INSERT INTO audit_log_v2 (seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash)
    SELECT seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v2 RENAME TO audit_log;
CREATE INDEX audit_log_subject ON audit_log (subject_person, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
          AND NEW.content_digest IS OLD.content_digest
          AND NEW.actor IS NULL AND NEW.action IS NULL AND NEW.subject_person IS NULL AND NEW.page IS NULL
          AND NEW.detail_json IS NULL)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
ALTER TABLE audit_head ADD COLUMN digest_from BIGINT NOT NULL DEFAULT 1;
UPDATE audit_head SET digest_from = seq + 1;

CREATE TABLE readlog.read_log_v2 (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NULL,
    action         TEXT NULL,
    subject_person BIGINT NULL,
    page           TEXT NULL,
    detail_json    TEXT NULL,
    content_digest TEXT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
INSERT INTO readlog.read_log_v2 (seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash)
    SELECT seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash FROM readlog.read_log;
DROP TABLE readlog.read_log;
ALTER TABLE readlog.read_log_v2 RENAME TO read_log;
CREATE INDEX readlog.read_log_subject ON read_log (subject_person, seq);
CREATE INDEX readlog.read_log_actor ON read_log (actor, seq);
CREATE INDEX readlog.read_log_at ON read_log (at);
CREATE TRIGGER readlog.read_log_no_update BEFORE UPDATE ON read_log
WHEN NOT (NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
          AND NEW.content_digest IS OLD.content_digest
          AND NEW.actor IS NULL AND NEW.action IS NULL AND NEW.subject_person IS NULL AND NEW.page IS NULL
          AND NEW.detail_json IS NULL)
BEGIN SELECT RAISE(ABORT, 'read_log is append-only'); END;
CREATE TRIGGER readlog.read_log_no_delete BEFORE DELETE ON read_log
BEGIN SELECT RAISE(ABORT, 'read_log is append-only'); END;
ALTER TABLE readlog.read_head ADD COLUMN digest_from BIGINT NOT NULL DEFAULT 1;
UPDATE readlog.read_head SET digest_from = seq + 1;

-- One row per month of a gallrad household: what the KPIs need (households with assistance per month and year,
-- long-term assistance, spell lengths, amounts per month), without who. The household id stays as the key that ties
-- a spell's months together; the household row itself holds only its unit and registration.
CREATE TABLE household_month_statistics (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    household_id   BIGINT NOT NULL REFERENCES households (id),
    unit_id        BIGINT NOT NULL REFERENCES org_units (id),
    month          TEXT NOT NULL,
    adults         BIGINT NOT NULL,
    children       BIGINT NOT NULL,
    household_type TEXT NOT NULL,
    status         TEXT NOT NULL,
    granted        BIGINT NOT NULL,
    paid           BIGINT NOT NULL
);
CREATE INDEX household_month_statistics_month ON household_month_statistics (month);
ALTER TABLE households ADD COLUMN gallrad_on TEXT NULL;

-- A gallrad person's id while log records about them are younger than the logs' retention: `gallrad_at` bounds
-- which records are theirs (SQLite may give a later person the same id).
CREATE TABLE gallring_log_pending (
    person_id  BIGINT PRIMARY KEY,
    gallrad_at BIGINT NOT NULL
);
-- Persons gallrad before this migration: their records end with the last one about them.
INSERT INTO gallring_log_pending (person_id, gallrad_at)
    SELECT subject_person, MAX(at) FROM (
        SELECT subject_person, at FROM audit_log WHERE subject_person IS NOT NULL
        UNION ALL
        SELECT subject_person, at FROM readlog.read_log WHERE subject_person IS NOT NULL
    ) AS r
    WHERE subject_person NOT IN (SELECT id FROM persons)
    GROUP BY subject_person;
