-- Sign-in through the municipality's OpenID Connect provider: which external subject is which local account, and
-- the sign-ins that have been started at the provider but not finished yet.

-- An administrator's explicit link from (issuer, subject) to a local account. Nothing is ever created from a
-- provider's claims: roles, units and grants are decided by a person. One account may have several links (a new
-- issuer), a subject at most one account.
CREATE TABLE external_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    linked_by  TEXT NOT NULL,
    linked_at  BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_account ON external_identities (account_id);

-- A started sign-in, found by the SHA-256 of its `state`, taken (deleted) by the one callback that may use it and
-- refused after `expires_at`. The nonce and PKCE verifier never leave the server.
CREATE TABLE pending_external_logins (
    state_hash    TEXT PRIMARY KEY,
    issuer        TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX pending_external_logins_expiry ON pending_external_logins (expires_at);
