//! Choosing and testing the server.

use std::time::Duration;

use tauri::State;

use crate::client::{Backend, parse_server_url};
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

/// Where a server installed on this computer listens unless configured
/// otherwise: the Windows service, the systemd unit, `centermind-sidecar run`
/// (`centermind_core::config::DEFAULT_LISTEN_ADDR`). The app's own local server
/// uses a port of its own.
pub const THIS_COMPUTERS_SERVER: &str = "http://127.0.0.1:8787/";
/// Short: the first-run screen is showing while it asks.
const FIND_WITHIN: Duration = Duration::from_millis(800);

/// A CenterMind server already serving on this computer (a distributor's
/// server PC with the Windows service), if one answers at once: the first-run
/// screen offers it, so that "Usar este equipo" does not start a second server
/// on another database beside it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn find_server_on_this_computer(shell: State<'_, Shell>) -> CommandResult<Option<ServerInfo>> {
    let url = parse_server_url(THIS_COMPUTERS_SERVER)?;
    Ok(find_server(&shell.backend_for(url), FIND_WITHIN).await)
}

/// The health of the server behind `backend` if it is a CenterMind server and
/// answers within `within`.
pub async fn find_server(backend: &Backend, within: Duration) -> Option<ServerInfo> {
    tokio::time::timeout(within, backend.health()).await.ok()?.ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::net::SocketAddr;

    use centermind_api::{AppState, router};
    use centermind_core::store::Db;
    use tokio::net::TcpListener;

    use super::*;

    fn backend(addr: SocketAddr) -> Backend {
        Backend::new(
            Backend::http_client().unwrap(),
            format!("http://{addr}/").parse().unwrap(),
        )
    }

    #[test]
    fn it_looks_where_servers_listen_by_default() {
        let default = format!("http://{}/", centermind_core::config::DEFAULT_LISTEN_ADDR);
        assert_eq!(THIS_COMPUTERS_SERVER, default);
    }

    #[tokio::test]
    async fn a_centermind_server_is_found_and_anything_else_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("c.db").display()))
            .await
            .unwrap();
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let served = listener.local_addr().unwrap();
        let app = router(AppState::new(db, dir.path().join("photos")));
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .unwrap();
        });
        let found = find_server(&backend(served), Duration::from_secs(5)).await.unwrap();
        assert_eq!(found.version, env!("CARGO_PKG_VERSION"));

        // Nothing listening.
        let closed = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let closed_addr = closed.local_addr().unwrap();
        drop(closed);
        assert!(
            find_server(&backend(closed_addr), Duration::from_secs(5))
                .await
                .is_none()
        );

        // Something that accepts and never answers: given up on after `within`.
        let silent = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let silent_addr = silent.local_addr().unwrap();
        let _held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = silent.accept().await {
                open.push(socket);
            }
        });
        let asked = std::time::Instant::now();
        assert!(
            find_server(&backend(silent_addr), Duration::from_millis(300))
                .await
                .is_none()
        );
        assert!(asked.elapsed() < Duration::from_secs(3), "{:?}", asked.elapsed());
    }
}
