//! Choosing and testing the server.

use tauri::State;

use crate::client::parse_server_url;
use crate::error::CommandResult;
use crate::model::ServerInfo;
use crate::session::Shell;
use crate::sidecar::LocalServer;

/// The saved server address, if the app was connected before.
#[tauri::command]
#[specta::specta]
pub fn server_address(shell: State<'_, Shell>) -> Option<String> {
    shell.server().map(|u| u.to_string())
}

/// Tests `url` with `GET /api/v1/health` and, if it is a CenterMind server,
/// saves it as the server to use (leaving local mode: a sidecar this app
/// started is stopped).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, local))]
pub async fn connect_server(
    shell: State<'_, Shell>,
    local: State<'_, LocalServer>,
    url: String,
) -> CommandResult<ServerInfo> {
    let base = parse_server_url(&url)?;
    let info = shell.backend_for(base.clone()).health().await?;
    shell.set_server(base)?;
    local.stop();
    Ok(info)
}
