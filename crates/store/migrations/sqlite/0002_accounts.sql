-- Sign-in accounts, their units and protected-identity grants, sessions and sign-in attempts.
-- Accounts are separate from staff: an applicant signs in too, and a member of staff may have no account.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    staff_id      BIGINT NULL REFERENCES staff (id),
    person_id     BIGINT NULL REFERENCES persons (id),
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE account_units (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    unit_id    BIGINT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (account_id, unit_id)
);

-- An explicit grant to see one person with protected identity.
CREATE TABLE protected_grants (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    person_id  BIGINT NOT NULL REFERENCES persons (id),
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, person_id)
);

-- The session cookie holds a random token; only its SHA-256 is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at       BIGINT NOT NULL,
    success  BIGINT NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);
