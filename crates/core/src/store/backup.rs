//! Backups of the database file, for the `backup` job ("backup diario
//! obligatorio": the old system lost everything with its one SQLite file).
//!
//! `VACUUM INTO` writes a consistent snapshot while the service keeps
//! working (it is a read: writers are not blocked under WAL). It cannot run
//! inside a transaction, so it runs on a connection of its own, not through
//! the writer. The copy is written under a temporary name, checked with
//! `PRAGMA quick_check`, flushed to disk and only then renamed to
//! `centermind-<UTC time>Z.db`, so a file with the final name is always a
//! complete, verified database. The newest `keep` backups stay; older ones
//! (and temporary files a crash left) are deleted.

use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use super::{BUSY_TIMEOUT, Db};
use crate::{Error, Result};

/// How many backups are kept (a week of daily ones).
pub const BACKUPS_KEPT: usize = 7;

const PREFIX: &str = "centermind-";
const SUFFIX: &str = "Z.db";
/// Inside the name: `20261122T060000.123` (UTC, milliseconds).
const STAMP: &str = "%Y%m%dT%H%M%S%.3f";
const PARTIAL: &str = ".partial";

/// A backup made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub size_bytes: u64,
    /// Older backups deleted to keep the newest ones.
    pub removed: Vec<PathBuf>,
    pub elapsed: StdDuration,
}

/// The file name of a backup made at `at`.
pub fn backup_file_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format(STAMP))
}

/// When the backup named `name` was made, if it is one of ours.
pub fn backup_time(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok().map(|t| t.and_utc())
}

impl Db {
    /// Copy the database into `dir` (created if needed) as a verified backup
    /// named after `at`, then delete all but the newest `keep` (at least 1).
    /// Fails for an in-memory database: there is no file to keep.
    pub async fn backup_into(&self, dir: &Path, at: DateTime<Utc>, keep: usize) -> Result<Backup> {
        let started = Instant::now();
        let Some(source) = self.path() else {
            return Err(Error::invalid(
                "database",
                "la base de datos está en memoria: no hay un archivo que copiar",
            ));
        };
        tokio::fs::create_dir_all(dir).await?;
        remove_partials(dir).await?;
        let name = backup_file_name(at);
        let target = dir.join(&name);
        if tokio::fs::try_exists(&target).await? {
            return Err(Error::AlreadyExists {
                entity: "backup",
                detail: name,
            });
        }
        let partial = dir.join(format!("{name}{PARTIAL}"));
        let outcome = async {
            copy(source, &partial).await?;
            check(&partial).await?;
            let (from, to) = (partial.clone(), target.clone());
            tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                crate::durable::sync_file(&from)?;
                std::fs::rename(&from, &to)?;
                crate::durable::sync_dir(to.parent());
                Ok(())
            })
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))??;
            Ok::<_, Error>(())
        }
        .await;
        if let Err(e) = outcome {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(e);
        }
        let size_bytes = tokio::fs::metadata(&target).await?.len();
        let removed = prune(dir, keep.max(1)).await?;
        Ok(Backup {
            path: target,
            size_bytes,
            removed,
            elapsed: started.elapsed(),
        })
    }
}

/// A backup found in a folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub made_at: DateTime<Utc>,
    pub size_bytes: u64,
}

