//! Where the app's log lines go: standard error (a terminal, `tauri dev`) and a file
//! in the app's log folder, the one support asks a supervisor for
//! (`~/.local/share/ar.com.centermind.desktop/logs/centermind-desktop.log`,
//! `%LOCALAPPDATA%\ar.com.centermind.desktop\logs\…` on Windows). A file past
//! [`ROTATE_AT`] becomes `.old` at the next start, so at most two are kept.
//! `CENTERMIND_LOG` sets the filter (default `info`). The local server the app
//! starts ("este equipo") writes next to it, in [`SIDECAR_FILE_NAME`]: on Windows
//! the app has no console, so its standard error goes nowhere.
//!
//! No secret reaches a line: the session token's `Debug` is redacted and the
//! commands skip passwords in their spans.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The log file's name in the log folder.
pub const FILE_NAME: &str = "centermind-desktop.log";
/// Where the local server's output goes, in the same folder.
pub const SIDECAR_FILE_NAME: &str = "centermind-sidecar.log";
/// Size past which the file is set aside at start.
pub const ROTATE_AT: u64 = 5 * 1024 * 1024;

/// Starts logging to standard error and, when `dir` can be used, to [`FILE_NAME`]
/// in it. Does nothing if a subscriber is already set (tests).
pub fn init(dir: Option<&Path>) {
    let filter = std::env::var("CENTERMIND_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let file = dir.and_then(|d| match open(&d.join(FILE_NAME)) {
        Ok(file) => Some(file),
        Err(e) => {
            eprintln!("cannot write the log file in {}: {e}", d.display());
            None
        }
    });
    let stderr = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let to_file = file.map(|f| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(Mutex::new(f))
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(to_file)
        .try_init();
}

/// Opens a log file for appending (creating its folder), first setting a large
/// one aside.
///
/// # Errors
/// When the folder or the file cannot be created.
pub fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_AT) {
        std::fs::rename(path, old_path(path))?;
    }
    File::options().create(true).append(true).open(path)
}

fn old_path(path: &Path) -> PathBuf {
    path.with_extension("log.old")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_large_log_is_set_aside_at_start_and_a_small_one_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join(FILE_NAME);
        std::io::Write::write_all(&mut open(&path).unwrap(), b"first\n").unwrap();
        std::io::Write::write_all(&mut open(&path).unwrap(), b"second\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n");

        std::fs::write(&path, vec![b'x'; usize::try_from(ROTATE_AT).unwrap() + 1]).unwrap();
        std::io::Write::write_all(&mut open(&path).unwrap(), b"fresh\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fresh\n");
        assert_eq!(
            std::fs::metadata(old_path(&path)).unwrap().len(),
            ROTATE_AT + 1,
            "one earlier generation is kept"
        );
    }
}
