//! The server's scheduled jobs ("Tareas programadas"): list them, pause or resume
//! them, change their schedule, run one now and read its history. They concern
//! every distributor, so only the superadmin reaches them (the server answers
//! `forbidden` to anyone else).

use std::path::PathBuf;
use std::time::Duration;

use tauri::State;

use crate::commands::local::start_local_server;
use crate::error::{CommandError, CommandResult};
use crate::model::jobs::{Backups, Job, JobChanges, JobRun, Restored, runs_limit};
use crate::model::legacy::{LegacyImport, LegacyImportInput};
use crate::session::Shell;
use crate::sidecar::LocalServer;

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

/// The backups, for a change to them on "este equipo": refused (`elsewhere` says how
/// to do it instead) unless this app runs the server, and by the server unless the
/// caller is the superadmin (only they see the backups).
async fn local_backups(shell: &Shell, local: &LocalServer, elsewhere: &str) -> CommandResult<Backups> {
    if !shell.local() || local.pid().is_none() {
        return Err(CommandError::Forbidden {
            message: elsewhere.to_string(),
        });
    }
    let (backend, token) = shell.authed()?;
    shell.check(backend.backups(&token).await).await
}

/// "Este equipo" only: puts the copy `file_name` back in place of the database.
/// The app's own server does it as a server does ([`restore_server_backup`]):
/// it checks the caller and the copy, keeps the replaced database, brings back
/// missing photos and serves again in the same process; the app waits for that
/// new start and signs out.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, local))]
pub async fn restore_local_backup(
    shell: State<'_, Shell>,
    local: State<'_, LocalServer>,
    file_name: String,
) -> CommandResult<Restored> {
    let listed = local_backups(
        &shell,
        &local,
        "Solo se restaura desde el equipo donde corre el servidor (modo «este equipo»): en un servidor, con `centermind-sidecar backup restore`.",
    )
    .await?;
    if !listed.backups.iter().any(|b| b.file_name == file_name) {
        return Err(CommandError::NotFound {
            message: format!("No hay una copia «{file_name}» en {}.", listed.dir),
        });
    }
    restore_and_wait(&shell, file_name).await
}

/// How long a server may take to stop, restore and answer again.
const SERVER_RESTORE_TIMEOUT: Duration = Duration::from_secs(120);

/// On a server (not "este equipo"): asks the server to put the copy `file_name`
/// back in place of its database. The server checks the caller and the copy,
/// answers, then stops, keeps its current database aside, restores and starts
/// again in the same process. The app waits until the server answers as a new
/// start (its health says when it started), then signs out: the copy's
/// sign-ins were ended by the restore.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn restore_server_backup(shell: State<'_, Shell>, file_name: String) -> CommandResult<Restored> {
    if shell.local() {
        return Err(CommandError::Forbidden {
            message: "En «este equipo» la copia se restaura con restore_local_backup.".into(),
        });
    }
    restore_and_wait(&shell, file_name).await
}

/// Asks the connected server to restore `file_name`, waits for its new start,
/// and signs out.
async fn restore_and_wait(shell: &Shell, file_name: String) -> CommandResult<Restored> {
    let (backend, token) = shell.authed()?;
    let before = backend.health().await?.started_at;
    let accepted = shell.check(backend.restore_backup(&token, &file_name).await).await?;
    tracing::info!(
        file_name,
        "restore accepted by the server; waiting for it to start again"
    );
    let deadline = tokio::time::Instant::now() + SERVER_RESTORE_TIMEOUT;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        // Refused connections and timeouts are the restart itself: keep asking.
        if let Ok(info) = backend.health().await
            && info.started_at.is_some()
            && info.started_at != before
        {
            if info.restored_from.as_deref() != Some(file_name.as_str()) {
                return Err(CommandError::Server {
                    message: format!(
                        "El servidor se reinició pero no restauró «{file_name}»: la base quedó como estaba. El motivo está en el registro del servicio."
                    ),
                });
            }
            break;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(CommandError::Server {
                message: format!(
                    "El servidor aceptó restaurar «{file_name}» pero no volvió a responder en {} s: revisá el servicio en el servidor.",
                    SERVER_RESTORE_TIMEOUT.as_secs()
                ),
            });
        }
    }
    tracing::info!(file_name, "the server restored the backup; signing out");
    shell.sign_out().await;
    Ok(Restored {
        file_name,
        report: format!(
            "{} distribuidora(s) y {} exhibición(es) en la copia.",
            accepted.distributors, accepted.exhibitions
        ),
    })
}

