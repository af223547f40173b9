//! "Este equipo": the one-machine install, where the app runs its own sidecar.

use std::time::{Duration, Instant};

use tauri::State;

use crate::client::{Backend, parse_server_url};
use crate::error::{CommandError, CommandResult};
use crate::model::{Connection, ServerInfo};
use crate::session::Shell;
use crate::sidecar::{LocalServer, Status};

/// How long the first start may take (it creates and migrates the database).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const PROBE_EVERY: Duration = Duration::from_millis(150);

/// How the app reaches its server (saved address, local mode).
#[tauri::command]
#[specta::specta]
pub fn connection(shell: State<'_, Shell>) -> Connection {
    Connection {
        url: shell.server().map(|u| u.to_string()),
        local: shell.local(),
    }
}

/// Starts `centermind-sidecar run` on this computer (unless it already runs),
/// waits until its health endpoint answers and saves it as the server.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, local))]
pub async fn start_local_server(shell: State<'_, Shell>, local: State<'_, LocalServer>) -> CommandResult<ServerInfo> {
    let port = local
        .ensure(shell.local_port())
        .map_err(|message| CommandError::LocalServer { message })?;
    let url = parse_server_url(&format!("127.0.0.1:{port}"))?;
    let info = wait_until_healthy(&shell.backend_for(url.clone()), &local, STARTUP_TIMEOUT).await?;
    shell.set_local_server(url, port)?;
    Ok(info)
}

/// Probes the health endpoint until it answers, the supervisor gives up, or `timeout`.
///
/// # Errors
/// [`CommandError::LocalServer`] with the reason.
pub async fn wait_until_healthy(
    backend: &Backend,
    local: &LocalServer,
    timeout: Duration,
) -> CommandResult<ServerInfo> {
    let started = Instant::now();
    loop {
        let last = match backend.health().await {
            Ok(info) => return Ok(info),
            Err(e) => e,
        };
        match local.status() {
            Some(Status::Failed { reason }) => return Err(CommandError::LocalServer { message: reason }),
            Some(Status::InUse { last_exit }) => {
                return Err(CommandError::LocalServerInUse {
                    message: format!("centermind-sidecar: {last_exit}"),
                });
            }
            None | Some(Status::Stopped) => {
                return Err(CommandError::LocalServer {
                    message: "el servidor local se detuvo".into(),
                });
            }
            Some(Status::Running { .. } | Status::Restarting { .. }) => {}
        }
        if started.elapsed() >= timeout {
            return Err(CommandError::LocalServer {
                message: format!("el servidor local no respondió en {} s ({last})", timeout.as_secs()),
            });
        }
        tokio::time::sleep(PROBE_EVERY).await;
    }
}
