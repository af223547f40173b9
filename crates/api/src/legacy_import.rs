//! Importing the old Python system's database from the app: the superadmin
//! sends the old file's bytes; the server keeps them in a temporary file next
//! to its database, runs the import (or its preview on a copy of the
//! database) and answers what it did. See `store::legacy_import`.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};
use centermind_core::domain::audit::AuditAction;
use centermind_core::domain::roles::Action;
use centermind_core::domain::time_zone::{DEFAULT_TIME_ZONE, parse_time_zone};
use centermind_core::events::LiveEvent;
use centermind_core::store::{LegacyImport, LegacyImportOptions, next_to};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::extract::QueryParams;
use crate::{ApiError, AppState};

/// The old databases hold no photos (they were in Drive): a few MB a year.
const MAX_BYTES: usize = 512 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/legacy-import", post(import_legacy))
        .layer(DefaultBodyLimit::max(MAX_BYTES))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// Only say what the import would do (it runs on a copy of the database).
    #[serde(default)]
    dry_run: bool,
    /// Zone of the old times written without one (default Buenos Aires).
    time_zone: Option<String>,
    /// Carry the old bot tokens over (default true).
    bot_tokens: Option<bool>,
}

/// Import the old system's database (the request body: the SQLite file as
/// it is). Idempotent: a second import adds what is new and brings the
/// verdicts the old system gave since to exhibitions not evaluated here. The
/// superadmin's only: it creates distributors.
#[utoipa::path(post, path = "/api/v1/legacy-import", tag = "jobs", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 200, body = LegacyImport), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn import_legacy(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<ImportQuery>,
    body: Bytes,
) -> Result<Json<LegacyImport>, ApiError> {
    auth.actor.require(Action::ManageServer)?;
    let time_zone = parse_time_zone(query.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE))
        .map_err(|why| ApiError::Invalid(format!("time_zone: {why}")))?;
    if body.is_empty() {
        return Err(ApiError::Invalid("archivo: llegó vacío".into()));
    }
    let options = LegacyImportOptions {
        time_zone,
        bot_tokens: query.bot_tokens.unwrap_or(true),
    };
    let name = format!(".legacy-upload-{}", Uuid::now_v7().simple());
    let upload = match state.db.path() {
        Some(db) => next_to(db, &name),
        None => std::env::temp_dir().join(name),
    };
    tokio::fs::write(&upload, &body)
        .await
        .map_err(centermind_core::Error::from)?;
    let report = if query.dry_run {
        state.db.preview_legacy_import(&upload, &options).await
    } else {
        state.db.import_legacy(&upload, &options).await
    };
    let _ = tokio::fs::remove_file(&upload).await;
    let report = report?;
    if !query.dry_run {
        for d in &report.distributors {
            crate::audit::record(
                &state,
                &auth,
                Some(d.id),
                AuditAction::LegacyImported,
                &d.name,
                d.history_figures(),
            )
            .await;
        }
        // Open visors and TVs re-read: what arrived is too much to announce one by one.
        for d in &report.distributors {
            if d.exhibitions_imported + d.verdicts_updated > 0 {
                state
                    .events
                    .publish(LiveEvent::ExhibitionsImported { distributor_id: d.id });
            }
        }
    }
    tracing::info!(
        user_id = auth.actor.user_id,
        dry_run = query.dry_run,
        distributors = report.distributors.len(),
        skipped = report.skipped.len(),
        "old system's database imported from the app"
    );
    Ok(Json(report))
}
