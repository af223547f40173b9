-- CenterMind initial schema.
-- Conventions: every time is UTC, stored as RFC 3339 text written by the
-- application (never SQL's CURRENT_TIMESTAMP, whose format differs), so text
-- order is time order. Enumerations are lowercase text with CHECK constraints.

CREATE TABLE distributors (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    status                TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    time_zone             TEXT    NOT NULL DEFAULT 'America/Argentina/Buenos_Aires',
    -- Secret: read only by the bot runner, never returned by a listing.
    bot_token             TEXT,
    admin_telegram_id     INTEGER,
    hibernation_enabled   INTEGER NOT NULL DEFAULT 1 CHECK (hibernation_enabled IN (0, 1)),
    hibernation_start     TEXT    NOT NULL DEFAULT '22:00',
    hibernation_end       TEXT    NOT NULL DEFAULT '06:00',
    photo_storage         TEXT    NOT NULL DEFAULT 'local' CHECK (photo_storage IN ('local', 'google_drive')),
    drive_folder_id       TEXT,
    points_approved       INTEGER NOT NULL DEFAULT 1 CHECK (points_approved >= 0),
    points_highlighted    INTEGER NOT NULL DEFAULT 2 CHECK (points_highlighted >= 0),
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
);

CREATE TABLE telegram_groups (
    id              INTEGER PRIMARY KEY,
    distributor_id  INTEGER NOT NULL REFERENCES distributors (id),
    chat_id         INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT    NOT NULL,
    UNIQUE (distributor_id, chat_id)
);

CREATE TABLE members (
    id                INTEGER PRIMARY KEY,
    distributor_id    INTEGER NOT NULL REFERENCES distributors (id),
    telegram_user_id  INTEGER NOT NULL,
    first_name        TEXT    NOT NULL DEFAULT '',
    last_name         TEXT,
    username          TEXT,
    role              TEXT    NOT NULL DEFAULT 'vendor' CHECK (role IN ('vendor', 'supervisor', 'admin')),
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    UNIQUE (distributor_id, telegram_user_id)
);

CREATE TABLE pdv_types (
    id              INTEGER PRIMARY KEY,
    distributor_id  INTEGER NOT NULL REFERENCES distributors (id),
    name            TEXT    NOT NULL COLLATE NOCASE CHECK (length(trim(name)) > 0),
    position        INTEGER NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (distributor_id, name)
);

CREATE TABLE portal_users (
    id              INTEGER PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(username)) > 0),
    display_name    TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('superadmin', 'admin', 'supervisor', 'viewer')),
    distributor_id  INTEGER REFERENCES distributors (id),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_login_at   TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    -- Only the superadmin stands outside every tenant.
    CHECK ((role = 'superadmin') = (distributor_id IS NULL))
);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES portal_users (id),
    -- SHA-256 of the token; the token itself is never stored.
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    revoked_at    TEXT,
    last_seen_at  TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE exhibitions (
    id                        TEXT    PRIMARY KEY,  -- UUID (v7: time ordered)
    distributor_id            INTEGER NOT NULL REFERENCES distributors (id),
    group_id                  INTEGER NOT NULL REFERENCES telegram_groups (id),
    vendor_id                 INTEGER NOT NULL REFERENCES members (id),
    customer_number           TEXT    NOT NULL,
    pdv_type_id               INTEGER NOT NULL REFERENCES pdv_types (id),
    status                    TEXT    NOT NULL DEFAULT 'pending'
                                      CHECK (status IN ('pending', 'approved', 'rejected', 'highlighted')),
    evaluator_id              INTEGER REFERENCES portal_users (id),
    comment                   TEXT,
    rejection_reason          TEXT,
    submitted_at              TEXT    NOT NULL,
    evaluated_at              TEXT,
    confirmation_chat_id      INTEGER,
    confirmation_message_id   INTEGER,
    sync_state                TEXT    NOT NULL DEFAULT 'idle'
                                      CHECK (sync_state IN ('idle', 'pending', 'synced', 'undeliverable')),
    possible_duplicate        INTEGER NOT NULL DEFAULT 0 CHECK (possible_duplicate IN (0, 1)),
    -- "<chat id>:<first photo message id>": one Telegram message, one exhibition.
    idempotency_key           TEXT    NOT NULL,
    updated_at                TEXT    NOT NULL,
    UNIQUE (distributor_id, idempotency_key),
    CHECK ((status = 'pending') = (evaluated_at IS NULL))
);
-- The review queue: pending of one distributor, oldest first.
CREATE INDEX exhibitions_queue ON exhibitions (distributor_id, status, submitted_at, id);
-- Ranking and reports: one distributor's month, covering vendor and status.
CREATE INDEX exhibitions_by_month ON exhibitions (distributor_id, submitted_at, vendor_id, status);
-- Verdicts waiting to be edited into Telegram.
CREATE INDEX exhibitions_sync ON exhibitions (sync_state) WHERE sync_state = 'pending';

