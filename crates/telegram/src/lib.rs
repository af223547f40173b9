//! CenterMind's Telegram side.
//!
//! - [`BotSupervisor`] runs one intake bot per active distributor with a
//!   token ([`intake`]: photo → customer number → PDV type → exhibition
//!   recorded as pending → confirmation in the group), restarts failed ones,
//!   follows changes in the distributors table and records `bot_status`; it
//!   also runs the [`photos`] worker that downloads and stores the photos
//!   (and copies them to Google Drive for `google_drive` distributors, [`drive`]).
//! - [`VerdictSync`] edits each exhibition's confirmation message once a
//!   supervisor's verdict is stored (see [`verdict_sync`]).
//! - [`DailySummary`] sends each distributor's admin the day's figures (the
//!   sidecar's `daily_summary` job, see [`summary`]).
//! - [`texts`] holds every Spanish text the bots post.
//!
//! How the sidecar uses it:
//!
//! ```no_run
//! # async fn start(db: centermind_core::store::Db, config: centermind_core::config::Config,
//! #                events: centermind_core::events::EventBus)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! use centermind_telegram::{BotSupervisor, SyncHandle, VerdictSync};
//! use tokio_util::sync::CancellationToken;
//!
//! let shutdown = CancellationToken::new();
//! let bots = BotSupervisor::new(
//!     db.clone(),
//!     &config.telegram_api_url,
//!     config.photo_dir(),
//!     events.clone(),
//!     shutdown.clone(),
//! )?;
//! let bots = tokio::spawn(bots.run());
//! let sync = VerdictSync::new(db.clone(), &config.telegram_api_url, shutdown.clone())?;
//! let handle: SyncHandle = sync.handle(); // give a clone to the HTTP API state
//! let worker = tokio::spawn(sync.run());
//! // …in the verdict handler, after `db.evaluate_exhibition(…)` returned Ok:
//! handle.notify();
//! // …on SIGTERM:
//! shutdown.cancel();
//! worker.await?;
//! bots.await?;
//! # Ok(()) }
//! ```

mod api;
pub mod bots;
pub mod drive;
mod edit;
pub mod intake;
pub mod photos;
pub mod summary;
pub mod texts;
pub mod verdict_sync;

pub use bots::{BotSupervisor, SupervisorOptions};
pub use drive::{GoogleDrive, GoogleDriveStore};
pub use intake::{Command, ConnectedBot, IntakeBot, IntakeError, IntakeOptions, RunEnd};
pub use photos::{LocalPhotoStore, PhotoHandle, PhotoOptions, PhotoStore, PhotoWorker, Placement, StoreError};
pub use summary::{DailySummary, SummaryError, SummaryFailure, SummaryReport};
pub use texts::confirmation_text;
pub use verdict_sync::{SyncError, SyncHandle, SyncOptions, VerdictSync};
