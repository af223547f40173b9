//! Reports for a period: aggregated figures, and exports of every exhibition
//! as CSV (streamed row by row) or XLSX (written in constant memory to a
//! temporary file, then streamed).

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use centermind_core::domain::DistributorId;
use centermind_core::domain::period::{Period, Preset};
use centermind_core::domain::roles::Action;
use centermind_core::messages::{REPORT_COLUMNS, status_label, yes_no};
use centermind_core::store::{GroupBy, ReportRow, SummaryRow, now};
use chrono::NaiveDate;
use chrono_tz::Tz;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::auth::Authenticated;
use crate::extract::QueryParams;
use crate::{ApiError, AppState, tenant};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reports/summary", get(summary))
        .route("/api/v1/reports/exhibitions.csv", get(csv_export))
        .route("/api/v1/reports/exhibitions.xlsx", get(xlsx_export))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PeriodQuery {
    distributor: Option<DistributorId>,
    /// A preset; ignored when `from` and `to` are given.
    period: Option<Preset>,
    /// Local dates, both included.
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    group_by: Option<GroupBy>,
}

struct Resolved {
    distributor: DistributorId,
    tz: Tz,
    period: Period,
    label: String,
}

async fn resolve(state: &AppState, auth: &Authenticated, q: &PeriodQuery) -> Result<Resolved, ApiError> {
    let distributor = tenant::resolve(&auth.actor, q.distributor, Action::ReadReports)?;
    let tz = state.db.distributor(distributor).await?.time_zone;
    let (period, label) = match (q.from, q.to) {
        (Some(from), Some(to)) => (
            Period::custom(from, to, tz).map_err(ApiError::Invalid)?,
            format!("{from}_{to}"),
        ),
        (None, None) => {
            let preset = q.period.unwrap_or(Preset::ThisMonth);
            let p = Period::preset(preset, now(), tz);
            let last_day = (p.end - chrono::Duration::seconds(1)).with_timezone(&tz).date_naive();
            (p, format!("{}_{}", p.start.with_timezone(&tz).date_naive(), last_day))
        }
        _ => {
            return Err(ApiError::Invalid(
                "from y to van juntos: indicá los dos o ninguno".into(),
            ));
        }
    };
    Ok(Resolved {
        distributor,
        tz,
        period,
        label,
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SummaryItem {
    #[serde(flatten)]
    row: SummaryRow,
    approval_rate: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SummaryView {
    distributor_id: DistributorId,
    period: Period,
    group_by: GroupBy,
    rows: Vec<SummaryItem>,
}

/// Figures for a period grouped by vendor, customer, PDV type, group or status.
#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, body = SummaryView), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn summary(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Json<SummaryView>, ApiError> {
    let r = resolve(&state, &auth, &q).await?;
    let group_by = q.group_by.unwrap_or(GroupBy::Vendor);
    let rows = state.db.report_summary(r.distributor, r.period, group_by).await?;
    let rows = rows
        .into_iter()
        .map(|row| SummaryItem {
            approval_rate: row.approval_rate(),
            row,
        })
        .collect();
    Ok(Json(SummaryView {
        distributor_id: r.distributor,
        period: r.period,
        group_by,
        rows,
    }))
}

fn cells(row: &ReportRow, tz: Tz) -> [String; 13] {
    let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    [
        row.id.clone(),
        local(row.submitted_at),
        row.evaluated_at.map(local).unwrap_or_default(),
        row.group_title.clone(),
        row.vendor_name.clone(),
        row.customer_number.clone(),
        row.pdv_type.clone(),
        status_label(row.status).to_string(),
        row.evaluator.clone().unwrap_or_default(),
        row.comment.clone().unwrap_or_default(),
        row.rejection_reason.clone().unwrap_or_default(),
        row.photo_count.to_string(),
        yes_no(row.possible_duplicate).to_string(),
    ]
}

fn attachment(body: Body, content_type: &'static str, filename: &str) -> Response {
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// CSV for spreadsheet users in Argentina: UTF-8 with BOM and `;` separators,
/// which Excel in es-AR opens correctly. Rows stream from the database in
/// chunks; memory stays flat whatever the period.
#[utoipa::path(get, path = "/api/v1/reports/exhibitions.csv", tag = "reports", params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String)))]
pub(crate) async fn csv_export(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let r = resolve(&state, &auth, &q).await?;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = state.db.clone();
    tokio::spawn(async move {
        let new_writer = || {
            csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::with_capacity(CHUNK + 4096))
        };
        // The BOM tells Excel the file is UTF-8 (accents, ñ).
        let mut writer = new_writer();
        let mut failed = writer.write_record(REPORT_COLUMNS).err().map(|e| e.to_string());
        let mut pending_bom = true;
        let mut rows = std::pin::pin!(db.report_rows(r.distributor, r.period));
        while failed.is_none() {
            let Some(row) = rows.next().await else { break };
            match row {
                Ok(row) => failed = writer.write_record(cells(&row, r.tz)).err().map(|e| e.to_string()),
                Err(e) => failed = Some(e.to_string()),
            }
            if writer.get_ref().len() >= CHUNK {
                let full = std::mem::replace(&mut writer, new_writer());
                match finish_chunk(full, &mut pending_bom) {
                    Ok(chunk) => {
                        if tx.send(Ok(chunk)).await.is_err() {
                            return; // the client went away
                        }
                    }
                    Err(e) => failed = Some(e),
                }
            }
        }
        if let Some(err) = failed {
            tracing::error!(%err, "CSV export failed midway");
            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
            return;
        }
        match finish_chunk(writer, &mut pending_bom) {
            Ok(chunk) => {
                let _ = tx.send(Ok(chunk)).await;
            }
            Err(err) => {
                tracing::error!(%err, "CSV export failed at the end");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    Ok(attachment(
        Body::from_stream(stream),
        "text/csv; charset=utf-8",
        &format!("exhibiciones_{}.csv", r.label),
    ))
}

const CHUNK: usize = 64 * 1024;

fn finish_chunk(writer: csv::Writer<Vec<u8>>, pending_bom: &mut bool) -> Result<Bytes, String> {
    let buffer = writer.into_inner().map_err(|e| e.to_string())?;
    if std::mem::take(pending_bom) {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&buffer);
        Ok(Bytes::from(with_bom))
    } else {
        Ok(Bytes::from(buffer))
    }
}

/// Every exhibition of the period as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/reports/exhibitions.xlsx", tag = "reports", params(PeriodQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub(crate) async fn xlsx_export(
    State(state): State<AppState>,
    auth: Authenticated,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let r = resolve(&state, &auth, &q).await?;
    // Rows travel in batches to a blocking writer thread; the workbook keeps
    // only the current row in memory (constant-memory mode) and goes to a temp file.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<[String; 13]>>(4);
    let writer = tokio::task::spawn_blocking(move || write_xlsx(rx));
    let mut rows = std::pin::pin!(state.db.report_rows(r.distributor, r.period));
    let mut batch = Vec::with_capacity(1000);
    while let Some(row) = rows.next().await {
        batch.push(cells(&row?, r.tz));
        if batch.len() == 1000 && tx.send(std::mem::take(&mut batch)).is_err() {
            break;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    drop(tx);
    let file = writer
        .await
        .map_err(|e| ApiError::Core(centermind_core::Error::Io(std::io::Error::other(e.to_string()))))?
        .map_err(|e| ApiError::Core(centermind_core::Error::Io(std::io::Error::other(e.to_string()))))?;
    let handle = tokio::fs::File::open(file.path())
        .await
        .map_err(|e| ApiError::Core(e.into()))?;
    // The temp file lives until the stream is dropped (it is deleted then).
    let stream = tokio_util::io::ReaderStream::new(handle).map(move |chunk| {
        let _keep = &file;
        chunk
    });
    Ok(attachment(
        Body::from_stream(stream),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("exhibiciones_{}.xlsx", r.label),
    ))
}

fn write_xlsx(
    rx: std::sync::mpsc::Receiver<Vec<[String; 13]>>,
) -> Result<tempfile::NamedTempFile, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("Exhibiciones")?;
    let bold = Format::new().set_bold();
    for (col, title) in REPORT_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let mut row_index: u32 = 1;
    for batch in rx {
        for cells in batch {
            for (col, value) in cells.iter().enumerate() {
                sheet.write_string(row_index, col as u16, value)?;
            }
            row_index += 1;
        }
    }
    let file = tempfile::NamedTempFile::new()?;
    workbook.save(file.path())?;
    Ok(file)
}
