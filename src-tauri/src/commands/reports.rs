//! Reports of a period: the figures on screen, and every exhibition exported as a
//! CSV or XLSX file into the person's Downloads folder.

use std::path::PathBuf;

use tauri::{Manager, State};

use crate::downloads;
use crate::error::{CommandError, CommandResult};
use crate::model::{ExportFormat, ReportGroupBy, ReportPeriod, ReportSummary, SavedReport};
use crate::session::Shell;

/// A period's figures grouped by vendor, customer, PDV type, group or status, of
/// the caller's distributor (the superadmin names one).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn report_summary(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    period: ReportPeriod,
    group_by: ReportGroupBy,
) -> CommandResult<ReportSummary> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.report_summary(&token, distributor, &period, group_by).await)
        .await
}

/// Downloads every exhibition of the period as `format` into the Downloads folder
/// (a new name if the file exists) and says where it is.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, app))]
pub async fn export_report(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    period: ReportPeriod,
    format: ExportFormat,
) -> CommandResult<SavedReport> {
    let (backend, token) = shell.authed()?;
    let response = shell
        .check(backend.report_export(&token, distributor, &period, format).await)
        .await?;
    let disposition = response
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok());
    let name = downloads::file_name(disposition, &format!("exhibiciones.{}", format.extension()));
    let (path, bytes) = downloads::save(response, &download_dir(&app)?, &name).await?;
    tracing::info!(path = %path.display(), bytes, "report exported");
    Ok(SavedReport {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(name),
        path: path.display().to_string(),
        bytes,
    })
}

/// The person's Downloads folder; `~/Downloads` where the system names none
/// (a Linux desktop without XDG user folders).
fn download_dir(app: &tauri::AppHandle) -> CommandResult<PathBuf> {
    let paths = app.path();
    paths
        .download_dir()
        .or_else(|_| paths.home_dir().map(|h| h.join("Downloads")))
        .map_err(CommandError::internal)
}
