//! "Estado": what the server still has to do for a distributor in the
//! background (photos to download or copy to Drive, verdicts to edit into
//! Telegram), what it gave up on, one by one, and the failures it recorded;
//! given-up work can be retried or dismissed.
//! The server checks role and tenant: admins see their own distributor
//! (`distributor` = `None`), the superadmin names one.

use tauri::State;

use crate::error::CommandResult;
use crate::model::work::{Dismissed, ErrorEvent, GivenUpWork, Retried, Work, events_limit};
use crate::session::Shell;

/// The distributor's unfinished background work, by kind.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn background_work(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Work> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.work(&token, distributor).await).await
}

/// Queues the work the server gave up on again, now: the tasks in `task_ids`,
/// or all of it (of `kind` only, when given) when none are named.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn retry_failed_work(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    kind: Option<String>,
    task_ids: Option<Vec<i64>>,
) -> CommandResult<Retried> {
    let (backend, token) = shell.authed()?;
    let ids = task_ids.unwrap_or_default();
    let retried = shell
        .check(backend.retry_work(&token, distributor, kind.as_deref(), &ids).await)
        .await?;
    tracing::info!(requeued = retried.requeued, kept = retried.kept, "failed work retried");
    Ok(retried)
}

/// Sets work the server gave up on aside for good (selected as in
/// `retry_failed_work`): it no longer counts as failed nor is retried.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn dismiss_failed_work(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    kind: Option<String>,
    task_ids: Option<Vec<i64>>,
) -> CommandResult<Dismissed> {
    let (backend, token) = shell.authed()?;
    let ids = task_ids.unwrap_or_default();
    let dismissed = shell
        .check(backend.dismiss_work(&token, distributor, kind.as_deref(), &ids).await)
        .await?;
    tracing::info!(dismissed = dismissed.dismissed, "failed work dismissed");
    Ok(dismissed)
}

/// The work the server gave up on, one by one, the latest first (of `kind`
/// only, when given; `limit`: 50 when absent, at most 200).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn given_up_work(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    kind: Option<String>,
    limit: Option<u32>,
) -> CommandResult<Vec<GivenUpWork>> {
    let (backend, token) = shell.authed()?;
    shell
        .check(
            backend
                .given_up_work(&token, distributor, kind.as_deref(), events_limit(limit))
                .await,
        )
        .await
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
