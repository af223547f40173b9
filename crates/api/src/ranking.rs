//! `GET /api/v1/ranking`: a month's vendor ranking with the distributor's scoring.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use centermind_core::domain::DistributorId;
use centermind_core::domain::ranking::{RankingEntry, Scoring};
use centermind_core::domain::roles::Action;
use centermind_core::domain::time_zone::Month;
use centermind_core::store::now;
use serde::{Deserialize, Serialize};

use crate::auth::Authenticated;
use crate::extract::QueryParams;
use crate::{ApiError, AppState, tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ranking", get(ranking))
        .route("/api/v1/tv/ranking", get(tv_ranking))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RankingQuery {
    distributor: Option<DistributorId>,
    /// `YYYY-MM`; default: the current month in the distributor's time zone.
    month: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RankingView {
    distributor_id: DistributorId,
    /// For the kiosk's title: a TV token has no other way to learn it.
    distributor_name: String,
    month: String,
    scoring: Scoring,
    entries: Vec<RankingEntry>,
}

/// A month's vendor ranking with the distributor's scoring.
#[utoipa::path(get, path = "/api/v1/ranking", tag = "ranking", params(RankingQuery), security(("bearer" = [])),
    responses((status = 200, body = RankingView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn ranking(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<RankingQuery>,
) -> Result<Json<RankingView>, ApiError> {
    let distributor_id = tenant::resolve(&auth.actor, q.distributor, Action::ReadReports)?;
    let d = state.db.distributor(distributor_id).await?;
    let month = match q.month {
        Some(m) => m
            .parse::<Month>()
            .map_err(|e| ApiError::Invalid(format!("month: {e}")))?,
        None => Month::containing(now(), d.time_zone),
    };
    let entries = state.db.ranking(distributor_id, month).await?;
    Ok(Json(RankingView {
        distributor_id,
        distributor_name: d.name,
        month: month.to_string(),
        scoring: d.scoring,
        entries,
    }))
}

/// The kiosk's view: the current month's ranking of the one distributor its
/// TV token belongs to. The token opens nothing else.
#[utoipa::path(get, path = "/api/v1/tv/ranking", tag = "ranking", security(("tv_token" = [])),
    responses((status = 200, body = RankingView), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn tv_ranking(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Json<RankingView>, ApiError> {
    let token = crate::auth::bearer_token(&headers)?;
    let distributor_id = state
        .db
        .tv_token_distributor(&token, now())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let d = state.db.distributor(distributor_id).await?;
    let month = Month::containing(now(), d.time_zone);
    let entries = state.db.ranking(distributor_id, month).await?;
    Ok(Json(RankingView {
        distributor_id,
        distributor_name: d.name,
        month: month.to_string(),
        scoring: d.scoring,
        entries,
    }))
}