CREATE TABLE exhibition_photos (
    id                       INTEGER PRIMARY KEY,
    exhibition_id            TEXT    NOT NULL REFERENCES exhibitions (id),
    distributor_id           INTEGER NOT NULL REFERENCES distributors (id),
    position                 INTEGER NOT NULL CHECK (position >= 0),
    telegram_file_id         TEXT,
    telegram_file_unique_id  TEXT,
    storage_key              TEXT,
    storage_link             TEXT,
    sha256                   TEXT,
    perceptual_hash          TEXT,
    size_bytes               INTEGER,
    width                    INTEGER,
    height                   INTEGER,
    upload_state             TEXT    NOT NULL DEFAULT 'pending'
                                     CHECK (upload_state IN ('pending', 'stored', 'failed')),
    created_at               TEXT    NOT NULL,
    UNIQUE (exhibition_id, position)
);
-- Duplicate detection within one distributor.
CREATE INDEX photos_by_sha256 ON exhibition_photos (distributor_id, sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX photos_by_file_unique_id ON exhibition_photos (distributor_id, telegram_file_unique_id)
    WHERE telegram_file_unique_id IS NOT NULL;
CREATE INDEX photos_by_perceptual_hash ON exhibition_photos (distributor_id, perceptual_hash)
    WHERE perceptual_hash IS NOT NULL;

-- Append-only history of verdicts: the triggers below refuse UPDATE and DELETE.
CREATE TABLE evaluation_events (
    id              INTEGER PRIMARY KEY,
    exhibition_id   TEXT    NOT NULL REFERENCES exhibitions (id),
    distributor_id  INTEGER NOT NULL REFERENCES distributors (id),
    actor_id        INTEGER REFERENCES portal_users (id),
    from_status     TEXT    NOT NULL,
    to_status       TEXT    NOT NULL,
    comment         TEXT,
    reason          TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX evaluation_events_by_exhibition ON evaluation_events (exhibition_id, id);
CREATE TRIGGER evaluation_events_no_update BEFORE UPDATE ON evaluation_events
BEGIN
    SELECT RAISE(ABORT, 'evaluation_events is append-only');
END;
CREATE TRIGGER evaluation_events_no_delete BEFORE DELETE ON evaluation_events
BEGIN
    SELECT RAISE(ABORT, 'evaluation_events is append-only');
END;

-- Scheduled jobs, configured in the database (interval or cron), with run history.
CREATE TABLE jobs (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    schedule        TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_run_at     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job_id       TEXT    NOT NULL REFERENCES jobs (id),
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    outcome      TEXT    NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed')),
    detail       TEXT
);
CREATE INDEX job_runs_by_job ON job_runs (job_id, started_at);

-- Durable work queue (photo uploads, Telegram edits, alerts).
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL,
    distributor_id   INTEGER REFERENCES distributors (id),
    payload          TEXT    NOT NULL,  -- JSON
    state            TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL DEFAULT 10,
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT,
    -- Optional: at most one queued task per key (e.g. "edit:<exhibition id>").
    dedupe_key       TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX tasks_due ON tasks (state, next_attempt_at);
CREATE UNIQUE INDEX tasks_queued_dedupe ON tasks (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued';

CREATE TABLE bot_status (
    distributor_id   INTEGER PRIMARY KEY REFERENCES distributors (id),
    state            TEXT    NOT NULL CHECK (state IN ('stopped', 'starting', 'running', 'restarting', 'failed', 'invalid_token')),
    started_at       TEXT,
    last_error       TEXT,
    restarts         INTEGER NOT NULL DEFAULT 0,
    updates_handled  INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT    NOT NULL
);

CREATE TABLE error_events (
    id              INTEGER PRIMARY KEY,
    distributor_id  INTEGER REFERENCES distributors (id),
    class           TEXT    NOT NULL CHECK (class IN ('timeout', 'permission', 'missing_path', 'corrupt_file',
                                                      'disk_full', 'remote_down', 'invalid_input', 'internal')),
    message         TEXT    NOT NULL,
    context         TEXT,   -- JSON
    created_at      TEXT    NOT NULL
);
CREATE INDEX error_events_by_time ON error_events (created_at);
