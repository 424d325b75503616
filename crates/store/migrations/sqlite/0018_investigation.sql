-- The investigation and the whole decision (issue #11).
--
-- Each decision item has a purpose (the riksnorm, a reasonable cost, a need for livsföring i övrigt, a reduction
-- under SoL 12:5); items stored before purposes existed were the month's försörjningsstöd.
ALTER TABLE decision_items ADD COLUMN purpose TEXT NOT NULL DEFAULT 'forsorjningsstod';
-- The household's own means (counted income, usable assets) taken from the accepted need, öre. Decisions stored
-- before had net items and no deductions.
ALTER TABLE decisions ADD COLUMN deductions BIGINT NOT NULL DEFAULT 0 CHECK (deductions >= 0);

-- The caseworker's corrections of an application's declared facts: never updated, never deleted except by
-- gallring. The application's month is the valid time; recorded_at the transaction time. The declaration itself
-- stays in applications.request_json.
CREATE TABLE application_corrections (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    fact_json      TEXT NOT NULL,
    value_json     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    source         TEXT NOT NULL,
    source_detail  TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX application_corrections_application ON application_corrections (application_id, id);
CREATE TRIGGER application_corrections_append_only BEFORE UPDATE ON application_corrections
BEGIN SELECT RAISE(ABORT, 'application_corrections is append-only'); END;
