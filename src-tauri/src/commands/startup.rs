//! "Abrir CenterMind al iniciar la sesión": registers the app with the OS to
//! open when the user signs in (the per-user Run key on Windows, a launch
//! agent on macOS, `~/.config/autostart/CenterMind.desktop` on Linux). An
//! office TV needs it to come back by itself after a power cut; its TV code
//! is already in the credential store.

use std::path::PathBuf;

use auto_launch::{AutoLaunch, AutoLaunchBuilder};

use crate::error::{CommandError, CommandResult};

/// The name the entry has in the OS (the autostart file's name on Linux).
const ENTRY_NAME: &str = "CenterMind";

/// The program the OS must start: the AppImage itself when run as one (the
/// executable inside lives in a temporary mount), else this executable.
fn program() -> CommandResult<PathBuf> {
    if let Some(appimage) = std::env::var_os("APPIMAGE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(appimage));
    }
    std::env::current_exe().map_err(|e| CommandError::internal(format!("No se encontró el programa: {e}")))
}

fn launcher() -> CommandResult<AutoLaunch> {
    let program = program()?;
    AutoLaunchBuilder::new()
        .set_app_name(ENTRY_NAME)
        .set_app_path(&program.to_string_lossy())
        .build()
        .map_err(|e| CommandError::internal(format!("El sistema no permite abrir la app al iniciar: {e}")))
}

/// Whether the app opens when this user's session starts.
#[tauri::command]
#[specta::specta]
pub async fn autostart_enabled() -> CommandResult<bool> {
    launcher()?
        .is_enabled()
        .map_err(|e| CommandError::internal(format!("No se pudo leer el inicio automático: {e}")))
}

/// Turns opening at session start on or off; returns the state now.
#[tauri::command]
#[specta::specta]
#[tracing::instrument]
pub async fn set_autostart(enabled: bool) -> CommandResult<bool> {
    let launcher = launcher()?;
    let changed = if enabled { launcher.enable() } else { launcher.disable() };
    changed.map_err(|e| CommandError::internal(format!("No se pudo cambiar el inicio automático: {e}")))?;
    let now = launcher
        .is_enabled()
        .map_err(|e| CommandError::internal(format!("No se pudo leer el inicio automático: {e}")))?;
    tracing::info!(enabled = now, "open at session start");
    Ok(now)
}
