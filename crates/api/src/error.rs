//! One error type for every handler: a status code, a stable machine code and
//! a Spanish message for people. Internal errors are logged, never shown.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use centermind_core::domain::exhibition::EvaluationError;
use centermind_core::domain::roles::AccessError;
use centermind_core::{Error, messages};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong credentials")]
    BadCredentials,
    /// The current password given to change one's own is not the right one.
    #[error("wrong current password")]
    WrongPassword,
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid request: {0}")]
    Invalid(String),
    /// Someone else evaluated first; carries the current exhibition.
    #[error("conflict")]
    Conflict {
        message: String,
        current: serde_json::Value,
    },
    /// Telegram could not be reached to check something (e.g. a bot token).
    #[error("upstream unavailable")]
    Upstream,
    /// The first-run setup was asked from another machine than the server's.
    #[error("setup only on the server's machine")]
    SetupNotLocal,
    /// The first-run setup was asked when users already exist.
    #[error("already set up")]
    AlreadySetUp,
    #[error(transparent)]
    Core(Error),
}

/// Every error answer: a stable machine `code` and a Spanish `message`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    code: String,
    message: String,
    /// On a 409 conflict: the exhibition as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<serde_json::Value>,
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        match err {
            Error::NotFound { .. } => Self::NotFound,
            // Another tenant's object is "not found": its existence is not revealed.
            Error::Access(AccessError::OtherTenant) => Self::NotFound,
            Error::Access(_) => Self::Forbidden,
            Error::Evaluation(EvaluationError::NotAllowed(_)) => Self::Forbidden,
            Error::Invalid { field, reason } => Self::Invalid(format!("{field}: {reason}")),
            Error::CustomerNumber(e) => Self::Invalid(messages::customer_number_error(e)),
            Error::Schedule(e) => Self::Invalid(messages::schedule_error(&e)),
            other => Self::Core(other),
        }
    }
}

impl From<AccessError> for ApiError {
    fn from(err: AccessError) -> Self {
        Error::Access(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, current) = match self {
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Iniciá sesión para continuar.".to_string(),
                None,
            ),
            Self::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Usuario o contraseña incorrectos.".to_string(),
                None,
            ),
            // 422, not 401: the session is fine, only the password typed is wrong.
            Self::WrongPassword => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_password",
                "La contraseña actual no es correcta.".to_string(),
                None,
            ),
            Self::TooManyAttempts { retry_after_secs } => {
                let mut response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(Body {
                        code: "too_many_attempts",
                        message: format!(
                            "Demasiados intentos fallidos. Probá de nuevo en {} minutos.",
                            retry_after_secs.div_ceil(60)
                        ),
                        current: None,
                    }),
                )
                    .into_response();
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return response;
            }
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Tu rol no permite esta acción.".to_string(),
                None,
            ),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "No encontrado.".to_string(), None),
            Self::Invalid(why) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("Datos inválidos: {why}"),
                None,
            ),
            Self::Upstream => (
                StatusCode::BAD_GATEWAY,
                "telegram_unreachable",
                "No se pudo consultar a Telegram. Probá de nuevo en unos minutos.".to_string(),
                None,
            ),
            Self::SetupNotLocal => (
                StatusCode::FORBIDDEN,
                "setup_not_local",
                "La configuración inicial se hace en el equipo donde corre el servidor.".to_string(),
                None,
            ),
            Self::AlreadySetUp => (
                StatusCode::CONFLICT,
                "already_set_up",
                "Este servidor ya está configurado: iniciá sesión con tu usuario.".to_string(),
                None,
            ),
            Self::Conflict { message, current } => (StatusCode::CONFLICT, "conflict", message, Some(current)),
            Self::Core(Error::Evaluation(e)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_evaluation",
                messages::evaluation_error(&e),
                None,
            ),
            Self::Core(Error::AlreadyExists { entity, detail }) => (
                StatusCode::CONFLICT,
                "already_exists",
                messages::already_exists(entity, &detail),
                None,
            ),
            Self::Core(err) => {
                tracing::error!(%err, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Error interno. Probá de nuevo; si sigue, avisá al administrador.".to_string(),
                    None,
                )
            }
        };
        (status, Json(Body { code, message, current })).into_response()
    }
}
