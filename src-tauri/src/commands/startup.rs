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

/// What the OS runs. Windows reads the Run key's value as a command line: a path
/// with spaces (`C:\Users\Juan Pérez\…`) must be quoted, or Windows first tries
/// to run `C:\Users\Juan.exe`.
fn command_line(program: &std::path::Path) -> String {
    let path = program.to_string_lossy();
    if cfg!(windows) {
        format!("\"{path}\"")
    } else {
        path.into_owned()
    }
}

fn launcher() -> CommandResult<AutoLaunch> {
    let program = program()?;
    let mut builder = AutoLaunchBuilder::new();
    builder.set_app_name(ENTRY_NAME).set_app_path(&command_line(&program));
    // The crate's default on Windows registers the app for every user of the PC when it
    // can (the app run elevated, as right after an installer): one person's choice, here.
    #[cfg(windows)]
    builder.set_windows_enable_mode(auto_launch::WindowsEnableMode::CurrentUser);
    builder
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

/// "Abrir al iniciar la sesión" on Windows: the per-user Run key. `./x test`
/// runs this under Wine (its registry has the same keys).
#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;
    use tauri::async_runtime::block_on;

    /// `reg query` of a Run key (`HKCU` or `HKLM`), as a support person would look at it.
    fn run_key(root: &str) -> String {
        let out = std::process::Command::new("reg")
            .args([
                "query",
                &format!(r"{root}\Software\Microsoft\Windows\CurrentVersion\Run"),
            ])
            .output()
            .expect("reg");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn opening_at_session_start_is_this_users_run_key_with_the_program_quoted() {
        assert!(block_on(set_autostart(true)).expect("turns on"));
        assert!(block_on(autostart_enabled()).expect("reads"));
        let key = run_key("HKCU");
        let exe = std::env::current_exe().expect("exe");
        let line = key
            .lines()
            .find(|l| l.trim_start().starts_with(ENTRY_NAME))
            .unwrap_or_else(|| panic!("no {ENTRY_NAME} in this user's Run key: {key}"));
        assert!(
            line.to_lowercase()
                .contains(&format!("\"{}\"", exe.to_string_lossy()).to_lowercase()),
            "the program, quoted: {line}"
        );
        // Only this user's: not the machine's, though this test may write there (Wine runs it as admin).
        assert!(!run_key("HKLM").contains(ENTRY_NAME), "{}", run_key("HKLM"));
        assert!(!block_on(set_autostart(false)).expect("turns off"));
        assert!(!block_on(autostart_enabled()).expect("reads"));
        assert!(!run_key("HKCU").contains(ENTRY_NAME), "{}", run_key("HKCU"));
    }
}
