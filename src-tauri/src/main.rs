//! CenterMind desktop executable: everything lives in the library so tests can reach it.

// Release builds on Windows are GUI programs: no console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> tauri::Result<()> {
    centermind_desktop::run()
}
