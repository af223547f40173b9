//! Photo storage after an exhibition is committed, from the durable task queue.
//!
//! - A `store_photo` task per photo downloads it from Telegram (getFile + file
//!   download through the configured API URL) and stores it in the local
//!   [`PhotoStore`] (the server always keeps its copy: the API serves photos
//!   and thumbnails from it), recording its SHA-256, perceptual hash
//!   ([`phash`]), size and dimensions. The database links possible duplicates
//!   within the distributor (same Telegram file, same SHA-256, or a close
//!   perceptual hash; see `centermind_core::store::photo_storage`).
//! - For a `google_drive` distributor, storing also enqueues an
//!   `archive_photo` task that copies the local file to the distributor's
//!   Drive folder ([`crate::drive`]); its failures never touch the local copy.
//!   Drive credentials missing from the configuration, or a distributor
//!   without a folder id, are configuration problems: the admin is told at
//!   once and the task retried at the longest backoff, so fixing the folder
//!   (or restarting with credentials) lets the queued photos through.
//!
//! Failures are classified (timeout, permission, missing path, corrupt file,
//! disk full, remote down) into `error_events` and retried with capped
//! exponential backoff; when a photo has failed `alert_after_attempts` times,
//! the distributor's admin gets one Telegram message (at most one per hour
//! per distributor). A photo over the download limit (20 MB on the cloud Bot
//! API) is not retried: the vendor is told in the group.

mod phash;

pub use phash::perceptual_hash;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use centermind_core::config::GoogleDriveConfig;
use centermind_core::domain::DistributorId;
use centermind_core::domain::backoff::backoff_delay;
use centermind_core::domain::error_class::ErrorClass;
use centermind_core::events::{EventBus, WorkNotices};
use centermind_core::store::task_kinds::{ARCHIVE_PHOTO, IMPORT_PHOTO, STORE_PHOTO};
use centermind_core::store::{
    Db, NewErrorEvent, NewTask, PhotoStorage, PhotoToStore, StoredPhoto, Task, TaskState, now,
};
use centermind_core::{Error as CoreError, Secret};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use teloxide::Bot;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, error, info, info_span, warn};
use uuid::Uuid;

use crate::api::{self, DownloadFailure};
use crate::drive::{GoogleDrive, GoogleDriveStore};
use crate::texts;

/// Today's photos: claimed first.
const KINDS: &[&str] = &[STORE_PHOTO, ARCHIVE_PHOTO];
/// Every kind the worker handles, for its idle wait.
const ALL_KINDS: &[&str] = &[STORE_PHOTO, ARCHIVE_PHOTO, IMPORT_PHOTO];

/// The cloud Bot API serves files up to 20 MB.
pub const CLOUD_DOWNLOAD_LIMIT: u64 = 20 * 1024 * 1024;

/// The task that stores photo `position` of an exhibition. `message_id` is
/// the vendor's photo message (to reply to if it cannot be downloaded).
pub fn store_photo_task(
    distributor_id: DistributorId,
    exhibition_id: Uuid,
    position: i64,
    chat_id: i64,
    message_id: i64,
) -> NewTask {
    NewTask {
        kind: STORE_PHOTO.to_string(),
        distributor_id: Some(distributor_id),
        payload: json!({
            "exhibition_id": exhibition_id,
            "position": position,
            "chat_id": chat_id,
            "message_id": message_id,
        }),
        dedupe_key: Some(format!("photo:{exhibition_id}:{position}")),
        max_attempts: 12,
    }
}

/// Why a store could not keep or give back a photo, classified like every
/// operational failure (so the retry and alert rules apply).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    pub class: ErrorClass,
    pub message: String,
}

impl StoreError {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorClass::of_io(e.kind()), e.to_string())
    }
}

/// Where a store put a photo: for a remote store, its id there and a link to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub link: Option<String>,
    pub remote_id: Option<String>,
}

pub type PutFuture<'a> = Pin<Box<dyn Future<Output = Result<Placement, StoreError>> + Send + 'a>>;
pub type GetFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, StoreError>> + Send + 'a>>;

/// Where photos are kept. `key` is a relative path with `/` separators.
pub trait PhotoStore: Send + Sync {
    /// Store `bytes` under `key`. Idempotent: a retried task puts the same
    /// bytes under the same key again, and the store ends with one copy.
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> PutFuture<'a>;

