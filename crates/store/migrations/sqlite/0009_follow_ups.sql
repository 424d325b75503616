-- Follow-ups (bevakningar): a date by which a household's case is to be looked at again, and why. Done ones stay,
-- with who marked them done and when.
CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households (id),
    due_on       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    done_by      TEXT NULL,
    done_at      BIGINT NULL
);
CREATE INDEX follow_ups_household ON follow_ups (household_id);
-- The work queue reads open follow-ups by due date.
CREATE INDEX follow_ups_open ON follow_ups (due_on) WHERE done_at IS NULL;

-- The household page reads a household's appeals and claims; the work queue reads the open appeals.
CREATE INDEX appeals_decision ON appeals (decision_id);
CREATE INDEX appeals_status ON appeals (status);
CREATE INDEX claims_household ON claims (household_id);
