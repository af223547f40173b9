//! `run`: the long-running service: the HTTP API (`centermind-api`), one
//! Telegram intake bot per active distributor (supervised), the verdict
//! sync into Telegram and the scheduled jobs (`jobs`), on one runtime sharing
//! one event bus.

use std::net::SocketAddr;

use std::sync::Arc;

use centermind_api::{AppState, router};
use centermind_core::config::Config;
use centermind_core::events::EventBus;
use centermind_core::store::Db;
use centermind_telegram::{BotSupervisor, PhotoOptions, SupervisorOptions, VerdictSync};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::instance::InstanceLock;
use crate::jobs::{JobRunner, Scheduler};

/// Serve until SIGINT or SIGTERM, then finish in-flight requests, stop the
/// workers (an interrupted Telegram edit is redone after restart: it lives in
/// the durable queue; a job run gets a few seconds to finish, else it is
/// recorded as interrupted) and return.
pub async fn run(db: Db, config: &Config) -> anyhow::Result<()> {
    // Before the port and the bots: a second service on this database must not start either.
    let instance = db.path().map(InstanceLock::acquire).transpose()?;
    let addr = config.listen_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    if let Some(Err(e)) = instance.as_ref().map(|lock| lock.announce(local)) {
        tracing::warn!(error = %e, "cannot say in the lock file who serves the database");
    }

    let shutdown = CancellationToken::new();
    // One bus for the whole process: the bots publish, the API streams.
    let events = EventBus::default();
    let sync = VerdictSync::new(db.clone(), &config.telegram_api_url, shutdown.clone())?;
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
    let bots_worker = tokio::spawn(bots.run());
    // Backups, housekeeping and the daily summary, as configured in the database.
    let scheduler = Scheduler::new(db.clone(), JobRunner::new(db.clone(), config)?, shutdown.clone());
    let scheduler_handle = scheduler.handle();
    let scheduler_worker = tokio::spawn(scheduler.run());

    let state = AppState::new(db.clone(), config.photo_dir())
        .with_backup_dir(config.backup_dir())
        .with_events(events)
        .with_telegram_api_url(config.telegram_api_url.clone())
        .with_verdict_hook(Arc::new(move |_exhibition| sync_handle.notify()))
        .with_job_hook(Arc::new(move |_job| scheduler_handle.notify()));
    tracing::info!(%local, "service listening");
    println!("CenterMind sidecar listening on http://{local} (Ctrl+C to stop)");
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
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
    tracing::info!("service stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
