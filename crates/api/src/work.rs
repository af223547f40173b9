//! What the server still has to do for a distributor in the background
//! (photos to download or copy, verdicts to edit into Telegram), the work it
//! gave up on, and the failures it recorded: the admin's "Estado" screen, so
//! a distributor's admin sees and mends a problem without a console on the
//! server. Admins see their own distributor; the superadmin names one.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use centermind_core::domain::DistributorId;
use centermind_core::domain::audit::{AuditAction, FieldChange};
use centermind_core::events::LiveEvent;
use centermind_core::store::{ErrorEvent, GivenUpTask, WorkSummary, now, task_kinds};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::admin::{self, Scope};
use crate::auth::Authenticated;
use crate::extract::{JsonBody, QueryParams};
use crate::{ApiError, AppState};

/// How many recorded failures (or given-up tasks) a listing returns at most.
const MAX_EVENTS: u32 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work", get(work))
        .route("/api/v1/work/given-up", get(given_up))
        .route("/api/v1/work/retry", post(retry))
        .route("/api/v1/work/dismiss", post(dismiss))
        .route("/api/v1/error-events", get(error_events))
}

async fn admin_of(
    state: &AppState,
    auth: &Authenticated,
    requested: Option<DistributorId>,
) -> Result<DistributorId, ApiError> {
    let distributor = admin::manage(auth, requested)?;
    // The superadmin may name any id: one that does not exist is not found.
    state.db.distributor(distributor).await?;
    Ok(distributor)
}

/// The distributor's unfinished background work.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Work {
    distributor_id: DistributorId,
    /// One entry per kind with something queued, running or given up; none: all done.
    kinds: Vec<WorkKind>,
    /// When the server read it.
    read_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct WorkKind {
    /// `store_photo` (download from Telegram), `archive_photo` (copy to Google
    /// Drive), `edit_confirmation` (verdict into the bot's message) or
    /// `import_photo` (a photo of the old system, from its Drive).
    #[schema(example = "store_photo")]
    kind: String,
    /// Waiting to run (first attempts and retries).
    queued: i64,
    /// Of `queued`, those that failed before.
    retrying: i64,
    running: i64,
    /// Given up after its attempts, or at once for a failure no retry mends;
    /// `POST /api/v1/work/retry` queues them again, `POST /api/v1/work/dismiss`
    /// sets them aside.
    failed: i64,
    /// Of `failed`, those given up at once: the server judged that no retry
    /// can help (a deleted message, a corrupt photo).
    permanent: i64,
    oldest_queued_at: Option<DateTime<Utc>>,
    /// The newest failure among the waiting and given-up ones (technical, English).
    last_error: Option<String>,
    last_error_at: Option<DateTime<Utc>>,
}

