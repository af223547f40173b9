//! The window itself: full screen for the TV dashboard (a kiosk on the office TV).

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
