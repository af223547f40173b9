//! One `run` per database.
//!
//! Two services on one database would both poll Telegram with the distributors'
//! bot tokens (each one getting a share of the vendors' messages, and Telegram
//! answering `409 Conflict` to both) and would edit the same verdicts into the
//! groups twice. That happens easily: the desktop app's "este equipo" mode and
//! `./x run` both use the per-user data folder. So `run` holds an exclusive OS
//! lock on a file next to the database while it serves. The OS releases it when
//! the process ends, however it ends (a crash or `kill -9` leaves nothing to
//! clean up), so a lock is never stale.
//!
//! Who holds it is written to a second file: on Windows a locked file cannot be
//! read by another process.

use std::fs::{File, OpenOptions, TryLockError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use centermind_core::store::next_to;

/// The exit status of `run` when another `run` already serves the database (the
/// desktop app tells it apart from a crash: restarting would not help).
pub const ALREADY_RUNNING_EXIT: u8 = 3;

/// Another `run` holds the database.
#[derive(Debug, thiserror::Error)]
#[error(
    "ya hay otro centermind-sidecar corriendo sobre {}{holder}: detenelo primero, o dale a este otra carpeta de datos (CENTERMIND_DATA_DIR)",
    database.display()
)]
pub struct AlreadyRunning {
    database: PathBuf,
    /// ` (pid …, http://…)` when the holder has said, else empty.
    holder: String,
}

/// The lock, held while alive.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    info: PathBuf,
}

impl InstanceLock {
    /// Takes the lock for `database` without waiting.
    ///
    /// # Errors
    /// [`AlreadyRunning`] when another process holds it; an I/O error when the
    /// lock file cannot be created.
    pub fn acquire(database: &Path) -> anyhow::Result<Self> {
        let path = next_to(database, ".run.lock");
        let info = next_to(database, ".run.info");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("no se pudo crear el archivo de bloqueo {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(AlreadyRunning {
                    database: database.to_path_buf(),
                    holder: std::fs::read_to_string(&info)
                        .ok()
                        .and_then(|text| Holder::parse(&text))
                        .map(|h| format!(" (pid {}, {})", h.pid, h.url))
                        .unwrap_or_default(),
                }
                .into());
            }
            Err(TryLockError::Error(e)) => anyhow::bail!("no se pudo bloquear {}: {e}", path.display()),
        }
        // What an earlier run wrote is not about us.
        let _ = std::fs::remove_file(&info);
        Ok(Self { _file: file, info })
    }

    /// Says who holds the lock (this process, serving on `addr`), for the error a
    /// second `run` prints.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn announce(&self, addr: SocketAddr) -> std::io::Result<()> {
        let holder = Holder {
            pid: std::process::id(),
            url: format!("http://{addr}"),
        };
        std::fs::write(&self.info, holder.render())
    }
}

/// Whether a `run` serves `database` now: `Some` with how it introduced
/// itself (` (pid …, http://…)`, or empty before it has), `None` when no
/// service runs. Only looks: the lock is not kept, nothing is written.
///
/// # Errors
/// When the lock file exists but cannot be opened or tested.
pub fn holder(database: &Path) -> anyhow::Result<Option<String>> {
    let path = next_to(database, ".run.lock");
    let file = match OpenOptions::new().write(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => anyhow::bail!("no se pudo abrir el archivo de bloqueo {}: {e}", path.display()),
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            Ok(None)
        }
        Err(TryLockError::WouldBlock) => Ok(Some(
            std::fs::read_to_string(next_to(database, ".run.info"))
                .ok()
                .and_then(|text| Holder::parse(&text))
                .map(|h| format!(" (pid {}, {})", h.pid, h.url))
                .unwrap_or_default(),
        )),
        Err(TryLockError::Error(e)) => anyhow::bail!("no se pudo consultar el bloqueo {}: {e}", path.display()),
    }
}

impl Drop for InstanceLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info);
    }
}

/// Who holds the lock, as written to the info file.
#[derive(Debug, PartialEq, Eq)]
struct Holder {
    pid: u32,
    url: String,
}

impl Holder {
    fn render(&self) -> String {
        format!("pid={}\nurl={}\n", self.pid, self.url)
    }

    fn parse(text: &str) -> Option<Self> {
        let value = |key: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
                .map(str::trim)
        };
        Some(Self {
            pid: value("pid")?.parse().ok()?,
            url: value("url").filter(|u| u.starts_with("http"))?.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("centermind.db");
        let first = InstanceLock::acquire(&db).unwrap();
        first.announce("127.0.0.1:8787".parse().unwrap()).unwrap();

        let second = InstanceLock::acquire(&db).unwrap_err();
        let second = second.downcast_ref::<AlreadyRunning>().expect("AlreadyRunning");
        let message = second.to_string();
        assert!(
            message.contains(&format!("(pid {}, http://127.0.0.1:8787)", std::process::id())),
            "{message}"
        );
        assert!(message.contains("centermind.db"), "{message}");

        // Another database is another lock.
        let other = InstanceLock::acquire(&dir.path().join("other.db")).unwrap();
        drop(other);

        drop(first);
        assert!(
            !dir.path().join("centermind.db.run.info").exists(),
            "the info goes with the lock"
        );
        let again = InstanceLock::acquire(&db).unwrap();
        drop(again);
    }

    #[test]
    fn the_holder_is_seen_without_taking_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("centermind.db");
        assert_eq!(holder(&db).unwrap(), None, "no lock file yet");
        let lock = InstanceLock::acquire(&db).unwrap();
        assert_eq!(holder(&db).unwrap().as_deref(), Some(""), "not announced yet");
        lock.announce("127.0.0.1:8787".parse().unwrap()).unwrap();
        let seen = holder(&db).unwrap().unwrap();
        assert!(seen.contains("http://127.0.0.1:8787"), "{seen}");
        drop(lock);
        assert_eq!(holder(&db).unwrap(), None);
        // Looking did not keep the lock: a service can start.
        drop(InstanceLock::acquire(&db).unwrap());
    }

    #[test]
    fn a_holder_that_has_not_announced_yet_is_still_a_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("centermind.db");
        // A stale info file of an earlier run must not be shown as the holder.
        std::fs::write(next_to(&db, ".run.info"), "pid=1\nurl=http://127.0.0.1:1\n").unwrap();
        let _first = InstanceLock::acquire(&db).unwrap();
        let err = InstanceLock::acquire(&db).unwrap_err().to_string();
        assert!(err.contains("ya hay otro centermind-sidecar corriendo"), "{err}");
        assert!(!err.contains("pid"), "{err}");
    }

    #[test]
    fn holder_round_trip_and_garbage() {
        let h = Holder {
            pid: 42,
            url: "http://0.0.0.0:8787".into(),
        };
        assert_eq!(Holder::parse(&h.render()), Some(h));
        assert_eq!(Holder::parse(""), None);
        assert_eq!(Holder::parse("pid=x\nurl=http://a"), None);
        assert_eq!(Holder::parse("pid=1\nurl=ftp://a"), None);
    }
}