impl From<WorkSummary> for WorkKind {
    fn from(w: WorkSummary) -> Self {
        Self {
            kind: w.kind,
            queued: w.queued,
            retrying: w.retrying,
            running: w.running,
            failed: w.dead,
            permanent: w.permanent,
            oldest_queued_at: w.oldest_queued_at,
            last_error: w.last_error,
            last_error_at: w.last_error_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/work", tag = "admin", params(Scope), security(("bearer" = [])),
    responses((status = 200, body = Work), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn work(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Work>, ApiError> {
    let distributor = admin_of(&state, &auth, q.distributor).await?;
    let kinds = state.db.work_summary(distributor).await?;
    Ok(Json(Work {
        distributor_id: distributor,
        kinds: kinds.into_iter().map(WorkKind::from).collect(),
        read_at: now(),
    }))
}

/// Which given-up work a retry or a dismissal is about.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Selection {
    /// Only this kind (see `WorkKind::kind`); absent: every kind.
    #[serde(default)]
    kind: Option<String>,
    /// Only these tasks (ids from `GET /api/v1/work/given-up`); empty or
    /// absent: all of the kind. Ids of other distributors are ignored.
    #[serde(default)]
    task_ids: Vec<i64>,
}

impl Selection {
    fn checked_kind(&self) -> Result<Option<&str>, ApiError> {
        match self.kind.as_deref() {
            Some(kind) if !task_kinds::ALL.contains(&kind) => Err(ApiError::Invalid(format!(
                "kind: «{kind}» no es un tipo de tarea (tipos: {})",
                task_kinds::ALL.join(", ")
            ))),
            kind => Ok(kind),
        }
    }
}

/// Other admins' Estado screens follow what this one did.
fn announce(state: &AppState, distributor: DistributorId, kind: Option<&str>) {
    state.events.publish(LiveEvent::WorkChanged {
        distributor_id: distributor,
        kind: kind.map(String::from),
    });
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Retried {
    /// Queued again, due now.
    requeued: u64,
    /// Left as they were: a newer task for the same thing already waits.
    kept: u64,
}

/// Give the distributor's failed background work a new round of attempts, now.
#[utoipa::path(post, path = "/api/v1/work/retry", tag = "admin", params(Scope), request_body = Selection,
    security(("bearer" = [])),
    responses((status = 200, body = Retried), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn retry(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
    JsonBody(body): JsonBody<Selection>,
) -> Result<Json<Retried>, ApiError> {
    let distributor = admin_of(&state, &auth, q.distributor).await?;
    let kind = body.checked_kind()?;
    let (requeued, kept) = state
        .db
        .retry_dead_tasks(&body.task_ids, kind, Some(distributor), now())
        .await?;
    tracing::info!(
        user_id = auth.actor.user_id,
        distributor_id = distributor,
        kind = kind.unwrap_or("all"),
        tasks = body.task_ids.len(),
        requeued,
        kept,
        "failed background work retried from the app"
    );
    if requeued > 0 {
        (state.on_work_retried)();
        announce(&state, distributor, kind);
        let tasks = vec![FieldChange::new("tasks", serde_json::Value::Null, requeued)];
        let subject = kind.unwrap_or_default();
        crate::audit::record(
            &state,
            &auth,
            Some(distributor),
            AuditAction::WorkRetried,
            subject,
            tasks,
        )
        .await;
    }
    Ok(Json(Retried { requeued, kept }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Dismissed {
    /// Set aside: they no longer count as failed.
    dismissed: u64,
}

/// Set given-up background work aside, for good: what no retry can mend (a
/// deleted message) or what the admin decided to let go. It is kept on the
/// server for 30 days, and no longer counted as failed nor retried.
#[utoipa::path(post, path = "/api/v1/work/dismiss", tag = "admin", params(Scope), request_body = Selection,
    security(("bearer" = [])),
    responses((status = 200, body = Dismissed), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn dismiss(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
    JsonBody(body): JsonBody<Selection>,
) -> Result<Json<Dismissed>, ApiError> {
    let distributor = admin_of(&state, &auth, q.distributor).await?;
    let kind = body.checked_kind()?;
    let dismissed = state
        .db
        .dismiss_dead_tasks(&body.task_ids, kind, distributor, auth.actor.user_id, now())
        .await?;
    tracing::info!(
        user_id = auth.actor.user_id,
        distributor_id = distributor,
        kind = kind.unwrap_or("all"),
        tasks = body.task_ids.len(),
        dismissed,
        "failed background work dismissed from the app"
    );
    if dismissed > 0 {
        announce(&state, distributor, kind);
        let tasks = vec![FieldChange::new("tasks", serde_json::Value::Null, dismissed)];
        let subject = kind.unwrap_or_default();
        crate::audit::record(
            &state,
            &auth,
            Some(distributor),
            AuditAction::WorkDismissed,
            subject,
            tasks,
        )
        .await;
    }
    Ok(Json(Dismissed { dismissed }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GivenUpQuery {
    /// Required for the superadmin; admins see their own distributor.
    distributor: Option<DistributorId>,
    /// Only this kind (see `WorkKind::kind`).
    kind: Option<String>,
    /// At most this many, the latest given up first (1–200, default 50).
    limit: Option<u32>,
}

/// One piece of background work the server gave up on, and what it was for.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct GivenUpView {
    id: i64,
    /// See `WorkKind::kind`.
    #[schema(example = "edit_confirmation")]
    kind: String,
    /// The exhibition it was for, and what the admin knows it by (absent
    /// when the exhibition no longer exists).
    exhibition_id: Option<String>,
    customer_number: Option<String>,
    vendor_name: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
    /// Which photo of the exhibition, from 1, for photo work.
    photo_number: Option<i64>,
    attempts: i64,
    /// What failed last, technical (English).
    error: Option<String>,
    /// Its class, as in the error events (absent for work given up before
    /// the server recorded classes).
    class: Option<String>,
    /// The server judged that no retry can help.
    permanent: bool,
    failed_at: DateTime<Utc>,
}

impl From<GivenUpTask> for GivenUpView {
    fn from(t: GivenUpTask) -> Self {
        Self {
            id: t.id,
            kind: t.kind,
            exhibition_id: t.exhibition_id,
            customer_number: t.customer_number,
            vendor_name: t.vendor_name,
            submitted_at: t.submitted_at,
            photo_number: t.photo_position.map(|p| p + 1),
            attempts: t.attempts,
            error: t.last_error,
            class: t.last_error_class.map(|c| c.as_str().to_string()),
            permanent: t.permanent,
            failed_at: t.failed_at,
        }
    }
}

/// The background work the server gave up on for the distributor, one by one.
#[utoipa::path(get, path = "/api/v1/work/given-up", tag = "admin", params(GivenUpQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<GivenUpView>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn given_up(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<GivenUpQuery>,
) -> Result<Json<Vec<GivenUpView>>, ApiError> {
    let distributor = admin_of(&state, &auth, q.distributor).await?;
    let selection = Selection {
        kind: q.kind,
        task_ids: Vec::new(),
    };
    let kind = selection.checked_kind()?;
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_EVENTS);
    let tasks = state.db.given_up_tasks(distributor, kind, limit).await?;
    Ok(Json(tasks.into_iter().map(GivenUpView::from).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsQuery {
    /// Required for the superadmin; admins see their own distributor.
    distributor: Option<DistributorId>,
    /// At most this many, newest first (1–200, default 50).
    limit: Option<u32>,
}

/// A failure the server recorded while working for the distributor.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorEventView {
    id: i64,
    /// `timeout`, `permission`, `missing_path`, `corrupt_file`, `disk_full`,
    /// `remote_down`, `invalid_input` or `internal`.
    #[schema(example = "disk_full")]
    class: String,
    /// What failed, technical (English), with no secret in it.
    message: String,
    /// The exhibition it concerns, when it concerns one.
    exhibition_id: Option<String>,
    /// The kind of background work that failed, when one did (see `WorkKind::kind`).
    kind: Option<String>,
    /// Which attempt of that work it was.
    attempt: Option<i64>,
    created_at: DateTime<Utc>,
}

impl From<ErrorEvent> for ErrorEventView {
    fn from(e: ErrorEvent) -> Self {
        let context = e.context.unwrap_or_default();
        let payload = &context["payload"];
        let exhibition_id = payload["exhibition_id"]
            .as_str()
            .or_else(|| context["exhibition_id"].as_str())
            .map(str::to_string);
        Self {
            id: e.id,
            class: e.class.as_str().to_string(),
            message: e.message,
            exhibition_id,
            kind: context["kind"].as_str().map(str::to_string),
            attempt: context["attempt"].as_i64(),
            created_at: e.created_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/error-events", tag = "admin", params(EventsQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<ErrorEventView>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn error_events(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<EventsQuery>,
) -> Result<Json<Vec<ErrorEventView>>, ApiError> {
    let distributor = admin_of(&state, &auth, q.distributor).await?;
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_EVENTS);
    let events = state.db.list_error_events(Some(distributor), limit).await?;
    Ok(Json(events.into_iter().map(ErrorEventView::from).collect()))
}
