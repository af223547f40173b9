//! `run`: the long-running service: the HTTP API (`centermind-api`), one
//! Telegram intake bot per active distributor (supervised), the verdict
//! sync into Telegram and the scheduled jobs (`jobs`), on one runtime sharing
//! one event bus.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use centermind_api::{AppState, router};
use centermind_core::config::Config;
use centermind_core::events::EventBus;
use centermind_core::photo_mirror;
use centermind_core::store::{Db, database_file, now, restore_backup};
use centermind_telegram::{BotSupervisor, PhotoOptions, SupervisorOptions, VerdictSync};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::instance::InstanceLock;
use crate::jobs::{JobRunner, PHOTO_MIRROR, Scheduler};

/// Serve until `terminate` is cancelled (by [`stop_on_signals`], or by Windows'
/// service manager), then finish in-flight requests, stop the workers (an
/// interrupted Telegram edit is redone after restart: it lives in the durable
/// queue; a job run gets a few seconds to finish, else it is recorded as
/// interrupted) and return. `on_listening` is called once, with the address,
/// when the port is open and the database locked for this service.
///
/// A restore asked from the app (`POST /api/v1/backups/{name}/restore`) stops
/// everything the same way, puts the backup in place (see [`restore_in_place`])
/// and serves again on it, in this process: the run lock and the listening
/// socket are kept throughout, so no other service can take the database and
/// clients that connect meanwhile wait instead of being refused.
pub async fn run(
    db: Db,
    config: &Config,
    terminate: CancellationToken,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    // Before the port and the bots: a second service on this database must not start either.
    let instance = db.path().map(InstanceLock::acquire).transpose()?;
    let addr = config.listen_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?
        .into_std()?;
    let local = listener.local_addr()?;
    if let Some(Err(e)) = instance.as_ref().map(|lock| lock.announce(local)) {
        tracing::warn!(error = %e, "cannot say in the lock file who serves the database");
    }
    on_listening(local);
    let mut db = db;
    let mut restored_from = None;
    loop {
        let socket = TcpListener::from_std(listener.try_clone()?)?;
        let Some(backup) = serve_once(db, config, socket, &terminate, restored_from.take()).await? else {
            break;
        };
        let name = backup.file_name().unwrap_or_default().to_string_lossy().into_owned();
        match restore_in_place(config, &backup).await {
            Ok(()) => restored_from = Some(name),
            // The restore leaves the database as it was when it fails: serve that again.
            Err(err) => {
                tracing::error!(backup = %name, error = format!("{err:#}"), "restore asked from the app failed")
            }
        }
        db = Db::open(&config.database_url()).await?;
        if terminate.is_cancelled() {
            db.close().await;
            break;
        }
    }
    tracing::info!("service stopped");
    Ok(())
}

/// One start of the service on `db`, until SIGINT/SIGTERM (`None`) or a restore
/// asked from the app (`Some(backup)`); everything is stopped and the database
/// closed when it returns.
async fn serve_once(
    db: Db,
    config: &Config,
    listener: TcpListener,
    terminate: &CancellationToken,
    restored_from: Option<String>,
) -> anyhow::Result<Option<PathBuf>> {
    let local = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    // One bus for the whole process: the bots publish, the API streams.
    let events = EventBus::default();
    let sync = VerdictSync::new(db.clone(), &config.telegram_api_url, shutdown.clone())?.with_events(events.clone());
    let sync_handle = sync.handle();
    let sync_worker = tokio::spawn(sync.run());
    // Photos are always kept in photo_dir; `google_drive` distributors also
    // get a copy in their Drive folder, with the account configured here.
    if config.google_drive.is_some() {
        tracing::info!("Google Drive archive configured");
    }
    let options = SupervisorOptions {
        photos: PhotoOptions {
            drive: config.google_drive.clone(),
            ..PhotoOptions::default()
        },
        ..SupervisorOptions::default()
    };
    let bots = BotSupervisor::new(
        db.clone(),
        &config.telegram_api_url,
        config.photo_dir(),
        events.clone(),
        shutdown.clone(),
    )?
    .with_options(options);
    let photo_handle = bots.photo_handle();
    let bots_worker = tokio::spawn(bots.run());
    // Backups, housekeeping and the daily summary, as configured in the database.
    let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), config)?, shutdown.clone());
    let scheduler_handle = scheduler.handle();
    let scheduler_worker = tokio::spawn(scheduler.run());

    // A restore asked from the app: the first one is taken, and the service stops for it.
    let restore = Arc::new(Mutex::new(None::<PathBuf>));
    let restart = CancellationToken::new();
    let on_restore = {
        let (restore, restart) = (restore.clone(), restart.clone());
        Arc::new(move |backup: PathBuf| {
            let mut asked = restore.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if asked.is_some() {
                return false;
            }
            *asked = Some(backup);
            restart.cancel();
            true
        })
    };
    // Ends the open event streams as the stop begins: they would keep it waiting forever.
    let stopping = CancellationToken::new();
    let state = AppState::new(db.clone(), config.photo_dir())
        .with_backup_dir(config.backup_dir())
        .with_events(events)
        .with_telegram_api_url(config.telegram_api_url.clone())
        .with_work_hook({
            let sync_handle = sync_handle.clone();
            Arc::new(move || {
                photo_handle.notify();
                sync_handle.notify();
            })
        })
        .with_verdict_hook(Arc::new(move |_exhibition| sync_handle.notify()))
        .with_job_hook(Arc::new(move |_job| scheduler_handle.notify()))
        .with_restore_hook(on_restore)
        .with_restored_from(restored_from)
        .with_stopping(stopping.clone());
    tracing::info!(%local, "service listening");
    let stop = {
        let terminate = terminate.clone();
        async move {
            tokio::select! {
                () = terminate.cancelled() => {},
                () = restart.cancelled() => tracing::info!("stopping for a restore asked from the app"),
            }
            stopping.cancel();
        }
    };
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await;
    shutdown.cancel();
    if let Err(err) = sync_worker.await {
        tracing::error!(%err, "verdict sync worker ended abnormally");
    }
    if let Err(err) = bots_worker.await {
        tracing::error!(%err, "bot supervisor ended abnormally");
    }
    // A run in progress gets a few seconds to finish, else it is recorded as interrupted.
    if let Err(err) = scheduler_worker.await {
        tracing::error!(%err, "job scheduler ended abnormally");
    }
    db.close().await;
    served?;
    let asked = restore.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    Ok(asked)
}

