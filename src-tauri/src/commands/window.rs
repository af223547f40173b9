//! The window itself: full screen for the TV dashboard (a kiosk on the office TV), and
//! desktop notices while it is not in front.

use tauri::Manager;

use crate::error::{CommandError, CommandResult};

/// Puts the calling window in full screen (`true`) or back (`false`). A command
/// of its own, so the web view needs no window-plugin permission.
#[tauri::command]
#[specta::specta]
pub async fn set_fullscreen(window: tauri::WebviewWindow, on: bool) -> CommandResult<()> {
    window.set_fullscreen(on).map_err(CommandError::internal)?;
    tracing::info!(on, "window full screen");
    Ok(())
}

/// Shows a desktop notice (already in the user's language) when the calling
/// window is not in front: minimized, hidden, or another app focused. In front,
/// the screen itself says it. Returns whether the notice was shown.
#[tauri::command]
#[specta::specta]
pub async fn notify_if_away(window: tauri::WebviewWindow, title: String, body: String) -> CommandResult<bool> {
    let in_front = window.is_visible().unwrap_or(true)
        && !window.is_minimized().unwrap_or(false)
        && window.is_focused().unwrap_or(false);
    if in_front {
        tracing::debug!("desktop notice not shown: the window is in front");
        return Ok(false);
    }
    let app_id = window.config().identifier.clone();
    tokio::task::spawn_blocking(move || crate::notices::show(&app_id, &title, &body))
        .await
        .map_err(CommandError::internal)?
        .map_err(CommandError::internal)?;
    tracing::info!("desktop notice shown");
    Ok(true)
}
