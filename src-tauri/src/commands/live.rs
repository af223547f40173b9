//! The server's live events, followed for the screens that show them (visor, ranking).

use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandResult;
use crate::live::{self, LiveMessage};
use crate::session::Shell;

/// Starts following the server's live events for the signed-in session (of the
/// caller's distributor; the superadmin names one), sent to `on_message` until
/// [`unfollow_events`] with the returned id, another call, or the end of the session.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, on_message))]
pub async fn follow_events(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    on_message: Channel<LiveMessage>,
) -> CommandResult<u32> {
    let (backend, token) = shell.authed()?;
    let task = tauri::async_runtime::spawn(async move {
        live::follow(&backend, &token, distributor, |m| on_message.send(m).is_ok()).await;
    });
    Ok(shell.start_live(task))
}

/// Stops the follower `id` (no screen shows live events any more). A newer
/// follower is left running.
#[tauri::command]
#[specta::specta]
pub async fn unfollow_events(shell: State<'_, Shell>, id: u32) -> CommandResult<()> {
    shell.stop_live(Some(id));
    Ok(())
}
