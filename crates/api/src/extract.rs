//! axum's `Json`, `Query` and `Path` extractors with this API's error answer.
//! axum's own rejections are plain English text with assorted statuses; an
//! integrator (or the desktop app) gets instead what every other refusal
//! gives: JSON with a stable `code` and a Spanish `message` (`invalid` for a
//! body or query that does not fit, `not_found` for a path that names nothing).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use crate::ApiError;

/// A JSON request body.
pub struct JsonBody<T>(pub T);

/// The query string.
pub struct QueryParams<T>(pub T);

/// The path's parameters (ids, UUIDs).
pub struct PathParams<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::Invalid(body_problem(&rejection))),
        }
    }
}

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    axum::extract::Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::Invalid(format!(
                "parámetros de la consulta: {}",
                detail(&rejection.body_text(), "Failed to deserialize query string: ")
            ))),
        }
    }
}

impl<S, T> FromRequestParts<S> for PathParams<T>
where
    axum::extract::Path<T>: FromRequestParts<S, Rejection = PathRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            // `/exhibitions/not-a-uuid` names nothing.
            Err(_) => Err(ApiError::NotFound),
        }
    }
}

fn body_problem(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => "el cuerpo debe ser JSON (Content-Type: application/json)".into(),
        JsonRejection::JsonSyntaxError(_) => format!(
            "el cuerpo no es JSON válido: {}",
            detail(&rejection.body_text(), "Failed to parse the request body as JSON: ")
        ),
        JsonRejection::JsonDataError(_) => format!(
            "el cuerpo no tiene la forma esperada: {}",
            detail(
                &rejection.body_text(),
                "Failed to deserialize the JSON body into the target type: "
            )
        ),
        _ => format!("no se pudo leer el cuerpo: {}", rejection.body_text()),
    }
}

/// serde's own words (field, expected type, position) without axum's lead-in.
fn detail<'a>(text: &'a str, lead: &str) -> &'a str {
    text.strip_prefix(lead).unwrap_or(text)
}