/// The backups in `dir`, newest first (none when the folder does not exist).
pub async fn list_backups(dir: &Path) -> Result<Vec<BackupFile>> {
    if !tokio::fs::try_exists(dir).await? {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for path in backups_in(dir).await?.into_iter().rev() {
        let made_at = path
            .file_name()
            .and_then(|n| backup_time(&n.to_string_lossy()))
            .unwrap_or_default();
        let size_bytes = tokio::fs::metadata(&path).await?.len();
        found.push(BackupFile {
            path,
            made_at,
            size_bytes,
        });
    }
    Ok(found)
}

/// `VACUUM INTO` on a connection of its own (it cannot run in a transaction,
/// and it would hold a pooled reader for as long as it takes).
pub(super) async fn copy(source: &Path, target: &Path) -> Result<()> {
    let options = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .busy_timeout(BUSY_TIMEOUT);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let result = sqlx::query("VACUUM INTO ?")
        .bind(target.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await;
    conn.close().await?;
    result?;
    Ok(())
}

/// `PRAGMA quick_check` on the copy, opened read-only as an immutable file.
async fn check(copy: &Path) -> Result<()> {
    let options = SqliteConnectOptions::new()
        .filename(copy)
        .read_only(true)
        .immutable(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check").fetch_all(&mut conn).await?;
    conn.close().await?;
    if rows == ["ok"] {
        Ok(())
    } else {
        Err(Error::invalid(
            "backup",
            format!("la copia no pasó la verificación (quick_check): {}", rows.join("; ")),
        ))
    }
}

/// The backups in `dir`, oldest first (their names sort by time).
async fn backups_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        if backup_time(&name.to_string_lossy()).is_some() && entry.file_type().await?.is_file() {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

async fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let all = backups_in(dir).await?;
    let excess = all.len().saturating_sub(keep);
    let mut removed = Vec::with_capacity(excess);
    for old in all.into_iter().take(excess) {
        tokio::fs::remove_file(&old).await?;
        removed.push(old);
    }
    Ok(removed)
}

/// Temporary copies a crash or a stop left behind (one backup runs at a time).
async fn remove_partials(dir: &Path) -> Result<()> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && name.contains(".db") && name.contains(PARTIAL) {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::store::exhibitions::test_fixtures::tenant;
    use crate::store::now;
    use crate::store::test_support::temp_db;

    #[test]
    fn names_carry_the_time_and_sort_by_it() {
        let at: DateTime<Utc> = "2026-11-22T06:00:00.5Z".parse().unwrap();
        let name = backup_file_name(at);
        assert_eq!(name, "centermind-20261122T060000.500Z.db");
        assert_eq!(backup_time(&name), Some(at));
        let later = backup_file_name(at + Duration::milliseconds(1));
        assert!(later > name);
        assert!(backup_file_name(at + Duration::days(400)) > later);
        for other in [
            "centermind.db",
            "centermind-x.db",
            "notes.txt",
            "centermind-20261122T060000.500Z.db.partial",
        ] {
            assert_eq!(backup_time(other), None, "{other}");
        }
    }

    #[tokio::test]
    async fn a_backup_is_a_verified_copy_and_only_the_newest_are_kept() {
        let (db, dir) = temp_db().await;
        tenant(&db, "Sur").await;
        let backups = dir.path().join("backups");
        std::fs::create_dir_all(&backups).unwrap();
        // Someone else's file and a partial copy a crash left.
        std::fs::write(backups.join("LEEME.txt"), "no tocar").unwrap();
        std::fs::write(backups.join("centermind-20200101T000000.000Z.db.partial"), "x").unwrap();

        let t0 = now();
        let mut made = Vec::new();
        for i in 0..9 {
            let b = db.backup_into(&backups, t0 + Duration::seconds(i), 7).await.unwrap();
            assert!(b.size_bytes > 0);
            assert_eq!(b.removed.len(), usize::from(i >= 7), "run {i}");
            made.push(b.path);
        }
        let mut names: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = made[2..]
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .chain(["LEEME.txt".to_string()])
            .collect();
        expected.sort();
        assert_eq!(names, expected, "the newest 7, the stranger's file, no partial copy");

        let listed = list_backups(&backups).await.unwrap();
        assert_eq!(
            listed.iter().map(|b| b.path.clone()).collect::<Vec<_>>(),
            made[2..].iter().rev().cloned().collect::<Vec<_>>(),
            "newest first, only backups"
        );
        assert_eq!(listed[0].made_at, t0 + Duration::seconds(8));
        assert!(listed.iter().all(|b| b.size_bytes > 0));
        assert!(list_backups(&dir.path().join("none")).await.unwrap().is_empty());

        // The newest opens as a database with the data.
        let copy = Db::open(&format!("sqlite://{}", made[8].display())).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM distributors")
            .fetch_one(copy.pool())
            .await
            .unwrap();
        assert_eq!(n, 1);
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(copy.pool())
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }

    #[tokio::test]
    async fn the_same_instant_twice_is_refused_not_overwritten() {
        let (db, dir) = temp_db().await;
        let at = now();
        db.backup_into(dir.path(), at, 7).await.unwrap();
        let err = db.backup_into(dir.path(), at, 7).await.unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");
    }

    #[tokio::test]
    async fn an_in_memory_database_has_nothing_to_back_up() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        assert_eq!(db.path(), None);
        let dir = tempfile::tempdir().unwrap();
        let err = db.backup_into(dir.path(), now(), 7).await.unwrap_err();
        assert!(err.to_string().contains("en memoria"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
