//! `run`: the long-running service: the HTTP API (`centermind-api`) today;
//! the Telegram bots and the scheduled jobs join it on the same runtime.

use std::net::SocketAddr;

use centermind_api::{AppState, router};
use centermind_core::store::Db;
use tokio::net::TcpListener;

/// Serve until SIGINT or SIGTERM, then finish in-flight requests and return.
pub async fn run(db: Db, addr: SocketAddr, photo_dir: std::path::PathBuf) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "service listening");
    println!("CenterMind sidecar listening on http://{local} (Ctrl+C to stop)");
    let app = router(AppState::new(db.clone(), photo_dir));
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.close().await;
    tracing::info!("service stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
