//! CenterMind's Telegram side.
//!
//! Today: [`VerdictSync`], the worker that edits each exhibition's
//! confirmation message in its group once a supervisor's verdict is stored
//! (see [`verdict_sync`]), and [`texts`], the Spanish texts the bots post.
//! The intake bots (one per distributor) come next.
//!
//! How the sidecar uses it:
//!
//! ```no_run
//! # async fn start(db: centermind_core::store::Db, config: centermind_core::config::Config)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! use centermind_telegram::{VerdictSync, SyncHandle};
//! use tokio_util::sync::CancellationToken;
//!
//! let shutdown = CancellationToken::new();
//! let sync = VerdictSync::new(db.clone(), &config.telegram_api_url, shutdown.clone())?;
//! let handle: SyncHandle = sync.handle(); // give a clone to the HTTP API state
//! let worker = tokio::spawn(sync.run());
//! // …in the verdict handler, after `db.evaluate_exhibition(…)` returned Ok:
//! handle.notify();
//! // …on SIGTERM:
//! shutdown.cancel();
//! worker.await?;
//! # Ok(()) }
//! ```

mod edit;
pub mod texts;
pub mod verdict_sync;

pub use texts::confirmation_text;
pub use verdict_sync::{SyncError, SyncHandle, SyncOptions, VerdictSync};
