//! Storage on SQLite through sqlx. The only module that talks to the database.
//!
//! Lessons from the old system ("database is locked"): WAL so readers never
//! block the writer, `synchronous = FULL` so an acknowledged row survives a
//! power cut, a generous busy timeout, and every write transaction opened
//! with `BEGIN IMMEDIATE`, which takes the write lock up front instead of
//! failing with SQLITE_BUSY when a read upgrades to a write.

mod admin;
mod audit;
mod backup;
mod bot_status;
mod distributors;
mod error_events;
pub(crate) mod exhibitions;
mod groups;
mod housekeeping;
mod intake;
mod jobs;
mod legacy_import;
mod members;
mod pdv_types;
mod pending_submissions;
mod photo_storage;
mod reports;
mod restore;
mod sessions;
mod setup;
mod tasks;
mod tv_tokens;
mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::sync::Arc;

use sqlx::{Connection, SqliteConnection, SqlitePool};

pub use admin::{GroupUpdate, MemberUpdate, PdvTypeUpdate, PortalUserUpdate};
pub use audit::{AuditEvent, AuditQuery, NewAuditEvent};
pub use backup::{BACKUPS_KEPT, Backup, BackupFile, backup_file_name, backup_time, list_backups};
pub use bot_status::{BotState, BotStatus, BotStatusChange};
pub use distributors::{Distributor, DistributorUpdate, NewDistributor, PhotoStorage};
pub use error_events::{ErrorEvent, NewErrorEvent};
pub use exhibitions::{
    DuplicateOf, EvaluationEvent, EvaluationRequest, Exhibition, ExhibitionCount, ExhibitionFilter, ExhibitionSummary,
    NewExhibition, NewPhoto, PendingCursor, Photo, Recorded,
};
pub use groups::{Group, NewGroup};
pub use housekeeping::Housekeeping;
pub use jobs::{INTERRUPTED, Job, JobRun, JobUpdate, RunOutcome, job_ids};
pub use legacy_import::{
    ImportedDistributor, LegacyImport, LegacyImportOptions, NO_PDV_TYPE, SkippedRow, TokenOutcome,
};
pub use members::{Member, NewMember};
pub use pdv_types::{DEFAULT_PDV_TYPES, PdvType};
pub use pending_submissions::{NewSubmission, PendingPhoto, PendingSubmission, SubmissionState};
pub use photo_storage::{
    PERCEPTUAL_MAX_DISTANCE, PhotoStored, PhotoToArchive, PhotoToStore, StoredPhoto, hamming_distance,
    parse_perceptual_hash, perceptual_hash_text,
};
pub use reports::{DayFigures, GroupBy, ReportRow, SummaryRow};
pub use restore::{BackupContents, Restored, inspect_backup, restore_backup};
pub use sessions::SESSION_TTL;
pub use setup::FirstSetup;
pub use tasks::{GivenUpTask, NewTask, Task, TaskState, WorkSummary, enqueue_in, kinds as task_kinds};
pub use tv_tokens::TvToken;
pub use users::{NewPortalUser, PortalUser};
pub use writer::{WriteStats, WriteTx};

use crate::Result;

/// Embedded migrations from the workspace's `migrations/` folder.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    /// Reads (and the API's read-only statements) run on the pool.
    pool: SqlitePool,
    /// Every write of this process goes through one connection, queued.
    writer: Arc<writer::WriteGate>,
    path: Option<PathBuf>,
}

