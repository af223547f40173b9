//! Administration: distributors and their settings, groups, members, PDV
//! types, portal users and TV tokens. Admins manage their own distributor;
//! the superadmin manages every one (and alone creates distributors).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::audit::{self, AuditAction};
use centermind_core::domain::hibernation::parse_hhmm;
use centermind_core::domain::roles::{Action, PortalRole};
use centermind_core::store::{
    Distributor, DistributorUpdate, Group, GroupUpdate, Member, MemberUpdate, NewDistributor, NewGroup, NewPortalUser,
    PdvType, PdvTypeUpdate, PhotoStorage, PortalUser, PortalUserUpdate, TvToken, now,
};
use serde::{Deserialize, Serialize};

use crate::audit::record;
use crate::auth::Authenticated;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::{ApiError, AppState, tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/distributors", get(list_distributors).post(create_distributor))
        .route(
            "/api/v1/distributors/{id}",
            get(get_distributor).patch(update_distributor),
        )
        .route("/api/v1/distributors/{id}/bot-status", get(bot_status))
        .route("/api/v1/groups", get(list_groups).post(create_group))
        .route("/api/v1/groups/{id}", patch(update_group))
        .route("/api/v1/members", get(list_members))
        .route("/api/v1/members/{id}", patch(update_member))
        .route("/api/v1/pdv-types", get(list_pdv_types).post(create_pdv_type))
        .route("/api/v1/pdv-types/{id}", patch(update_pdv_type))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", patch(update_user))
        .route("/api/v1/tv-tokens", get(list_tv_tokens).post(create_tv_token))
        .route("/api/v1/tv-tokens/{id}", axum::routing::delete(revoke_tv_token))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Scope {
    /// Required for the superadmin; others act on their own distributor.
    pub(crate) distributor: Option<DistributorId>,
}

pub(crate) fn manage(auth: &Authenticated, distributor: Option<DistributorId>) -> Result<DistributorId, ApiError> {
    tenant::resolve(&auth.actor, distributor, Action::ManageDistributor)
}

/// Ask Telegram (getMe) whether a bot token is valid before saving it.
async fn validate_token(state: &AppState, token: &Secret<String>) -> Result<(), ApiError> {
    let url = format!(
        "{}/bot{}/getMe",
        state.telegram_api_url.trim_end_matches('/'),
        token.expose()
    );
    let response = reqwest::Client::new()
        .get(url)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| {
            // reqwest errors include the URL, hence the token: log only the kind.
            tracing::warn!(timeout = e.is_timeout(), connect = e.is_connect(), "getMe failed");
            ApiError::Upstream
        })?;
    if response.status().is_success() {
        return Ok(());
    }
    if response.status().is_server_error() {
        return Err(ApiError::Upstream);
    }
    Err(ApiError::Invalid(
        "bot_token: Telegram rechazó el token del bot (revisalo en @BotFather)".into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/distributors", tag = "admin", security(("bearer" = [])), responses((status = 200, body = Vec<Distributor>)))]
pub(crate) async fn list_distributors(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<Distributor>>, ApiError> {
    let all = state.db.list_distributors().await?;
    Ok(Json(match (auth.actor.role, auth.actor.distributor_id) {
        (PortalRole::Superadmin, _) => all,
        (_, Some(own)) => all.into_iter().filter(|d| d.id == own).collect(),
        _ => Vec::new(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewDistributorBody {
    name: String,
    time_zone: Option<String>,
    admin_telegram_id: Option<i64>,
    /// Write-only: validated with Telegram's getMe, never returned.
    #[schema(value_type = Option<String>, format = Password)]
    bot_token: Option<Secret<String>>,
}

#[utoipa::path(post, path = "/api/v1/distributors", tag = "admin", request_body = NewDistributorBody, security(("bearer" = [])),
    responses((status = 201, body = Distributor), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_distributor(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<NewDistributorBody>,
) -> Result<(StatusCode, Json<Distributor>), ApiError> {
    auth.actor.require(Action::ManageAllDistributors)?;
    if let Some(token) = &body.bot_token {
        validate_token(&state, token).await?;
    }
    let d = state
        .db
        .create_distributor(NewDistributor {
            name: body.name,
            time_zone: body.time_zone,
            bot_token: body.bot_token,
            admin_telegram_id: body.admin_telegram_id,
        })
        .await?;
    let fields = audit::created(&d, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        Some(d.id),
        AuditAction::DistributorCreated,
        &d.name,
        fields,
    )
    .await;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(get, path = "/api/v1/distributors/{id}", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Distributor), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_distributor(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<DistributorId>,
) -> Result<Json<Distributor>, ApiError> {
    tenant::resolve(&auth.actor, Some(id), Action::ReadReports)?;
    Ok(Json(state.db.distributor(id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct DistributorSettings {
    /// Superadmin only.
    name: Option<String>,
    /// Superadmin only.
    active: Option<bool>,
    time_zone: Option<String>,
    /// Who gets the bot's alerts in Telegram. Absent: unchanged; `null`: removed
    /// (nobody gets them).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    admin_telegram_id: Option<Option<i64>>,
    /// Write-only; `""` removes the token.
    #[schema(value_type = Option<String>, format = Password)]
    bot_token: Option<Secret<String>>,
    hibernation_enabled: Option<bool>,
    /// Local `HH:MM`.
    hibernation_start: Option<String>,
    hibernation_end: Option<String>,
    points_approved: Option<i64>,
    points_highlighted: Option<i64>,
    /// `google_drive` also copies every photo to `drive_folder_id` (the server keeps its own copy).
    photo_storage: Option<PhotoStorage>,
    /// Google Drive folder id; `""` clears it.
    drive_folder_id: Option<String>,
}

/// For a field where `null` means "remove it": `Some(value)` when the field is
/// present, `null` included (`#[serde(default)]` leaves an absent one `None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[utoipa::path(patch, path = "/api/v1/distributors/{id}", tag = "admin", params(("id" = i64, Path)), request_body = DistributorSettings,
    security(("bearer" = [])), responses((status = 200, body = Distributor), (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_distributor(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<DistributorId>,
    JsonBody(body): JsonBody<DistributorSettings>,
) -> Result<Json<Distributor>, ApiError> {
    manage(&auth, Some(id))?;
    if (body.name.is_some() || body.active.is_some()) && auth.actor.role != PortalRole::Superadmin {
        return Err(ApiError::Forbidden);
    }
    let before = state.db.distributor(id).await?;
    let bot_token = match body.bot_token {
        None => None,
        Some(t) if t.expose().trim().is_empty() => Some(None),
        Some(t) => {
            validate_token(&state, &t).await?;
            Some(Some(t))
        }
    };
    let time = |field: &str, s: Option<String>| {
        s.map(|s| parse_hhmm(&s))
            .transpose()
            .map_err(|e| ApiError::Invalid(format!("{field}: {e}")))
    };
    let update = DistributorUpdate {
        name: body.name,
        active: body.active,
        time_zone: body.time_zone,
        bot_token,
        admin_telegram_id: body.admin_telegram_id,
        hibernation_enabled: body.hibernation_enabled,
        hibernation_start: time("hibernation_start", body.hibernation_start)?,
        hibernation_end: time("hibernation_end", body.hibernation_end)?,
        points_approved: body.points_approved,
        points_highlighted: body.points_highlighted,
        photo_storage: body.photo_storage,
        drive_folder_id: body
            .drive_folder_id
            .map(|f| Some(f.trim().to_string()).filter(|f| !f.is_empty())),
    };
    let new_token = matches!(update.bot_token, Some(Some(_)));
    let updated = state.db.update_distributor(id, update).await?;
    state.time_zones.invalidate(id);
    let changes = before.audit_changes(&updated, new_token);
    record(
        &state,
        &auth,
        Some(id),
        AuditAction::DistributorUpdated,
        &updated.name,
        changes,
    )
    .await;
    Ok(Json(updated))
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "admin", params(Scope), security(("bearer" = [])), responses((status = 200, body = Vec<Group>)))]
pub(crate) async fn list_groups(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Vec<Group>>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    Ok(Json(state.db.list_groups(Some(d)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewGroupBody {
    distributor: Option<DistributorId>,
    /// As Telegram reports it (groups are negative, e.g. -1001234567890).
    chat_id: i64,
    title: String,
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "admin", request_body = NewGroupBody, security(("bearer" = [])),
    responses((status = 201, body = Group), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_group(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<NewGroupBody>,
) -> Result<(StatusCode, Json<Group>), ApiError> {
    let d = manage(&auth, b.distributor)?;
    let g = state
        .db
        .create_group(NewGroup {
            distributor_id: d,
            chat_id: b.chat_id,
            title: b.title,
        })
        .await?;
    let fields = audit::created(&g, audit::BOOKKEEPING);
    record(&state, &auth, Some(d), AuditAction::GroupCreated, &g.title, fields).await;
    Ok((StatusCode::CREATED, Json(g)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct GroupChanges {
    title: Option<String>,
    active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/groups/{id}", tag = "admin", params(("id" = i64, Path), Scope), request_body = GroupChanges,
    security(("bearer" = [])), responses((status = 200, body = Group), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_group(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<i64>,
    QueryParams(q): QueryParams<Scope>,
    JsonBody(b): JsonBody<GroupChanges>,
) -> Result<Json<Group>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    let before = state.db.group(d, id).await?;
    let update = GroupUpdate {
        title: b.title,
        active: b.active,
    };
    let after = state.db.update_group(d, id, update).await?;
    let changes = audit::changes(&before, &after, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        Some(d),
        AuditAction::GroupUpdated,
        &before.title,
        changes,
    )
    .await;
    Ok(Json(after))
}

#[utoipa::path(get, path = "/api/v1/members", tag = "admin", params(Scope), security(("bearer" = [])), responses((status = 200, body = Vec<Member>)))]
pub(crate) async fn list_members(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Vec<Member>>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    Ok(Json(state.db.list_members(d).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct MemberChanges {
    #[schema(value_type = Option<String>, example = "supervisor")]
    role: Option<centermind_core::domain::roles::MemberRole>,
    active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/members/{id}", tag = "admin", params(("id" = i64, Path), Scope), request_body = MemberChanges,
    security(("bearer" = [])), responses((status = 200, body = Member), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_member(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<i64>,
    QueryParams(q): QueryParams<Scope>,
    JsonBody(b): JsonBody<MemberChanges>,
) -> Result<Json<Member>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    let before = state.db.member(d, id).await?;
    let update = MemberUpdate {
        role: b.role,
        active: b.active,
    };
    let after = state.db.update_member(d, id, update).await?;
    let changes = audit::changes(&before, &after, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        Some(d),
        AuditAction::MemberUpdated,
        before.display_name(),
        changes,
    )
    .await;
    Ok(Json(after))
}

#[utoipa::path(get, path = "/api/v1/pdv-types", tag = "admin", params(Scope), security(("bearer" = [])), responses((status = 200, body = Vec<PdvType>)))]
pub(crate) async fn list_pdv_types(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Vec<PdvType>>, ApiError> {
    // Reviewers filter by PDV type, so reading the list needs only read access.
    let d = tenant::resolve(&auth.actor, q.distributor, Action::ReadExhibitions)?;
    Ok(Json(state.db.list_pdv_types(d, false).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewPdvTypeBody {
    distributor: Option<DistributorId>,
    name: String,
}

#[utoipa::path(post, path = "/api/v1/pdv-types", tag = "admin", request_body = NewPdvTypeBody, security(("bearer" = [])),
    responses((status = 201, body = PdvType), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_pdv_type(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<NewPdvTypeBody>,
) -> Result<(StatusCode, Json<PdvType>), ApiError> {
    let d = manage(&auth, b.distributor)?;
    let created = state.db.create_pdv_type(d, &b.name).await?;
    let fields = audit::created(&created, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        Some(d),
        AuditAction::PdvTypeCreated,
        &created.name,
        fields,
    )
    .await;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PdvTypeChanges {
    name: Option<String>,
    position: Option<i64>,
    active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/pdv-types/{id}", tag = "admin", params(("id" = i64, Path), Scope), request_body = PdvTypeChanges,
    security(("bearer" = [])), responses((status = 200, body = PdvType), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_pdv_type(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<i64>,
    QueryParams(q): QueryParams<Scope>,
    JsonBody(b): JsonBody<PdvTypeChanges>,
) -> Result<Json<PdvType>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    let before = state.db.pdv_type(d, id).await?;
    let update = PdvTypeUpdate {
        name: b.name,
        position: b.position,
        active: b.active,
    };
    let after = state.db.update_pdv_type(d, id, update).await?;
    let changes = audit::changes(&before, &after, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        Some(d),
        AuditAction::PdvTypeUpdated,
        &before.name,
        changes,
    )
    .await;
    Ok(Json(after))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(Scope), security(("bearer" = [])), responses((status = 200, body = Vec<PortalUser>)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Vec<PortalUser>>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    Ok(Json(state.db.list_portal_users(Some(d)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewUserBody {
    distributor: Option<DistributorId>,
    username: String,
    display_name: Option<String>,
    #[schema(value_type = String, format = Password)]
    password: Secret<String>,
    #[schema(value_type = String, example = "supervisor")]
    role: PortalRole,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUserBody, security(("bearer" = [])),
    responses((status = 201, body = PortalUser), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<NewUserBody>,
) -> Result<(StatusCode, Json<PortalUser>), ApiError> {
    let distributor_id = if b.role == PortalRole::Superadmin {
        auth.actor.require(Action::ManageAllDistributors)?;
        None
    } else {
        Some(manage(&auth, b.distributor)?)
    };
    let u = state
        .db
        .create_portal_user(NewPortalUser {
            username: b.username,
            display_name: b.display_name,
            password: b.password,
            role: b.role,
            distributor_id,
        })
        .await?;
    let fields = audit::created(&u, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        u.distributor_id,
        AuditAction::UserCreated,
        &u.username,
        fields,
    )
    .await;
    Ok((StatusCode::CREATED, Json(u)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct UserChanges {
    display_name: Option<String>,
    #[schema(value_type = Option<String>, example = "viewer")]
    role: Option<PortalRole>,
    /// `false` ends the user's sessions.
    active: Option<bool>,
    /// A new password; ends the user's sessions.
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<Secret<String>>,
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", params(("id" = i64, Path)), request_body = UserChanges,
    security(("bearer" = [])), responses((status = 200, body = PortalUser), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<i64>,
    JsonBody(b): JsonBody<UserChanges>,
) -> Result<Json<PortalUser>, ApiError> {
    auth.actor.require(Action::ManageDistributor)?;
    let scope = if auth.actor.role == PortalRole::Superadmin {
        None
    } else {
        auth.actor.distributor_id
    };
    if scope.is_none() && auth.actor.role != PortalRole::Superadmin {
        return Err(ApiError::NotFound);
    }
    let before = state.db.portal_user_in(scope, id).await?;
    // Nobody locks themself out by a slip: another admin (or the superadmin) must do it.
    if id == auth.actor.user_id && (b.active == Some(false) || b.role.is_some_and(|role| role != auth.actor.role)) {
        return Err(ApiError::Invalid(
            "No podés desactivar tu propia cuenta ni cambiar tu propio rol: pedíselo a otro administrador".into(),
        ));
    }
    if let Some(password) = b.password {
        state.db.set_portal_user_password(id, password).await?;
        let (d, name) = (before.distributor_id, &before.username);
        record(&state, &auth, d, AuditAction::PasswordChanged, name, Vec::new()).await;
    }
    let update = PortalUserUpdate {
        display_name: b.display_name,
        role: b.role,
        active: b.active,
    };
    let after = state.db.update_portal_user(id, update, now()).await?;
    let changes = audit::changes(&before, &after, audit::BOOKKEEPING);
    record(
        &state,
        &auth,
        after.distributor_id,
        AuditAction::UserUpdated,
        &after.username,
        changes,
    )
    .await;
    Ok(Json(after))
}

#[utoipa::path(get, path = "/api/v1/tv-tokens", tag = "admin", params(Scope), security(("bearer" = [])), responses((status = 200, body = Vec<TvToken>)))]
pub(crate) async fn list_tv_tokens(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<Scope>,
) -> Result<Json<Vec<TvToken>>, ApiError> {
    let d = manage(&auth, q.distributor)?;
    Ok(Json(state.db.list_tv_tokens(d).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewTvTokenBody {
    distributor: Option<DistributorId>,
    /// Where the TV is, e.g. "TV del salón".
    label: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NewTvTokenResponse {
    /// Shown once: configure it in the kiosk. Only its digest is stored.
    token: String,
    tv_token: TvToken,
}

#[utoipa::path(post, path = "/api/v1/tv-tokens", tag = "admin", request_body = NewTvTokenBody, security(("bearer" = [])),
    responses((status = 201, body = NewTvTokenResponse)))]
pub(crate) async fn create_tv_token(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(b): JsonBody<NewTvTokenBody>,
) -> Result<(StatusCode, Json<NewTvTokenResponse>), ApiError> {
    let d = manage(&auth, b.distributor)?;
    let (tv_token, token) = state.db.create_tv_token(d, &b.label, auth.actor.user_id, now()).await?;
    record(
        &state,
        &auth,
        Some(d),
        AuditAction::TvTokenCreated,
        &tv_token.label,
        Vec::new(),
    )
    .await;
    Ok((
        StatusCode::CREATED,
        Json(NewTvTokenResponse {
            token: token.into_inner(),
            tv_token,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tv-tokens/{id}", tag = "admin", params(("id" = i64, Path), Scope), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke_tv_token(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<i64>,
    QueryParams(q): QueryParams<Scope>,
) -> Result<StatusCode, ApiError> {
    let d = manage(&auth, q.distributor)?;
    let token = state.db.tv_token(d, id).await?;
    state.db.revoke_tv_token(d, id, now()).await?;
    // Revoking twice is fine, and only the first one is news.
    if token.revoked_at.is_none() {
        record(
            &state,
            &auth,
            Some(d),
            AuditAction::TvTokenRevoked,
            token.label,
            Vec::new(),
        )
        .await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What the distributor's Telegram bot is doing, as the sidecar last recorded it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct BotStatusView {
    distributor_id: DistributorId,
    /// stopped, starting, running, restarting, failed or invalid_token.
    state: String,
    started_at: Option<chrono::DateTime<chrono::Utc>>,
    last_error: Option<String>,
    restarts: i64,
    updates_handled: i64,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[utoipa::path(get, path = "/api/v1/distributors/{id}/bot-status", tag = "admin", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BotStatusView), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn bot_status(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<DistributorId>,
) -> Result<Json<BotStatusView>, ApiError> {
    // Supervisors see it too: a stopped bot explains an empty queue.
    tenant::resolve(&auth.actor, Some(id), Action::ReadExhibitions)?;
    state.db.distributor(id).await?;
    Ok(Json(match state.db.bot_status(id).await? {
        Some(s) => BotStatusView {
            distributor_id: id,
            state: s.state.as_str().to_string(),
            started_at: s.started_at,
            last_error: s.last_error,
            restarts: s.restarts,
            updates_handled: s.updates_handled,
            updated_at: Some(s.updated_at),
        },
        // Never started by a sidecar yet.
        None => BotStatusView {
            distributor_id: id,
            state: "stopped".into(),
            started_at: None,
            last_error: None,
            restarts: 0,
            updates_handled: 0,
            updated_at: None,
        },
    }))
}