    /// The bytes stored under `key` (a missing key is a `missing_path` error).
    fn get<'a>(&'a self, key: &'a str) -> GetFuture<'a>;
}

/// A folder on this machine (`Config::photo_dir`); keys are relative to it.
#[derive(Debug, Clone)]
pub struct LocalPhotoStore {
    root: PathBuf,
}

impl LocalPhotoStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf, StoreError> {
        let relative = Path::new(key);
        if key.is_empty()
            || !relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            return Err(StoreError::new(
                ErrorClass::InvalidInput,
                "storage key leaves the photo folder",
            ));
        }
        Ok(self.root.join(relative))
    }
}

impl PhotoStore for LocalPhotoStore {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> PutFuture<'a> {
        Box::pin(async move {
            let path = self.path(key)?;
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| StoreError::new(ErrorClass::of_io(e.kind()), format!("storing {key}: {e}")))?;
            }
            // Write aside, then rename: a crash never leaves half a photo under the key.
            let partial = path.with_extension("partial");
            let written = async {
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, &path).await
            };
            written
                .await
                .map_err(|e| StoreError::new(ErrorClass::of_io(e.kind()), format!("storing {key}: {e}")))?;
            Ok(Placement::default())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> GetFuture<'a> {
        Box::pin(async move {
            let path = self.path(key)?;
            tokio::fs::read(&path)
                .await
                .map_err(|e| StoreError::new(ErrorClass::of_io(e.kind()), format!("reading {key}: {e}")))
        })
    }
}

/// `<distributor id>/<group chat id>/<YYYY-MM-DD>/<exhibition id>_<position>.<ext>`:
/// by distributor, group and (the distributor's local) date, as in the old system.
pub fn storage_key(
    distributor_id: DistributorId,
    chat_id: i64,
    local_date: chrono::NaiveDate,
    exhibition_id: Uuid,
    position: i64,
    extension: &str,
) -> String {
    format!(
        "{distributor_id}/{chat_id}/{}/{exhibition_id}_{position}.{extension}",
        local_date.format("%Y-%m-%d")
    )
}

/// Tuning of the worker. The defaults are the production values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoOptions {
    pub lease: Duration,
    pub request_timeout: StdDuration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// `None` with a local Bot API server (no cap).
    pub max_download_bytes: Option<u64>,
    /// Tell the admin once a photo failed this many times.
    pub alert_after_attempts: i64,
    pub idle_recheck: StdDuration,
    /// Photos stored at once. Each waits mostly on Telegram (getFile,
    /// download) and on its commit; a few in flight keep those waits
    /// overlapping and the database's group commits full.
    pub concurrency: usize,
    /// The Google account of `google_drive` distributors (`Config::google_drive`).
    pub drive: Option<GoogleDriveConfig>,
}

impl Default for PhotoOptions {
    fn default() -> Self {
        Self {
            lease: Duration::seconds(120),
            request_timeout: StdDuration::from_secs(60),
            backoff_base: Duration::seconds(2),
            backoff_cap: Duration::minutes(10),
            max_download_bytes: Some(CLOUD_DOWNLOAD_LIMIT),
            alert_after_attempts: 3,
            idle_recheck: StdDuration::from_secs(30),
            concurrency: 4,
            drive: None,
        }
    }
}

/// Wakes the photo worker (after a commit enqueued photos).
#[derive(Debug, Clone)]
pub struct PhotoHandle {
    wake: Arc<Notify>,
}

