-- Checkpoints of the two audit chains (crates/store/src/checkpoint.rs): at each one the server signs both chain heads
-- and appends them to a file the database user cannot rewrite. The database keeps the heads too, above all the read
-- log's, so that a read log put back to an older state shows as a head behind one this table saw.
CREATE TABLE audit_checkpoints (
    number       BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    changes_seq  BIGINT NOT NULL,
    changes_hash TEXT NOT NULL,
    reads_seq    BIGINT NOT NULL,
    reads_hash   TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
