//! `GET /api/v1/health`: what the desktop app probes before connecting.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    status: &'static str,
    version: &'static str,
    database: &'static str,
    /// When this service (re)started: a client that asked for a restart (a
    /// restore) knows it happened when this changes.
    started_at: chrono::DateTime<chrono::Utc>,
    /// The backup file this start restored (after a restore asked from the
    /// app), so that client can tell a done restore from a failed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    restored_from: Option<String>,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(health))
}

/// Liveness and database check; no login needed.
#[utoipa::path(get, path = "/api/v1/health", tag = "system", responses((status = 200, body = Health)))]
pub(crate) async fn health(State(state): State<AppState>) -> Json<Health> {
    let database = match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(state.db.pool())
        .await
    {
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
        started_at: state.started_at,
        restored_from: state.restored_from.clone(),
    })
}
