-- Sign-in hardening: each attempt keeps the client address it came from (throttling per address as well as per
-- username, and the user's usual address), and whether it was refused by the throttle before the password was
-- checked (such an attempt is no guess and does not lengthen the delay). Accounts made for the demo are marked:
-- they cannot sign in unless the server runs in demo mode.
ALTER TABLE login_attempts ADD COLUMN client TEXT NULL;
ALTER TABLE login_attempts ADD COLUMN throttled BIGINT NOT NULL DEFAULT 0;
CREATE INDEX login_attempts_client ON login_attempts (client, at);
ALTER TABLE accounts ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