/// Puts `backup` in place of the stopped service's database, as `backup
/// restore` does: the replaced database is kept as `<db>.before-restore-<time>Z`,
/// and the photos missing from `photo_dir` come back from the backup folder's
/// `photos/` copy. The API checked the copy before asking.
async fn restore_in_place(config: &Config, backup: &Path) -> anyhow::Result<()> {
    let url = config.database_url();
    let database = database_file(&url)?.with_context(|| format!("the database ({url}) is in memory"))?;
    let restored = restore_backup(backup, &database, now()).await?;
    tracing::info!(
        backup = %backup.display(),
        kept = ?restored.previous,
        sessions_ended = restored.sessions_ended,
        distributors = restored.contents.distributors,
        exhibitions = restored.contents.exhibitions,
        "backup restored"
    );
    let mirror = backup.parent().unwrap_or(Path::new(".")).join(PHOTO_MIRROR);
    if mirror.is_dir() {
        let (from, to) = (mirror.clone(), config.photo_dir());
        let back = tokio::task::spawn_blocking(move || photo_mirror::mirror(&from, &to))
            .await?
            .with_context(|| format!("photos could not be copied back from {}", mirror.display()))?;
        tracing::info!(
            added = back.added,
            present = back.present,
            "photos brought back from the backup"
        );
    }
    Ok(())
}

/// A token cancelled on SIGINT or SIGTERM (on Windows Ctrl+C, Ctrl+Break,
/// closing the console, logging off or shutting down) and, with
/// `stop_when_stdin_closes`, at the end of standard input: how `run` is stopped
/// from a terminal, by systemd, or by the desktop app. Listened for once, for
/// the whole process (also while a restore runs).
pub fn stop_on_signals(stop_when_stdin_closes: bool) -> CancellationToken {
    let terminate = CancellationToken::new();
    tokio::spawn({
        let terminate = terminate.clone();
        async move {
            tokio::select! {
                () = shutdown_signal() => {},
                () = stdin_closed(), if stop_when_stdin_closes => {
                    tracing::info!("standard input closed: the app that started this service quit");
                },
            }
            terminate.cancel();
        }
    });
    terminate
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate_signal() => {},
    }
    tracing::info!("shutdown requested");
}

/// SIGTERM: how systemd, launchd and `kill` stop a service.
#[cfg(unix)]
async fn terminate_signal() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(err) => {
            tracing::error!(%err, "cannot listen for SIGTERM");
            std::future::pending::<()>().await;
        }
    }
}

/// Windows' console events other than Ctrl+C: Ctrl+Break, the console window
/// closed, the user logging off, the machine shutting down. Windows kills the
/// process a few seconds after the last three, so the database is closed first.
#[cfg(windows)]
async fn terminate_signal() {
    use tokio::signal::windows;
    // One that cannot be listened for never fires; the others still do.
    macro_rules! event {
        ($listen:expr, $name:literal) => {
            async {
                match $listen {
                    Ok(mut event) => {
                        event.recv().await;
                    }
                    Err(err) => {
                        tracing::warn!(%err, concat!("cannot listen for ", $name));
                        std::future::pending::<()>().await;
                    }
                }
            }
        };
    }
    tokio::select! {
        () = event!(windows::ctrl_break(), "Ctrl+Break") => {},
        () = event!(windows::ctrl_close(), "the console closing") => {},
        () = event!(windows::ctrl_logoff(), "logoff") => {},
        () = event!(windows::ctrl_shutdown(), "shutdown") => {},
    }
}

/// Resolves when standard input ends: the app that started this service with a
/// pipe closed its end, or quit, or died (the OS closes it then too).
async fn stdin_closed() {
    let (closed, on_closed) = tokio::sync::oneshot::channel::<()>();
    // A plain thread: a blocking read cannot be cancelled, and it must not hold
    // up the runtime's shutdown as a blocking task would.
    let watcher = std::thread::Builder::new().name("stdin-watch".into()).spawn(move || {
        use std::io::Read;
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0_u8; 512];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => {
                    tracing::warn!(%err, "cannot read standard input; taking it as closed");
                    break;
                }
            }
        }
        let _ = closed.send(());
    });
    match watcher {
        Ok(_) => {
            let _ = on_closed.await;
        }
        Err(err) => {
            tracing::error!(%err, "cannot watch standard input");
            std::future::pending::<()>().await;
        }
    }
}
