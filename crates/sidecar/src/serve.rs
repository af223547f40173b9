//! `run`: the long-running service. Today it opens the database and serves the
//! health endpoint the desktop app probes; the Telegram bots, the scheduled
//! jobs and the review API are added by later work on the same runtime.

use std::net::SocketAddr;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use centermind_core::store::Db;
use serde::Serialize;
use tokio::net::TcpListener;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
}

pub fn router(db: Db) -> Router {
    Router::new().route("/api/v1/health", get(health)).with_state(db)
}

async fn health(State(db): State<Db>) -> Json<Health> {
    let database = match sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(db.pool()).await {
        Ok(_) => "ok",
        Err(err) => {
            tracing::warn!(%err, "health check: database unavailable");
            "unavailable"
        }
    };
    Json(Health {
        status: if database == "ok" { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        database,
    })
}

/// Serve until SIGINT or SIGTERM, then finish in-flight requests and return.
pub async fn run(db: Db, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "service listening");
    println!("CenterMind sidecar listening on http://{local} (Ctrl+C to stop)");
    axum::serve(listener, router(db.clone()))
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
