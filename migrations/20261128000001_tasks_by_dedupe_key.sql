-- The edit tasks of one exhibition share a dedupe key: whether a newer one
-- exists (it records the Telegram sync state, not an older one still in
-- flight) is looked up by key, whatever the tasks' states.
CREATE INDEX tasks_by_dedupe_key ON tasks (dedupe_key, id) WHERE dedupe_key IS NOT NULL;
