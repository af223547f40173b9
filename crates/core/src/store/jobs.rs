//! Scheduled jobs (`jobs`) and their run history (`job_runs`).
//!
//! The jobs are built in (seeded by a migration, see [`job_ids`]); what an
//! administrator changes is whether each one is active, its schedule and its
//! time zone, and they can ask for a run now. The scheduler of
//! `centermind-sidecar run` reads them, starts a run (at most one per job at
//! a time, also across processes), and records how it ended.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::Db;
use super::writer::{ExecuteWrite, FetchWrite};
use crate::domain::schedule::{Schedule, parse_job_time_zone};
use crate::{Error, Result};

/// Ids of the built-in jobs.
pub mod job_ids {
    /// `VACUUM INTO` a verified copy of the database in `<data_dir>/backups/`.
    pub const BACKUP: &str = "backup";
    /// Delete what no flow needs any more (see `Db::housekeeping`).
    pub const HOUSEKEEPING: &str = "housekeeping";
    /// The day's figures to each distributor's admin in Telegram.
    pub const DAILY_SUMMARY: &str = "daily_summary";
}

/// How a run ended (or that it has not yet).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum RunOutcome {
    Running,
    Succeeded,
    Failed,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// One run of a job.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobRun {
    pub id: i64,
    pub job_id: String,
    pub started_at: DateTime<Utc>,
    /// `None` while running.
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: RunOutcome,
    /// What the run did or why it failed, in Spanish (e.g. the backup's file and size).
    pub detail: Option<String>,
    /// While running: how long it has been going by the server's clock when
    /// it was read ([`JobRun::seen_at`]), so a client with a wrong clock still
    /// shows the right time.
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_for_ms: Option<i64>,
}

impl JobRun {
    /// The run as read at `at`: `running_for_ms` set while it runs.
    #[must_use]
    pub fn seen_at(mut self, at: DateTime<Utc>) -> Self {
        self.running_for_ms = self
            .finished_at
            .is_none()
            .then(|| (at - self.started_at).num_milliseconds().max(0));
        self
    }
}

/// A job as the admin screens and the scheduler see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// `backup`, `housekeeping`, `daily_summary`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// `every 15m`, `every 2h` or `daily 03:00`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "daily 03:00"))]
    pub schedule: Schedule,
    /// IANA zone in which a `daily` time is read.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "America/Argentina/Buenos_Aires"))]
    pub time_zone: Tz,
    /// `false`: paused (it still runs when asked to run now).
    pub active: bool,
    /// When its latest run started.
    pub last_run_at: Option<DateTime<Utc>>,
    /// When it runs next on its schedule; `None` while paused. At or before
    /// the current time: overdue (it runs as soon as the service can).
    pub next_run_at: Option<DateTime<Utc>>,
    /// A "run now" not yet picked up by the service.
    pub run_requested_at: Option<DateTime<Utc>>,
    /// Its latest run (possibly still running).
    pub last_run: Option<JobRun>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When its schedule or zone last changed or it was resumed (internal).
    #[serde(skip)]
    pub schedule_changed_at: Option<DateTime<Utc>>,
}

impl Job {
    /// What the next run counts from: the latest of its last run, its last
    /// schedule change or resumption, and its creation.
    pub fn anchor(&self) -> DateTime<Utc> {
        [self.last_run_at, self.schedule_changed_at]
            .into_iter()
            .flatten()
            .fold(self.created_at, DateTime::max)
    }

    /// When it runs next on its schedule (see [`Schedule::next_after`]); `None` while paused.
    pub fn next_run(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.active
            .then(|| self.schedule.next_after(self.anchor(), now, self.time_zone))
    }

    /// Whether it should start at `now`: asked to, or active and due.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.run_requested_at.is_some() || self.next_run(now).is_some_and(|t| t <= now)
    }

    /// Whether its latest run is still going.
    pub fn is_running(&self) -> bool {
        self.last_run.as_ref().is_some_and(|r| r.outcome == RunOutcome::Running)
    }
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: String,
    name: String,
    description: String,
    schedule: String,
    time_zone: String,
    active: bool,
    last_run_at: Option<DateTime<Utc>>,
    run_requested_at: Option<DateTime<Utc>>,
    schedule_changed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const SELECT_JOB: &str = "SELECT id, name, description, schedule, time_zone, active, last_run_at, run_requested_at, \
     schedule_changed_at, created_at, updated_at FROM jobs";
const SELECT_RUN: &str = "SELECT id, job_id, started_at, finished_at, outcome, detail FROM job_runs";