impl PhotoHandle {
    pub(crate) fn new() -> Self {
        Self {
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn notify(&self) {
        self.wake.notify_one();
    }
}

/// The worker: claims `store_photo` and `archive_photo` tasks, up to
/// `PhotoOptions::concurrency` at a time, until shutdown. Cheap to clone: the
/// clones share everything, including the admin-alert memory.
#[derive(Clone)]
pub struct PhotoWorker {
    db: Db,
    store: Arc<dyn PhotoStore>,
    /// The Drive account, or why there is none.
    drive: Result<Arc<GoogleDrive>, String>,
    client: reqwest::Client,
    api_url: reqwest::Url,
    shutdown: CancellationToken,
    wake: Arc<Notify>,
    options: PhotoOptions,
    /// When each distributor's admin was last alerted (at most once an hour).
    last_alert: Arc<Mutex<HashMap<DistributorId, DateTime<Utc>>>>,
    /// Tells the admins' Estado screens when a photo fails, recovers or is given up.
    notices: WorkNotices,
}

impl std::fmt::Debug for PhotoWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoWorker")
            .field("api_url", &self.api_url.as_str())
            .field("drive", &self.drive.is_ok())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

enum Outcome {
    Done,
    /// Done, and the task was marked done with the result (one transaction).
    Recorded,
    Retry {
        class: ErrorClass,
        error: String,
        /// A configuration problem: alert now and retry at the longest backoff.
        config: bool,
    },
    GiveUp {
        class: ErrorClass,
        error: String,
    },
    /// Waiting for a person to fix the configuration: put back without using
    /// an attempt or logging an error per task (an import may queue
    /// thousands); the admin is alerted (at most hourly).
    Wait {
        class: ErrorClass,
        note: String,
    },
}

impl Outcome {
    fn retry(class: ErrorClass, error: impl Into<String>) -> Self {
        Self::Retry {
            class,
            error: error.into(),
            config: false,
        }
    }

    /// Retried if trying again can help, else given up.
    fn failed(e: StoreError) -> Self {
        if e.class.is_retryable() {
            Self::retry(e.class, e.message)
        } else {
            Self::GiveUp {
                class: e.class,
                error: e.message,
            }
        }
    }
}

/// What the worker learns from a photo's bytes.
struct Analysis {
    format: Option<image::ImageFormat>,
    dimensions: Option<(u32, u32)>,
    perceptual_hash: Option<u64>,
}

/// Format and dimensions from the header; the perceptual hash from a full
/// decode (CPU work: run it off the async threads).
fn analyse(bytes: &[u8]) -> Analysis {
    let format = image::guess_format(bytes).ok();
    let dimensions = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok());
    let perceptual_hash = dimensions
        .and_then(|_| image::load_from_memory(bytes).ok())
        .map(|img| perceptual_hash(&img));
    Analysis {
        format,
        dimensions,
        perceptual_hash,
    }
}

impl PhotoWorker {
    pub fn new(
        db: Db,
        store: Arc<dyn PhotoStore>,
        client: reqwest::Client,
        api_url: reqwest::Url,
        shutdown: CancellationToken,
        options: PhotoOptions,
    ) -> Self {
        let drive = match &options.drive {
            None => Err("Google Drive is not configured (no [google_drive] credentials)".to_string()),
            Some(config) => GoogleDrive::new(config, client.clone(), options.request_timeout)
                .map(Arc::new)
                .map_err(|e| format!("the Google Drive configuration is invalid: {e}")),
        };
        Self {
            db,
            store,
            drive,
            client,
            api_url,
            shutdown,
            wake: Arc::new(Notify::new()),
            options,
            last_alert: Arc::default(),
            notices: WorkNotices::default(),
        }
    }

    /// Announce failures, recoveries and give-ups on `events` (the service's bus).
    #[must_use]
    pub fn with_events(mut self, events: EventBus) -> Self {
        self.notices = WorkNotices::new(events, WorkNotices::WINDOW);
        self
    }

    pub fn handle(&self) -> PhotoHandle {
        PhotoHandle {
            wake: self.wake.clone(),
        }
    }

    /// Wake on `handle`'s notifications (one made before the worker).
    pub(crate) fn woken_by(mut self, handle: &PhotoHandle) -> Self {
        self.wake = handle.wake.clone();
        self
    }

