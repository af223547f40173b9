//! `GET /api/v1/events`: a Server-Sent Events stream of one distributor's
//! live events (new exhibition, verdict, bot status) for the visor and the TV.
//!
//! A stream outlives the request that opened it, so the session is checked
//! again before each event and after every quiet [`SESSION_RECHECK`]: a logout,
//! an expiry, a deactivated user or a changed tenant ends the stream with a
//! `session_ended` event instead of leaking events to a token that no longer
//! has the right to them.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::roles::{Action, PortalRole};
use centermind_core::events::LiveEvent;
use centermind_core::store::now;
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Authenticated;
use crate::extract::QueryParams;
use crate::{ApiError, AppState, tenant};

/// How long a quiet stream goes before its session is checked again.
pub(crate) const SESSION_RECHECK: Duration = Duration::from_secs(15);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(events))
        .route("/api/v1/tv/events", get(tv_events))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsQuery {
    distributor: Option<DistributorId>,
}

/// Who follows a stream, checked again while it is open.
enum Follows {
    /// A person's session; `requested` is the distributor the superadmin asked for.
    /// `manages`: an admin of the distributor, who also hears of its history.
    /// `every_history`: the superadmin, whose "Actividad" may show every
    /// distributor's history and the service's at once, hears of all of them.
    Session {
        requested: Option<DistributorId>,
        manages: bool,
        every_history: bool,
    },
    /// A kiosk's TV token: it hears only that the ranking changed.
    Tv,
}

/// What one stream needs between events.
struct Follower {
    rx: Receiver<LiveEvent>,
    state: AppState,
    token: Secret<String>,
    follows: Follows,
    distributor: DistributorId,
    ended: bool,
}

impl Follower {
    /// Whether the token still reads this distributor's events. A database
    /// error keeps the stream: the next check decides.
    async fn still_allowed(&self) -> bool {
        let owner = match self.follows {
            Follows::Session { requested, .. } => self
                .state
                .db
                .session_actor(&self.token, now())
                .await
                .map(|actor| actor.and_then(|actor| tenant::resolve(&actor, requested, Action::ReadReports).ok())),
            Follows::Tv => self.state.db.tv_token_owner(&self.token).await,
        };
        match owner {
            Ok(owner) => owner == Some(self.distributor),
            Err(err) => {
                tracing::warn!(%err, "cannot recheck the credentials of an event stream");
                true
            }
        }
    }

    /// The server-sent event for `e`, if this follower hears it.
    fn event_for(&self, e: &LiveEvent) -> Option<Event> {
        let history = matches!(e, LiveEvent::AuditRecorded { .. });
        let every_history = matches!(
            self.follows,
            Follows::Session {
                every_history: true,
                ..
            }
        );
        if e.distributor_id() != Some(self.distributor) && !(history && every_history) {
            return None;
        }
        match self.follows {
            // The administration history is the admins' business only.
            Follows::Session { manages: false, .. } if history => None,
            Follows::Session { .. } => {
                let data = serde_json::to_string(e).unwrap_or_default();
                Some(Event::default().event(e.name()).data(data))
            }
            // Which exhibition changed is not the kiosk's business: only that it should re-read.
            Follows::Tv => match e {
                LiveEvent::ExhibitionCreated { .. }
                | LiveEvent::ExhibitionEvaluated { .. }
                | LiveEvent::ExhibitionsImported { .. } => Some(Event::default().event("ranking_changed").data("{}")),
                LiveEvent::BotStatusChanged { .. }
                | LiveEvent::WorkChanged { .. }
                | LiveEvent::AuditRecorded { .. } => None,
            },
        }
    }

    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        if self.ended {
            return None;
        }
        loop {
            // `None`: a quiet stretch, time to check the session.
            let received = tokio::select! {
                // The service stops: end the stream (clients reconnect), so the stop need not wait.
                () = self.state.stopping.cancelled() => return None,
                r = tokio::time::timeout(SESSION_RECHECK, self.rx.recv()) => r.ok(),
            };
            let event = match received {
                Some(Ok(e)) => match self.event_for(&e) {
                    Some(event) => event,
                    None => continue,
                },
                // Fell behind: tell the client to reload rather than miss events silently.
                Some(Err(RecvError::Lagged(_))) => Event::default().event("resync").data("{}"),
                Some(Err(RecvError::Closed)) => return None,
                None if self.still_allowed().await => continue,
                None => return Some((self.end(), self)),
            };
            if !self.still_allowed().await {
                return Some((self.end(), self));
            }
            return Some((Ok(event), self));
        }
    }

    fn end(&mut self) -> Result<Event, Infallible> {
        self.ended = true;
        tracing::info!(distributor = %self.distributor, "event stream ended: the session is no longer valid");
        Ok(Event::default().event("session_ended").data("{}"))
    }
}

/// Server-Sent Events of one distributor: `exhibition_created`, `exhibition_evaluated`,
/// `bot_status_changed`, `exhibitions_imported`, `work_changed`, `audit_recorded` (admins only; the
/// superadmin hears it for every distributor) (JSON data),
/// `resync` when the client fell behind, and
/// `session_ended` (then the stream closes) once the session is no longer valid.
#[utoipa::path(get, path = "/api/v1/events", tag = "review", params(EventsQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", body = String)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let distributor = tenant::resolve(&auth.actor, q.distributor, Action::ReadReports)?;
    let manages = tenant::resolve(&auth.actor, q.distributor, Action::ManageDistributor).is_ok();
    let every_history = auth.actor.role == PortalRole::Superadmin;
    let follower = Follower {
        rx: state.events.subscribe(),
        state,
        token: auth.into_token(),
        follows: Follows::Session {
            requested: q.distributor,
            manages,
            every_history,
        },
        distributor,
        ended: false,
    };
    Ok(stream(follower))
}

/// The kiosk's live stream: `ranking_changed` whenever an exhibition of its
/// distributor is registered or evaluated (re-read `/api/v1/tv/ranking`),
/// `resync`, and `session_ended` once the TV token is revoked.
#[utoipa::path(get, path = "/api/v1/tv/events", tag = "ranking", security(("tv_token" = [])),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn tv_events(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let token = crate::auth::bearer_token(&headers)?;
    let distributor = state
        .db
        .tv_token_owner(&token)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let follower = Follower {
        rx: state.events.subscribe(),
        state,
        token,
        follows: Follows::Tv,
        distributor,
        ended: false,
    };
    Ok(stream(follower))
}

fn stream(follower: Follower) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(futures_util::stream::unfold(follower, Follower::next))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