/// "Este equipo" only: where the local server's backup job writes. Another disk,
/// a USB drive or a network share survives the loss of this computer's disk; `None`
/// (or empty) goes back to the server's data folder. The folder is created and
/// written to once as a check; the local server restarts to take it (the session
/// stays). Answers the backups as the server now lists them.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, local))]
pub async fn set_local_backup_dir(
    shell: State<'_, Shell>,
    local: State<'_, LocalServer>,
    dir: Option<String>,
) -> CommandResult<Backups> {
    local_backups(
        &shell,
        &local,
        "La carpeta de las copias se elige en el equipo donde corre el servidor (modo «este equipo»); en un servidor, con backup_dir en su configuración.",
    )
    .await?;
    let dir = match dir.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => {
            let text = text.to_string();
            Some(
                tauri::async_runtime::spawn_blocking(move || usable_backup_dir(&text))
                    .await
                    .map_err(CommandError::internal)??,
            )
        }
        None => None,
    };
    shell.set_local_backup_dir(dir.as_deref())?;
    local.set_backup_dir(dir.clone());
    tracing::info!(dir = ?dir, "local backup folder chosen; restarting the local server");
    local.stop();
    start_local_server(shell.clone(), local).await?;
    let (backend, token) = shell.authed()?;
    shell.check(backend.backups(&token).await).await
}

/// An absolute folder that exists (created if needed) and takes a file.
///
/// # Errors
/// [`CommandError::Invalid`] saying why, in Spanish.
pub fn usable_backup_dir(text: &str) -> CommandResult<PathBuf> {
    let invalid = |message: String| CommandError::Invalid { message };
    let dir = PathBuf::from(text);
    if !dir.is_absolute() {
        return Err(invalid(format!(
            "«{text}» no es una carpeta completa: escribila desde la unidad (por ejemplo D:\\Copias CenterMind o /media/copias)."
        )));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| invalid(format!("No se pudo crear la carpeta {}: {e}.", dir.display())))?;
    let probe = dir.join(".centermind-write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| invalid(format!("No se puede escribir en {}: {e}.", dir.display())))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_folder_must_be_absolute_creatable_and_writable() {
        let tmp = tempfile::tempdir().expect("tmp");
        let nested = tmp.path().join("usb/CenterMind copias");
        assert_eq!(usable_backup_dir(&nested.to_string_lossy()), Ok(nested.clone()));
        assert!(nested.is_dir());
        assert_eq!(std::fs::read_dir(&nested).expect("dir").count(), 0, "the probe is gone");

        let relative = usable_backup_dir("copias").expect_err("relative");
        assert_eq!(relative.code(), "invalid");
        assert!(
            relative.to_string().contains("no es una carpeta completa"),
            "{relative}"
        );

        // A file where a folder should be.
        let file = tmp.path().join("archivo");
        std::fs::write(&file, b"x").expect("file");
        let blocked = usable_backup_dir(&file.join("copias").to_string_lossy()).expect_err("blocked");
        assert!(blocked.to_string().contains("No se pudo crear la carpeta"), "{blocked}");
    }
}

/// Imports (or, with `dry_run`, previews) the old Python system's database,
/// read from this computer and sent to the server, which does the work. The
/// superadmin's only (the server checks).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, input), fields(dry_run = input.dry_run))]
pub async fn import_legacy(shell: State<'_, Shell>, input: LegacyImportInput) -> CommandResult<LegacyImport> {
    let (backend, token) = shell.authed()?;
    let path = input.path.trim().trim_matches('"');
    let file = tokio::fs::read(path).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CommandError::NotFound {
            message: format!("no existe el archivo {path}"),
        },
        _ => CommandError::Invalid {
            message: format!("no se pudo leer {path}: {e}"),
        },
    })?;
    let done = backend
        .import_legacy(
            &token,
            file,
            input.dry_run,
            input.time_zone.as_deref(),
            input.bot_tokens,
        )
        .await;
    shell.check(done).await
}
