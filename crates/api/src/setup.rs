//! First run of a fresh install ("este equipo"): while the database has no
//! user, the app offers to create the first distributor and a superadmin.
//! Only a request made on the server's own machine may do it, so a server
//! reachable on the network cannot be claimed by whoever asks first.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use centermind_core::store::{FirstSetup, now};
use centermind_core::{Error, Secret};
use serde::{Deserialize, Serialize};

use crate::auth::LoginResponse;
use crate::extract::JsonBody;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/setup", get(status).post(create))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SetupStatus {
    /// True while no user exists: the first-run form should be shown.
    needs_setup: bool,
}

/// Whether this install still needs its first user (no authentication).
#[utoipa::path(get, path = "/api/v1/setup", tag = "auth", responses((status = 200, body = SetupStatus)))]
pub(crate) async fn status(State(state): State<AppState>) -> Result<Json<SetupStatus>, ApiError> {
    Ok(Json(SetupStatus {
        needs_setup: state.db.needs_first_setup().await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SetupRequest {
    distributor_name: String,
    /// IANA zone, e.g. `America/Argentina/Cordoba`; Buenos Aires when absent.
    time_zone: Option<String>,
    username: String,
    display_name: Option<String>,
    #[schema(value_type = String, format = Password)]
    password: Secret<String>,
}

/// A direct connection from loopback. Behind a reverse proxy every peer
/// looks local, so a forwarded request does not count.
fn made_on_this_machine(peer: SocketAddr, headers: &HeaderMap) -> bool {
    let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    peer.ip().is_loopback() && !proxied
}

/// Create the first distributor and a superadmin, and log in as that user.
/// Refused once any user exists, and from any other machine than the server's.
#[utoipa::path(post, path = "/api/v1/setup", tag = "auth", request_body = SetupRequest,
    responses((status = 200, body = LoginResponse), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SetupRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    if !made_on_this_machine(peer, &headers) {
        tracing::warn!(peer = %peer.ip(), "first setup refused: not on the server's machine");
        return Err(ApiError::SetupNotLocal);
    }
    let setup = FirstSetup {
        distributor_name: req.distributor_name,
        time_zone: req.time_zone,
        username: req.username,
        display_name: req.display_name,
        password: req.password,
    };
    let (distributor, user) = match state.db.first_setup(setup).await {
        Ok(done) => done,
        Err(Error::AlreadyExists { entity: "setup", .. }) => return Err(ApiError::AlreadySetUp),
        Err(e) => return Err(e.into()),
    };
    tracing::info!(user_id = user.id, distributor_id = distributor.id, "first setup done");
    let (token, expires_at) = state.db.create_session(user.id, now()).await?;
    Ok(Json(LoginResponse::new(&state, token, expires_at, user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_direct_loopback_requests_are_local() {
        let none = HeaderMap::new();
        assert!(made_on_this_machine("127.0.0.1:5000".parse().unwrap(), &none));
        assert!(made_on_this_machine("[::1]:5000".parse().unwrap(), &none));
        assert!(!made_on_this_machine("192.168.1.20:5000".parse().unwrap(), &none));
        assert!(!made_on_this_machine("[fd00::2]:5000".parse().unwrap(), &none));
        for header in ["forwarded", "x-forwarded-for", "x-real-ip"] {
            let mut proxied = HeaderMap::new();
            proxied.insert(header, "203.0.113.9".parse().unwrap());
            assert!(
                !made_on_this_machine("127.0.0.1:5000".parse().unwrap(), &proxied),
                "{header}"
            );
        }
    }
}