/// What an administrator may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobUpdate {
    pub active: Option<bool>,
    /// Parsed and stored in its canonical form (`every 120m` → `every 2h`).
    pub schedule: Option<String>,
    /// An IANA name.
    pub time_zone: Option<String>,
}

/// The detail of runs found `running` when the service starts: the process
/// that ran them stopped before recording how they ended.
pub const INTERRUPTED: &str = "interrumpida: el servicio se detuvo";

impl Db {
    /// Every job with its latest run, by id; `next_run_at` as seen at `now`.
    pub async fn list_jobs(&self, now: DateTime<Utc>) -> Result<Vec<Job>> {
        let rows: Vec<JobRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_JOB} ORDER BY id")))
            .fetch_all(self.pool())
            .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            jobs.push(self.job_from_row(row, now).await?);
        }
        Ok(jobs)
    }

    pub async fn job(&self, id: &str, now: DateTime<Utc>) -> Result<Job> {
        let row: JobRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_JOB} WHERE id = ?")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound { entity: "job" })?;
        self.job_from_row(row, now).await
    }

    async fn job_from_row(&self, r: JobRow, now: DateTime<Utc>) -> Result<Job> {
        let last_run: Option<JobRun> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_RUN} WHERE job_id = ? ORDER BY started_at DESC, id DESC LIMIT 1"
        )))
        .bind(&r.id)
        .fetch_optional(self.pool())
        .await?
        .map(|run: JobRun| run.seen_at(now));
        let mut job = Job {
            schedule: r.schedule.parse()?,
            time_zone: parse_job_time_zone(&r.time_zone)?,
            id: r.id,
            name: r.name,
            description: r.description,
            active: r.active,
            last_run_at: r.last_run_at,
            next_run_at: None,
            run_requested_at: r.run_requested_at,
            last_run,
            created_at: r.created_at,
            updated_at: r.updated_at,
            schedule_changed_at: r.schedule_changed_at,
        };
        job.next_run_at = job.next_run(now);
        Ok(job)
    }

    /// Pause or resume a job, or change its schedule or time zone (checked
    /// first: a bad one changes nothing). A new schedule or zone, or resuming,
    /// restarts the count: the next run is counted from `at`, not from the
    /// last run, so no "missed" run starts at once.
    pub async fn update_job(&self, id: &str, update: JobUpdate, at: DateTime<Utc>) -> Result<Job> {
        let schedule = update
            .schedule
            .as_deref()
            .map(str::parse::<Schedule>)
            .transpose()?
            .map(|s| s.to_string());
        let time_zone = update
            .time_zone
            .as_deref()
            .map(parse_job_time_zone)
            .transpose()?
            .map(|tz| tz.name().to_string());
        let mut tx = self.begin_write().await?;
        let current: Option<(String, String, bool)> =
            sqlx::query_as("SELECT schedule, time_zone, active FROM jobs WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((old_schedule, old_zone, was_active)) = current else {
            return Err(Error::NotFound { entity: "job" });
        };
        let restarts = schedule.as_ref().is_some_and(|s| *s != old_schedule)
            || time_zone.as_ref().is_some_and(|z| *z != old_zone)
            || (update.active == Some(true) && !was_active);
        sqlx::query(
            "UPDATE jobs SET schedule = coalesce(?1, schedule), time_zone = coalesce(?2, time_zone), \
               active = coalesce(?3, active), \
               schedule_changed_at = CASE WHEN ?4 THEN ?5 ELSE schedule_changed_at END, updated_at = ?5 \
             WHERE id = ?6",
        )
        .bind(schedule)
        .bind(time_zone)
        .bind(update.active)
        .bind(restarts)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.job(id, at).await
    }

    /// Ask for a run as soon as possible (also of a paused job). The service
    /// picks it up within seconds, also when asked from another process; a
    /// request made while the job runs gives one more run after it.
    pub async fn request_job_run(&self, id: &str, at: DateTime<Utc>) -> Result<Job> {
        let n = sqlx::query("UPDATE jobs SET run_requested_at = coalesce(run_requested_at, ?) WHERE id = ?")
            .bind(at)
            .bind(id)
            .execute_write(self)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound { entity: "job" });
        }
        self.job(id, at).await
    }

    /// Start a run of `id`: records it as running, notes `last_run_at` and
    /// takes the pending "run now" request. `None` when the job is already
    /// running (here or in another process): a job never runs twice at once.
    pub async fn start_job_run(&self, id: &str, at: DateTime<Utc>) -> Result<Option<JobRun>> {
        let mut tx = self.begin_write().await?;
        let exists: Option<bool> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM job_runs WHERE job_id = ?1 AND outcome = 'running') FROM jobs WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        match exists {
            None => return Err(Error::NotFound { entity: "job" }),
            Some(true) => return Ok(None),
            Some(false) => {}
        }
        let run: JobRun = sqlx::query_as(
            "INSERT INTO job_runs (job_id, started_at, outcome) VALUES (?, ?, 'running') \
             RETURNING id, job_id, started_at, finished_at, outcome, detail",
        )
        .bind(id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE jobs SET last_run_at = ?1, run_requested_at = NULL WHERE id = ?2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(run))
    }

    /// Record how a run ended. Only a running run changes; returns whether it did.
    pub async fn finish_job_run(
        &self,
        run_id: i64,
        outcome: RunOutcome,
        detail: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        if outcome == RunOutcome::Running {
            return Err(Error::invalid(
                "outcome",
                "una ejecución termina como succeeded o failed",
            ));
        }
        Ok(sqlx::query(
            "UPDATE job_runs SET outcome = ?, detail = ?, finished_at = ? WHERE id = ? AND outcome = 'running'",
        )
        .bind(outcome)
        .bind(detail)
        .bind(at)
        .bind(run_id)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1)
    }

    /// The runs of a job, newest first, at most `limit` (1–500).
    pub async fn job_runs(&self, id: &str, limit: u32) -> Result<Vec<JobRun>> {
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM jobs WHERE id = ?)")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        if !exists {
            return Err(Error::NotFound { entity: "job" });
        }
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_RUN} WHERE job_id = ? ORDER BY started_at DESC, id DESC LIMIT ?"
        )))
        .bind(id)
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(self.pool())
        .await?)
    }

    /// At start-up: runs still marked running were cut short when the process
    /// that ran them stopped; they become failed ([`INTERRUPTED`]). Returns them.
    pub async fn fail_interrupted_job_runs(&self, at: DateTime<Utc>) -> Result<Vec<JobRun>> {
        sqlx::query_as(
            "UPDATE job_runs SET outcome = 'failed', finished_at = ?1, \
               detail = CASE WHEN detail IS NULL OR detail = '' THEN ?2 ELSE ?2 || ' (' || detail || ')' END \
             WHERE outcome = 'running' RETURNING id, job_id, started_at, finished_at, outcome, detail",
        )
        .bind(at)
        .bind(INTERRUPTED)
        .fetch_all_write(self)
        .await
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::store::now;
    use crate::store::test_support::temp_db;

    #[tokio::test]
    async fn the_built_in_jobs_are_seeded_with_their_schedules() {
        let (db, _d) = temp_db().await;
        let at = now();
        let jobs = db.list_jobs(at).await.unwrap();
        let summary: Vec<(&str, String, &str, bool)> = jobs
            .iter()
            .map(|j| (j.id.as_str(), j.schedule.to_string(), j.time_zone.name(), j.active))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    job_ids::BACKUP,
                    "daily 03:00".to_string(),
                    "America/Argentina/Buenos_Aires",
                    true
                ),
                (
                    job_ids::DAILY_SUMMARY,
                    "daily 20:00".to_string(),
                    "America/Argentina/Buenos_Aires",
                    true
                ),
                (
                    job_ids::HOUSEKEEPING,
                    "every 1h".to_string(),
                    "America/Argentina/Buenos_Aires",
                    true
                ),
            ]
        );
        for j in &jobs {
            assert!(!j.name.is_empty() && !j.description.is_empty());
            assert_eq!(j.last_run, None);
            // Counted from the migration: not due on a fresh database.
            assert!(j.next_run_at.unwrap() > at, "{}", j.id);
            assert!(!j.is_due(at));
        }
        let hk = db.job(job_ids::HOUSEKEEPING, at).await.unwrap();
        assert_eq!(hk.next_run_at, Some(hk.created_at + Duration::hours(1)));
        assert!(matches!(db.job("nope", at).await, Err(Error::NotFound { .. })));
    }

    #[tokio::test]
    async fn a_run_is_started_once_finished_once_and_listed_newest_first() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let run = db.start_job_run(job_ids::BACKUP, t0).await.unwrap().unwrap();
        assert_eq!(run.outcome, RunOutcome::Running);
        // Never twice at once, not even from a second handle (another process).
        assert_eq!(db.start_job_run(job_ids::BACKUP, t0).await.unwrap(), None);
        let dir = _d.path().join("test.db");
        let other = Db::open(&format!("sqlite://{}", dir.display())).await.unwrap();
        assert_eq!(other.start_job_run(job_ids::BACKUP, t0).await.unwrap(), None);
        // Another job may run meanwhile.
        assert!(other.start_job_run(job_ids::HOUSEKEEPING, t0).await.unwrap().is_some());

        let job = db.job(job_ids::BACKUP, t0).await.unwrap();
        assert!(job.is_running());
        assert_eq!(job.last_run_at, Some(t0));

        let t1 = t0 + Duration::seconds(3);
        assert!(
            db.finish_job_run(run.id, RunOutcome::Succeeded, "copia lista", t1)
                .await
                .unwrap()
        );
        assert!(
            !db.finish_job_run(run.id, RunOutcome::Failed, "otra vez", t1)
                .await
                .unwrap()
        );
        assert!(db.finish_job_run(run.id, RunOutcome::Running, "x", t1).await.is_err());
        let second = db.start_job_run(job_ids::BACKUP, t1).await.unwrap().unwrap();
        db.finish_job_run(second.id, RunOutcome::Failed, "disco lleno", t1 + Duration::seconds(1))
            .await
            .unwrap();

        let runs = db.job_runs(job_ids::BACKUP, 10).await.unwrap();
        assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [second.id, run.id]);
        assert_eq!(runs[1].detail.as_deref(), Some("copia lista"));
        assert_eq!(runs[1].finished_at, Some(t1));
        assert_eq!(runs[0].outcome, RunOutcome::Failed);
        assert_eq!(db.job_runs(job_ids::BACKUP, 1).await.unwrap().len(), 1);
        assert!(matches!(db.job_runs("nope", 10).await, Err(Error::NotFound { .. })));
        let job = db.job(job_ids::BACKUP, t1).await.unwrap();
        assert_eq!(job.last_run.as_ref().map(|r| r.id), Some(second.id));
        assert!(!job.is_running());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_starts_give_exactly_one_run() {
        let (db, dir) = temp_db().await;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let other = Db::open(&url).await.unwrap();
        let at = now();
        let starts: Vec<_> = (0..20)
            .map(|i| {
                let db = if i % 2 == 0 { db.clone() } else { other.clone() };
                tokio::spawn(async move { db.start_job_run(job_ids::HOUSEKEEPING, at).await.unwrap() })
            })
            .collect();
        let mut started = 0;
        for s in starts {
            started += usize::from(s.await.unwrap().is_some());
        }
        assert_eq!(started, 1);
    }

    #[tokio::test]
    async fn stale_running_runs_become_failed_at_start_up() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let stale = db.start_job_run(job_ids::BACKUP, t0).await.unwrap().unwrap();
        let done = db.start_job_run(job_ids::HOUSEKEEPING, t0).await.unwrap().unwrap();
        db.finish_job_run(done.id, RunOutcome::Succeeded, "ok", t0)
            .await
            .unwrap();
        let t1 = t0 + Duration::minutes(5);
        let failed = db.fail_interrupted_job_runs(t1).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, stale.id);
        assert_eq!(failed[0].outcome, RunOutcome::Failed);
        assert_eq!(failed[0].detail.as_deref(), Some(INTERRUPTED));
        assert_eq!(failed[0].finished_at, Some(t1));
        // The finished one is untouched, and the job may run again.
        let runs = db.job_runs(job_ids::HOUSEKEEPING, 5).await.unwrap();
        assert_eq!(runs[0].detail.as_deref(), Some("ok"));
        assert!(db.start_job_run(job_ids::BACKUP, t1).await.unwrap().is_some());
        assert!(db.fail_interrupted_job_runs(t1).await.unwrap().len() == 1);
        assert!(db.fail_interrupted_job_runs(t1).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn updates_are_validated_and_restart_the_count() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let before = db.job(job_ids::BACKUP, t0).await.unwrap();
        // Bad values change nothing.
        for bad in [
            JobUpdate {
                schedule: Some("weekly".into()),
                active: Some(false),
                ..Default::default()
            },
            JobUpdate {
                time_zone: Some("Mars/Olympus".into()),
                active: Some(false),
                ..Default::default()
            },
        ] {
            let err = db.update_job(job_ids::BACKUP, bad, t0).await.unwrap_err();
            assert!(matches!(err, Error::Schedule(_)), "{err}");
        }
        assert_eq!(db.job(job_ids::BACKUP, t0).await.unwrap(), before);
        assert!(matches!(
            db.update_job("nope", JobUpdate::default(), t0).await,
            Err(Error::NotFound { .. })
        ));

        // The job ran yesterday at 03:00 local; now (a day later) 04:00 would be "missed"…
        let t1 = t0 + Duration::days(2);
        let ran = t1 - Duration::days(1) - Duration::hours(1);
        let run = db.start_job_run(job_ids::BACKUP, ran).await.unwrap().unwrap();
        db.finish_job_run(run.id, RunOutcome::Succeeded, "ok", ran)
            .await
            .unwrap();
        // …but changing the schedule counts from the change: nothing starts at once.
        let changed = db
            .update_job(
                job_ids::BACKUP,
                JobUpdate {
                    schedule: Some("Every 120m".into()),
                    time_zone: Some("Europe/Madrid".into()),
                    active: None,
                },
                t1,
            )
            .await
            .unwrap();
        assert_eq!(changed.schedule.to_string(), "every 2h");
        assert_eq!(changed.time_zone.name(), "Europe/Madrid");
        assert_eq!(changed.next_run_at, Some(t1 + Duration::hours(2)));
        assert_eq!(changed.updated_at, t1);

        // Paused: no next run; resumed later: counted from the resumption.
        let paused = db
            .update_job(
                job_ids::BACKUP,
                JobUpdate {
                    active: Some(false),
                    ..Default::default()
                },
                t1,
            )
            .await
            .unwrap();
        assert!(!paused.active);
        assert_eq!(paused.next_run_at, None);
        assert!(!paused.is_due(t1 + Duration::days(3)));
        let t2 = t1 + Duration::days(3);
        let resumed = db
            .update_job(
                job_ids::BACKUP,
                JobUpdate {
                    active: Some(true),
                    ..Default::default()
                },
                t2,
            )
            .await
            .unwrap();
        assert_eq!(resumed.next_run_at, Some(t2 + Duration::hours(2)));
        // Setting the same values again is not a change.
        let same = db
            .update_job(
                job_ids::BACKUP,
                JobUpdate {
                    active: Some(true),
                    schedule: Some("every 2h".into()),
                    time_zone: Some("Europe/Madrid".into()),
                },
                t2 + Duration::minutes(30),
            )
            .await
            .unwrap();
        assert_eq!(same.next_run_at, Some(t2 + Duration::hours(2)));
    }

    #[tokio::test]
    async fn a_requested_run_is_due_until_a_run_takes_it() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        // Also a paused job runs when asked.
        db.update_job(
            job_ids::DAILY_SUMMARY,
            JobUpdate {
                active: Some(false),
                ..Default::default()
            },
            t0,
        )
        .await
        .unwrap();
        let job = db.request_job_run(job_ids::DAILY_SUMMARY, t0).await.unwrap();
        assert_eq!(job.run_requested_at, Some(t0));
        assert!(job.is_due(t0));
        // Asking again keeps the first request.
        let again = db
            .request_job_run(job_ids::DAILY_SUMMARY, t0 + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(again.run_requested_at, Some(t0));
        assert!(matches!(
            db.request_job_run("nope", t0).await,
            Err(Error::NotFound { .. })
        ));

        let t1 = t0 + Duration::seconds(2);
        let run = db.start_job_run(job_ids::DAILY_SUMMARY, t1).await.unwrap().unwrap();
        let job = db.job(job_ids::DAILY_SUMMARY, t1).await.unwrap();
        assert_eq!(job.run_requested_at, None);
        assert!(!job.is_due(t1));
        // A request while it runs gives one more run afterwards.
        db.request_job_run(job_ids::DAILY_SUMMARY, t1).await.unwrap();
        db.finish_job_run(run.id, RunOutcome::Succeeded, "ok", t1)
            .await
            .unwrap();
        assert!(db.job(job_ids::DAILY_SUMMARY, t1).await.unwrap().is_due(t1));
    }

    #[tokio::test]
    async fn jobs_serialise_with_the_fields_the_desktop_app_reads() {
        let (db, _d) = temp_db().await;
        let at = now();
        let run = db.start_job_run(job_ids::BACKUP, at).await.unwrap().unwrap();
        db.finish_job_run(run.id, RunOutcome::Succeeded, "copia", at)
            .await
            .unwrap();
        let value = serde_json::to_value(db.job(job_ids::BACKUP, at).await.unwrap()).unwrap();
        let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "active",
                "created_at",
                "description",
                "id",
                "last_run",
                "last_run_at",
                "name",
                "next_run_at",
                "run_requested_at",
                "schedule",
                "time_zone",
                "updated_at"
            ]
        );
        assert_eq!(value["schedule"], "daily 03:00");
        assert_eq!(value["time_zone"], "America/Argentina/Buenos_Aires");
        assert_eq!(value["last_run"]["outcome"], "succeeded");
        let mut run_keys: Vec<&str> = value["last_run"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        run_keys.sort_unstable();
        assert_eq!(
            run_keys,
            ["detail", "finished_at", "id", "job_id", "outcome", "started_at"]
        );
    }
}
