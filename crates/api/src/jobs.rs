//! The server's scheduled jobs (backup, housekeeping, daily summary): list
//! them with their latest run, pause/resume them, change their schedule or
//! time zone, ask for a run now, and read their run history. They concern
//! every tenant, so only the superadmin reaches them.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use centermind_core::domain::roles::Action;
use centermind_core::store::{Job, JobRun, JobUpdate, now};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/jobs", get(list_jobs))
        .route("/api/v1/jobs/{id}", get(get_job).patch(update_job))
        .route("/api/v1/jobs/{id}/run", post(run_job))
        .route("/api/v1/jobs/{id}/runs", get(job_runs))
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
    Path(id): Path<String>,
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
    Path(id): Path<String>,
    Json(b): Json<JobChanges>,
) -> Result<Json<Job>, ApiError> {
    superadmin(&auth)?;
    let update = JobUpdate {
        active: b.active,
        schedule: b.schedule,
        time_zone: b.time_zone,
    };
    let job = state.db.update_job(&id, update, now()).await?;
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
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    superadmin(&auth)?;
    let job = state.db.request_job_run(&id, now()).await?;
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
    Path(id): Path<String>,
    Query(q): Query<RunsQuery>,
) -> Result<Json<Vec<JobRun>>, ApiError> {
    superadmin(&auth)?;
    Ok(Json(state.db.job_runs(&id, q.limit.unwrap_or(20)).await?))
}
