//! `GET /api/v1/events`: a Server-Sent Events stream of one distributor's
//! live events (new exhibition, verdict, bot status) for the visor and the TV.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use centermind_core::domain::DistributorId;
use centermind_core::domain::roles::Action;
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Authenticated;
use crate::{ApiError, AppState, tenant};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/events", get(events))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsQuery {
    distributor: Option<DistributorId>,
}

/// Server-Sent Events of one distributor: `exhibition_created`, `exhibition_evaluated`,
/// `bot_status_changed` (JSON data), and `resync` when the client fell behind.
#[utoipa::path(get, path = "/api/v1/events", tag = "review", params(EventsQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream", body = String)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(q): Query<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let distributor = tenant::resolve(&auth.actor, q.distributor, Action::ReadReports)?;
    let rx = state.events.subscribe();
    let stream = futures_util::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) if e.distributor_id() == distributor => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    return Some((Ok(Event::default().event(e.name()).data(data)), rx));
                }
                Ok(_) => continue,
                // Fell behind: tell the client to reload rather than miss events silently.
                Err(RecvError::Lagged(_)) => return Some((Ok(Event::default().event("resync").data("{}")), rx)),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
