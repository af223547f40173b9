//! Putting a backup back in place of the database (`centermind-sidecar backup
//! restore`). The caller makes sure no service uses the database (it holds
//! the `run` lock); this module makes sure nothing is lost on the way:
//!
//! 1. the backup is checked first (`quick_check`, a CenterMind schema this
//!    version can read: not one from a newer release);
//! 2. the current database, if any, is kept as `<db>.before-restore-<time>Z`
//!    (a `VACUUM INTO` copy; if the database is too damaged for that, its
//!    files as they are), so a restore of the wrong file can be undone;
//! 3. the backup is copied next to the database; the sign-ins it holds are
//!    ended there (a session open when the copy was made must not come back:
//!    its user may have been deactivated or its password changed since), so
//!    everyone signs in again; TV codes stay, they are revoked one by one;
//! 4. the copy is flushed and renamed over the database, after the old
//!    write-ahead log is gone (a stale `-wal` next to the restored file would
//!    be replayed into it and corrupt it).
//!
//! Migrations are not run here: the next `Db::open` brings an older backup's
//! schema up to date.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};

use super::backup::copy;
use super::{BUSY_TIMEOUT, FileLock, MIGRATOR, next_to};
use crate::durable::{sync_dir, sync_file};
use crate::{Error, Result};

/// What a backup file holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupContents {
    /// The newest migration applied to it.
    pub schema_version: i64,
    pub distributors: i64,
    pub exhibitions: i64,
    /// The newest exhibition's submission time (RFC 3339), if any.
    pub newest_exhibition: Option<String>,
}

/// A restore done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub contents: BackupContents,
    /// Where the database that was replaced is kept (none on a fresh machine).
    pub previous: Option<PathBuf>,
    /// Sign-ins that were open in the copy and are now ended.
    pub sessions_ended: u64,
}

/// Check `backup` and read what it holds; fails unless it is a sound
/// CenterMind database this version can open.
pub async fn inspect_backup(backup: &Path) -> Result<BackupContents> {
    if !tokio::fs::try_exists(backup).await? {
        return Err(Error::invalid(
            "backup",
            format!("no existe el archivo {}", backup.display()),
        ));
    }
    let options = SqliteConnectOptions::new()
        .filename(backup)
        .read_only(true)
        .immutable(true);
    let not_ours = |e: sqlx::Error| {
        Error::invalid(
            "backup",
            format!("{} no es una copia de CenterMind legible: {e}", backup.display()),
        )
    };
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(not_ours)?;
    let read = async {
        let check: Vec<String> = sqlx::query_scalar("PRAGMA quick_check").fetch_all(&mut conn).await?;
        if check != ["ok"] {
            return Ok(Err(check.join("; ")));
        }
        let schema_version: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?;
        let distributors: i64 = sqlx::query_scalar("SELECT count(*) FROM distributors")
            .fetch_one(&mut conn)
            .await?;
        let (exhibitions, newest_exhibition): (i64, Option<String>) =
            sqlx::query_as("SELECT count(*), max(submitted_at) FROM exhibitions")
                .fetch_one(&mut conn)
                .await?;
        Ok::<_, sqlx::Error>(Ok(BackupContents {
            schema_version,
            distributors,
            exhibitions,
            newest_exhibition,
        }))
    }
    .await;
    let _ = conn.close().await;
    let contents = match read.map_err(not_ours)? {
        Ok(contents) => contents,
        Err(problems) => {
            return Err(Error::invalid(
                "backup",
                format!("{} está dañada (quick_check): {problems}", backup.display()),
            ));
        }
    };
    let newest_known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if contents.schema_version > newest_known {
        return Err(Error::invalid(
            "backup",
            format!(
                "la copia es de una versión más nueva de CenterMind (migración {}; esta versión llega a la {newest_known}): \
                 restaurala con esa versión o una posterior",
                contents.schema_version
            ),
        ));
    }
    Ok(contents)
}

