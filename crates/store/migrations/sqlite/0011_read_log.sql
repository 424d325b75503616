-- The read log: one hash-chained record per read of personal data (who read whom, when, on which page). It lives in
-- a database file of its own, attached to every connection as `readlog` (crates/store/src/sql.rs): recording a read
-- then never changes the main file, so a page view does not make every other connection drop its page cache.
-- Changes keep their records in audit_log, in the same transaction as the change.
CREATE TABLE readlog.read_log (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject_person BIGINT NULL,
    page           TEXT NOT NULL,
    detail_json    TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE TABLE readlog.read_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO readlog.read_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE INDEX readlog.read_log_subject ON read_log (subject_person, seq);
CREATE INDEX readlog.read_log_actor ON read_log (actor, seq);
CREATE INDEX readlog.read_log_at ON read_log (at);
CREATE TRIGGER readlog.read_log_no_update BEFORE UPDATE ON read_log
BEGIN SELECT RAISE(ABORT, 'read_log is append-only'); END;
CREATE TRIGGER readlog.read_log_no_delete BEFORE DELETE ON read_log
BEGIN SELECT RAISE(ABORT, 'read_log is append-only'); END;
