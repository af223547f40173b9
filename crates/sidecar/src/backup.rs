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
use crate::texts::{date_time, date_time_seconds, human_size, is_yes};

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
            "Todavía no hay copias en {} (la tarea backup hace una por día; `job run backup --now` hace una ya).",
            dir.display()
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = backups
        .iter()
        .map(|b| {
            vec![
                b.path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                date_time_seconds(&b.made_at),
                human_size(b.size_bytes),
            ]
        })
        .collect();
    println!("{}", render(&["ARCHIVO", "HECHA", "TAMAÑO"], &rows));
    let photos = dir.join(PHOTO_MIRROR);
    if photos.is_dir() {
        println!("Copia de las fotos: {}", photos.display());
    }
    Ok(())
}

async fn restore(config: &Config, which: &str, yes: bool) -> anyhow::Result<()> {
    let url = config.database_url();
    let Some(database) = database_file(&url)? else {
        bail!("la base de datos ({url}) está en memoria: no hay un archivo donde restaurar");
    };
    // While held, no `run` can start on this database (and none is running).
    let _instance = InstanceLock::acquire(&database)?;
    let backup = choose(config, which).await?;
    let contents = centermind_core::store::inspect_backup(&backup).await?;
    println!(
        "Copia {}: {} distribuidora(s), {} exhibición(es){}.",
        backup.display(),
        contents.distributors,
        contents.exhibitions,
        contents
            .newest_exhibition
            .as_deref()
            .map(|t| format!(", la más nueva enviada el {}", stored_time(t)))
            .unwrap_or_default()
    );
    if !yes && !confirm(&database)? {
        bail!("no se cambió nada");
    }
    let restored = restore_backup(&backup, &database, now()).await?;
    // Brings an older backup's schema up to date, as any start would.
    let db = Db::open(&url).await.context("la base de datos restaurada no abre")?;
    db.close().await;
    println!("Restaurada en {}.", database.display());
    match &restored.previous {
        Some(previous) => println!(
            "La base de datos reemplazada quedó guardada como {}.",
            previous.display()
        ),
        None => println!("No había una base de datos antes."),
    }
    if restored.sessions_ended > 0 {
        println!(
            "Se cerraron las {} sesión(es) abiertas en la copia: cada usuario vuelve a iniciar sesión.",
            restored.sessions_ended
        );
    }

    let mirror = backup.parent().unwrap_or(Path::new(".")).join(PHOTO_MIRROR);
    if mirror.is_dir() {
        let photo_dir = config.photo_dir();
        let (from, to) = (mirror.clone(), photo_dir.clone());
        let back = tokio::task::spawn_blocking(move || photo_mirror::mirror(&from, &to))
            .await?
            .with_context(|| {
                format!(
                    "la base de datos quedó restaurada, pero no se pudieron traer las fotos de {}",
                    mirror.display()
                )
            })?;
        println!(
            "Fotos: {} que faltaban, traídas de {} ({}); {} ya estaban en {}.",
            back.added,
            mirror.display(),
            human_size(back.added_bytes),
            back.present,
            photo_dir.display()
        );
    } else {
        println!(
            "No hay copia de las fotos junto a la copia ({}): las fotos quedaron como estaban.",
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
            .with_context(|| format!("no hay copias en {}", dir.display()));
    }
    let named = dir.join(which);
    if !which.contains(['/', '\\']) && named.is_file() {
        return Ok(named);
    }
    Ok(PathBuf::from(which))
}

fn confirm(database: &Path) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("no hay una terminal para confirmar: agregá --yes para reemplazar la base de datos");
    }
    print!(
        "¿Reemplazar {} por esta copia? Lo guardado después de la copia queda aparte, sin usar. Escribí «sí» para seguir: ",
        database.display()
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(is_yes(&answer))
}

/// A time as the database stores it (RFC 3339, UTC), the way people read it.
fn stored_time(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| date_time(&t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| t.to_string())
}
