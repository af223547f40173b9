//! The bot supervisor: one intake bot per active distributor with a token,
//! plus the process-wide photo worker(s).
//!
//! Every `poll_interval` it compares the `distributors` table with what runs:
//! a new or re-activated distributor gets its bot, a changed token restarts
//! it, a deactivated distributor or removed token stops it. Each bot is
//! supervised: a failed run restarts after a capped exponential backoff; a
//! token Telegram refuses (401) is marked `invalid_token` at once and not
//! retried until the token changes; after `max_consecutive_failures` failed
//! runs in a row the bot is marked `failed` and the admin alerted once.
//! `bot_status` records state, start time, restarts, last error and updates
//! handled; each change is also published as `LiveEvent::BotStatusChanged`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::backoff::backoff_delay;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{BotState, BotStatusChange, Db, now};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use teloxide::Bot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, error, info, info_span, warn};

use crate::api;
use crate::intake::{IntakeBot, IntakeError, IntakeOptions, RunEnd};
use crate::photos::{LocalPhotoStore, PhotoHandle, PhotoOptions, PhotoStore, PhotoWorker};
use crate::texts;

/// Tuning of the supervisor. The defaults are the production values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorOptions {
    /// How often the distributors table is read for changes.
    pub poll_interval: StdDuration,
    /// First delay before restarting a failed bot; doubles per consecutive failure…
    pub restart_base: Duration,
    /// …up to this.
    pub restart_cap: Duration,
    /// Failed runs in a row before a bot is marked `failed`.
    pub max_consecutive_failures: u32,
    /// How long a bot whose token another program polls waits before polling again
    /// (it does not fight over the updates; it never gives up either).
    pub token_in_use_pause: StdDuration,
    /// At most one alert to the admin about it per this long.
    pub token_in_use_alert_every: StdDuration,
    pub intake: IntakeOptions,
    pub photos: PhotoOptions,
}

impl Default for SupervisorOptions {
    fn default() -> Self {
        Self {
            poll_interval: StdDuration::from_secs(2),
            restart_base: Duration::seconds(1),
            restart_cap: Duration::seconds(60),
            max_consecutive_failures: 10,
            token_in_use_pause: StdDuration::from_secs(30),
            token_in_use_alert_every: StdDuration::from_secs(3600),
            intake: IntakeOptions::default(),
            photos: PhotoOptions::default(),
        }
    }
}

/// How often the intake's old notes and conversations are pruned (process-wide).
const PRUNE_EVERY: StdDuration = StdDuration::from_secs(3600);

/// Runs and supervises every distributor's bot until the shutdown token is cancelled.
pub struct BotSupervisor {
    db: Db,
    api_url: String,
    parsed_url: reqwest::Url,
    client: reqwest::Client,
    events: EventBus,
    store: Arc<dyn PhotoStore>,
    shutdown: CancellationToken,
    options: SupervisorOptions,
    /// Shared with the photo worker `run` starts, so it can be woken from outside.
    photo_wake: PhotoHandle,
}

impl std::fmt::Debug for BotSupervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSupervisor")
            .field("api_url", &self.api_url)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

struct Running {
    fingerprint: String,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// What one supervised bot shares with its supervisor.
#[derive(Clone)]
struct BotContext {
    db: Db,
    api_url: String,
    parsed_url: reqwest::Url,
    client: reqwest::Client,
    events: EventBus,
    photos: PhotoHandle,
    options: SupervisorOptions,
}

fn fingerprint(token: &Secret<String>) -> String {
    hex::encode(Sha256::digest(token.expose().as_bytes()))
}

impl BotSupervisor {
    /// `telegram_api_url` is `Config::telegram_api_url`; photos are stored
    /// under `photo_dir` (`Config::photo_dir()`).
    pub fn new(
        db: Db,
        telegram_api_url: &str,
        photo_dir: PathBuf,
        events: EventBus,
        shutdown: CancellationToken,
    ) -> Result<Self, IntakeError> {
        let invalid = |reason: String| IntakeError::InvalidApiUrl {
            url: telegram_api_url.to_string(),
            reason,
        };
        if !(telegram_api_url.starts_with("http://") || telegram_api_url.starts_with("https://")) {
            return Err(invalid("must start with http:// or https://".into()));
        }
        let parsed_url: reqwest::Url = telegram_api_url
            .parse()
            .map_err(|e: <reqwest::Url as std::str::FromStr>::Err| invalid(e.to_string()))?;
        let client = teloxide::net::default_reqwest_settings()
            .build()
            .map_err(|e| invalid(format!("cannot create the HTTP client: {e}")))?;
        Ok(Self {
            db,
            api_url: telegram_api_url.to_string(),
            parsed_url,
            client,
            events,
            store: Arc::new(LocalPhotoStore::new(photo_dir)),
            shutdown,
            options: SupervisorOptions::default(),
            photo_wake: PhotoHandle::new(),
        })
    }