/// Replace the database at `database` with `backup` (see the module notes).
/// `at` names the copy kept of the replaced database.
pub async fn restore_backup(backup: &Path, database: &Path, at: DateTime<Utc>) -> Result<Restored> {
    let same = match (
        tokio::fs::canonicalize(backup).await,
        tokio::fs::canonicalize(database).await,
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Error::invalid("backup", "la copia elegida es la base de datos misma"));
    }
    let contents = inspect_backup(backup).await?;
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(parent).await?;
    }
    // Another process opening the database would migrate or switch it to WAL
    // under this lock: it waits until the new file is in place.
    let _lock = FileLock::acquire(database).await?;
    let previous = if tokio::fs::try_exists(database).await? {
        Some(keep_previous(database, at).await?)
    } else {
        None
    };

    let restoring = next_to(database, ".restoring");
    let placed = place(backup, &restoring, database, at).await;
    if placed.is_err() {
        let _ = tokio::fs::remove_file(&restoring).await;
    }
    let sessions_ended = placed?;
    Ok(Restored {
        contents,
        previous,
        sessions_ended,
    })
}

/// Copy `backup` to `restoring`, end its sign-ins, and rename it over
/// `database`; how many sign-ins were ended.
async fn place(backup: &Path, restoring: &Path, database: &Path, at: DateTime<Utc>) -> Result<u64> {
    tokio::fs::copy(backup, restoring).await?;
    let options = SqliteConnectOptions::new()
        .filename(restoring)
        .create_if_missing(false)
        .busy_timeout(BUSY_TIMEOUT)
        // A rollback journal, flushed at commit: nothing stays in a `-wal`
        // next to a file about to be renamed.
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let ended = sqlx::query("UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND expires_at > ?")
        .bind(at)
        .bind(at)
        .execute(&mut conn)
        .await?
        .rows_affected();
    conn.close().await?;
    let (from, target) = (restoring.to_path_buf(), database.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        sync_file(&from)?;
        for leftover in [next_to(&target, "-wal"), next_to(&target, "-shm")] {
            match std::fs::remove_file(&leftover) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        std::fs::rename(&from, &target)?;
        sync_dir(target.parent());
        Ok(())
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))??;
    Ok(ended)
}

