//! The server's scheduled jobs ("Tareas programadas"): list them, pause or resume
//! them, change their schedule, run one now and read its history. They concern
//! every distributor, so only the superadmin reaches them (the server answers
//! `forbidden` to anyone else).

use tauri::State;

use crate::commands::local::start_local_server;
use crate::error::{CommandError, CommandResult};
use crate::model::jobs::{Backups, Job, JobChanges, JobRun, Restored, runs_limit};
use crate::session::Shell;
use crate::sidecar::{LocalServer, restore_backup, sidecar_path};

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

/// The database copies in the server's backup folder, newest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_backups(shell: State<'_, Shell>) -> CommandResult<Backups> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.backups(&token).await).await
}

/// "Este equipo" only: puts the copy `file_name` back in place of the database.
/// The server checks that the caller is the superadmin and that the copy is one
/// of its backups; then the app stops its local server, runs
/// `centermind-sidecar backup restore` (which keeps the replaced database and
/// brings back missing photos), starts the server again and signs out: the
/// sessions are the copy's now.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, local))]
pub async fn restore_local_backup(
    shell: State<'_, Shell>,
    local: State<'_, LocalServer>,
    file_name: String,
) -> CommandResult<Restored> {
    if !shell.local() || local.pid().is_none() {
        return Err(CommandError::Forbidden {
            message: "Solo se restaura desde el equipo donde corre el servidor (modo «este equipo»): en un servidor, con `centermind-sidecar backup restore`.".into(),
        });
    }
    let (backend, token) = shell.authed()?;
    let listed = shell.check(backend.backups(&token).await).await?;
    if !listed.backups.iter().any(|b| b.file_name == file_name) {
        return Err(CommandError::NotFound {
            message: format!("No hay una copia «{file_name}» en {}.", listed.dir),
        });
    }
    let program = sidecar_path().map_err(|message| CommandError::LocalServer { message })?;
    tracing::info!(file_name, "restoring a backup: stopping the local server");
    local.stop();
    let name = file_name.clone();
    let restored = tauri::async_runtime::spawn_blocking(move || restore_backup(&program, &name))
        .await
        .map_err(CommandError::internal)?;
    // Started again whatever happened: a refused restore left the database as it was.
    let started = start_local_server(shell.clone(), local).await;
    let report = restored.map_err(|message| CommandError::Invalid {
        message: format!("No se restauró la copia: {message}"),
    })?;
    started?;
    tracing::info!(file_name, "backup restored; signing out");
    if let Err(e) = shell.end_session(true).await {
        // Signed out all the same; without a credential store there is nothing to forget.
        tracing::warn!(error = %e, "could not forget the remembered token");
    }
    Ok(Restored { file_name, report })
}