    /// Wakes the photo worker (e.g. after failed photo work was queued again
    /// from the app) instead of leaving it to its next idle check.
    pub fn photo_handle(&self) -> PhotoHandle {
        self.photo_wake.clone()
    }

    pub fn with_options(mut self, options: SupervisorOptions) -> Self {
        self.options = options;
        self
    }

    /// Use another photo store than the local folder.
    pub fn with_photo_store(mut self, store: Arc<dyn PhotoStore>) -> Self {
        self.store = store;
        self
    }

    /// Supervise until the shutdown token is cancelled; then stop every bot
    /// (an update being handled is abandoned unconfirmed and redone after
    /// restart) and the photo worker, and return.
    pub async fn run(self) {
        info!("bot supervisor started");
        let worker = PhotoWorker::new(
            self.db.clone(),
            self.store.clone(),
            self.client.clone(),
            self.parsed_url.clone(),
            self.shutdown.child_token(),
            self.options.photos.clone(),
        )
        .woken_by(&self.photo_wake)
        .with_events(self.events.clone());
        let ctx = BotContext {
            db: self.db.clone(),
            api_url: self.api_url.clone(),
            parsed_url: self.parsed_url.clone(),
            client: self.client.clone(),
            events: self.events.clone(),
            photos: worker.handle(),
            options: self.options.clone(),
        };
        let worker = tokio::spawn(worker.run());
        let mut running: HashMap<DistributorId, Running> = HashMap::new();
        let mut last_prune: Option<std::time::Instant> = None;
        loop {
            if let Err(e) = reconcile(&ctx, &mut running, &self.shutdown).await {
                error!(error = %e, "bot supervisor: cannot read the distributors");
            }
            if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
                last_prune = Some(std::time::Instant::now());
                crate::intake::prune_intake_history(&self.db).await;
            }
            tokio::select! {
                () = self.shutdown.cancelled() => break,
                () = tokio::time::sleep(self.options.poll_interval) => {}
            }
        }
        for (_, r) in running.drain() {
            r.stop.cancel();
            let _ = r.task.await;
        }
        let _ = worker.await;
        info!("bot supervisor stopped");
    }
}

async fn reconcile(
    ctx: &BotContext,
    running: &mut HashMap<DistributorId, Running>,
    shutdown: &CancellationToken,
) -> Result<(), centermind_core::Error> {
    let wanted: HashMap<DistributorId, Secret<String>> = ctx.db.active_bot_tokens().await?.into_iter().collect();
    let gone: Vec<DistributorId> = running
        .iter()
        .filter(|(id, r)| wanted.get(id).is_none_or(|t| fingerprint(t) != r.fingerprint))
        .map(|(id, _)| *id)
        .collect();
    for id in gone {
        if let Some(r) = running.remove(&id) {
            info!(
                distributor_id = id,
                "distributor changed or deactivated: stopping its bot"
            );
            r.stop.cancel();
            let _ = r.task.await;
            set_state(ctx, id, BotState::Stopped, None, None, 0).await;
        }
    }
    for (id, token) in wanted {
        if running.contains_key(&id) {
            continue;
        }
        let stop = shutdown.child_token();
        let task = tokio::spawn(
            supervise(ctx.clone(), id, token.clone(), stop.clone())
                .instrument(info_span!("bot_supervision", distributor_id = id)),
        );
        running.insert(
            id,
            Running {
                fingerprint: fingerprint(&token),
                stop,
                task,
            },
        );
    }
    Ok(())
}

async fn set_state(
    ctx: &BotContext,
    distributor_id: DistributorId,
    state: BotState,
    started_at: Option<DateTime<Utc>>,
    last_error: Option<&str>,
    restarts: i64,
) {
    let change = BotStatusChange {
        state,
        started_at,
        last_error,
        restarts,
    };
    if let Err(e) = ctx.db.set_bot_status(distributor_id, &change, now()).await {
        warn!(error = %e, "cannot record the bot status");
    }
    ctx.events.publish(LiveEvent::BotStatusChanged {
        distributor_id,
        state: state.as_str().to_string(),
    });
}

