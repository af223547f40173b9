//! The month's vendor ranking.

use tauri::State;

use crate::error::CommandResult;
use crate::model::Ranking;
use crate::session::Shell;

/// The ranking of `month` (`YYYY-MM`; default: the current month).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn ranking(shell: State<'_, Shell>, month: Option<String>) -> CommandResult<Ranking> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.ranking(&token, month.as_deref()).await).await
}
