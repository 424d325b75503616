-- stegvis store schema, version 1. Portable on purpose: only BIGINT and TEXT (plus one binary column), so one
-- implementation (sqlx Any) serves SQLite and PostgreSQL. Money is BIGINT öre; instants are BIGINT microseconds
-- since the Unix epoch (UTC); dates are TEXT 'YYYY-MM-DD'; months TEXT 'YYYY-MM'.

CREATE TABLE org_units (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE staff (
    id      INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    name    TEXT NOT NULL,
    role    TEXT NOT NULL
);

-- pnr is the canonical twelve digits (YYYYMMDDNNNC), unique per person.
CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    pnr           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    protection    TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);

CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES org_units (id),
    registered_at BIGINT NOT NULL
);

-- Bitemporal facts: valid_from/valid_to (when true) and recorded_at/superseded_at (when we believed it).
CREATE TABLE facts (
    id            INTEGER PRIMARY KEY,
    household_id  BIGINT NOT NULL REFERENCES households (id),
    person_id     BIGINT NULL REFERENCES persons (id),
    fact_key      TEXT NOT NULL,
    value_json    TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT NULL,
    recorded_at   BIGINT NOT NULL,
    recorded_by   TEXT NOT NULL,
    corrects      BIGINT NULL REFERENCES facts (id),
    superseded_at BIGINT NULL
);
CREATE INDEX facts_household ON facts (household_id);
CREATE INDEX facts_person ON facts (person_id);

-- One application per household and month; `version` is the optimistic-concurrency counter.
CREATE TABLE applications (
    id                  INTEGER PRIMARY KEY,
    household_id        BIGINT NOT NULL REFERENCES households (id),
    month               TEXT NOT NULL,
    status              TEXT NOT NULL,
    received_on         TEXT NOT NULL,
    current_decision_id BIGINT NULL,
    version             BIGINT NOT NULL,
    UNIQUE (household_id, month)
);

CREATE TABLE decisions (
    id                 INTEGER PRIMARY KEY,
    application_id     BIGINT NOT NULL REFERENCES applications (id),
    replaces           BIGINT NULL UNIQUE REFERENCES decisions (id),
    decided_by         TEXT NOT NULL,
    decided_at         BIGINT NOT NULL,
    served_on          TEXT NULL,
    total_granted      BIGINT NOT NULL CHECK (total_granted >= 0),
    calculation_json   TEXT NULL,
    rule_table         TEXT NULL,
    rule_table_version TEXT NULL
);
CREATE INDEX decisions_application ON decisions (application_id);

CREATE TABLE decision_items (
    decision_id BIGINT NOT NULL REFERENCES decisions (id),
    item_no     BIGINT NOT NULL,
    what        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    applied     BIGINT NOT NULL CHECK (applied >= 0),
    granted     BIGINT NOT NULL CHECK (granted >= 0),
    reasons     TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    PRIMARY KEY (decision_id, item_no)
);

CREATE TABLE payment_batches (
    id          INTEGER PRIMARY KEY,
    status      TEXT NOT NULL,
    pay_date    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    exported_at BIGINT NULL
);

-- A decided item is paid at most once: the pair and the idempotency key are both unique.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES payment_batches (id),
    decision_id     BIGINT NOT NULL REFERENCES decisions (id),
    item_no         BIGINT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (decision_id, item_no)
);
CREATE INDEX payments_batch ON payments (batch_id);

CREATE TABLE appeals (
    id              INTEGER PRIMARY KEY,
    decision_id     BIGINT NOT NULL REFERENCES decisions (id),
    received_on     TEXT NOT NULL,
    served_on       TEXT NOT NULL,
    status          TEXT NOT NULL,
    new_decision_id BIGINT NULL REFERENCES decisions (id)
);

CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households (id),
    decision_id  BIGINT NULL REFERENCES decisions (id),
    amount       BIGINT NOT NULL CHECK (amount > 0),
    outstanding  BIGINT NOT NULL CHECK (outstanding >= 0),
    reason       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE claim_events (
    id       INTEGER PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    kind     TEXT NOT NULL,
    amount   BIGINT NOT NULL CHECK (amount > 0),
    at       BIGINT NOT NULL
);

CREATE TABLE journal_notes (
    id           INTEGER PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES persons (id),
    kind         TEXT NOT NULL,
    refers_to    BIGINT NULL REFERENCES journal_notes (id),
    body         TEXT NOT NULL,
    written_by   TEXT NOT NULL,
    written_at   BIGINT NOT NULL
);
CREATE INDEX journal_person ON journal_notes (person_id);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    content     BLOB NOT NULL,
    attached_by TEXT NOT NULL,
    attached_at BIGINT NOT NULL
);
CREATE INDEX documents_person ON documents (person_id);

-- The audit trail. subject_person is deliberately not a foreign key: the trail outlives gallring.
CREATE TABLE audit_log (
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

-- The chain head: one row, locked by every writer, so appends are serialised and a truncated tail is detectable.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only tables: the database refuses updates (and, for the audit trail, deletes) outright.
CREATE TRIGGER journal_notes_append_only BEFORE UPDATE ON journal_notes
BEGIN SELECT RAISE(ABORT, 'journal_notes is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
