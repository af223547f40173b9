//! The verdict worker: edits each exhibition's confirmation message in
//! Telegram once a supervisor's verdict is stored.
//!
//! `Db::evaluate_exhibition` enqueues an `edit_confirmation` task in the same
//! transaction as the verdict; this worker claims those tasks with a lease,
//! edits the message and records the result (`sync_state` and the task's
//! state). It is event-driven: the HTTP API calls [`SyncHandle::notify`] right
//! after committing a verdict, so the edit leaves within milliseconds; when
//! idle it sleeps until the next retry is due, a notification or shutdown.
//!
//! Tasks are processed one at a time, which keeps the edits of one message in
//! order. A slow distributor cannot hold the others: waits asked by Telegram
//! (429 `retry_after`), the chat's pacing (one message a second per chat, 20 a
//! minute per group, shared with the intake bot of the same token) and backoff
//! delays are stored on the task, never slept inline, and each request is
//! bounded by a timeout shorter than the lease. Waiting for Telegram or for
//! the chat's turn is not a failure: it does not use up the task's attempts.
//!
//! An edit given up because of the bot token (none, or refused by Telegram)
//! is queued again once the distributor's token changes (checked every
//! `token_recheck`), so fixing the token delivers the verdicts it held up.
//!
//! A crash leaves the claimed task `running`; when its lease ends, the next
//! worker claims it again. Edits are idempotent ("message is not modified"
//! counts as done), so a repeated edit is harmless.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use centermind_core::domain::DistributorId;
use centermind_core::domain::backoff::backoff_delay;
use centermind_core::domain::error_class::ErrorClass;
use centermind_core::domain::exhibition::{ExhibitionStatus, SyncState};
use centermind_core::events::{EventBus, WorkNotices};
use centermind_core::store::{Db, NewErrorEvent, Task, TaskState, now, task_kinds};
use centermind_core::{Error as CoreError, Secret};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use teloxide::Bot;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span, warn};
use uuid::Uuid;

use crate::api::ChatLimits;
use crate::api::throttle::{self, ChatKey};
use crate::edit::{EditOutcome, edit_message_text};
use crate::texts::confirmation_text;

/// How the `last_error` of an edit given up because of the bot token starts;
/// such edits are queued again when the token changes.
pub const TOKEN_FAILURE: &str = "bot token: ";

/// A change to a distributor committed up to this long after its
/// `updated_at` is still seen by the next token check.
const TOKEN_CHECK_OVERLAP: Duration = Duration::seconds(10);

const KINDS: &[&str] = &[task_kinds::EDIT_CONFIRMATION];

/// How long to wait before looking again after the database failed.
const DB_ERROR_PAUSE: StdDuration = StdDuration::from_secs(1);

/// Tuning of the worker. The defaults are the production values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// How long a claimed task belongs to this worker; after a crash, the
    /// task is claimed again once this has passed.
    pub lease: Duration,
    /// Upper bound of one `editMessageText` request (kept below half the lease).
    pub request_timeout: StdDuration,
    /// First delay after a transient failure; it doubles per attempt…
    pub backoff_base: Duration,
    /// …up to this.
    pub backoff_cap: Duration,
    /// Look at the queue this often even without a notification (a safety net
    /// for tasks enqueued by another process; latency comes from `notify`).
    pub idle_recheck: StdDuration,
    /// How fast a bot may post in one chat (Telegram's limits by default).
    pub limits: ChatLimits,
    /// How often to look for changed bot tokens (see the module docs).
    pub token_recheck: StdDuration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            lease: Duration::seconds(30),
            request_timeout: StdDuration::from_secs(10),
            backoff_base: Duration::seconds(2),
            backoff_cap: Duration::minutes(5),
            idle_recheck: StdDuration::from_secs(60),
            limits: ChatLimits::default(),
            token_recheck: StdDuration::from_secs(2),
        }
    }
}

impl SyncOptions {
    fn effective_request_timeout(&self) -> StdDuration {
        let half_lease = (self.lease / 2).to_std().unwrap_or(StdDuration::from_millis(1));
        self.request_timeout.min(half_lease).max(StdDuration::from_millis(1))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("invalid Telegram API URL '{url}': {reason}")]
    InvalidApiUrl { url: String, reason: String },
    #[error("cannot create the HTTP client: {0}")]
    HttpClient(String),
}

