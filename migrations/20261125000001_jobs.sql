-- Scheduled jobs: what the scheduler of `centermind-sidecar run` needs beyond
-- the initial `jobs` table, and the built-in jobs.
--
-- `schedule` is `every <n>m`, `every <n>h` or `daily HH:MM` (domain/schedule.rs);
-- a daily time is read on the wall clock of `time_zone` (an IANA name).

ALTER TABLE jobs ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Argentina/Buenos_Aires';
-- Set by "run now" (API or CLI, possibly another process); the scheduler
-- polls for it and clears it when the run starts.
ALTER TABLE jobs ADD COLUMN run_requested_at TEXT;
-- When the schedule or zone last changed, or the job was resumed: the next run
-- counts from this or from last_run_at, whichever is later, so that a change
-- does not start a "missed" run at once.
ALTER TABLE jobs ADD COLUMN schedule_changed_at TEXT;

-- A job never runs twice at once, even when two processes try (the service
-- and `job run --now`).
CREATE UNIQUE INDEX job_runs_one_running ON job_runs (job_id) WHERE outcome = 'running';
-- Housekeeping prunes old runs by time.
CREATE INDEX job_runs_by_time ON job_runs (started_at);

-- The built-in jobs. Times in the application's format (RFC 3339, UTC).
INSERT OR IGNORE INTO jobs (id, name, description, schedule, active, created_at, updated_at) VALUES
    ('backup', 'Copia de seguridad de la base de datos',
     'Copia completa y verificada de la base de datos en la carpeta backups/ de los datos; se guardan las 7 más recientes.',
     'daily 03:00', 1,
     strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    ('housekeeping', 'Limpieza',
     'Borra lo que ya no hace falta: sesiones vencidas, tareas terminadas hace más de 30 días, cargas cerradas hace más de 7, errores de más de 180 días y ejecuciones de más de 90.',
     'every 1h', 1,
     strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    ('daily_summary', 'Resumen diario a los administradores',
     'Manda por Telegram al administrador de cada distribuidora las cifras del día: recibidas, aprobadas, destacadas, rechazadas y pendientes.',
     'daily 20:00', 1,
     strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
