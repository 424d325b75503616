-- Checkpoints of the two audit chains (crates/store/src/checkpoint.rs): at each one the server signs both chain heads
-- and appends them to a file the database user cannot rewrite. The main database keeps the heads too, above all the
-- read log's: on SQLite the read log is a file of its own, and an older copy of it put back is a chain that is
-- intact but shorter than (or different from) the head this file saw. Lives in the main file, never in `readlog`.
CREATE TABLE audit_checkpoints (
    number       BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    changes_seq  BIGINT NOT NULL,
    changes_hash TEXT NOT NULL,
    reads_seq    BIGINT NOT NULL,
    reads_hash   TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