/// Wakes the worker. Cheap to clone; call [`SyncHandle::notify`] after
/// committing a verdict.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    wake: Arc<Notify>,
}

impl SyncHandle {
    /// Tell the worker there may be new work. Never blocks; notifications
    /// that arrive while the worker is busy are not lost.
    pub fn notify(&self) {
        self.wake.notify_one();
    }
}

/// The worker. Build it with [`VerdictSync::new`], keep a [`SyncHandle`],
/// then run it (usually `tokio::spawn(sync.run())`) until the shutdown token
/// is cancelled.
pub struct VerdictSync {
    db: Db,
    /// Holds the shared HTTP client and the API URL; never used to call Telegram.
    template: Bot,
    bots: HashMap<DistributorId, Bot>,
    /// When the bot tokens were last looked at (see `requeue_after_token_change`).
    tokens_checked: Option<DateTime<Utc>>,
    shutdown: CancellationToken,
    wake: Arc<Notify>,
    options: SyncOptions,
    /// Tells the admins' Estado screens when an edit fails, recovers or is given up.
    notices: WorkNotices,
}

// By hand: teloxide's `Bot` prints its token in `Debug`.
impl std::fmt::Debug for VerdictSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerdictSync")
            .field("api_url", &self.template.api_url().as_str())
            .field("cached_bots", &self.bots.len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// `s.parse()` for a type we cannot name here (teloxide's `reqwest::Url`).
fn parse<U: std::str::FromStr>(s: &str) -> Result<U, String>
where
    U::Err: std::fmt::Display,
{
    s.parse().map_err(|e: U::Err| e.to_string())
}

/// What one attempt came to.
enum Attempt {
    /// Telegram shows `status`.
    Delivered { status: ExhibitionStatus },
    /// Not yet, and not a failure (Telegram's flood control, the chat's
    /// pacing, a token that changed meanwhile): again at `at`, same attempts.
    Postpone { at: DateTime<Utc>, note: String },
    /// Try again at `at`.
    Retry {
        at: DateTime<Utc>,
        error: String,
        class: ErrorClass,
        status: Option<ExhibitionStatus>,
    },
    /// No retry can help.
    GiveUp {
        error: String,
        class: ErrorClass,
        status: Option<ExhibitionStatus>,
    },
}

impl VerdictSync {
    /// `telegram_api_url` is `Config::telegram_api_url` (the public Bot API or
    /// a local Bot API server / test fake).
    pub fn new(db: Db, telegram_api_url: &str, shutdown: CancellationToken) -> Result<Self, SyncError> {
        let client = teloxide::net::default_reqwest_settings()
            .build()
            .map_err(|e| SyncError::HttpClient(e.to_string()))?;
        let invalid = |reason: String| SyncError::InvalidApiUrl {
            url: telegram_api_url.to_string(),
            reason,
        };
        if !(telegram_api_url.starts_with("http://") || telegram_api_url.starts_with("https://")) {
            return Err(invalid("must start with http:// or https://".into()));
        }
        let template = Bot::with_client("", client).set_api_url(parse(telegram_api_url).map_err(invalid)?);
        Ok(Self {
            db,
            template,
            bots: HashMap::new(),
            tokens_checked: None,
            shutdown,
            wake: Arc::new(Notify::new()),
            options: SyncOptions::default(),
            notices: WorkNotices::default(),
        })
    }

    /// Announce failures, recoveries and give-ups on `events` (the service's bus).
    #[must_use]
    pub fn with_events(mut self, events: EventBus) -> Self {
        self.notices = WorkNotices::new(events, WorkNotices::WINDOW);
        self
    }

    pub fn with_options(mut self, options: SyncOptions) -> Self {
        self.options = options;
        self
    }

    pub fn handle(&self) -> SyncHandle {
        SyncHandle {
            wake: self.wake.clone(),
        }
    }

    /// Work until the shutdown token is cancelled. Stopping in the middle of a
    /// task is safe: its lease runs out and the next worker finishes it.
    pub async fn run(mut self) {
        info!("verdict sync started");
        let shutdown = self.shutdown.clone();
        let mut next_token_check = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_token_check {
                tokio::select! {
                    biased;
                    () = shutdown.cancelled() => break,
                    () = self.requeue_after_token_change() => {}
                }
                next_token_check = tokio::time::Instant::now() + self.options.token_recheck;
            }
            let step = tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                step = self.process_next() => step,
            };
            let pause = match step {
                Ok(true) => continue,
                Ok(false) => self
                    .idle_pause()
                    .await
                    .min(next_token_check.saturating_duration_since(tokio::time::Instant::now())),
                Err(e) => {
                    error!(error = %e, "verdict sync: database error");
                    DB_ERROR_PAUSE
                }
            };
            tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        info!("verdict sync stopped");
    }

    /// Queue again the edits given up because of the bot token of a
    /// distributor whose token changed since.
    async fn requeue_after_token_change(&mut self) {
        let since = self
            .tokens_checked
            .map_or(DateTime::<Utc>::UNIX_EPOCH, |t| t - TOKEN_CHECK_OVERLAP);
        let at = now();
        match self.db.requeue_edits_after_token_change(TOKEN_FAILURE, since, at).await {
            Ok(requeued) => {
                self.tokens_checked = Some(at);
                if !requeued.is_empty() {
                    info!(
                        count = requeued.len(),
                        "a bot token changed: queued again the edits it had held up"
                    );
                }
                // Estado counted them as given up: it re-reads (one notice per distributor and second).
                for (_, d) in requeued {
                    self.notices.notice(d, task_kinds::EDIT_CONFIRMATION);
                }
            }
            Err(e) => error!(error = %e, "verdict sync: cannot look for changed bot tokens"),
        }
    }

    /// How long to sleep when nothing is due: until the next task is (plus a
    /// hair, as stored instants are cut to milliseconds), at most `idle_recheck`.
    async fn idle_pause(&self) -> StdDuration {
        match self.db.next_task_due(KINDS).await {
            Ok(Some(due)) => match (due - Utc::now()).to_std() {
                Ok(wait) => (wait + StdDuration::from_millis(2)).min(self.options.idle_recheck),
                // Due already, yet nothing was claimable: don't spin.
                Err(_) => StdDuration::from_millis(50),
            },
            Ok(None) => self.options.idle_recheck,
            Err(e) => {
                error!(error = %e, "verdict sync: cannot read the next due task");
                DB_ERROR_PAUSE
            }
        }
    }

    /// Claim and handle one due task. `Ok(false)` when none is due.
    async fn process_next(&mut self) -> Result<bool, CoreError> {
        let Some(task) = self.db.claim_task(KINDS, now(), self.options.lease).await? else {
            return Ok(false);
        };
        let exhibition_id = task
            .payload
            .get("exhibition_id")
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok());
        let span = info_span!(
            "edit_confirmation",
            task_id = task.id,
            attempt = task.attempts,
            distributor_id = task.distributor_id,
            exhibition_id = exhibition_id.map(|id| id.to_string()),
        );
        async {
            let attempt = self.attempt(&task, exhibition_id).await;
            self.record(&task, exhibition_id, attempt).await
        }
        .instrument(span)
        .await?;
        Ok(true)
    }

    async fn attempt(&mut self, task: &Task, exhibition_id: Option<Uuid>) -> Attempt {
        let give_up = |error: &str, class, status| Attempt::GiveUp {
            error: error.to_string(),
            class,
            status,
        };
        let Some(distributor_id) = task.distributor_id else {
            return give_up("task without a distributor", ErrorClass::InvalidInput, None);
        };
        let Some(exhibition_id) = exhibition_id else {
            return give_up(
                "task payload without a valid exhibition_id",
                ErrorClass::InvalidInput,
                None,
            );
        };
        let summary = match self.db.exhibition(distributor_id, exhibition_id).await {
            Ok(e) => e.summary,
            Err(CoreError::NotFound { .. }) => return give_up("exhibition not found", ErrorClass::MissingPath, None),
            Err(e) => return self.retry_with_backoff(task, format!("database: {e}"), ErrorClass::Internal, None),
        };
        let status = Some(summary.status);
        let (Some(chat_id), Some(message_id)) = (summary.confirmation_chat_id, summary.confirmation_message_id) else {
            return give_up(
                "the exhibition has no confirmation message",
                ErrorClass::MissingPath,
                status,
            );
        };
        let token = match self.db.distributor_bot_token(distributor_id).await {
            Ok(Some(token)) => token,
            Ok(None) => {
                return give_up(
                    &format!("{TOKEN_FAILURE}the distributor has no bot token"),
                    ErrorClass::Permission,
                    status,
                );
            }
            Err(CoreError::NotFound { .. }) => {
                return give_up("distributor not found", ErrorClass::MissingPath, status);
            }
            Err(e) => return self.retry_with_backoff(task, format!("database: {e}"), ErrorClass::Internal, status),
        };
        let bot = self.bot_for(distributor_id, &token);
        // The chat's turn (shared with the intake bot); a flood wait Telegram
        // asked for holds it too. Never slept here: the task waits instead.
        let key = ChatKey::new(&bot, chat_id);
        if let Err(wait) = throttle::global().reserve(key, &self.options.limits, StdDuration::ZERO) {
            // now() is cut to milliseconds: one more so that the task is not due a hair early.
            return Attempt::Postpone {
                at: now() + ceil_ms(wait) + Duration::milliseconds(1),
                note: "waiting for its turn in the chat (Telegram's limits)".into(),
            };
        }
        let text = confirmation_text(&summary);
        let started = std::time::Instant::now();
        let outcome = edit_message_text(
            &bot,
            chat_id,
            message_id,
            &text,
            self.options.effective_request_timeout(),
        )
        .await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        // Every failure below has a class; the fallback is never used.
        let class = outcome.failure_class().unwrap_or(ErrorClass::Internal);
        match outcome {
            EditOutcome::Edited => {
                info!(
                    elapsed_ms,
                    status = summary.status.as_str(),
                    "confirmation message edited"
                );
                Attempt::Delivered { status: summary.status }
            }
            EditOutcome::NotModified => {
                debug!(elapsed_ms, "confirmation message already up to date");
                Attempt::Delivered { status: summary.status }
            }
            EditOutcome::FloodWait { seconds } => {
                throttle::global().flood_wait(key, seconds);
                // Not before: now() is cut to milliseconds, so add one.
                Attempt::Postpone {
                    at: now() + Duration::seconds(i64::from(seconds)) + Duration::milliseconds(1),
                    note: format!("429 Too Many Requests: retry after {seconds} s"),
                }
            }
            EditOutcome::ChatMigrated { chat_id: new_chat } => {
                info!(old_chat = chat_id, new_chat, "group became a supergroup; following it");
                if let Err(e) = self
                    .db
                    .set_confirmation_message(distributor_id, exhibition_id, new_chat, message_id)
                    .await
                {
                    return self.retry_with_backoff(task, format!("database: {e}"), ErrorClass::Internal, status);
                }
                Attempt::Retry {
                    at: now(),
                    error: format!("chat migrated to {new_chat}"),
                    class: ErrorClass::MissingPath,
                    status,
                }
            }
            EditOutcome::Unauthorized(error) => {
                // Changed while the request was out: try the new one.
                match self.db.distributor_bot_token(distributor_id).await {
                    Ok(Some(current)) if current.expose() != token.expose() => Attempt::Postpone {
                        at: now(),
                        note: format!("{error}; the bot token changed meanwhile"),
                    },
                    _ => give_up(&format!("{TOKEN_FAILURE}{error}"), class, status),
                }
            }
            EditOutcome::Permanent(error) => give_up(&error, class, status),
            EditOutcome::Transient(error) => self.retry_with_backoff(task, error, class, status),
        }
    }

    fn retry_with_backoff(
        &self,
        task: &Task,
        error: String,
        class: ErrorClass,
        status: Option<ExhibitionStatus>,
    ) -> Attempt {
        let attempt = u32::try_from(task.attempts).unwrap_or(u32::MAX);
        let delay = backoff_delay(attempt, self.options.backoff_base, self.options.backoff_cap);
        Attempt::Retry {
            at: now() + delay,
            error,
            class,
            status,
        }
    }

    /// The cached bot of a distributor, rebuilt when its token changed.
    fn bot_for(&mut self, distributor_id: DistributorId, token: &Secret<String>) -> Bot {
        match self.bots.get(&distributor_id) {
            Some(bot) if bot.token() == token.expose().as_str() => bot.clone(),
            cached => {
                if cached.is_some() {
                    info!("bot token changed; rebuilding the bot");
                }
                let bot = Bot::with_client(token.expose().clone(), self.template.client().clone())
                    .set_api_url(self.template.api_url());
                self.bots.insert(distributor_id, bot.clone());
                bot
            }
        }
    }

    async fn record(&self, task: &Task, exhibition_id: Option<Uuid>, attempt: Attempt) -> Result<(), CoreError> {
        // What the Estado screen counts changes: a first failure (or wait) makes
        // the edit "retrying", a delivery after one ends that, a give-up fails it.
        let failed_before = task.last_error.is_some();
        let noticed = match &attempt {
            Attempt::Delivered { .. } => failed_before,
            Attempt::Postpone { .. } | Attempt::Retry { .. } => !failed_before,
            Attempt::GiveUp { .. } => true,
        };
        let out_of_attempts = self.record_attempt(task, exhibition_id, attempt).await?;
        if let (true, Some(d)) = (noticed || out_of_attempts, task.distributor_id) {
            self.notices.notice(d, &task.kind);
        }
        Ok(())
    }

    /// Records what became of `task`; true when a retryable failure used its last attempt.
    async fn record_attempt(
        &self,
        task: &Task,
        exhibition_id: Option<Uuid>,
        attempt: Attempt,
    ) -> Result<bool, CoreError> {
        let at = now();
        match attempt {
            Attempt::Delivered { status } => {
                if let Some(id) = exhibition_id {
                    // Applies only if no newer verdict arrived meanwhile (its own task follows).
                    self.db.set_sync_state(id, status, SyncState::Synced, task.id).await?;
                }
                self.db.complete_task(task.id, at).await?;
            }
            Attempt::Postpone { at: until, note } => match self.db.postpone_task(task.id, &note, until, at).await? {
                TaskState::Queued => debug!(%note, until = %until, "edit postponed"),
                state => debug!(%note, ?state, "edit postponed; a newer task replaces this one"),
            },
            Attempt::Retry {
                at: retry_at,
                error,
                class,
                status,
            } => match self.db.fail_task(task.id, &error, Some(class), retry_at, at).await? {
                TaskState::Queued => {
                    warn!(%error, retry_at = %retry_at, "edit failed; will retry");
                    if task.attempts == 1 {
                        self.event(task, class, &error).await;
                    }
                }
                TaskState::Dead => {
                    warn!(%error, "edit failed too many times; giving up");
                    self.event(task, class, &error).await;
                    self.mark_undeliverable(task, exhibition_id, status).await?;
                    return Ok(true);
                }
                state => debug!(%error, ?state, "edit failed; a newer task replaces this one"),
            },
            Attempt::GiveUp { error, class, status } => {
                warn!(%error, "edit cannot be delivered");
                self.event(task, class, &error).await;
                self.db.bury_task(task.id, &error, Some(class), at).await?;
                self.mark_undeliverable(task, exhibition_id, status).await?;
            }
        }
        Ok(false)
    }

    /// Record a failure for the admin's "Estado" screen: only an edit's first
    /// failure and the one it is given up on, so that a long Telegram outage
    /// does not bury the other failures under ten entries per verdict.
    async fn event(&self, task: &Task, class: ErrorClass, message: &str) {
        let event = NewErrorEvent {
            distributor_id: task.distributor_id,
            class,
            message: message.to_string(),
            context: Some(json!({
                "task_id": task.id,
                "kind": task.kind,
                "attempt": task.attempts,
                "payload": task.payload,
            })),
        };
        if let Err(e) = self.db.record_error_event(&event, now()).await {
            warn!(error = %e, "cannot record an error event");
        }
    }

    async fn mark_undeliverable(
        &self,
        task: &Task,
        exhibition_id: Option<Uuid>,
        status: Option<ExhibitionStatus>,
    ) -> Result<(), CoreError> {
        if let (Some(id), Some(status)) = (exhibition_id, status) {
            self.db
                .set_sync_state(id, status, SyncState::Undeliverable, task.id)
                .await?;
        }
        Ok(())
    }
}

/// A wait in whole milliseconds, rounded up (stored instants have milliseconds).
fn ceil_ms(wait: StdDuration) -> Duration {
    let ms = wait.as_micros().div_ceil(1000);
    Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 2))
}
