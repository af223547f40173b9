-- The admin's "Estado" screen reads one distributor's unfinished tasks (queued,
-- running, or dead and not dismissed). With only `tasks_due`, SQLite walks
-- every dead task of every distributor, and once statistics exist (ANALYZE)
-- it scans the whole table instead: 262 ms among 925,000 tasks. This index
-- holds the unfinished ones only, so it stays small while done tasks pile up.
-- Queries must repeat its WHERE terms word for word for SQLite to use it.
CREATE INDEX tasks_unfinished ON tasks (distributor_id, kind, state)
    WHERE state IN ('queued', 'running', 'dead') AND dismissed_at IS NULL;
