//! "Actividad": the administration history of a distributor (admins: their
//! own, `distributor` = `None`) or, for the superadmin, of one distributor or
//! of everything (`None`). The server checks role and tenant.

use tauri::State;

use crate::error::CommandResult;
use crate::model::audit::AuditPage;
use crate::model::work::events_limit;
use crate::session::Shell;

/// One page of the history, newest first: of `action` only, when given, and
/// older than the entry `before`, when given (`limit`: 50 when absent, at most 200).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn admin_history(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    action: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
) -> CommandResult<AuditPage> {
    let (backend, token) = shell.authed()?;
    shell
        .check(
            backend
                .audit(&token, distributor, action.as_deref(), before, events_limit(limit))
                .await,
        )
        .await
}
