//! The server's scheduled jobs (backup, housekeeping, daily summary): the shapes of
//! `/api/v1/jobs`, mirrored from core's `store::jobs` (the desktop does not link
//! `centermind-core`). Only the superadmin reaches them.

use serde::{Deserialize, Serialize};

/// How many runs the history shows when the UI does not say.
pub const DEFAULT_RUNS: u32 = 20;
/// The most runs the server answers at once.
pub const MAX_RUNS: u32 = 500;

/// How a run ended, or that it has not yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum RunOutcome {
    Running,
    Succeeded,
    Failed,
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct JobRun {
    pub id: i64,
    pub job_id: String,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; `null` while running.
    pub finished_at: Option<String>,
    pub outcome: RunOutcome,
    /// What the run did or why it failed, in Spanish (e.g. the backup's file and size).
    pub detail: Option<String>,
    /// While running: for how long, by the server's clock when it answered
    /// (absent from an older server and once finished).
    #[serde(default)]
    pub running_for_ms: Option<i64>,
}

/// A scheduled job as the server shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Job {
    /// `backup`, `housekeeping` or `daily_summary`.
    pub id: String,
    /// In Spanish, e.g. "Copia de seguridad de la base de datos".
    pub name: String,
    /// What it does, in Spanish.
    pub description: String,
    /// Canonical: `every 15m`, `every 2h` or `daily 03:00`.
    pub schedule: String,
    /// IANA zone in which a `daily` time is read.
    pub time_zone: String,
    /// `false`: paused (a "run now" still runs it).
    pub active: bool,
    /// RFC 3339: when its latest run started.
    pub last_run_at: Option<String>,
    /// RFC 3339: when it runs next on its schedule; `null` while paused; at or
    /// before now: overdue (it runs as soon as the service can).
    pub next_run_at: Option<String>,
    /// RFC 3339: a "run now" the service has not picked up yet.
    pub run_requested_at: Option<String>,
    /// Its latest run, possibly still running.
    pub last_run: Option<JobRun>,
    pub created_at: String,
    pub updated_at: String,
}

/// A change to a job: only the fields that are set are sent (the server refuses
/// unknown fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct JobChanges {
    /// `false` pauses the job, `true` resumes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `every 15m`, `every 2h` (1 minute to 7 days) or `daily HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// IANA zone in which a daily time is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

impl JobChanges {
    /// The same changes with the texts trimmed, as the server reads them.
    #[must_use]
    pub fn trimmed(self) -> Self {
        let trim = |s: Option<String>| s.map(|s| s.trim().to_string());
        Self {
            active: self.active,
            schedule: trim(self.schedule),
            time_zone: trim(self.time_zone),
        }
    }
}

/// The `limit` of a history request: [`DEFAULT_RUNS`] when absent, at most [`MAX_RUNS`].
#[must_use]
pub fn runs_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_RUNS).clamp(1, MAX_RUNS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_job_reads_the_api_shape() {
        let json = serde_json::json!({
            "id": "backup", "name": "Copia de seguridad de la base de datos",
            "description": "Copia completa y verificada…",
            "schedule": "daily 03:00", "time_zone": "America/Argentina/Buenos_Aires",
            "active": true,
            "last_run_at": "2026-11-23T06:00:00.123Z",
            "next_run_at": "2026-11-24T06:00:00Z",
            "run_requested_at": null,
            "last_run": {
                "id": 7, "job_id": "backup",
                "started_at": "2026-11-23T06:00:00.123Z", "finished_at": "2026-11-23T06:00:01.456Z",
                "outcome": "succeeded", "detail": "Copia backups/centermind-….db (1,2 MB) verificada en 80 ms"
            },
            "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
        });
        let job: Job = serde_json::from_value(json).unwrap();
        assert_eq!(job.schedule, "daily 03:00");
        let run = job.last_run.unwrap();
        assert_eq!((run.id, run.outcome), (7, RunOutcome::Succeeded));
        assert!(run.detail.unwrap().starts_with("Copia"));

        // Paused, never run: the nulls the server sends.
        let paused = serde_json::json!({
            "id": "housekeeping", "name": "Limpieza", "description": "Borra…",
            "schedule": "every 1h", "time_zone": "UTC", "active": false,
            "last_run_at": null, "next_run_at": null, "run_requested_at": "2026-11-23T10:00:00Z",
            "last_run": null, "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-02T00:00:00Z"
        });
        let job: Job = serde_json::from_value(paused).unwrap();
        assert!(!job.active && job.next_run_at.is_none() && job.last_run.is_none());
        assert!(job.run_requested_at.is_some());

        let running: JobRun = serde_json::from_value(serde_json::json!({
            "id": 8, "job_id": "backup", "started_at": "2026-11-23T10:00:00Z",
            "finished_at": null, "outcome": "running", "detail": null
        }))
        .unwrap();
        assert_eq!(running.outcome, RunOutcome::Running);
        assert_eq!(running.running_for_ms, None, "an older server does not say");
        let timed: JobRun = serde_json::from_value(serde_json::json!({
            "id": 8, "job_id": "backup", "started_at": "2026-11-23T10:00:00Z",
            "finished_at": null, "outcome": "running", "detail": null, "running_for_ms": 95000
        }))
        .unwrap();
        assert_eq!(timed.running_for_ms, Some(95_000));
    }

    #[test]
    fn changes_send_only_what_is_set_and_trimmed() {
        assert_eq!(
            serde_json::to_value(JobChanges {
                active: Some(false),
                ..JobChanges::default()
            })
            .unwrap(),
            serde_json::json!({"active": false})
        );
        let changes = JobChanges {
            active: None,
            schedule: Some("  daily 04:30 ".into()),
            time_zone: Some(" America/Montevideo".into()),
        }
        .trimmed();
        assert_eq!(
            serde_json::to_value(&changes).unwrap(),
            serde_json::json!({"schedule": "daily 04:30", "time_zone": "America/Montevideo"})
        );
        assert_eq!(
            serde_json::to_value(JobChanges::default()).unwrap(),
            serde_json::json!({})
        );
        // From the UI, absent fields are `None`.
        let from_ui: JobChanges = serde_json::from_str(r#"{"schedule": "every 15m"}"#).unwrap();
        assert_eq!(from_ui.active, None);
    }

    #[test]
    fn the_history_asks_for_20_runs_unless_told_and_never_more_than_500() {
        assert_eq!(runs_limit(None), 20);
        assert_eq!(runs_limit(Some(5)), 5);
        assert_eq!(runs_limit(Some(0)), 1);
        assert_eq!(runs_limit(Some(10_000)), 500);
    }
}

/// The copies the `backup` job made on the server (`/api/v1/backups`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Backups {
    /// The backup folder on the server.
    pub dir: String,
    /// Newest first.
    pub backups: Vec<BackupCopy>,
    /// Whether the folder holds the photos' copy.
    pub photos: bool,
}

/// One copy of the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BackupCopy {
    pub file_name: String,
    /// RFC 3339.
    pub made_at: String,
    pub size_bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Restored {
    pub file_name: String,
    /// For the record: what `centermind-sidecar backup restore` reported ("este
    /// equipo"), or what the copy holds (a server).
    pub report: String,
}
