//! The scheduled jobs of `run`: a scheduler that starts each job when its
//! schedule says (or when someone asked for a run), and the jobs themselves.
//!
//! The jobs and their schedules live in the database (`jobs`, see
//! `centermind_core::store::Job`), so an administrator changes them from the
//! API or the CLI — another process — without a restart: the scheduler reads
//! them again every [`SchedulerOptions::poll`] (2 s), and at once when the
//! API in this process wakes it. Each run is recorded in `job_runs` (started,
//! then succeeded or failed with a Spanish detail) and logged.
//!
//! One job runs at a time. Missed runs (the service was off at 03:00) are
//! caught up once at start. On shutdown a run in progress gets
//! [`SchedulerOptions::grace`] to finish; after that it is cut short and
//! recorded as interrupted. Runs a crashed process left "running" are marked
//! failed when the scheduler starts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use centermind_core::config::Config;
use centermind_core::photo_mirror;
use centermind_core::store::{BACKUPS_KEPT, Db, INTERRUPTED, Job, JobRun, RunOutcome, job_ids, now};
use centermind_telegram::{DailySummary, SummaryReport};
use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::texts::human_size;

/// The photos' copy inside the backup folder (`backup restore` looks for it
/// next to the database copy it restores).
pub const PHOTO_MIRROR: &str = "photos";

/// Tuning of the scheduler. The defaults are the production values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// How often the jobs are read again (for changes and "run now" requests
    /// made by another process, e.g. `centermind-sidecar job run`).
    pub poll: StdDuration,
    /// How long a run in progress may take to finish once shutdown starts.
    pub grace: StdDuration,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        Self {
            poll: StdDuration::from_secs(2),
            grace: StdDuration::from_secs(10),
        }
    }
}

/// Runs one job. Shared by the scheduler and `job run --now`.
pub struct JobRunner {
    db: Db,
    /// `Config::backup_dir`: the database copies, and `photos/` in it.
    backup_dir: PathBuf,
    photo_dir: PathBuf,
    summary: DailySummary,
}

impl JobRunner {
    pub fn new(db: Db, config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            summary: DailySummary::new(db.clone(), &config.telegram_api_url)?,
            backup_dir: config.backup_dir(),
            photo_dir: config.photo_dir(),
            db,
        })
    }

    /// Do the work of job `id`. `scheduled_for` is the slot the run is for
    /// (the daily summary reports that day). `Ok` and `Err` both carry the
    /// run's detail, in Spanish.
    pub async fn execute(&self, id: &str, scheduled_for: DateTime<Utc>) -> Result<String, String> {
        match id {
            job_ids::BACKUP => {
                let b = self
                    .db
                    .backup_into(&self.backup_dir, now(), BACKUPS_KEPT)
                    .await
                    .map_err(|e| describe(&e))?;
                let database = format!(
                    "Copia {} ({}) verificada en {} ms; {} copia(s) anterior(es) borrada(s), quedan las {} más recientes.",
                    b.path.display(),
                    human_size(b.size_bytes),
                    b.elapsed.as_millis(),
                    b.removed.len(),
                    BACKUPS_KEPT
                );
                let (photos, mirror) = (self.photo_dir.clone(), self.backup_dir.join(PHOTO_MIRROR));
                let mirrored = tokio::task::spawn_blocking(move || photo_mirror::mirror(&photos, &mirror))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()));
                match mirrored {
                    Ok(m) => Ok(format!(
                        "{database} Fotos: {} nueva(s) ({}), {} ya estaban.",
                        m.added,
                        human_size(m.added_bytes),
                        m.present
                    )),
                    Err(e) => Err(format!("{database} Pero las fotos no se copiaron: {e}")),
                }
            }
            job_ids::HOUSEKEEPING => {
                let h = self.db.housekeeping(now()).await.map_err(|e| describe(&e))?;
                Ok(format!(
                    "Borradas: {} sesiones cerradas, {} tareas terminadas, {} cargas cerradas, {} errores viejos, \
                     {} ejecuciones viejas ({} filas en total).",
                    h.sessions,
                    h.tasks,
                    h.submissions,
                    h.error_events,
                    h.job_runs,
                    h.total()
                ))
            }
            job_ids::DAILY_SUMMARY => {
                let report = self.summary.send(scheduled_for).await.map_err(|e| match e {
                    centermind_telegram::SummaryError::Database(e) => describe(&e),
                    other => other.to_string(),
                })?;
                summary_detail(&report)
            }
            other => Err(format!("Esta versión no sabe ejecutar el trabajo \"{other}\".")),
        }
    }
}

