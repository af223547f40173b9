-- The administration history ("Actividad"): who changed what in a
-- distributor's set-up (users, groups, members, PDV types, bot settings, TV
-- tokens, failed work set aside) and, for the superadmin, in the service's
-- (jobs, distributors, superadmin accounts). Append-only, like
-- evaluation_events: the triggers below refuse UPDATE and DELETE.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    -- NULL: the whole service (a job, a superadmin account).
    distributor_id  INTEGER REFERENCES distributors (id),
    -- NULL: someone at the server's console (centermind-sidecar commands).
    actor_id        INTEGER REFERENCES portal_users (id),
    -- The actor's display name when it happened (a later rename leaves it).
    actor_name      TEXT,
    action          TEXT    NOT NULL,
    -- What it was done to, as people know it (a username, a group's title).
    subject         TEXT    NOT NULL,
    -- JSON list of {field, from, to}; never a secret.
    changes         TEXT    NOT NULL DEFAULT '[]',
    created_at      TEXT    NOT NULL
);
CREATE INDEX audit_events_by_distributor ON audit_events (distributor_id, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
