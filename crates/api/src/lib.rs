//! CenterMind's HTTP API under `/api/v1`: JSON over HTTP for the desktop app
//! and integrators. Handlers are thin: they authenticate, resolve the tenant,
//! call `centermind-core`, and map its errors with [`error::ApiError`]. Every
//! tenant and role check happens here on the server (and again in core),
//! never only in the UI.

mod admin;
mod audit;
mod auth;
mod error;
mod events;
mod exhibitions;
mod extract;
mod health;
mod jobs;
mod legacy_import;
mod limiter;
mod openapi;
mod ranking;
mod reports;
mod setup;
mod tenant;
mod time_zones;
mod work;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use centermind_core::events::EventBus;
use centermind_core::store::Db;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use error::ApiError;
pub use limiter::LoginLimiter;
pub use openapi::ApiDoc;

/// Called after a verdict is committed (the Telegram sync wakes up on it).
pub type VerdictHook = Arc<dyn Fn(Uuid) + Send + Sync>;

/// Called with a job's id after a "run now" or a change of the job is
/// committed (the scheduler wakes up on it instead of at its next poll).
pub type JobHook = Arc<dyn Fn(&str) + Send + Sync>;

/// Called after failed background work was queued again from the app (the
/// photo worker and the Telegram sync wake up on it instead of at their next poll).
pub type WorkHook = Arc<dyn Fn() + Send + Sync>;

/// Called with a checked backup file the superadmin asked to restore; `true`
/// when the service takes it on (it stops, restores and starts again).
pub type RestoreHook = Arc<dyn Fn(PathBuf) -> bool + Send + Sync>;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Root of the local photo store (`storage_key`s are relative to it).
    pub photo_dir: PathBuf,
    pub login_limiter: Arc<LoginLimiter>,
    pub on_verdict: VerdictHook,
    pub on_job_request: JobHook,
    pub on_work_retried: WorkHook,
    /// Live events of every tenant; the stream endpoint filters per caller.
    pub events: EventBus,
    /// Telegram Bot API base URL (bot tokens are checked with getMe before saving).
    pub telegram_api_url: String,
    pub(crate) time_zones: Arc<time_zones::TimeZones>,
    /// Where the `backup` job keeps its copies (`Config::backup_dir`); listed, never written here.
    pub backup_dir: Option<PathBuf>,
    /// Cancelled when the service starts to stop: open event streams end then,
    /// or a graceful shutdown would wait for them forever (they never end by
    /// themselves) while every desktop and TV stays connected.
    pub stopping: CancellationToken,
    /// How a restore asked from the app is carried out; `None` where nothing
    /// can stop and restart the service (the restore is then the CLI's).
    pub on_restore: Option<RestoreHook>,
    /// When this state was made: the service's (re)start, told by the health check.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// The backup file name this start restored, if it did.
    pub restored_from: Option<String>,
}

impl AppState {
    pub fn new(db: Db, photo_dir: PathBuf) -> Self {
        Self {
            db,
            photo_dir,
            login_limiter: Arc::new(LoginLimiter::default()),
            on_verdict: Arc::new(|_| {}),
            on_job_request: Arc::new(|_| {}),
            on_work_retried: Arc::new(|| {}),
            events: EventBus::default(),
            telegram_api_url: centermind_core::config::DEFAULT_TELEGRAM_API_URL.to_string(),
            time_zones: Arc::default(),
            backup_dir: None,
            stopping: CancellationToken::new(),
            on_restore: None,
            started_at: centermind_core::store::now(),
            restored_from: None,
        }
    }

    /// Says in the health check that this start restored `file_name`.
    pub fn with_restored_from(mut self, file_name: Option<String>) -> Self {
        self.restored_from = file_name;
        self
    }

    pub fn with_restore_hook(mut self, hook: RestoreHook) -> Self {
        self.on_restore = Some(hook);
        self
    }

    /// The token whose cancellation ends the open event streams (the service's stop).
    pub fn with_stopping(mut self, stopping: CancellationToken) -> Self {
        self.stopping = stopping;
        self
    }

    pub fn with_backup_dir(mut self, dir: PathBuf) -> Self {
        self.backup_dir = Some(dir);
        self
    }

    pub fn with_verdict_hook(mut self, hook: VerdictHook) -> Self {
        self.on_verdict = hook;
        self
    }

    pub fn with_job_hook(mut self, hook: JobHook) -> Self {
        self.on_job_request = hook;
        self
    }

    pub fn with_work_hook(mut self, hook: WorkHook) -> Self {
        self.on_work_retried = hook;
        self
    }

    pub fn with_telegram_api_url(mut self, url: impl Into<String>) -> Self {
        self.telegram_api_url = url.into();
        self
    }

    /// Share the process's event bus (the bots publish on it too).
    pub fn with_events(mut self, events: EventBus) -> Self {
        self.events = events;
        self
    }
}

/// The whole API. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so login rate limiting sees client addresses.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(auth::routes())
        .merge(setup::routes())
        .merge(exhibitions::routes())
        .merge(ranking::routes())
        .merge(events::routes())
        .merge(reports::routes())
        .merge(openapi::routes())
        .merge(admin::routes())
        .merge(jobs::routes())
        .merge(legacy_import::routes())
        .merge(work::routes())
        .merge(audit::routes())
        .with_state(state)
}
