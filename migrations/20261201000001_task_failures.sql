-- Why a task last failed, for the admin's "Estado" screen: the class of the
-- failure (as in error_events) and whether its worker judged that no retry
-- can help (a deleted message, a corrupt photo) rather than running out of
-- attempts.
ALTER TABLE tasks ADD COLUMN last_error_class TEXT;
ALTER TABLE tasks ADD COLUMN permanent INTEGER NOT NULL DEFAULT 0 CHECK (permanent IN (0, 1));
-- An admin set a given-up task aside: it stays dead, no longer counts as
-- unresolved, and housekeeping deletes it like a done task.
ALTER TABLE tasks ADD COLUMN dismissed_at TEXT;
ALTER TABLE tasks ADD COLUMN dismissed_by INTEGER REFERENCES portal_users (id);