impl Db {
    /// Open (creating if needed) the database at a `sqlite:` URL and bring its
    /// schema up to date. Safe to call from several processes at once.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let path = database_file(url)?;
        let Some(file) = path.clone() else {
            let pool = Self::pool_options().connect_with(options.clone()).await?;
            migrate_on(&mut *pool.acquire().await?).await?;
            let writer = writer::WriteGate::new(SqliteConnection::connect_with(&options).await?);
            return Ok(Self { pool, writer, path });
        };
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        // Switching a file into WAL needs an exclusive lock that SQLite cannot
        // wait for (the busy timeout does not apply), so two processes opening
        // a new file together would see "database is locked". One connection
        // makes the switch under an OS lock; WAL then persists in the file and
        // the pool's connections never ask for it again.
        let lock = FileLock::acquire(&file).await?;
        let mut first = SqliteConnection::connect_with(&options.clone().journal_mode(SqliteJournalMode::Wal)).await?;
        let outcome = async {
            migrate_on(&mut first).await?;
            Ok::<_, crate::Error>(())
        }
        .await;
        first.close().await?;
        drop(lock);
        outcome?;
        let writer = writer::WriteGate::new(SqliteConnection::connect_with(&options).await?);
        let pool = Self::pool_options().connect_with(options).await?;
        Ok(Self { pool, writer, path })
    }

    /// Four connections: readers run in parallel under WAL and writers queue
    /// anyway; each connection is a thread, and on a 2-core server more of them
    /// only add hand-offs (pending list: ~4,700 req/s with 8, ~5,100 with 4).
    fn pool_options() -> SqlitePoolOptions {
        SqlitePoolOptions::new().max_connections(4).min_connections(1)
    }

    /// Apply pending migrations, serialised with other processes on an OS
    /// file lock next to the database so that the second one finds the
    /// schema up to date instead of racing the first.
    pub async fn migrate(&self) -> Result<()> {
        let _lock = match &self.path {
            Some(path) => Some(FileLock::acquire(path).await?),
            None => None,
        };
        migrate_on(&mut *self.pool.acquire().await?).await?;
        Ok(())
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file, if it is one (not in-memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Start a write transaction: waits for this process's writer (first come,
    /// first served), which holds SQLite's write lock (`BEGIN IMMEDIATE`).
    /// Concurrent writers share one COMMIT (see `writer`); `commit` returns once
    /// this transaction's writes are on disk.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        self.writer.begin().await
    }

    /// How many writes this process committed, and in how many COMMITs.
    pub fn write_stats(&self) -> WriteStats {
        self.writer.stats()
    }

    /// Make a consistent copy of the live database (safe while others write).
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(target.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// `<database file name><suffix>` in the database's folder (lock and info files).
/// The database file a `sqlite:` URL names; `None` for an in-memory database.
pub fn database_file(url: &str) -> Result<Option<PathBuf>> {
    let options = SqliteConnectOptions::from_str(url)?;
    // sqlx names an in-memory database `file:sqlx-in-memory-<n>`: not a path.
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    Ok(Some(options.get_filename().to_path_buf())
        .filter(|p| !in_memory && !p.as_os_str().is_empty() && p != Path::new(":memory:")))
}

pub fn next_to(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    db.with_file_name(name)
}

/// An exclusive OS lock on a file next to the database, held while alive
/// (closing the file releases it, also when the process dies).
struct FileLock {
    _file: std::fs::File,
}

impl FileLock {
    async fn acquire(db: &Path) -> Result<Self> {
        let lock_path = next_to(db, ".migrate.lock");
        let file = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(lock_path)?;
            file.lock()?;
            Ok(file)
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(Self { _file: file })
    }
}

/// The current instant, rounded to milliseconds so that what we store and
/// what we return compare equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// A fresh database in a temporary folder (dropped with the folder).
    pub async fn temp_db() -> (Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        (Db::open(&url).await.unwrap(), dir)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::temp_db;

    #[tokio::test]
    async fn pragmas_are_set_on_every_connection() {
        let (db, _dir) = temp_db().await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert!(busy >= 5000, "busy_timeout {busy}");
    }

    #[tokio::test]
    async fn reopening_an_up_to_date_database_is_a_no_op() {
        let (db, dir) = temp_db().await;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        db.close().await;
        let again = super::Db::open(&url).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(n as usize, super::MIGRATOR.iter().count());
    }

    #[tokio::test]
    async fn backup_makes_a_readable_copy() {
        let (db, dir) = temp_db().await;
        let target = dir.path().join("backup.db");
        db.backup_to(&target).await.unwrap();
        let copy = super::Db::open(&format!("sqlite://{}", target.display()))
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM distributors")
            .fetch_one(copy.pool())
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
/// Apply pending migrations on one connection. `Migrator::run` takes any
/// `Acquire`, which makes the caller's future `Send` for one lifetime only
/// ("`Acquire` is not general enough"): `Db::open` could then not be awaited
/// in a spawned task or an API handler. sqlx keeps `run_direct` for this.
async fn migrate_on(conn: &mut SqliteConnection) -> Result<()> {
    MIGRATOR.run_direct(None, conn, false).await?;
    Ok(())
}

#[cfg(test)]
#[allow(dead_code)]
fn opening_is_send() {
    fn send<T: Send>(_: T) {}
    send(Db::open("sqlite::memory:"));
}