fn summary_detail(r: &SummaryReport) -> Result<String, String> {
    let mut detail = format!("Resumen enviado a {} administrador(es)", r.sent.len());
    if !r.failed.is_empty() {
        let failures: Vec<String> = r
            .failed
            .iter()
            .map(|f| format!("{} ({})", f.distributor, f.error))
            .collect();
        detail.push_str(&format!("; falló con {}: {}", r.failed.len(), failures.join(", ")));
    }
    if r.skipped > 0 {
        detail.push_str(&format!("; {} distribuidora(s) sin bot o sin administrador", r.skipped));
    }
    detail.push('.');
    if r.failed.is_empty() { Ok(detail) } else { Err(detail) }
}

/// A core error as a run's detail.
fn describe(e: &centermind_core::Error) -> String {
    use centermind_core::Error;
    match e {
        Error::Invalid { reason, .. } => reason.clone(),
        Error::Io(e) => format!("Error de disco: {e}"),
        Error::Database(e) => format!("Error de la base de datos: {e}"),
        Error::AlreadyExists { detail, .. } => format!("Ya existe: {detail}"),
        other => crate::texts::core_error(other),
    }
}

/// Start a run of `id` now, in this process, and wait for it (`job run --now`).
/// `None` when the job is already running somewhere.
pub async fn run_now(db: &Db, runner: &JobRunner, id: &str) -> anyhow::Result<Option<JobRun>> {
    let at = now();
    // Unknown ids fail here, before anything is recorded.
    db.job(id, at).await?;
    let Some(run) = db.start_job_run(id, at).await? else {
        return Ok(None);
    };
    let (outcome, detail) = match runner.execute(id, at).await {
        Ok(d) => (RunOutcome::Succeeded, d),
        Err(d) => (RunOutcome::Failed, d),
    };
    db.finish_job_run(run.id, outcome, &detail, now()).await?;
    Ok(db.job_runs(id, 1).await?.into_iter().next())
}

/// Wakes the scheduler (after a "run now" or a change made in this process).
#[derive(Debug, Clone, Default)]
pub struct SchedulerHandle {
    wake: Arc<Notify>,
}

impl SchedulerHandle {
    pub fn notify(&self) {
        self.wake.notify_one();
    }
}

pub struct Scheduler {
    db: Db,
    runner: Arc<JobRunner>,
    stop: CancellationToken,
    handle: SchedulerHandle,
    options: SchedulerOptions,
}

impl Scheduler {
    pub fn new(db: Db, runner: JobRunner, stop: CancellationToken) -> Self {
        Self {
            db,
            runner: Arc::new(runner),
            stop,
            handle: SchedulerHandle::default(),
            options: SchedulerOptions::default(),
        }
    }

    #[cfg(test)]
    pub fn with_options(mut self, options: SchedulerOptions) -> Self {
        self.options = options;
        self
    }

    pub fn handle(&self) -> SchedulerHandle {
        self.handle.clone()
    }

