//! Review: list and read exhibitions, serve their photos, record verdicts.

use std::path::{Component, Path};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use centermind_core::domain::DistributorId;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::exhibition::{ExhibitionStatus, Verdict};
use centermind_core::domain::roles::Action;
use centermind_core::events::LiveEvent;
use centermind_core::store::{
    EvaluationRequest, Exhibition, ExhibitionCount, ExhibitionFilter, ExhibitionSummary, PendingCursor, now,
};
use centermind_core::{Error, messages};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::{ApiError, AppState, tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/exhibitions", get(list))
        .route("/api/v1/exhibitions/count", get(count))
        .route("/api/v1/exhibitions/{id}", get(detail))
        .route("/api/v1/exhibitions/{id}/evaluation", post(evaluate))
        .route("/api/v1/exhibitions/{id}/photos/{position}", get(photo))
        .route("/api/v1/exhibitions/{id}/photos/{position}/thumbnail", get(thumbnail))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    distributor: Option<DistributorId>,
    status: Option<ExhibitionStatus>,
    group: Option<i64>,
    vendor: Option<i64>,
    pdv_type: Option<i64>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    possible_duplicate: Option<bool>,
    /// One shop: its customer number (spaces, dots and dashes ignored).
    customer: Option<String>,
    /// Opaque cursor from the previous page's `next_cursor`.
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A list item with its times also written in the distributor's time zone.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Item {
    #[serde(flatten)]
    summary: ExhibitionSummary,
    submitted_at_local: String,
    evaluated_at_local: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Page {
    items: Vec<Item>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn item(summary: ExhibitionSummary, tz: Tz) -> Item {
    Item {
        submitted_at_local: local(summary.submitted_at, tz),
        evaluated_at_local: summary.evaluated_at.map(|t| local(t, tz)),
        summary,
    }
}

fn encode_cursor(c: &PendingCursor) -> String {
    format!("{}_{}", c.submitted_at.timestamp_millis(), c.id.simple())
}

fn decode_cursor(s: &str) -> Result<PendingCursor, ApiError> {
    let bad = || ApiError::Invalid("cursor: no es válido (usá el next_cursor de la página anterior)".into());
    let (ms, id) = s.split_once('_').ok_or_else(bad)?;
    let submitted_at = DateTime::from_timestamp_millis(ms.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok(PendingCursor {
        submitted_at,
        id: Uuid::parse_str(id).map_err(|_| bad())?,
    })
}

/// A page of the distributor's exhibitions (pending: oldest first; otherwise newest first).
#[utoipa::path(get, path = "/api/v1/exhibitions", tag = "review", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let distributor = tenant::resolve(&auth.actor, q.distributor, Action::ReadExhibitions)?;
    let filter = filter_of(&q)?;
    let tz = state.time_zones.get(&state.db, distributor).await?;
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let rows = state
        .db
        .list_exhibitions(distributor, &filter, after.as_ref(), limit)
        .await?;
    let next_cursor = (rows.len() == limit as usize)
        .then(|| {
            rows.last().map(|r| {
                encode_cursor(&PendingCursor {
                    submitted_at: r.submitted_at,
                    id: r.id,
                })
            })
        })
        .flatten();
    Ok(Json(Page {
        items: rows.into_iter().map(|r| item(r, tz)).collect(),
        next_cursor,
    }))
}

/// The listing's conditions (a customer number with letters is refused).
fn filter_of(q: &ListQuery) -> Result<ExhibitionFilter, ApiError> {
    let customer_number = q
        .customer
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(CustomerNumber::parse)
        .transpose()
        .map_err(|e| ApiError::Invalid(format!("customer: {}", messages::customer_number_error(e))))?;
    Ok(ExhibitionFilter {
        status: q.status,
        group_id: q.group,
        vendor_id: q.vendor,
        pdv_type_id: q.pdv_type,
        from: q.from,
        to: q.to,
        possible_duplicate: q.possible_duplicate,
        customer_number,
    })
}

/// How many exhibitions a listing has, and its oldest.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Count {
    count: i64,
    /// When the oldest matching exhibition was submitted (for `status=pending`:
    /// the one waiting longest); absent when none matches.
    oldest_submitted_at: Option<DateTime<Utc>>,
    /// The same, in the distributor's time zone.
    oldest_submitted_at_local: Option<String>,
}

/// How many of the distributor's exhibitions match the listing's conditions
/// (`cursor` and `limit` are ignored), and when the oldest was submitted: for
/// `status=pending`, how much is left to review and the longest wait.
#[utoipa::path(get, path = "/api/v1/exhibitions/count", tag = "review", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Count), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn count(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Json<Count>, ApiError> {
    let distributor = tenant::resolve(&auth.actor, q.distributor, Action::ReadExhibitions)?;
    let filter = filter_of(&q)?;
    let tz = state.time_zones.get(&state.db, distributor).await?;
    let ExhibitionCount {
        count,
        oldest_submitted_at,
    } = state.db.count_exhibitions(distributor, &filter).await?;
    Ok(Json(Count {
        count,
        oldest_submitted_at,
        oldest_submitted_at_local: oldest_submitted_at.map(|at| local(at, tz)),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Detail {
    #[serde(flatten)]
    exhibition: Exhibition,
    #[schema(value_type = String, example = "America/Argentina/Buenos_Aires")]
    time_zone: Tz,
    submitted_at_local: String,
    evaluated_at_local: Option<String>,
    /// When the exhibition in `duplicate_of` was submitted, in the distributor's time zone.
    duplicate_of_submitted_at_local: Option<String>,
}

/// Load an exhibition for `auth`, refusing other tenants as "not found".
async fn load(state: &AppState, auth: &Authenticated, id: Uuid) -> Result<(Exhibition, Tz), ApiError> {
    // The tenant is read from the row, then checked: ids are global UUIDs.
    let owner: Option<i64> = sqlx::query_scalar("SELECT distributor_id FROM exhibitions WHERE id = ?")
        .bind(id.hyphenated())
        .fetch_optional(state.db.pool())
        .await
        .map_err(Error::from)?;
    let distributor = owner.ok_or(ApiError::NotFound)?;
    auth.actor.authorize(Action::ReadExhibitions, distributor)?;
    let tz = state.time_zones.get(&state.db, distributor).await?;
    Ok((state.db.exhibition(distributor, id).await?, tz))
}

fn detail_view(exhibition: Exhibition, tz: Tz) -> Detail {
    Detail {
        submitted_at_local: local(exhibition.summary.submitted_at, tz),
        evaluated_at_local: exhibition.summary.evaluated_at.map(|t| local(t, tz)),
        duplicate_of_submitted_at_local: exhibition.duplicate_of.as_ref().map(|d| local(d.submitted_at, tz)),
        exhibition,
        time_zone: tz,
    }
}

/// One exhibition with photos and verdict history. A possible duplicate names
/// the earlier exhibition it repeats (`duplicate_of`: id and submission time).
#[utoipa::path(get, path = "/api/v1/exhibitions/{id}", tag = "review", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Detail), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<Uuid>,
) -> Result<Json<Detail>, ApiError> {
    let (exhibition, tz) = load(&state, &auth, id).await?;
    Ok(Json(detail_view(exhibition, tz)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct EvaluationBody {
    verdict: Verdict,
    /// The status the supervisor saw when deciding.
    expected_status: ExhibitionStatus,
    comment: Option<String>,
    reason: Option<String>,
}

/// Approve, reject or highlight (or change a verdict). `expected_status` guards against
/// two supervisors deciding at once: a mismatch answers 409 with the current state.
#[utoipa::path(post, path = "/api/v1/exhibitions/{id}/evaluation", tag = "review", params(("id" = Uuid, Path)),
    request_body = EvaluationBody, security(("bearer" = [])),
    responses((status = 200, body = Detail), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn evaluate(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams(id): PathParams<Uuid>,
    JsonBody(body): JsonBody<EvaluationBody>,
) -> Result<Json<Detail>, ApiError> {
    let req = EvaluationRequest {
        exhibition_id: id,
        verdict: body.verdict,
        expected_status: body.expected_status,
        comment: body.comment,
        reason: body.reason,
    };
    match state.db.evaluate_exhibition(&auth.actor, req, now()).await {
        Ok(exhibition) => {
            (state.on_verdict)(id);
            state.events.publish(LiveEvent::ExhibitionEvaluated {
                distributor_id: exhibition.summary.distributor_id,
                exhibition_id: id,
                status: exhibition.summary.status,
            });
            let tz = state
                .time_zones
                .get(&state.db, exhibition.summary.distributor_id)
                .await?;
            Ok(Json(detail_view(exhibition, tz)))
        }
        Err(Error::Evaluation(e @ centermind_core::domain::exhibition::EvaluationError::Conflict { .. })) => {
            let (current, tz) = load(&state, &auth, id).await?;
            let current =
                serde_json::to_value(detail_view(current, tz)).map_err(|e| ApiError::Invalid(e.to_string()))?;
            Err(ApiError::Conflict {
                message: messages::evaluation_error(&e),
                current,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The file of one photo of an exhibition the caller may read.
struct StoredPhoto {
    /// Relative to the photo folder, checked to stay inside it.
    key: String,
    etag: Option<String>,
}

async fn stored_photo(
    state: &AppState,
    auth: &Authenticated,
    id: Uuid,
    position: i64,
) -> Result<StoredPhoto, ApiError> {
    let (exhibition, _) = load(state, auth, id).await?;
    let photo = exhibition
        .photos
        .into_iter()
        .find(|p| p.position == position)
        .ok_or(ApiError::NotFound)?;
    let key = photo.storage_key.ok_or(ApiError::NotFound)?;
    if !Path::new(&key).components().all(|c| matches!(c, Component::Normal(_))) {
        tracing::warn!(%id, "refusing a storage key that leaves the photo folder");
        return Err(ApiError::NotFound);
    }
    Ok(StoredPhoto {
        key,
        etag: photo.sha256,
    })
}

fn not_modified(etag: &str, headers: &HeaderMap) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|sent| sent.as_bytes() == etag.as_bytes())
}

/// Photos never change once stored, so clients may cache them for good
/// (private: they are tenant data).
fn image_response(bytes: Vec<u8>, content_type: &'static str, etag: Option<&str>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Some(v) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
        h.insert(header::ETAG, v);
    }
    response
}

async fn read_file(path: &Path) -> Result<Vec<u8>, ApiError> {
    match tokio::fs::read(path).await {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ApiError::NotFound),
        Err(e) => Err(Error::Io(e).into()),
    }
}

/// A stored photo, as received.
#[utoipa::path(get, path = "/api/v1/exhibitions/{id}/photos/{position}", tag = "review",
    params(("id" = Uuid, Path), ("position" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 304), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((id, position)): PathParams<(Uuid, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let photo = stored_photo(&state, &auth, id, position).await?;
    let etag = photo.etag.map(|h| format!("\"{h}\""));
    if etag.as_deref().is_some_and(|t| not_modified(t, &headers)) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let bytes = read_file(&state.photo_dir.join(&photo.key)).await?;
    let content_type = if photo.key.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok(image_response(bytes, content_type, etag.as_deref()))
}

/// Longest side of a thumbnail, in pixels.
const THUMBNAIL_SIZE: u32 = 320;

/// A small JPEG of a photo for queues and burst strips. Generated on first
/// request and kept under `<photo dir>/.thumbnails/`, so each is made once.
#[utoipa::path(get, path = "/api/v1/exhibitions/{id}/photos/{position}/thumbnail", tag = "review",
    params(("id" = Uuid, Path), ("position" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 304), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn thumbnail(
    State(state): State<AppState>,
    auth: Authenticated,
    PathParams((id, position)): PathParams<(Uuid, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let photo = stored_photo(&state, &auth, id, position).await?;
    let etag = photo.etag.map(|h| format!("\"thumb-{h}\""));
    if etag.as_deref().is_some_and(|t| not_modified(t, &headers)) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let thumb_path = state
        .photo_dir
        .join(".thumbnails")
        .join(&photo.key)
        .with_extension("jpg");
    if let Ok(bytes) = tokio::fs::read(&thumb_path).await {
        return Ok(image_response(bytes, "image/jpeg", etag.as_deref()));
    }
    let original = state.photo_dir.join(&photo.key);
    let bytes = tokio::task::spawn_blocking(move || make_thumbnail(&original, &thumb_path))
        .await
        .map_err(|e| ApiError::Core(Error::Io(std::io::Error::other(e.to_string()))))??;
    Ok(image_response(bytes, "image/jpeg", etag.as_deref()))
}

fn make_thumbnail(original: &Path, target: &Path) -> Result<Vec<u8>, ApiError> {
    let image = match image::ImageReader::open(original) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ApiError::NotFound),
        Err(e) => return Err(Error::Io(e).into()),
        Ok(reader) => reader
            .with_guessed_format()
            .map_err(|e| ApiError::Core(Error::Io(e)))?
            .decode()
            .map_err(|_| ApiError::Invalid("la foto no se puede leer (archivo dañado)".into()))?,
    };
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 75)
        .encode_image(&small)
        .map_err(|e| ApiError::Core(Error::Io(std::io::Error::other(e.to_string()))))?;
    // Write beside, then rename: concurrent first requests never see half a file.
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ApiError::Core(e.into()))?;
    }
    let partial = target.with_extension(format!("{}.part", uuid::Uuid::new_v4().simple()));
    std::fs::write(&partial, &jpeg)
        .and_then(|()| std::fs::rename(&partial, target))
        .map_err(|e| ApiError::Core(e.into()))?;
    Ok(jpeg)
}
