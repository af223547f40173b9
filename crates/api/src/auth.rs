//! Login, logout and "who am I". Sessions are bearer tokens
//! (`Authorization: Bearer <token>`), stored hashed by core.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use centermind_core::Secret;
use centermind_core::domain::audit::AuditAction;
use centermind_core::domain::roles::Actor;
use centermind_core::store::{PortalUser, now};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::extract::JsonBody;
use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(change_password))
}

/// The token of an `Authorization: Bearer <token>` header (session or TV token).
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Result<Secret<String>, ApiError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| Secret::new(t.trim().to_string()))
        .ok_or(ApiError::Unauthenticated)
}

/// The caller, authenticated by a session token.
pub struct Authenticated {
    pub actor: Actor,
    token: Secret<String>,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers)?;
        let actor = state
            .db
            .session_actor(&token, now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Self { actor, token })
    }
}

impl Authenticated {
    /// The session token, for requests that must check the session again later (the event stream).
    pub(crate) fn into_token(self) -> Secret<String> {
        self.token
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginRequest {
    username: String,
    #[schema(value_type = String, format = Password)]
    password: Secret<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UserView {
    id: i64,
    username: String,
    display_name: String,
    role: centermind_core::domain::roles::PortalRole,
    distributor_id: Option<i64>,
    /// The name of the user's distributor (`null` for the superadmin), so a
    /// client can say where the user works without another request.
    distributor_name: Option<String>,
}

impl UserView {
    pub(crate) async fn of(state: &AppState, u: PortalUser) -> Result<Self, ApiError> {
        let distributor_name = match u.distributor_id {
            Some(id) => Some(state.db.distributor(id).await?.name),
            None => None,
        };
        Ok(Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            distributor_id: u.distributor_id,
            distributor_name,
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LoginResponse {
    /// Shown once; the server keeps only its digest.
    token: String,
    expires_at: DateTime<Utc>,
    user: UserView,
}

impl LoginResponse {
    pub(crate) async fn new(
        state: &AppState,
        token: Secret<String>,
        expires_at: DateTime<Utc>,
        user: PortalUser,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            token: token.into_inner(),
            expires_at,
            user: UserView::of(state, user).await?,
        })
    }
}

/// The rate limiter's key for a username: one count per account, however typed.
fn limiter_user_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// Open a session. Failures are rate-limited per username and per address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let user_key = limiter_user_key(&req.username);
    let keys = [user_key.clone(), format!("ip:{}", peer.ip())];
    if let Some(wait) = state.login_limiter.blocked(&keys, Instant::now()) {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let Some(user) = state.db.verify_login(&req.username, &req.password).await? else {
        state.login_limiter.record_failure(&keys, Instant::now());
        tracing::info!(username = %req.username.trim(), peer = %peer.ip(), "login failed");
        return Err(ApiError::BadCredentials);
    };
    state.login_limiter.record_success(&user_key);
    let (token, expires_at) = state.db.create_session(user.id, now()).await?;
    tracing::info!(user_id = user.id, "login");
    Ok(Json(LoginResponse::new(&state, token, expires_at, user).await?))
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204)))]
pub(crate) async fn logout(State(state): State<AppState>, auth: Authenticated) -> Result<StatusCode, ApiError> {
    state.db.revoke_session(&auth.token, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = UserView), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn me(State(state): State<AppState>, auth: Authenticated) -> Result<Json<UserView>, ApiError> {
    let user = state.db.portal_user(auth.actor.user_id).await?;
    Ok(Json(UserView::of(&state, user).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordChange {
    #[schema(value_type = String, format = Password)]
    current_password: Secret<String>,
    /// At least 8 characters, and not the current one.
    #[schema(value_type = String, format = Password)]
    new_password: Secret<String>,
}

/// The signed-in user changes their own password. The current one must be
/// given (a session left open on another computer is not enough to take the
/// account over); wrong attempts count towards the login's rate limit. Every
/// other session of the user ends; this one stays open.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange, security(("bearer" = [])),
    responses((status = 204), (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(req): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let user = state.db.portal_user(auth.actor.user_id).await?;
    let keys = [limiter_user_key(&user.username)];
    if let Some(wait) = state.login_limiter.blocked(&keys, Instant::now()) {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let changed = state
        .db
        .change_own_password(user.id, &req.current_password, req.new_password, &auth.token, now())
        .await?;
    if !changed {
        state.login_limiter.record_failure(&keys, Instant::now());
        tracing::info!(user_id = user.id, "own password change: wrong current password");
        return Err(ApiError::WrongPassword);
    }
    state.login_limiter.record_success(&keys[0]);
    tracing::info!(user_id = user.id, "own password changed; other sessions ended");
    let (action, d) = (AuditAction::PasswordChanged, user.distributor_id);
    crate::audit::record(&state, &auth, d, action, &user.username, Vec::new()).await;
    Ok(StatusCode::NO_CONTENT)
}
