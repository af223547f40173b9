//! `centermind-sidecar backup list|restore`: the way back from the `backup`
//! job's copies. A backup nobody has restored is a hope; this makes the
//! restore one checked command.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use centermind_core::config::Config;
use centermind_core::photo_mirror;
use centermind_core::store::{BackupFile, Db, database_file, list_backups, now, restore_backup};

use crate::cli::BackupCommand;
use crate::instance::InstanceLock;
use crate::jobs::PHOTO_MIRROR;
use crate::table::render;

pub async fn backup(config: &Config, cmd: BackupCommand) -> anyhow::Result<()> {
    match cmd {
        BackupCommand::List { json } => list(config, json).await,
        BackupCommand::Restore { backup, yes } => restore(config, &backup, yes).await,
    }
}

async fn list(config: &Config, json: bool) -> anyhow::Result<()> {
    let dir = config.backup_dir();
    let backups = list_backups(&dir).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&backups)?);
        return Ok(());
    }
    if backups.is_empty() {
        println!(
            "No backups in {} yet (the backup job makes one a day; `job run backup --now` makes one now).",
            dir.display()
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = backups
        .iter()
        .map(|b| {
            vec![
                b.path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                b.made_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                megabytes(b.size_bytes),
            ]
        })
        .collect();
    println!("{}", render(&["FILE", "MADE", "SIZE"], &rows));
    let photos = dir.join(PHOTO_MIRROR);
    if photos.is_dir() {
        println!("Photos' copy: {}", photos.display());
    }
    Ok(())
}

async fn restore(config: &Config, which: &str, yes: bool) -> anyhow::Result<()> {
    let url = config.database_url();
    let Some(database) = database_file(&url)? else {
        bail!("the database ({url}) is in memory: there is no file to restore into");
    };
    // While held, no `run` can start on this database (and none is running).
    let _instance = InstanceLock::acquire(&database)?;
    let backup = choose(config, which).await?;
    let contents = centermind_core::store::inspect_backup(&backup).await?;
    println!(
        "Backup {}: {} distributor(s), {} exhibition(s){}.",
        backup.display(),
        contents.distributors,
        contents.exhibitions,
        contents
            .newest_exhibition
            .as_deref()
            .map(|t| format!(", the newest submitted {t}"))
            .unwrap_or_default()
    );
    if !yes && !confirm(&database)? {
        bail!("nothing was changed");
    }
    let restored = restore_backup(&backup, &database, now()).await?;
    // Brings an older backup's schema up to date, as any start would.
    let db = Db::open(&url).await.context("the restored database does not open")?;
    db.close().await;
    println!("Restored into {}.", database.display());
    match &restored.previous {
        Some(previous) => println!("The database it replaced is kept as {}.", previous.display()),
        None => println!("There was no database before."),
    }

    let mirror = backup.parent().unwrap_or(Path::new(".")).join(PHOTO_MIRROR);
    if mirror.is_dir() {
        let photo_dir = config.photo_dir();
        let (from, to) = (mirror.clone(), photo_dir.clone());
        let back = tokio::task::spawn_blocking(move || photo_mirror::mirror(&from, &to))
            .await?
            .with_context(|| {
                format!(
                    "the database is restored, but the photos could not be copied back from {}",
                    mirror.display()
                )
            })?;
        println!(
            "Photos: {} missing brought back from {} ({}); {} were in place in {}.",
            back.added,
            mirror.display(),
            megabytes(back.added_bytes),
            back.present,
            photo_dir.display()
        );
    } else {
        println!(
            "No photos' copy next to the backup ({}): the photos were left as they are.",
            mirror.display()
        );
    }
    Ok(())
}

/// `latest`, a name in backup_dir, or a path.
async fn choose(config: &Config, which: &str) -> anyhow::Result<PathBuf> {
    let dir = config.backup_dir();
    if which == "latest" {
        let backups: Vec<BackupFile> = list_backups(&dir).await?;
        return backups
            .into_iter()
            .next()
            .map(|b| b.path)
            .with_context(|| format!("there are no backups in {}", dir.display()));
    }
    let named = dir.join(which);
    if !which.contains(['/', '\\']) && named.is_file() {
        return Ok(named);
    }
    Ok(PathBuf::from(which))
}

fn confirm(database: &Path) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("not on a terminal: add --yes to replace the database");
    }
    print!(
        "Replace {} with this backup? What was saved after it is set aside, not in use. Type \"yes\": ",
        database.display()
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
