//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the
//! handlers' annotations and the types they exchange.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "CenterMind API", description = "Review, ranking and reports of in-store display photos."),
    paths(
        crate::health::health,
        crate::auth::login,
        crate::auth::logout,
        crate::auth::me,
        crate::auth::change_password,
        crate::setup::status,
        crate::setup::create,
        crate::exhibitions::list,
        crate::exhibitions::count,
        crate::exhibitions::detail,
        crate::exhibitions::evaluate,
        crate::exhibitions::photo,
        crate::exhibitions::thumbnail,
        crate::ranking::ranking,
        crate::reports::summary,
        crate::reports::csv_export,
        crate::reports::xlsx_export,
        crate::events::events,
        crate::ranking::tv_ranking,
        crate::events::tv_events,
        crate::admin::list_distributors,
        crate::admin::create_distributor,
        crate::admin::get_distributor,
        crate::admin::update_distributor,
        crate::admin::bot_status,
        crate::admin::list_groups,
        crate::admin::create_group,
        crate::admin::update_group,
        crate::admin::list_members,
        crate::admin::update_member,
        crate::admin::list_pdv_types,
        crate::admin::create_pdv_type,
        crate::admin::update_pdv_type,
        crate::admin::list_users,
        crate::admin::create_user,
        crate::admin::update_user,
        crate::admin::list_tv_tokens,
        crate::admin::create_tv_token,
        crate::admin::revoke_tv_token,
        crate::jobs::list_jobs,
        crate::jobs::get_job,
        crate::jobs::update_job,
        crate::jobs::run_job,
        crate::jobs::job_runs,
        crate::jobs::list_backups,
        crate::jobs::restore_backup,
        crate::legacy_import::import_legacy,
        crate::work::work,
        crate::work::given_up,
        crate::work::retry,
        crate::work::dismiss,
        crate::work::error_events,
        crate::audit::list,
    ),
    // Types used only in query parameters are not collected automatically.
    components(schemas(
        centermind_core::domain::period::Preset,
        centermind_core::store::GroupBy,
        centermind_core::domain::exhibition::ExhibitionStatus,
        centermind_core::domain::exhibition::Verdict,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Session token from /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "tv_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("TV device token from /api/v1/tv-tokens"))
                    .build(),
            ),
        );
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
