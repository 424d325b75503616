-- Gallring that removes everything personal (issue #10).
--
-- 1. The logs: a record's hash now covers a digest of its content, hash = sha256(prev_hash || content_digest) with
--    content_digest = sha256(the canonical content), so gallring can remove a record's content (set it NULL) while
--    its place, digest and hash stay and the chain still verifies. Records written before this migration keep the
--    old formula, hash = sha256(prev_hash || canonical content): each head remembers the first seq of the new
--    formula (`digest_from`).
-- 2. The only change a log record may undergo is that removal: the update trigger refuses everything else.
-- 3. Households whose case file is gallrad keep one row per month for statistics (size and type, amounts,
--    outcome, unit), and are marked as gallrad.
-- 4. Persons gallrad whose log records are not yet old enough to lose their content, by id only, until they are.

ALTER TABLE audit_log
    ALTER COLUMN actor DROP NOT NULL,
    ALTER COLUMN action DROP NOT NULL,
    ALTER COLUMN page DROP NOT NULL,
    ALTER COLUMN detail_json DROP NOT NULL,
    ADD COLUMN content_digest TEXT NULL;
ALTER TABLE readlog.read_log
    ALTER COLUMN actor DROP NOT NULL,
    ALTER COLUMN action DROP NOT NULL,
    ALTER COLUMN page DROP NOT NULL,
    ALTER COLUMN detail_json DROP NOT NULL,
    ADD COLUMN content_digest TEXT NULL;
ALTER TABLE audit_head ADD COLUMN digest_from BIGINT NOT NULL DEFAULT 1;
UPDATE audit_head SET digest_from = seq + 1;
ALTER TABLE readlog.read_head ADD COLUMN digest_from BIGINT NOT NULL DEFAULT 1;
UPDATE readlog.read_head SET digest_from = seq + 1;

-- Refuses every change to a log record except gallring's: the content removed, place, digest and hash kept.
CREATE FUNCTION refuse_change_but_redaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.prev_hash = OLD.prev_hash
       AND NEW.hash = OLD.hash AND NEW.content_digest IS NOT DISTINCT FROM OLD.content_digest
       AND NEW.actor IS NULL AND NEW.action IS NULL AND NEW.subject_person IS NULL AND NEW.page IS NULL
       AND NEW.detail_json IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_redaction();
DROP TRIGGER read_log_no_update ON readlog.read_log;
CREATE TRIGGER read_log_no_update BEFORE UPDATE OR DELETE ON readlog.read_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_redaction();

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
-- which records are theirs.
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
