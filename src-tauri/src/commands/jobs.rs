//! The server's scheduled jobs ("Tareas programadas"): list them, pause or resume
//! them, change their schedule, run one now and read its history. They concern
//! every distributor, so only the superadmin reaches them (the server answers
//! `forbidden` to anyone else).

use tauri::State;

use crate::error::CommandResult;
use crate::model::jobs::{Job, JobChanges, JobRun, runs_limit};
use crate::session::Shell;

/// Every job with its latest run, by id.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_jobs(shell: State<'_, Shell>) -> CommandResult<Vec<Job>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.jobs(&token).await).await
}

/// Pauses (`active: false`) or resumes a job, or changes its schedule or time zone.
/// A schedule or zone the server cannot use is refused with its reason (`invalid`).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn update_job(shell: State<'_, Shell>, id: String, changes: JobChanges) -> CommandResult<Job> {
    let (backend, token) = shell.authed()?;
    let changes = changes.trimmed();
    let job = shell.check(backend.update_job(&token, &id, &changes).await).await?;
    tracing::info!(id, active = job.active, schedule = %job.schedule, time_zone = %job.time_zone, "job changed");
    Ok(job)
}

/// Asks for a run now, also of a paused job; the service starts it within seconds.
/// The answer is the job with `run_requested_at` set: follow the run with [`job_runs`].
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn run_job(shell: State<'_, Shell>, id: String) -> CommandResult<Job> {
    let (backend, token) = shell.authed()?;
    let job = shell.check(backend.run_job(&token, &id).await).await?;
    tracing::info!(id, "job run requested");
    Ok(job)
}

/// The job's runs, newest first: `limit` of them (20 when absent, at most 500).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn job_runs(shell: State<'_, Shell>, id: String, limit: Option<u32>) -> CommandResult<Vec<JobRun>> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.job_runs(&token, &id, runs_limit(limit)).await)
        .await
}
