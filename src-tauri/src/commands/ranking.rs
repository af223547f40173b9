//! The month's vendor ranking.

use tauri::State;

use crate::error::CommandResult;
use crate::model::Ranking;
use crate::session::Shell;

/// The ranking of `month` (`YYYY-MM`; default: the current month) of the caller's
/// distributor (the superadmin names one).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn ranking(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    month: Option<String>,
) -> CommandResult<Ranking> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.ranking(&token, distributor, month.as_deref()).await)
        .await
}