    /// Schedule until the stop token is cancelled.
    pub async fn run(self) {
        match self.db.fail_interrupted_job_runs(now()).await {
            Ok(runs) => {
                for r in runs {
                    warn!(job = %r.job_id, run = r.id, started_at = %r.started_at, "a run was cut short when the service stopped");
                }
            }
            Err(e) => warn!(error = %e, "cannot close the runs a stopped service left"),
        }
        info!("job scheduler started");
        while !self.stop.is_cancelled() {
            let at = now();
            let wait = match self.db.list_jobs(at).await {
                Ok(jobs) => {
                    if let Some((job, slot)) = next_due(&jobs, at) {
                        if self.run_one(job, slot).await {
                            continue;
                        }
                        self.options.poll
                    } else {
                        until_next(&jobs, at).min(self.options.poll)
                    }
                }
                Err(e) => {
                    warn!(error = %e, "cannot read the scheduled jobs");
                    self.options.poll
                }
            };
            tokio::select! {
                () = self.stop.cancelled() => break,
                () = self.handle.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        info!("job scheduler stopped");
    }

    /// Run one job to its end (or the end of the shutdown grace) and record
    /// it. Returns whether a run took place.
    async fn run_one(&self, job: &Job, scheduled_for: DateTime<Utc>) -> bool {
        let run = match self.db.start_job_run(&job.id, now()).await {
            Ok(Some(run)) => run,
            Ok(None) => return false,
            Err(e) => {
                warn!(job = %job.id, error = %e, "cannot start a job run");
                return false;
            }
        };
        let requested = job.run_requested_at.is_some();
        info!(job = %job.id, run = run.id, requested, "job started");
        let started = std::time::Instant::now();
        let mut work = tokio::spawn({
            let (runner, id) = (self.runner.clone(), job.id.clone());
            async move { runner.execute(&id, scheduled_for).await }
        });
        let ended = tokio::select! {
            ended = &mut work => Some(ended),
            () = self.stop.cancelled() => match tokio::time::timeout(self.options.grace, &mut work).await {
                Ok(ended) => Some(ended),
                Err(_) => {
                    work.abort();
                    None
                }
            },
        };
        let (outcome, detail) = match ended {
            Some(Ok(Ok(detail))) => (RunOutcome::Succeeded, detail),
            Some(Ok(Err(detail))) => (RunOutcome::Failed, detail),
            Some(Err(e)) => {
                warn!(job = %job.id, error = %e, "a job run panicked");
                (
                    RunOutcome::Failed,
                    "Error interno: la ejecución terminó de forma inesperada.".to_string(),
                )
            }
            None => (RunOutcome::Failed, INTERRUPTED.to_string()),
        };
        let elapsed_ms = started.elapsed().as_millis();
        match outcome {
            RunOutcome::Succeeded => info!(job = %job.id, run = run.id, elapsed_ms, %detail, "job succeeded"),
            _ => warn!(job = %job.id, run = run.id, elapsed_ms, %detail, "job failed"),
        }
        if let Err(e) = self.db.finish_job_run(run.id, outcome, &detail, now()).await {
            warn!(job = %job.id, run = run.id, error = %e, "cannot record how a job run ended");
        }
        true
    }
}

/// The job to run now, and the slot it runs for: one asked for (for `now`)
/// before one that is due on its schedule, the most overdue first. Jobs
/// running elsewhere (`job run --now`) wait.
fn next_due(jobs: &[Job], now: DateTime<Utc>) -> Option<(&Job, DateTime<Utc>)> {
    jobs.iter()
        .filter(|j| j.is_due(now) && !j.is_running())
        .map(|j| {
            let slot = match (j.run_requested_at, j.next_run(now)) {
                (Some(_), _) | (None, None) => now,
                (None, Some(next)) => next,
            };
            (j, slot, j.run_requested_at.is_none())
        })
        .min_by_key(|(j, slot, scheduled)| (*scheduled, *slot, j.id.clone()))
        .map(|(j, slot, _)| (j, slot))
}

/// How long until the next scheduled run.
fn until_next(jobs: &[Job], now: DateTime<Utc>) -> StdDuration {
    jobs.iter()
        .filter_map(|j| j.next_run(now))
        .min()
        .map_or(StdDuration::MAX, |next| {
            (next - now).to_std().unwrap_or(StdDuration::ZERO)
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Instant;

    use centermind_core::store::JobUpdate;

    use super::*;

    async fn world() -> (Db, Config, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            // Nothing listens there: the daily summary has no one to send to anyway.
            telegram_api_url: "http://127.0.0.1:9".into(),
            ..Config::default()
        };
        let db = Db::open(&config.database_url()).await.unwrap();
        (db, config, dir)
    }

    fn options() -> SchedulerOptions {
        SchedulerOptions {
            poll: StdDuration::from_millis(50),
            grace: StdDuration::from_millis(200),
        }
    }

    async fn wait_for_runs(db: &Db, job: &str, n: usize) -> Vec<JobRun> {
        let deadline = Instant::now() + StdDuration::from_secs(10);
        loop {
            let runs = db.job_runs(job, 50).await.unwrap();
            if runs.iter().filter(|r| r.outcome != RunOutcome::Running).count() >= n || Instant::now() > deadline {
                return runs;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    }

    #[test]
    fn a_failed_summary_fails_the_run_and_names_who() {
        let ok = SummaryReport {
            sent: vec![1, 2],
            failed: vec![],
            skipped: 1,
        };
        assert_eq!(
            summary_detail(&ok),
            Ok("Resumen enviado a 2 administrador(es); 1 distribuidora(s) sin bot o sin administrador.".into())
        );
        let bad = SummaryReport {
            sent: vec![1],
            failed: vec![centermind_telegram::SummaryFailure {
                distributor_id: 2,
                distributor: "Oeste".into(),
                error: "403 Forbidden: bot was blocked by the user".into(),
            }],
            skipped: 0,
        };
        let detail = summary_detail(&bad).unwrap_err();
        assert!(detail.contains("falló con 1: Oeste (403 Forbidden"), "{detail}");
    }

    #[tokio::test]
    async fn requested_runs_are_taken_once_and_recorded() {
        let (db, config, _dir) = world().await;
        let stop = CancellationToken::new();
        let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), &config).unwrap(), stop.clone())
            .with_options(options());
        let handle = scheduler.handle();
        let task = tokio::spawn(scheduler.run());

        db.request_job_run(job_ids::HOUSEKEEPING, now()).await.unwrap();
        handle.notify();
        let runs = wait_for_runs(&db, job_ids::HOUSEKEEPING, 1).await;
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(runs[0].outcome, RunOutcome::Succeeded, "{runs:?}");
        assert!(
            runs[0].detail.as_deref().unwrap().contains("0 filas en total"),
            "{runs:?}"
        );
        // The request was taken: nothing more runs (a fresh database is not due).
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        assert_eq!(db.job_runs(job_ids::HOUSEKEEPING, 50).await.unwrap().len(), 1);
        assert!(
            db.job(job_ids::HOUSEKEEPING, now())
                .await
                .unwrap()
                .run_requested_at
                .is_none()
        );

        // The daily summary with nobody to send to succeeds and says so.
        db.request_job_run(job_ids::DAILY_SUMMARY, now()).await.unwrap();
        let runs = wait_for_runs(&db, job_ids::DAILY_SUMMARY, 1).await;
        assert_eq!(runs[0].outcome, RunOutcome::Succeeded, "{runs:?}");
        assert_eq!(
            runs[0].detail.as_deref(),
            Some("Resumen enviado a 0 administrador(es).")
        );

        stop.cancel();
        tokio::time::timeout(StdDuration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_request_made_in_this_process_wakes_the_scheduler_at_once() {
        let (db, config, _dir) = world().await;
        let stop = CancellationToken::new();
        // Polling once an hour: only the notification can start the run in time.
        let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), &config).unwrap(), stop.clone())
            .with_options(SchedulerOptions {
                poll: StdDuration::from_secs(3600),
                grace: StdDuration::from_millis(200),
            });
        let handle = scheduler.handle();
        let task = tokio::spawn(scheduler.run());
        // Let it reach its sleep first.
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        db.request_job_run(job_ids::HOUSEKEEPING, now()).await.unwrap();
        handle.notify();
        let runs = wait_for_runs(&db, job_ids::HOUSEKEEPING, 1).await;
        assert_eq!(runs.len(), 1, "woken by the notification");
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn a_job_due_on_its_schedule_runs_once_and_waits_for_the_next_slot() {
        let (db, config, _dir) = world().await;
        // Every minute, counted from two and a half minutes ago: missed twice, caught up once.
        db.update_job(
            job_ids::HOUSEKEEPING,
            JobUpdate {
                schedule: Some("every 1m".into()),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
        sqlx::query("UPDATE jobs SET created_at = ?1, schedule_changed_at = ?1 WHERE id = ?2")
            .bind(now() - chrono::Duration::seconds(150))
            .bind(job_ids::HOUSEKEEPING)
            .execute(db.pool())
            .await
            .unwrap();
        let stop = CancellationToken::new();
        let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), &config).unwrap(), stop.clone())
            .with_options(options());
        let task = tokio::spawn(scheduler.run());
        let runs = wait_for_runs(&db, job_ids::HOUSEKEEPING, 1).await;
        assert_eq!(runs.len(), 1);
        tokio::time::sleep(StdDuration::from_millis(400)).await;
        let runs = db.job_runs(job_ids::HOUSEKEEPING, 50).await.unwrap();
        assert_eq!(runs.len(), 1, "one catch-up, not one per missed slot: {runs:?}");
        let job = db.job(job_ids::HOUSEKEEPING, now()).await.unwrap();
        assert_eq!(job.next_run_at, Some(runs[0].started_at + chrono::Duration::minutes(1)));
        // Nothing else was due.
        for other in [job_ids::BACKUP, job_ids::DAILY_SUMMARY] {
            assert!(db.job_runs(other, 5).await.unwrap().is_empty(), "{other}");
        }
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn a_run_left_running_by_a_crash_is_closed_at_start_and_a_busy_job_is_not_doubled() {
        let (db, config, _dir) = world().await;
        let stale = db.start_job_run(job_ids::BACKUP, now()).await.unwrap().unwrap();
        let stop = CancellationToken::new();
        let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), &config).unwrap(), stop.clone())
            .with_options(options());
        let task = tokio::spawn(scheduler.run());
        let deadline = Instant::now() + StdDuration::from_secs(10);
        let closed = loop {
            let runs = db.job_runs(job_ids::BACKUP, 5).await.unwrap();
            if runs[0].outcome != RunOutcome::Running || Instant::now() > deadline {
                break runs;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        };
        assert_eq!(closed[0].id, stale.id);
        assert_eq!(closed[0].outcome, RunOutcome::Failed);
        assert_eq!(closed[0].detail.as_deref(), Some(INTERRUPTED));

        // A run held by "another process" (started here by hand) is not doubled by a request.
        let held = db.start_job_run(job_ids::HOUSEKEEPING, now()).await.unwrap().unwrap();
        db.request_job_run(job_ids::HOUSEKEEPING, now()).await.unwrap();
        tokio::time::sleep(StdDuration::from_millis(300)).await;
        assert_eq!(db.job_runs(job_ids::HOUSEKEEPING, 5).await.unwrap().len(), 1);
        // Once it ends, the request is served.
        db.finish_job_run(held.id, RunOutcome::Succeeded, "ok", now())
            .await
            .unwrap();
        let runs = wait_for_runs(&db, job_ids::HOUSEKEEPING, 2).await;
        assert_eq!(runs.len(), 2, "{runs:?}");
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn run_now_runs_in_this_process_and_refuses_a_busy_or_unknown_job() {
        let (db, config, dir) = world().await;
        // The backups go where the configuration says, photos included.
        let config = Config {
            backup_dir: Some(dir.path().join("other-disk/cm")),
            ..config
        };
        let photo = config.photo_dir().join("1/-100/2026-11-22/x_1.jpg");
        std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
        std::fs::write(&photo, b"jpeg bytes").unwrap();
        let runner = JobRunner::new(db.clone(), &config).unwrap();
        let run = run_now(&db, &runner, job_ids::BACKUP).await.unwrap().unwrap();
        assert_eq!(run.outcome, RunOutcome::Succeeded, "{run:?}");
        let detail = run.detail.unwrap();
        assert!(
            detail.contains("verificada")
                && detail.contains("0 copia(s) anterior(es)")
                && detail.contains("Fotos: 1 nueva(s) (10 B), 0 ya estaban"),
            "{detail}"
        );
        let backups = centermind_core::store::list_backups(&dir.path().join("other-disk/cm"))
            .await
            .unwrap();
        assert_eq!(backups.len(), 1);
        assert_eq!(
            std::fs::read(dir.path().join("other-disk/cm/photos/1/-100/2026-11-22/x_1.jpg")).unwrap(),
            b"jpeg bytes"
        );
        assert!(!dir.path().join("backups").exists());

        let held = db.start_job_run(job_ids::HOUSEKEEPING, now()).await.unwrap().unwrap();
        assert_eq!(run_now(&db, &runner, job_ids::HOUSEKEEPING).await.unwrap(), None);
        db.finish_job_run(held.id, RunOutcome::Succeeded, "ok", now())
            .await
            .unwrap();
        assert!(run_now(&db, &runner, "nope").await.is_err());
    }

    #[tokio::test]
    async fn a_slow_run_is_cut_short_at_shutdown_after_the_grace() {
        let (db, config, _dir) = world().await;
        // A summary to an admin whose Telegram never answers (a server that accepts and stays silent).
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = silent.local_addr().unwrap();
        let _keep = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((s, _)) = silent.accept().await {
                held.push(s);
            }
        });
        let config = Config {
            telegram_api_url: format!("http://{addr}"),
            ..config
        };
        db.create_distributor(centermind_core::store::NewDistributor {
            name: "Sur".into(),
            time_zone: None,
            bot_token: Some(centermind_core::Secret::new(
                "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw".into(),
            )),
            admin_telegram_id: Some(42),
        })
        .await
        .unwrap();
        let stop = CancellationToken::new();
        let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), &config).unwrap(), stop.clone())
            .with_options(options());
        let task = tokio::spawn(scheduler.run());
        db.request_job_run(job_ids::DAILY_SUMMARY, now()).await.unwrap();
        let deadline = Instant::now() + StdDuration::from_secs(10);
        while db.job_runs(job_ids::DAILY_SUMMARY, 1).await.unwrap().is_empty() && Instant::now() < deadline {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
        let stopping = Instant::now();
        stop.cancel();
        tokio::time::timeout(StdDuration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
        assert!(
            stopping.elapsed() < StdDuration::from_secs(3),
            "{:?}",
            stopping.elapsed()
        );
        let runs = db.job_runs(job_ids::DAILY_SUMMARY, 5).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].outcome, RunOutcome::Failed);
        assert_eq!(runs[0].detail.as_deref(), Some(INTERRUPTED));
    }

    #[test]
    fn a_requested_job_goes_before_a_scheduled_one() {
        let at = now();
        let job = |id: &str, requested: bool, due: bool| Job {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            schedule: "every 1h".parse().unwrap(),
            time_zone: chrono_tz::UTC,
            active: true,
            last_run_at: None,
            next_run_at: None,
            run_requested_at: requested.then_some(at),
            last_run: None,
            created_at: if due { at - chrono::Duration::hours(3) } else { at },
            updated_at: at,
            schedule_changed_at: None,
        };
        let jobs = [job("a", false, true), job("b", true, false), job("c", false, false)];
        let (first, slot) = next_due(&jobs, at).unwrap();
        assert_eq!((first.id.as_str(), slot), ("b", at));
        // Three hours behind an hourly schedule: one run, for the latest slot.
        let (second, slot) = next_due(&jobs[..1], at).unwrap();
        assert_eq!((second.id.as_str(), slot), ("a", at));
        assert!(next_due(&jobs[2..], at).is_none());
        assert_eq!(until_next(&jobs[2..], at), StdDuration::from_secs(3600));
    }
}