    pub async fn run(self) {
        let concurrency = self.options.concurrency.max(1);
        info!(concurrency, "photo worker started");
        let shutdown = self.shutdown.clone();
        let mut in_flight = JoinSet::new();
        loop {
            let mut pause = None;
            while in_flight.len() < concurrency {
                match self.claim().await {
                    Ok(Some(task)) => {
                        let worker = self.clone();
                        in_flight.spawn(async move { worker.process(task).await });
                    }
                    Ok(None) => {
                        if in_flight.is_empty() {
                            pause = Some(self.idle_pause().await);
                        }
                        break;
                    }
                    Err(e) => {
                        error!(error = %e, "photo worker: database error");
                        pause = Some(StdDuration::from_secs(1));
                        break;
                    }
                }
            }
            tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => match done {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => error!(error = %e, "photo worker: database error"),
                    Err(e) => error!(error = %e, "photo worker: a task panicked"),
                },
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause.unwrap_or_default()), if pause.is_some() => {}
            }
        }
        // Unfinished tasks are abandoned: their lease runs out and they are
        // claimed again after a restart.
        in_flight.shutdown().await;
        info!("photo worker stopped");
    }

    /// The next due task: an imported photo only when no photo of today waits.
    async fn claim(&self) -> Result<Option<Task>, CoreError> {
        match self.db.claim_task(KINDS, now(), self.options.lease).await? {
            Some(task) => Ok(Some(task)),
            None => self.db.claim_task(&[IMPORT_PHOTO], now(), self.options.lease).await,
        }
    }

    async fn idle_pause(&self) -> StdDuration {
        match self.db.next_task_due(ALL_KINDS).await {
            Ok(Some(due)) => match (due - Utc::now()).to_std() {
                Ok(wait) => (wait + StdDuration::from_millis(2)).min(self.options.idle_recheck),
                Err(_) => StdDuration::from_millis(50),
            },
            Ok(None) => self.options.idle_recheck,
            Err(_) => StdDuration::from_secs(1),
        }
    }

    async fn process(&self, task: Task) -> Result<(), CoreError> {
        let span = info_span!(
            "photo_task",
            kind = %task.kind,
            task_id = task.id,
            attempt = task.attempts,
            distributor_id = task.distributor_id
        );
        async {
            let outcome = if task.kind == ARCHIVE_PHOTO {
                self.archive(&task).await
            } else {
                self.attempt(&task).await
            };
            self.record(&task, outcome).await
        }
        .instrument(span)
        .await
    }

    async fn attempt(&self, task: &Task) -> Outcome {
        let give_up = |error: &str| Outcome::GiveUp {
            class: ErrorClass::Internal,
            error: error.to_string(),
        };
        let p = &task.payload;
        let (Some(d), Some(exhibition_id), Some(position)) = (
            task.distributor_id,
            p.get("exhibition_id")
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok()),
            p.get("position").and_then(serde_json::Value::as_i64),
        ) else {
            return give_up("task payload without distributor, exhibition or position");
        };
        let photo = match self.db.photo_to_store(d, exhibition_id, position).await {
            Ok(photo) => photo,
            Err(CoreError::NotFound { .. }) => return give_up("photo not found"),
            Err(e) => return db_retry(&e),
        };
        if photo.upload_state == "stored" {
            return Outcome::Done;
        }
        let fetched = if task.kind == IMPORT_PHOTO {
            self.download_from_drive(&photo).await
        } else {
            self.download_from_telegram(task, &photo).await
        };
        let bytes = match fetched {
            Ok(bytes) => bytes,
            Err(outcome) => return outcome,
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let (bytes, analysis) = match tokio::task::spawn_blocking(move || {
            let analysis = analyse(&bytes);
            (bytes, analysis)
        })
        .await
        {
            Ok(done) => done,
            Err(e) => return Outcome::retry(ErrorClass::Internal, format!("analysing the photo: {e}")),
        };
        if analysis.dimensions.is_none() {
            self.event(
                Some(d),
                ErrorClass::CorruptFile,
                "photo is not a readable image; stored as received",
                json!({"task_id": task.id, "kind": task.kind, "exhibition_id": exhibition_id, "position": position}),
            )
            .await;
        } else if analysis.perceptual_hash.is_none() {
            warn!("photo header readable but the image does not decode: no perceptual hash");
        }
        let extension = match analysis.format {
            Some(image::ImageFormat::Png) => "png",
            _ => "jpg",
        };
        let tz = match self.db.distributor(d).await {
            Ok(dist) => dist.time_zone,
            Err(e) => return db_retry(&e),
        };
        let key = storage_key(
            d,
            photo.chat_id,
            photo.submitted_at.with_timezone(&tz).date_naive(),
            exhibition_id,
            position,
            extension,
        );
        let placement = match self.store.put(&key, &bytes).await {
            Ok(placement) => placement,
            Err(e) => return Outcome::retry(e.class, e.message),
        };
        let stored = StoredPhoto {
            storage_key: key,
            storage_link: placement.link,
            sha256,
            perceptual_hash: analysis.perceptual_hash,
            size_bytes: bytes.len() as i64,
            width: analysis.dimensions.map(|(w, _)| i64::from(w)),
            height: analysis.dimensions.map(|(_, h)| i64::from(h)),
        };
        match self
            .db
            .mark_photo_stored(photo.photo_id, &stored, Some(task.id), now())
            .await
        {
            Ok(result) => {
                info!(
                    key = %stored.storage_key,
                    bytes = stored.size_bytes,
                    duplicate_of = ?result.duplicate_of,
                    archive = result.archive_task.is_some(),
                    "photo stored"
                );
                Outcome::Recorded
            }
            Err(e) => db_retry(&e),
        }
    }

    /// The photo's bytes from Telegram (a photo the bot received).
    async fn download_from_telegram(&self, task: &Task, photo: &PhotoToStore) -> Result<Vec<u8>, Outcome> {
        let d = photo.distributor_id;
        let Some(file_id) = photo.telegram_file_id.clone() else {
            return Err(Outcome::GiveUp {
                class: ErrorClass::Internal,
                error: "photo without a Telegram file id".into(),
            });
        };
        let token: Secret<String> = match self.db.distributor_bot_token(d).await {
            Ok(Some(t)) => t,
            Ok(None) => {
                return Err(Outcome::retry(
                    ErrorClass::Permission,
                    "the distributor has no bot token",
                ));
            }
            Err(e) => return Err(db_retry(&e)),
        };
        let bot = Bot::with_client(token.expose().clone(), self.client.clone()).set_api_url(self.api_url.clone());
        match api::download_file(
            &bot,
            &file_id,
            self.options.request_timeout,
            self.options.max_download_bytes,
        )
        .await
        {
            Ok(bytes) => Ok(bytes),
            Err(DownloadFailure::TooBig) => {
                self.tell_vendor_too_big(&bot, task).await;
                if let Err(e) = self.db.mark_photo_failed(photo.photo_id).await {
                    warn!(error = %e, "cannot mark the photo failed");
                }
                Err(Outcome::GiveUp {
                    class: ErrorClass::InvalidInput,
                    error: "file larger than the Bot API download limit (20 MB)".into(),
                })
            }
            Err(DownloadFailure::Api(e)) => Err(Outcome::retry(e.class(), e.detail())),
        }
    }

    /// The photo's bytes from Google Drive, where the old system put it (an
    /// imported exhibition). Without Drive credentials the task waits for
    /// them (alerting the admin) instead of using up its attempts; a file
    /// Drive no longer has fails the photo.
    async fn download_from_drive(&self, photo: &PhotoToStore) -> Result<Vec<u8>, Outcome> {
        let Some(file_id) = photo.drive_file_id.as_deref() else {
            return Err(Outcome::GiveUp {
                class: ErrorClass::Internal,
                error: "imported photo without a Google Drive file id".into(),
            });
        };
        let drive = match &self.drive {
            Ok(drive) => drive.clone(),
            Err(why) => {
                return Err(Outcome::Wait {
                    class: ErrorClass::Permission,
                    note: format!("imported photos are in Google Drive but {why}"),
                });
            }
        };
        match drive.download(file_id).await {
            // Drive answers 404 for a deleted file and for one this account
            // cannot see: retrying will not bring it. Given up at once (the
            // admin can `task retry` it after sharing the file).
            Err(e) if e.class == ErrorClass::MissingPath || !e.class.is_retryable() => {
                if let Err(db) = self.db.mark_photo_failed(photo.photo_id).await {
                    warn!(error = %db, "cannot mark the photo failed");
                }
                Err(Outcome::GiveUp {
                    class: e.class,
                    error: format!(
                        "the imported photo {file_id} cannot be read from Google Drive: {}",
                        e.message
                    ),
                })
            }
            Err(e) => Err(Outcome::failed(e)),
            Ok(bytes) => Ok(bytes),
        }
    }

    /// Copy a stored photo to its distributor's Google Drive folder.
    async fn archive(&self, task: &Task) -> Outcome {
        let give_up = |error: &str| Outcome::GiveUp {
            class: ErrorClass::Internal,
            error: error.to_string(),
        };
        let config_problem = |class: ErrorClass, error: String| Outcome::Retry {
            class,
            error,
            config: true,
        };
        let p = &task.payload;
        let (Some(d), Some(exhibition_id), Some(position)) = (
            task.distributor_id,
            p.get("exhibition_id")
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok()),
            p.get("position").and_then(serde_json::Value::as_i64),
        ) else {
            return give_up("task payload without distributor, exhibition or position");
        };
        let photo = match self.db.photo_to_archive(d, exhibition_id, position).await {
            Ok(photo) => photo,
            Err(CoreError::NotFound { .. }) => return give_up("photo not found"),
            Err(e) => return db_retry(&e),
        };
        if photo.drive_file_id.is_some() {
            return Outcome::Done;
        }
        if photo.photo_storage != PhotoStorage::GoogleDrive {
            info!("the distributor no longer archives to Google Drive; nothing to do");
            return Outcome::Done;
        }
        let (Some(key), "stored") = (photo.storage_key.as_deref(), photo.upload_state.as_str()) else {
            return give_up("archive task for a photo that is not stored locally");
        };
        let drive = match &self.drive {
            Ok(drive) => drive.clone(),
            Err(why) => {
                return config_problem(
                    ErrorClass::Permission,
                    format!("the distributor archives to Google Drive but {why}"),
                );
            }
        };
        let Some(folder) = photo.drive_folder_id.filter(|f| !f.trim().is_empty()) else {
            return config_problem(
                ErrorClass::MissingPath,
                "the distributor archives to Google Drive but has no Drive folder id (drive_folder_id)".into(),
            );
        };
        let bytes = match self.store.get(key).await {
            Ok(bytes) => bytes,
            Err(e) if e.class == ErrorClass::MissingPath => {
                return Outcome::GiveUp {
                    class: e.class,
                    error: format!("the local copy to archive is gone: {}", e.message),
                };
            }
            Err(e) => return Outcome::retry(e.class, e.message),
        };
        // In Drive the distributor's folder is the root: <group chat id>/<date>/<file>.
        let drive_key = key.split_once('/').map_or(key, |(_, rest)| rest);
        let placement = match GoogleDriveStore::new(drive, folder).put(drive_key, &bytes).await {
            Ok(placement) => placement,
            Err(e) => return Outcome::failed(e),
        };
        let Some(file_id) = placement.remote_id.as_deref() else {
            return give_up("Google Drive answered without a file id");
        };
        match self
            .db
            .mark_photo_archived(photo.photo_id, file_id, placement.link.as_deref())
            .await
        {
            Ok(()) => {
                info!(key = %drive_key, file_id, "photo archived to Google Drive");
                Outcome::Done
            }
            Err(e) => db_retry(&e),
        }
    }

    async fn tell_vendor_too_big(&self, bot: &Bot, task: &Task) {
        let p = &task.payload;
        let (Some(chat), message) = (
            p.get("chat_id").and_then(serde_json::Value::as_i64),
            p.get("message_id").and_then(serde_json::Value::as_i64),
        ) else {
            return;
        };
        let mut body = json!({ "chat_id": chat, "text": texts::photo_too_big() });
        if let Some(m) = message {
            body["reply_parameters"] = json!({ "message_id": m, "allow_sending_without_reply": true });
        }
        if let Err(e) = api::call(bot, "sendMessage", &body, self.options.request_timeout).await {
            warn!(error = %e, "cannot tell the vendor the photo is too big");
        }
    }

    async fn event(&self, d: Option<DistributorId>, class: ErrorClass, message: &str, context: serde_json::Value) {
        let event = NewErrorEvent {
            distributor_id: d,
            class,
            message: message.to_string(),
            context: Some(context),
        };
        if let Err(e) = self.db.record_error_event(&event, now()).await {
            warn!(error = %e, "cannot record an error event");
        }
    }

    async fn record(&self, task: &Task, outcome: Outcome) -> Result<(), CoreError> {
        // What the Estado screen counts changes: a first failure makes the task
        // "retrying", a success after failures ends that, a give-up makes it failed.
        let failed_before = task.last_error.is_some();
        let noticed = match &outcome {
            Outcome::Done | Outcome::Recorded => failed_before,
            Outcome::Retry { .. } | Outcome::Wait { .. } => !failed_before,
            Outcome::GiveUp { .. } => true,
        };
        let out_of_attempts = self.record_outcome(task, outcome).await?;
        if let (true, Some(d)) = (noticed || out_of_attempts, task.distributor_id) {
            self.notices.notice(d, &task.kind);
        }
        Ok(())
    }

    /// Records what became of `task`; true when a retryable failure used its last attempt.
    async fn record_outcome(&self, task: &Task, outcome: Outcome) -> Result<bool, CoreError> {
        let at = now();
        match outcome {
            Outcome::Done => self.db.complete_task(task.id, at).await?,
            Outcome::Recorded => {}
            Outcome::Retry { class, error, config } => {
                warn!(class = class.as_str(), %error, "photo storage failed");
                self.event(
                    task.distributor_id,
                    class,
                    &error,
                    json!({"task_id": task.id, "kind": task.kind, "attempt": task.attempts, "payload": task.payload}),
                )
                .await;
                let attempt = u32::try_from(task.attempts).unwrap_or(u32::MAX);
                // Only a person can fix the configuration: no point retrying soon.
                let delay = if config {
                    self.options.backoff_cap
                } else {
                    backoff_delay(attempt, self.options.backoff_base, self.options.backoff_cap)
                };
                let state = self.db.fail_task(task.id, &error, Some(class), at + delay, at).await?;
                if config || task.attempts == self.options.alert_after_attempts {
                    self.alert_admin(task.distributor_id, class, &error).await;
                }
                return Ok(state == TaskState::Dead);
            }
            Outcome::Wait { class, note } => {
                self.db
                    .postpone_task(task.id, &note, at + self.options.backoff_cap, at)
                    .await?;
                self.alert_admin(task.distributor_id, class, &note).await;
            }
            Outcome::GiveUp { class, error } => {
                warn!(class = class.as_str(), %error, "photo cannot be stored");
                self.event(
                    task.distributor_id,
                    class,
                    &error,
                    json!({"task_id": task.id, "kind": task.kind, "attempt": task.attempts, "payload": task.payload}),
                )
                .await;
                self.db.bury_task(task.id, &error, Some(class), at).await?;
            }
        }
        Ok(false)
    }

    /// One Telegram message to the distributor's admin, at most once an hour.
    async fn alert_admin(&self, d: Option<DistributorId>, class: ErrorClass, error: &str) {
        let Some(d) = d else { return };
        let at = now();
        let previous = {
            // Reserved before sending, so that tasks failing together send one alert.
            let mut last = self
                .last_alert
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.get(&d).is_some_and(|t| at - *t < Duration::hours(1)) {
                return;
            }
            last.insert(d, at)
        };
        let forget = || {
            let mut last = self
                .last_alert
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match previous {
                Some(t) => last.insert(d, t),
                None => last.remove(&d),
            };
        };
        let (Ok(dist), Ok(Some(token))) = (self.db.distributor(d).await, self.db.distributor_bot_token(d).await) else {
            forget();
            return;
        };
        let Some(admin) = dist.admin_telegram_id else {
            forget();
            return;
        };
        let bot = Bot::with_client(token.expose().clone(), self.client.clone()).set_api_url(self.api_url.clone());
        let body = json!({ "chat_id": admin, "text": texts::admin_storage_failing(class.as_str(), error) });
        if let Err(e) = api::call(&bot, "sendMessage", &body, self.options.request_timeout).await {
            warn!(error = %e, "cannot alert the admin");
            forget();
        }
    }
}

fn db_retry(e: &CoreError) -> Outcome {
    Outcome::retry(ErrorClass::Internal, format!("database: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_group_photos_by_distributor_group_and_date() {
        let id = Uuid::nil();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(
            storage_key(3, -100123, date, id, 1, "jpg"),
            format!("3/-100123/2026-05-01/{id}_1.jpg")
        );
    }

    #[tokio::test]
    async fn the_local_store_writes_and_reads_under_its_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalPhotoStore::new(dir.path());
        assert_eq!(
            store.put("1/2/2026-05-01/a.jpg", b"abc").await.unwrap(),
            Placement::default()
        );
        assert_eq!(std::fs::read(dir.path().join("1/2/2026-05-01/a.jpg")).unwrap(), b"abc");
        assert_eq!(store.get("1/2/2026-05-01/a.jpg").await.unwrap(), b"abc");
        let err = store.put("../escape.jpg", b"x").await.unwrap_err();
        assert_eq!(err.class, ErrorClass::InvalidInput);
        let err = store.get("1/missing.jpg").await.unwrap_err();
        assert_eq!(err.class, ErrorClass::MissingPath);
    }
}
