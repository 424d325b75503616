-- The read log: one hash-chained record per read of personal data (who read whom, when, on which page), in a schema
-- of its own (on SQLite a file of its own, so that recording a read never changes the main file). Changes keep
-- their records in audit_log, in the same transaction as the change.
CREATE SCHEMA readlog;
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
CREATE INDEX read_log_subject ON readlog.read_log (subject_person, seq);
CREATE INDEX read_log_actor ON readlog.read_log (actor, seq);
CREATE INDEX read_log_at ON readlog.read_log (at);
CREATE TRIGGER read_log_no_update BEFORE UPDATE OR DELETE ON readlog.read_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
