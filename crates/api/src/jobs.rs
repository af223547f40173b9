//! The server's scheduled jobs (backup, housekeeping, daily summary): list
//! them with their latest run, pause/resume them, change their schedule or
//! time zone, ask for a run now, and read their run history. They concern
//! every tenant, so only the superadmin reaches them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use centermind_core::domain::audit::{self, AuditAction};
use centermind_core::domain::roles::Action;
use centermind_core::store::{self, Job, JobRun, JobUpdate, now};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Authenticated;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/jobs", get(list_jobs))
        .route("/api/v1/jobs/{id}", get(get_job).patch(update_job))
        .route("/api/v1/jobs/{id}/run", post(run_job))
        .route("/api/v1/jobs/{id}/runs", get(job_runs))
        .route("/api/v1/backups", get(list_backups))
        .route("/api/v1/backups/{file_name}/restore", post(restore_backup))
}

/// The copies the `backup` job made, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Backups {
    /// The backup folder on the server (`backup_dir`).
    dir: String,
    backups: Vec<BackupCopy>,
    /// Whether the folder holds the photos' copy (`photos/`).
    photos: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct BackupCopy {
    #[schema(example = "centermind-20261122T060000.123Z.db")]
    file_name: String,
    made_at: DateTime<Utc>,
    size_bytes: u64,
}

#[utoipa::path(get, path = "/api/v1/backups", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = Backups), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list_backups(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Backups>, ApiError> {
    superadmin(&auth)?;
    let Some(dir) = state.backup_dir.as_deref() else {
        return Ok(Json(Backups {
            dir: String::new(),
            backups: Vec::new(),
            photos: false,
        }));
    };
    let backups = store::list_backups(dir)
        .await?
        .into_iter()
        .map(|b| BackupCopy {
            file_name: b.path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
            made_at: b.made_at,
            size_bytes: b.size_bytes,
        })
        .collect();
    Ok(Json(Backups {
        dir: dir.display().to_string(),
        backups,
        photos: tokio::fs::metadata(dir.join("photos")).await.is_ok_and(|m| m.is_dir()),
    }))
}

/// A restore the service has taken on.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RestoreAccepted {
    file_name: String,
    /// What the copy holds (checked before anything stopped).
    distributors: i64,
    exhibitions: i64,
}

/// Put a backup back in place of the database, from the app. The copy must be
/// one this folder lists, and is checked (readable, a CenterMind schema this
/// version can open) before anything stops. Then the service stops (open
/// event streams end; clients reconnect), keeps the current database as
/// `<db>.before-restore-<time>Z`, restores the copy and its missing photos, and
/// starts again on it, in the same process; the answer comes before the stop.
#[utoipa::path(post, path = "/api/v1/backups/{file_name}/restore", tag = "jobs",
    params(("file_name" = String, Path, example = "centermind-20261122T060000.123Z.db")), security(("bearer" = [])),
    responses((status = 202, body = RestoreAccepted), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn restore_backup(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(file_name): PathParams<String>,
) -> Result<(StatusCode, Json<RestoreAccepted>), ApiError> {
    superadmin(&auth)?;
    let dir = state.backup_dir.as_deref().ok_or(ApiError::NotFound)?;
    // Only a name the folder lists: never a path the caller makes up.
    let backup = store::list_backups(dir)
        .await?
        .into_iter()
        .find(|b| b.path.file_name().is_some_and(|n| n.to_string_lossy() == file_name))
        .ok_or(ApiError::NotFound)?;
    let contents = store::inspect_backup(&backup.path).await?;
    let Some(hook) = state.on_restore.as_ref() else {
        return Err(ApiError::Invalid(
            "este servidor no puede restaurar desde la app: hacelo con `centermind-sidecar backup restore`".into(),
        ));
    };
    if !hook(backup.path.clone()) {
        return Err(ApiError::Invalid("ya hay una restauración en curso".into()));
    }
    tracing::info!(user_id = auth.actor.user_id, backup = %file_name, "restore asked from the app");
    Ok((
        StatusCode::ACCEPTED,
        Json(RestoreAccepted {
            file_name,
            distributors: contents.distributors,
            exhibitions: contents.exhibitions,
        }),
    ))
}

fn superadmin(auth: &Authenticated) -> Result<(), ApiError> {
    Ok(auth.actor.require(Action::ManageServer)?)
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = Vec<Job>), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list_jobs(State(state): State<AppState>, auth: Authenticated) -> Result<Json<Vec<Job>>, ApiError> {
    superadmin(&auth)?;
    Ok(Json(state.db.list_jobs(now()).await?))
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = String, Path, example = "backup")),
    security(("bearer" = [])),
    responses((status = 200, body = Job), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_job(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> Result<Json<Job>, ApiError> {
    superadmin(&auth)?;
    Ok(Json(state.db.job(&id, now()).await?))
}

/// What may change; absent fields stay as they are.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobChanges {
    /// `false` pauses the job (a "run now" still runs it); `true` resumes it.
    active: Option<bool>,
    /// `every 15m`, `every 2h` (1 minute to 7 days) or `daily HH:MM`.
    #[schema(example = "daily 03:00")]
    schedule: Option<String>,
    /// IANA time zone in which a daily time is read.
    #[schema(example = "America/Argentina/Buenos_Aires")]
    time_zone: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = String, Path, example = "backup")),
    request_body = JobChanges, security(("bearer" = [])),
    responses((status = 200, body = Job), (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody), (status = 422, description = "Bad schedule or time zone", body = crate::error::ErrorBody)))]
pub(crate) async fn update_job(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    JsonBody(b): JsonBody<JobChanges>,
) -> Result<Json<Job>, ApiError> {
    superadmin(&auth)?;
    let before = state.db.job(&id, now()).await?;
    let update = JobUpdate {
        active: b.active,
        schedule: b.schedule,
        time_zone: b.time_zone,
    };
    let job = state.db.update_job(&id, update, now()).await?;
    let changes = audit::changes_among(&before, &job, audit::JOB_SETTINGS);
    crate::audit::record(&state, &auth, None, AuditAction::JobUpdated, &job.id, changes).await;
    // The scheduler recomputes when it runs next.
    (state.on_job_request)(&job.id);
    Ok(Json(job))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/run", tag = "jobs", params(("id" = String, Path, example = "backup")),
    security(("bearer" = [])),
    responses((status = 202, description = "The run is queued; the service starts it within seconds", body = Job),
    (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn run_job(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    superadmin(&auth)?;
    let job = state.db.request_job_run(&id, now()).await?;
    crate::audit::record(&state, &auth, None, AuditAction::JobRunRequested, &job.id, Vec::new()).await;
    (state.on_job_request)(&job.id);
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RunsQuery {
    /// How many, newest first (default 20, at most 500).
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}/runs", tag = "jobs", params(("id" = String, Path, example = "backup"), RunsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<JobRun>), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn job_runs(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<RunsQuery>,
) -> Result<Json<Vec<JobRun>>, ApiError> {
    superadmin(&auth)?;
    let runs = state.db.job_runs(&id, q.limit.unwrap_or(20)).await?;
    let at = now();
    Ok(Json(runs.into_iter().map(|run| run.seen_at(at)).collect()))
}