/// Keep the database about to be replaced, and leave its log empty.
async fn keep_previous(database: &Path, at: DateTime<Utc>) -> Result<PathBuf> {
    let kept = next_to(
        database,
        &format!(".before-restore-{}Z", at.format("%Y%m%dT%H%M%S%.3f")),
    );
    if copy(database, &kept).await.is_ok() {
        // Everything is in the copy; fold the log into the file so that
        // removing it below loses nothing even from the old file.
        let options = SqliteConnectOptions::new()
            .filename(database)
            .create_if_missing(false)
            .busy_timeout(BUSY_TIMEOUT);
        if let Ok(mut conn) = SqliteConnection::connect_with(&options).await {
            let busy: Option<(i64, i64, i64)> = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_optional(&mut conn)
                .await
                .ok()
                .flatten();
            let _ = conn.close().await;
            if busy.is_some_and(|(busy, _, _)| busy != 0) {
                return Err(Error::invalid(
                    "database",
                    "otro programa está usando la base de datos: cerralo (la app de escritorio, otro servicio) y volvé a intentar",
                ));
            }
        }
        return Ok(kept);
    }
    // Too damaged to read: keep its files as they are, log included.
    let _ = tokio::fs::remove_file(&kept).await;
    tokio::fs::copy(database, &kept).await?;
    let wal = next_to(database, "-wal");
    if tokio::fs::try_exists(&wal).await? {
        tokio::fs::copy(&wal, next_to(&kept, "-wal")).await?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::store::exhibitions::test_fixtures::tenant;
    use crate::store::now;

    async fn distributor_names(db: &Db) -> Vec<String> {
        sqlx::query_scalar("SELECT name FROM distributors ORDER BY name")
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_restore_brings_back_the_backup_and_keeps_what_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("centermind.db");
        let url = format!("sqlite://{}", path.display());
        let db = Db::open(&url).await.unwrap();
        let sur = tenant(&db, "Sur").await;
        // Signed in when the copy is made (and still signed in when it is restored).
        let (token, _) = db.create_session(sur.supervisor.user_id, now()).await.unwrap();
        let backup = db.backup_into(&dir.path().join("backups"), now(), 7).await.unwrap();
        // Written after the backup; then the files are left as a killed
        // process leaves them: that write only in the write-ahead log.
        tenant(&db, "Norte").await;
        let wal = next_to(&path, "-wal");
        let (main_file, log) = (std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap());
        assert!(!log.is_empty());
        db.close().await;
        std::fs::write(&path, main_file).unwrap();
        std::fs::write(&wal, log).unwrap();

        let restored = restore_backup(&backup.path, &path, now()).await.unwrap();
        assert_eq!(restored.contents.distributors, 1);
        assert_eq!(
            restored.contents.schema_version,
            MIGRATOR.iter().map(|m| m.version).max().unwrap()
        );
        let again = Db::open(&url).await.unwrap();
        assert_eq!(
            distributor_names(&again).await,
            ["Sur"],
            "what the backup had, nothing of the old log"
        );
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        assert_eq!(restored.sessions_ended, 1);
        let leftovers: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".restoring") || n.ends_with("-journal"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert_eq!(
            again.session_actor(&token, now()).await.unwrap(),
            None,
            "a sign-in from the copy does not come back"
        );
        // Signing in again works.
        let user = again
            .verify_login("sup-Sur", &crate::Secret::new("clave-segura".into()))
            .await
            .unwrap()
            .unwrap();
        let (fresh, _) = again.create_session(user.id, now()).await.unwrap();
        assert!(again.session_actor(&fresh, now()).await.unwrap().is_some());
        again.close().await;

        // The replaced database, with what was written after the backup.
        let previous = restored.previous.unwrap();
        assert!(
            previous
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("centermind.db.before-restore-")
        );
        let old = Db::open(&format!("sqlite://{}", previous.display())).await.unwrap();
        assert_eq!(distributor_names(&old).await, ["Norte", "Sur"]);
    }

    #[tokio::test]
    async fn a_damaged_or_foreign_file_is_refused_and_the_database_is_untouched() {
        let (db, dir) = crate::store::test_support::temp_db().await;
        tenant(&db, "Sur").await;
        let path = db.path().unwrap().to_path_buf();
        db.close().await;
        let before = std::fs::read(&path).unwrap();

        let garbage = dir.path().join("centermind-20261122T030000.000Z.db");
        std::fs::write(&garbage, b"this is not a database at all, just some bytes").unwrap();
        let other = dir.path().join("other.db");
        let mut conn =
            SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&other).create_if_missing(true))
                .await
                .unwrap();
        sqlx::query("CREATE TABLE notes (x)").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();

        for (file, says) in [
            (garbage.as_path(), "no es una copia de CenterMind"),
            (other.as_path(), "no es una copia de CenterMind"),
            (dir.path().join("missing.db").as_path(), "no existe"),
            (path.as_path(), "la base de datos misma"),
        ] {
            let err = restore_backup(file, &path, now()).await.unwrap_err();
            assert!(err.to_string().contains(says), "{}: {err}", file.display());
        }
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("before-restore") || n.contains("restoring"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[tokio::test]
    async fn a_backup_from_a_newer_version_is_refused() {
        let (db, dir) = crate::store::test_support::temp_db().await;
        let backup = db.backup_into(&dir.path().join("b"), now(), 7).await.unwrap();
        let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&backup.path))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        let err = inspect_backup(&backup.path).await.unwrap_err();
        assert!(err.to_string().contains("versión más nueva"), "{err}");
    }

    #[tokio::test]
    async fn on_a_fresh_machine_there_is_nothing_to_keep() {
        let (db, dir) = crate::store::test_support::temp_db().await;
        tenant(&db, "Sur").await;
        let backup = db.backup_into(&dir.path().join("b"), now(), 7).await.unwrap();
        let fresh = dir.path().join("new/centermind.db");
        let restored = restore_backup(&backup.path, &fresh, now()).await.unwrap();
        assert_eq!(restored.previous, None);
        let db = Db::open(&format!("sqlite://{}", fresh.display())).await.unwrap();
        assert_eq!(distributor_names(&db).await, ["Sur"]);
    }
}