/// Run one distributor's bot, restarting it after failures, until it is
/// stopped, its token is refused, or it failed too often in a row.
async fn supervise(ctx: BotContext, distributor_id: DistributorId, token: Secret<String>, stop: CancellationToken) {
    let mut restarts: i64 = 0;
    let mut consecutive: u32 = 0;
    let mut started_at: Option<DateTime<Utc>> = None;
    let mut in_use_alerted: Option<tokio::time::Instant> = None;
    loop {
        set_state(&ctx, distributor_id, BotState::Starting, started_at, None, restarts).await;
        let bot = match IntakeBot::new(
            ctx.db.clone(),
            distributor_id,
            &token,
            &ctx.api_url,
            ctx.client.clone(),
            ctx.events.clone(),
        ) {
            Ok(b) => b
                .with_options(ctx.options.intake.clone())
                .with_photo_worker(ctx.photos.clone()),
            Err(e) => {
                set_state(
                    &ctx,
                    distributor_id,
                    BotState::Failed,
                    None,
                    Some(&e.to_string()),
                    restarts,
                )
                .await;
                return;
            }
        };
        let connected = tokio::select! {
            () = stop.cancelled() => Err(RunEnd::Stopped),
            c = bot.connect() => c,
        };
        let end = match connected {
            Ok(bot) => {
                let at = now();
                started_at = Some(at);
                set_state(&ctx, distributor_id, BotState::Running, started_at, None, restarts).await;
                bot.run(stop.clone()).await
            }
            Err(end) => end,
        };
        match end {
            RunEnd::Stopped => {
                set_state(&ctx, distributor_id, BotState::Stopped, started_at, None, restarts).await;
                return;
            }
            RunEnd::InvalidToken(detail) => {
                warn!(%detail, "Telegram refused the bot token; not restarting until it changes");
                set_state(
                    &ctx,
                    distributor_id,
                    BotState::InvalidToken,
                    started_at,
                    Some(&detail),
                    restarts,
                )
                .await;
                return;
            }
            RunEnd::TokenInUse(detail) => {
                let detail = format!("another program is polling Telegram with this bot's token: {detail}");
                warn!(%detail, "bot token in use elsewhere; waiting before polling again");
                if in_use_alerted.is_none_or(|at| at.elapsed() >= ctx.options.token_in_use_alert_every) {
                    in_use_alerted = Some(tokio::time::Instant::now());
                    send_admin(&ctx, distributor_id, &token, &texts::admin_token_in_use()).await;
                }
                restarts += 1;
                let pause = ctx.options.token_in_use_pause;
                if !restart_after(&ctx, distributor_id, started_at, &detail, restarts, pause, &stop).await {
                    return;
                }
            }
            RunEnd::Failed { detail, healthy } => {
                if healthy {
                    consecutive = 0;
                }
                consecutive += 1;
                if consecutive >= ctx.options.max_consecutive_failures {
                    error!(%detail, consecutive, "bot failed too many times in a row; giving up");
                    set_state(
                        &ctx,
                        distributor_id,
                        BotState::Failed,
                        started_at,
                        Some(&detail),
                        restarts,
                    )
                    .await;
                    alert_admin(&ctx, distributor_id, &token, &detail).await;
                    return;
                }
                restarts += 1;
                let delay = backoff_delay(consecutive, ctx.options.restart_base, ctx.options.restart_cap);
                warn!(%detail, consecutive, delay_ms = delay.num_milliseconds(), "bot failed; restarting");
                let delay = delay.to_std().unwrap_or(StdDuration::from_secs(1));
                if !restart_after(&ctx, distributor_id, started_at, &detail, restarts, delay, &stop).await {
                    return;
                }
            }
        }
    }
}

/// Records that the bot starts again after `delay` because of `detail`, and waits.
/// False when the bot is stopped meanwhile (recorded as stopped).
async fn restart_after(
    ctx: &BotContext,
    distributor_id: DistributorId,
    started_at: Option<DateTime<Utc>>,
    detail: &str,
    restarts: i64,
    delay: StdDuration,
    stop: &CancellationToken,
) -> bool {
    set_state(
        ctx,
        distributor_id,
        BotState::Restarting,
        started_at,
        Some(detail),
        restarts,
    )
    .await;
    tokio::select! {
        () = stop.cancelled() => {
            set_state(ctx, distributor_id, BotState::Stopped, started_at, Some(detail), restarts).await;
            false
        }
        () = tokio::time::sleep(delay) => true,
    }
}

/// One message to the distributor's admin that the bot gave up (best effort:
/// the same failure may keep this from arriving).
async fn alert_admin(ctx: &BotContext, distributor_id: DistributorId, token: &Secret<String>, detail: &str) {
    send_admin(ctx, distributor_id, token, &texts::admin_bot_failed(detail)).await;
}

/// A message to the distributor's admin, from its bot (best effort).
async fn send_admin(ctx: &BotContext, distributor_id: DistributorId, token: &Secret<String>, text: &str) {
    let Ok(d) = ctx.db.distributor(distributor_id).await else {
        return;
    };
    let Some(admin) = d.admin_telegram_id else { return };
    let bot = Bot::with_client(token.expose().clone(), ctx.client.clone()).set_api_url(ctx.parsed_url.clone());
    let body = json!({ "chat_id": admin, "text": text });
    if let Err(e) = api::call(&bot, "sendMessage", &body, StdDuration::from_secs(10)).await {
        warn!(error = %e, "cannot alert the distributor's admin");
    }
}
