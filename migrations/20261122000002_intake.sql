-- Telegram intake: conversations in progress and updates already handled.

-- A vendor's exhibition while the bot is still asking for its details.
-- Lives in the database so that a restart continues the conversation.
CREATE TABLE pending_submissions (
    id                  INTEGER PRIMARY KEY,  -- short id carried by the PDV buttons
    distributor_id      INTEGER NOT NULL REFERENCES distributors (id),
    group_id            INTEGER NOT NULL REFERENCES telegram_groups (id),
    chat_id             INTEGER NOT NULL,
    vendor_id           INTEGER NOT NULL REFERENCES members (id),
    vendor_telegram_id  INTEGER NOT NULL,
    -- The first photo's message: with chat_id, the exhibition's idempotency key.
    first_message_id    INTEGER NOT NULL,
    media_group_id      TEXT,
    -- JSON array of {message_id, file_id, file_unique_id, file_size}.
    photos              TEXT    NOT NULL DEFAULT '[]',
    state               TEXT    NOT NULL DEFAULT 'awaiting_number'
                                CHECK (state IN ('awaiting_number', 'awaiting_pdv', 'committed', 'done', 'expired', 'cancelled')),
    customer_number     TEXT,
    -- The bot's latest question (the PDV keyboard lives on it).
    prompt_message_id   INTEGER,
    -- Telegram message ids at or below this one were already read as the answer.
    last_text_message_id INTEGER,
    exhibition_id       TEXT,
    -- Telegram's instant of the first photo (the burst window counts from it).
    burst_started_at    TEXT    NOT NULL,
    expires_at          TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (distributor_id, chat_id, first_message_id)
);
CREATE INDEX pending_submissions_open ON pending_submissions (distributor_id, chat_id, vendor_telegram_id)
    WHERE state IN ('awaiting_number', 'awaiting_pdv');
CREATE INDEX pending_submissions_expiry ON pending_submissions (distributor_id, expires_at)
    WHERE state IN ('awaiting_number', 'awaiting_pdv');
CREATE INDEX pending_submissions_committed ON pending_submissions (distributor_id) WHERE state = 'committed';

-- Telegram delivers an update again if the bot stops before confirming it:
-- handlers note what they finished here and skip it the second time.
CREATE TABLE handled_updates (
    distributor_id  INTEGER NOT NULL REFERENCES distributors (id),
    key             TEXT    NOT NULL,
    handled_at      TEXT    NOT NULL,
    PRIMARY KEY (distributor_id, key)
) WITHOUT ROWID;
CREATE INDEX handled_updates_by_time ON handled_updates (handled_at);
