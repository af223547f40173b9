//! "Estado": what the server still has to do for a distributor in the
//! background (photos to download or copy to Drive, verdicts to edit into
//! Telegram), what it gave up on, and the failures it recorded, with a retry.
//! The server checks role and tenant: admins see their own distributor
//! (`distributor` = `None`), the superadmin names one.

use tauri::State;

use crate::error::CommandResult;
use crate::model::work::{ErrorEvent, Retried, Work, events_limit};
use crate::session::Shell;

/// The distributor's unfinished background work, by kind.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn background_work(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Work> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.work(&token, distributor).await).await
}

/// Queues the work the server gave up on again, now (of `kind` only, when given).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn retry_failed_work(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    kind: Option<String>,
) -> CommandResult<Retried> {
    let (backend, token) = shell.authed()?;
    let retried = shell
        .check(backend.retry_work(&token, distributor, kind.as_deref()).await)
        .await?;
    tracing::info!(requeued = retried.requeued, kept = retried.kept, "failed work retried");
    Ok(retried)
}

/// The failures the server recorded for the distributor, newest first (`limit`: 50
/// when absent, at most 200).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn error_events(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    limit: Option<u32>,
) -> CommandResult<Vec<ErrorEvent>> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.error_events(&token, distributor, events_limit(limit)).await)
        .await
}
