//! "Actividad": the administration history. Handlers that change a
//! distributor's set-up (or the service's) record who did what with
//! [`record`]; admins read their distributor's history, the superadmin any
//! one's or all of it.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use centermind_core::domain::DistributorId;
use centermind_core::domain::audit::{AuditAction, AuditActor, FieldChange};
use centermind_core::domain::roles::PortalRole;
use centermind_core::events::LiveEvent;
use centermind_core::store::{AuditEvent, AuditQuery, NewAuditEvent, now};
use serde::{Deserialize, Serialize};

use crate::auth::Authenticated;
use crate::extract::QueryParams;
use crate::{ApiError, AppState, admin};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

/// Write down what `auth`'s user just did, and tell the admins following the
/// distributor's live events (their "Actividad" shows it at once). Called
/// after the change was saved: a failure here is logged and does not turn the
/// (done) change into an error the app would retry. An update that changed
/// nothing is not recorded.
pub(crate) async fn record(
    state: &AppState,
    auth: &Authenticated,
    distributor_id: Option<DistributorId>,
    action: AuditAction,
    subject: impl Into<String>,
    changes: Vec<FieldChange>,
) {
    if action.is_update() && changes.is_empty() {
        return;
    }
    let event = NewAuditEvent {
        distributor_id,
        actor: AuditActor::User(auth.actor.user_id),
        action,
        subject: subject.into(),
        changes,
    };
    match state.db.record_audit(&event, now()).await {
        Ok(_) => state.events.publish(LiveEvent::AuditRecorded { distributor_id }),
        Err(e) => {
            tracing::error!(error = %e, action = action.as_str(), user_id = auth.actor.user_id, "the change was saved but not its history entry");
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// Admins see their own distributor's. The superadmin names one, or
    /// leaves it out for everything (the service's own entries included).
    distributor: Option<DistributorId>,
    /// Only this action (e.g. `user_updated`).
    action: Option<String>,
    /// Only entries older than this one (`next_before` of the previous page).
    before: Option<i64>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditPage {
    /// Newest first.
    events: Vec<AuditEvent>,
    /// Pass as `before` for the older entries; absent when there are none.
    next_before: Option<i64>,
}

/// The administration history, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditParams), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let distributor_id = match (auth.actor.role, q.distributor) {
        (PortalRole::Superadmin, None) => None,
        (_, requested) => Some(admin::manage(&auth, requested)?),
    };
    let action = q
        .action
        .as_deref()
        .map(|a| AuditAction::parse(a).ok_or_else(|| ApiError::Invalid(format!("action: no existe «{a}»"))))
        .transpose()?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let mut events = state
        .db
        .audit_events(&AuditQuery {
            distributor_id,
            action,
            before: q.before,
            limit: limit + 1,
        })
        .await?;
    let more = events.len() > limit as usize;
    events.truncate(limit as usize);
    let next_before = more.then(|| events.last().map(|e| e.id)).flatten();
    Ok(Json(AuditPage { events, next_before }))
}
