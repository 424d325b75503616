-- Receipts and one appeal per decision (issue #12).
--
-- When an online application or appeal arrived, to the microsecond (the receipt shows it in Swedish local time).
-- NULL for rows stored before: their receipts show the day only.
ALTER TABLE applications ADD COLUMN received_at BIGINT NULL;
ALTER TABLE appeals ADD COLUMN received_at BIGINT NULL;

-- A decision is appealed once: what the applicant sends later on the same decision is an addition to that appeal,
-- in their own words with its own time. Never updated; deleted only by gallring (free text).
CREATE TABLE appeal_additions (
    id          INTEGER PRIMARY KEY,
    appeal_id   BIGINT NOT NULL REFERENCES appeals (id),
    text        TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX appeal_additions_appeal ON appeal_additions (appeal_id, id);
CREATE TRIGGER appeal_additions_append_only BEFORE UPDATE ON appeal_additions
BEGIN SELECT RAISE(ABORT, 'appeal_additions is append-only'); END;
