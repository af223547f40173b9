-- Device tokens for the TV dashboard in kiosk mode: read-only access to one
-- distributor's ranking, long-lived, revocable. Only the SHA-256 is stored.
CREATE TABLE tv_tokens (
    id              INTEGER PRIMARY KEY,
    distributor_id  INTEGER NOT NULL REFERENCES distributors (id),
    label           TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    created_by      INTEGER REFERENCES portal_users (id),
    created_at      TEXT    NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);
CREATE INDEX tv_tokens_by_distributor ON tv_tokens (distributor_id);
