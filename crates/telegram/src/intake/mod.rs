//! The intake bot of one distributor: long-polls Telegram, runs every update
//! through the handler tree ([`handlers::schema`]) and expires unanswered
//! submissions.
//!
//! The conversation (photo → customer number → PDV type → recorded) lives in
//! the `pending_submissions` table, so a restarted bot continues it.
//!
//! Updates are handled in lanes, one per person and chat: in order within a
//! lane, lanes at once. Every post in a chat waits for its turn under
//! Telegram's limits (one message a second per chat, 20 a minute per group,
//! see `api::throttle`), so a reply waiting in a busy group holds up only
//! its own lane, never other chats. Telegram forgets every update below the
//! offset of the next `getUpdates`; the offset sent is the oldest update
//! still being handled, so an update is only forgotten once its handler
//! finished, and a crash or stop in the middle gets it delivered again.
//! Handlers are idempotent all the same (see `handlers`): a replay or a
//! handler cut short resumes from what the database says.

mod commands;
mod handlers;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::burst::BurstRule;
use centermind_core::events::EventBus;
use centermind_core::store::{Db, now};
use chrono::Duration;
use serde_json::{Value, json};
use teloxide::Bot;
use teloxide::types::{Me, Update, UpdateKind};
use teloxide::utils::command::BotCommands;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span, warn};

use crate::api::{self, ApiFailure};
use crate::photos::PhotoHandle;

pub use crate::api::ChatLimits;
pub use commands::Command;
pub use handlers::prune_intake_history;

/// Tuning of an intake bot. The defaults are the production values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOptions {
    /// How long a vendor has to answer (customer number, then PDV type).
    pub answer_timeout: Duration,
    /// Photos that form one exhibition.
    pub burst: BurstRule,
    /// `getUpdates` long-poll timeout, in seconds.
    pub poll_timeout_secs: u32,
    /// Upper bound of any other Bot API request.
    pub request_timeout: StdDuration,
    /// How often unanswered submissions are looked for (and confirmations
    /// that could not be sent are tried again).
    pub sweep_interval: StdDuration,
    /// Longest a post may wait for its turn in a chat, for our own pacing or
    /// for Telegram's flood control (429 `retry_after`) alike; a post that
    /// would wait longer fails (a confirmation is then retried by the sweep).
    pub max_flood_wait: StdDuration,
    /// How fast the bot posts in one chat (Telegram's limits by default).
    pub limits: ChatLimits,
    /// While updates are being handled Telegram cannot hold a long poll
    /// (unconfirmed updates come back at once), so the bot looks for new
    /// ones this often instead.
    pub busy_poll_interval: StdDuration,
}

impl Default for IntakeOptions {
    fn default() -> Self {
        Self {
            answer_timeout: Duration::minutes(10),
            burst: BurstRule::default(),
            poll_timeout_secs: 25,
            request_timeout: StdDuration::from_secs(15),
            sweep_interval: StdDuration::from_secs(5),
            max_flood_wait: StdDuration::from_secs(120),
            limits: ChatLimits::default(),
            busy_poll_interval: StdDuration::from_millis(100),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("invalid Telegram API URL '{url}': {reason}")]
    InvalidApiUrl { url: String, reason: String },
}

/// How a bot's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// The shutdown token was cancelled.
    Stopped,
    /// Telegram refused the token (401): restarting cannot help.
    InvalidToken(String),
    /// Another program polls Telegram with this token (409): it gets the updates
    /// until it stops.
    TokenInUse(String),
    /// Anything else; `healthy` if the bot polled successfully before failing
    /// (the supervisor then resets its count of consecutive failures).
    Failed { detail: String, healthy: bool },
}

/// What the handlers share: cheap to clone, injected with `dptree::deps!`.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) db: Db,
    pub(crate) distributor_id: DistributorId,
    pub(crate) bot: Bot,
    pub(crate) events: EventBus,
    /// The photo worker to wake when a commit enqueued photos.
    pub(crate) photos: Option<PhotoHandle>,
    pub(crate) options: Arc<IntakeOptions>,
    /// Submissions whose confirmation is being sent by some task of this bot
    /// (a handler or the sweep): the other one leaves it alone.
    pub(crate) confirming: Arc<Mutex<HashSet<i64>>>,
}

/// Held while a task sends a submission's confirmation; see [`Ctx::claim_confirmation`].
pub(crate) struct ConfirmationClaim {
    set: Arc<Mutex<HashSet<i64>>>,
    submission: i64,
}

impl Drop for ConfirmationClaim {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.submission);
    }
}

pub(crate) type HandlerError = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type HandlerResult = Result<(), HandlerError>;

impl Ctx {
    async fn api(&self, method: &str, body: &Value) -> Result<Value, ApiFailure> {
        api::call_with_retry(
            &self.bot,
            method,
            body,
            self.options.request_timeout,
            self.options.max_flood_wait,
            &self.options.limits,
        )
        .await
    }

    /// Claim the sending of a submission's confirmation; `None` while another
    /// task of this bot has it (it re-reads the exhibition, so one message).
    pub(crate) fn claim_confirmation(&self, submission: i64) -> Option<ConfirmationClaim> {
        let fresh = self
            .confirming
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(submission);
        fresh.then(|| ConfirmationClaim {
            set: self.confirming.clone(),
            submission,
        })
    }

    /// Send a plain-text message, optionally as a reply and with a keyboard.
    /// Returns the new message's id.
    pub(crate) async fn send(
        &self,
        chat_id: i64,
        text: &str,
        reply_to: Option<i64>,
        keyboard: Option<Value>,
    ) -> Result<i64, ApiFailure> {
        let mut body = json!({
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": { "is_disabled": true },
        });
        if let Some(id) = reply_to {
            body["reply_parameters"] = json!({ "message_id": id, "allow_sending_without_reply": true });
        }
        if let Some(k) = keyboard {
            body["reply_markup"] = k;
        }
        let sent = self.api("sendMessage", &body).await?;
        sent.get("message_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| ApiFailure::Permanent("sendMessage answered without a message_id".into()))
    }

    /// Replace a bot message's text (and drop its keyboard). "Not modified" is success.
    pub(crate) async fn edit_text(&self, chat_id: i64, message_id: i64, text: &str) -> Result<(), ApiFailure> {
        let body = json!({ "chat_id": chat_id, "message_id": message_id, "text": text });
        match self.api("editMessageText", &body).await {
            Err(ApiFailure::Permanent(d)) if d.contains("message is not modified") => Ok(()),
            other => other.map(drop),
        }
    }

    pub(crate) async fn answer_callback(&self, id: &str, text: &str, alert: bool) -> Result<(), ApiFailure> {
        let body = json!({ "callback_query_id": id, "text": text, "show_alert": alert });
        self.api("answerCallbackQuery", &body).await.map(drop)
    }
}

/// One distributor's bot. [`IntakeBot::connect`] checks the token and
/// registers the commands; [`ConnectedBot::run`] then polls until shutdown.
pub struct IntakeBot {
    ctx: Ctx,
}

// By hand: teloxide's `Bot` prints its token in `Debug`.
impl std::fmt::Debug for IntakeBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeBot")
            .field("distributor_id", &self.ctx.distributor_id)
            .finish_non_exhaustive()
    }
}

/// `s.parse()` for a type we cannot name here (teloxide's `reqwest::Url`).
fn parse_url(s: &str) -> Result<reqwest::Url, String> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return Err("must start with http:// or https://".into());
    }
    s.parse().map_err(|e: url_error::ParseError| e.to_string())
}

mod url_error {
    pub(crate) type ParseError = <reqwest::Url as std::str::FromStr>::Err;
}

impl IntakeBot {
    /// `client` is shared by every bot of the process (one connection pool),
    /// e.g. `teloxide::net::default_reqwest_settings().build()`.
    pub fn new(
        db: Db,
        distributor_id: DistributorId,
        token: &Secret<String>,
        telegram_api_url: &str,
        client: reqwest::Client,
        events: EventBus,
    ) -> Result<Self, IntakeError> {
        let url = parse_url(telegram_api_url).map_err(|reason| IntakeError::InvalidApiUrl {
            url: telegram_api_url.to_string(),
            reason,
        })?;
        let bot = Bot::with_client(token.expose().clone(), client).set_api_url(url);
        Ok(Self {
            ctx: Ctx {
                db,
                distributor_id,
                bot,
                events,
                photos: None,
                options: Arc::new(IntakeOptions::default()),
                confirming: Arc::default(),
            },
        })
    }

    pub fn with_options(mut self, options: IntakeOptions) -> Self {
        self.ctx.options = Arc::new(options);
        self
    }

    /// Wake this photo worker when a commit enqueued photos.
    pub fn with_photo_worker(mut self, photos: PhotoHandle) -> Self {
        self.ctx.photos = Some(photos);
        self
    }

    /// Check the token (getMe), drop any webhook (it would block polling) and
    /// register the command list. A 401 ends in [`RunEnd::InvalidToken`].
    pub async fn connect(self) -> Result<ConnectedBot, RunEnd> {
        let ctx = self.ctx;
        let timeout = ctx.options.request_timeout;
        let me = match api::call(&ctx.bot, "getMe", &json!({}), timeout).await {
            Ok(v) => serde_json::from_value::<Me>(v).map_err(|e| RunEnd::Failed {
                detail: format!("getMe answer not understood: {e}"),
                healthy: false,
            })?,
            Err(ApiFailure::Unauthorized(d)) => return Err(RunEnd::InvalidToken(d)),
            Err(e) => {
                return Err(RunEnd::Failed {
                    detail: e.detail(),
                    healthy: false,
                });
            }
        };
        let setup = [
            ("deleteWebhook", json!({ "drop_pending_updates": false })),
            ("setMyCommands", json!({ "commands": command_list() })),
        ];
        for (method, body) in setup {
            match ctx.api(method, &body).await {
                Ok(_) => {}
                Err(ApiFailure::Unauthorized(d)) => return Err(RunEnd::InvalidToken(d)),
                Err(e) => warn!(method, error = %e.detail(), "bot set-up call failed; continuing"),
            }
        }
        info!(
            distributor_id = ctx.distributor_id,
            username = me.username(),
            "intake bot connected"
        );
        Ok(ConnectedBot { ctx, me })
    }
}

/// A bot whose token Telegram accepted.
pub struct ConnectedBot {
    ctx: Ctx,
    me: Me,
}

impl std::fmt::Debug for ConnectedBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectedBot")
            .field("distributor_id", &self.ctx.distributor_id)
            .field("username", &self.me.user.username)
            .finish_non_exhaustive()
    }
}

impl ConnectedBot {
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// Poll and handle updates until `shutdown` is cancelled or polling fails.
    /// An update being handled when shutdown comes is abandoned unconfirmed:
    /// Telegram delivers it again and the idempotent handlers finish it.
    pub async fn run(self, shutdown: CancellationToken) -> RunEnd {
        let span = info_span!("intake_bot", distributor_id = self.ctx.distributor_id);
        self.run_inner(shutdown).instrument(span).await
    }

    async fn run_inner(self, shutdown: CancellationToken) -> RunEnd {
        let ctx = self.ctx;
        // Finish what a previous run recorded but could not confirm in the group.
        if let Err(e) = handlers::recover(&ctx).await {
            warn!(error = %e, "could not finish earlier confirmations; will retry on the next sweep");
        }
        let sweeper_stop = shutdown.child_token();
        let sweeper = tokio::spawn(handlers::sweep_loop(ctx.clone(), sweeper_stop.clone()));
        let _stop_sweeper = sweeper_stop.clone().drop_guard();

        let lanes_stop = shutdown.child_token();
        let mut lanes = Lanes::new(handlers::schema(), ctx.clone(), self.me.clone(), lanes_stop.clone());
        let mut counter = UpdateCounter::default();
        let mut healthy = false;
        let poll_timeout = StdDuration::from_secs(u64::from(self_poll_secs(&ctx)));
        let end = loop {
            lanes.collect_finished();
            if lanes.busy() {
                // Telegram answers at once while an update is unconfirmed, so no
                // long poll now: look again shortly, or when the last one finishes.
                let deadline = tokio::time::Instant::now() + ctx.options.busy_poll_interval;
                tokio::select! {
                    biased;
                    () = shutdown.cancelled() => break RunEnd::Stopped,
                    () = lanes.until_idle_or(deadline) => {}
                }
            }
            counter.add(lanes.take_finished_count());
            let busy = lanes.busy();
            // Before a long poll (which may last long), or once a second while busy.
            counter.flush_if_due(&ctx, !busy).await;
            let timeout = if busy { 0 } else { self_poll_secs(&ctx) };
            let body = json!({
                "offset": lanes.offset(),
                "timeout": timeout,
                "allowed_updates": ["message", "callback_query"],
            });
            let polled = tokio::select! {
                biased;
                () = shutdown.cancelled() => break RunEnd::Stopped,
                r = api::call(&ctx.bot, "getUpdates", &body, poll_timeout + ctx.options.request_timeout) => r,
            };
            let updates = match polled {
                Ok(v) => v,
                Err(ApiFailure::Unauthorized(d)) => break RunEnd::InvalidToken(d),
                Err(ApiFailure::TokenInUse(d)) => break RunEnd::TokenInUse(d),
                Err(ApiFailure::FloodWait { seconds }) => {
                    tokio::select! {
                        () = shutdown.cancelled() => break RunEnd::Stopped,
                        () = tokio::time::sleep(StdDuration::from_secs(u64::from(seconds))) => continue,
                    }
                }
                Err(e) => {
                    break RunEnd::Failed {
                        detail: e.detail(),
                        healthy,
                    };
                }
            };
            healthy = true;
            let Value::Array(items) = updates else { continue };
            for raw in items {
                let Some(id) = raw.get("update_id").and_then(Value::as_i64) else {
                    warn!("update without an update_id; skipped");
                    continue;
                };
                if !lanes.is_new(id) {
                    // Being handled, or handled and not confirmed yet.
                    continue;
                }
                // From text: teloxide's `Update` does not deserialize from a `Value`
                // (every kind comes out as `UpdateKind::Error`).
                match serde_json::from_str::<Update>(&raw.to_string()) {
                    Ok(update) => lanes.dispatch(id, update),
                    Err(e) => {
                        warn!(update_id = id, error = %e, "update not understood; skipped");
                        lanes.skip(id);
                    }
                }
            }
        };
        // Updates still being handled are abandoned unconfirmed: Telegram
        // delivers them again and the idempotent handlers finish them.
        lanes_stop.cancel();
        lanes.shut_down().await;
        counter.add(lanes.take_finished_count());
        counter.flush_if_due(&ctx, true).await;
        sweeper_stop.cancel();
        let _ = sweeper.await;
        let offset = lanes.offset();
        if offset > 0 && end == RunEnd::Stopped {
            // Confirm what was handled, so the next start does not see it again.
            let body = json!({ "offset": offset, "timeout": 0, "limit": 1 });
            let _ = api::call(&ctx.bot, "getUpdates", &body, StdDuration::from_secs(2)).await;
        }
        info!(?end, "intake bot stopped");
        end
    }
}

/// Handled updates not yet added to `bot_status`: written when the bot goes
/// idle, and at most once a second while it is busy.
#[derive(Default)]
struct UpdateCounter {
    pending: i64,
    last_flush: Option<tokio::time::Instant>,
}

impl UpdateCounter {
    fn add(&mut self, n: i64) {
        self.pending += n;
    }

    async fn flush_if_due(&mut self, ctx: &Ctx, force: bool) {
        let due = self.last_flush.is_none_or(|t| t.elapsed() >= StdDuration::from_secs(1));
        if self.pending == 0 || !(due || force) {
            return;
        }
        self.last_flush = Some(tokio::time::Instant::now());
        match ctx.db.add_bot_updates(ctx.distributor_id, self.pending, now()).await {
            Ok(()) => self.pending = 0,
            Err(e) => warn!(error = %e, "cannot count handled updates"),
        }
    }
}

/// Who an update comes from, in which chat: the updates of one person in
/// one chat are handled in order, one at a time; different lanes run at once,
/// so a reply waiting for its turn in a busy chat holds up nobody else.
type LaneKey = (i64, u64);

fn lane_of(update: &Update) -> LaneKey {
    match &update.kind {
        UpdateKind::Message(m) => (m.chat.id.0, m.from.as_ref().map_or(0, |u| u.id.0)),
        UpdateKind::CallbackQuery(q) => (q.message.as_ref().map_or(0, |m| m.chat().id.0), q.from.id.0),
        _ => (0, 0),
    }
}

/// The updates being handled, by lane, and what Telegram may be told.
///
/// Telegram forgets every update below the `offset` of the next `getUpdates`.
/// Only updates whose handler finished may be forgotten, so the offset is the
/// oldest update still being handled (or the next new one); Telegram then
/// hands back the ones above it, which are recognised and skipped.
struct Lanes {
    schema: Arc<teloxide::dispatching::UpdateHandler<HandlerError>>,
    ctx: Ctx,
    me: Arc<Me>,
    stop: CancellationToken,
    /// Per lane: where to queue its updates, and how many it has not finished.
    lanes: HashMap<LaneKey, (tokio::sync::mpsc::UnboundedSender<(i64, Update)>, usize)>,
    tasks: tokio::task::JoinSet<()>,
    finished_tx: tokio::sync::mpsc::UnboundedSender<(LaneKey, i64)>,
    finished_rx: tokio::sync::mpsc::UnboundedReceiver<(LaneKey, i64)>,
    /// Dispatched, not finished.
    unfinished: BTreeSet<i64>,
    /// The first update id not seen yet (0 before any).
    next_new: i64,
    finished_count: i64,
}

impl Lanes {
    fn new(
        schema: teloxide::dispatching::UpdateHandler<HandlerError>,
        ctx: Ctx,
        me: Me,
        stop: CancellationToken,
    ) -> Self {
        let (finished_tx, finished_rx) = tokio::sync::mpsc::unbounded_channel();
        Self {
            schema: Arc::new(schema),
            ctx,
            me: Arc::new(me),
            stop,
            lanes: HashMap::new(),
            tasks: tokio::task::JoinSet::new(),
            finished_tx,
            finished_rx,
            unfinished: BTreeSet::new(),
            next_new: 0,
            finished_count: 0,
        }
    }

    fn busy(&self) -> bool {
        !self.unfinished.is_empty()
    }

    /// The `getUpdates` offset: everything below it is handled.
    fn offset(&self) -> i64 {
        self.unfinished.first().copied().unwrap_or(self.next_new)
    }

    /// Whether an update id returned by Telegram was not dispatched yet.
    fn is_new(&self, id: i64) -> bool {
        id >= self.next_new
    }

    /// An update that will not be handled (not understood): confirm it.
    fn skip(&mut self, id: i64) {
        self.next_new = self.next_new.max(id + 1);
        self.finished_count += 1;
    }

    fn dispatch(&mut self, id: i64, update: Update) {
        self.next_new = self.next_new.max(id + 1);
        self.unfinished.insert(id);
        let key = lane_of(&update);
        let entry = self.lanes.entry(key).or_insert_with(|| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            self.tasks.spawn(run_lane(
                self.schema.clone(),
                self.ctx.clone(),
                self.me.clone(),
                rx,
                self.finished_tx.clone(),
                key,
                self.stop.clone(),
            ));
            (tx, 0)
        });
        entry.1 += 1;
        // The lane lives as long as its sender, which is dropped only once
        // everything sent to it has finished.
        let _ = entry.0.send((id, update));
    }

    fn finished(&mut self, key: LaneKey, id: i64) {
        self.unfinished.remove(&id);
        self.finished_count += 1;
        if let Some(entry) = self.lanes.get_mut(&key) {
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                self.lanes.remove(&key);
            }
        }
    }

    /// Take in the lanes' reports, without waiting.
    fn collect_finished(&mut self) {
        while let Ok((key, id)) = self.finished_rx.try_recv() {
            self.finished(key, id);
        }
        while self.tasks.try_join_next().is_some() {}
    }

    /// Wait until nothing is being handled any more, or `deadline`.
    async fn until_idle_or(&mut self, deadline: tokio::time::Instant) {
        while self.busy() {
            tokio::select! {
                report = self.finished_rx.recv() => match report {
                    Some((key, id)) => self.finished(key, id),
                    None => return,
                },
                () = tokio::time::sleep_until(deadline) => return,
            }
        }
    }

    fn take_finished_count(&mut self) -> i64 {
        std::mem::take(&mut self.finished_count)
    }

    /// Stop every lane (after `stop` was cancelled) and take in what finished.
    async fn shut_down(&mut self) {
        self.lanes.clear();
        while self.tasks.join_next().await.is_some() {}
        self.collect_finished();
    }
}

/// Handle one lane's updates in order until its sender is dropped or the bot stops.
async fn run_lane(
    schema: Arc<teloxide::dispatching::UpdateHandler<HandlerError>>,
    ctx: Ctx,
    me: Arc<Me>,
    mut updates: tokio::sync::mpsc::UnboundedReceiver<(i64, Update)>,
    finished: tokio::sync::mpsc::UnboundedSender<(LaneKey, i64)>,
    key: LaneKey,
    stop: CancellationToken,
) {
    loop {
        let next = tokio::select! {
            biased;
            () = stop.cancelled() => return,
            next = updates.recv() => next,
        };
        let Some((id, update)) = next else { return };
        // In a task of its own so that a panicking handler is contained: the
        // update then counts as handled (else the offset would stay below it
        // for good and hold back every later update).
        let mut handling = tokio::spawn({
            let (schema, ctx, me) = (schema.clone(), ctx.clone(), me.clone());
            async move { dispatch(&schema, &ctx, &me, update).await }
        });
        tokio::select! {
            biased;
            () = stop.cancelled() => {
                handling.abort();
                return;
            }
            joined = &mut handling => {
                if let Err(e) = joined {
                    error!(update_id = id, error = %e, "update handler panicked; update skipped");
                }
            }
        }
        let _ = finished.send((key, id));
    }
}

/// The command list as setMyCommands takes it (names without the slash).
fn command_list() -> Vec<Value> {
    Command::bot_commands()
        .into_iter()
        .map(|c| json!({ "command": c.command.trim_start_matches('/'), "description": c.description }))
        .collect()
}

fn self_poll_secs(ctx: &Ctx) -> u32 {
    ctx.options.poll_timeout_secs
}

async fn dispatch(schema: &teloxide::dispatching::UpdateHandler<HandlerError>, ctx: &Ctx, me: &Me, update: Update) {
    let update_id = update.id.0;
    let kind = match &update.kind {
        teloxide::types::UpdateKind::Message(_) => "message",
        teloxide::types::UpdateKind::CallbackQuery(_) => "callback_query",
        teloxide::types::UpdateKind::Error(_) => "not understood",
        _ => "other",
    };
    let deps = teloxide::dptree::deps![ctx.clone(), me.clone(), update];
    match schema.dispatch(deps).await {
        std::ops::ControlFlow::Break(Ok(())) => debug!(update_id, "update handled"),
        std::ops::ControlFlow::Break(Err(e)) => error!(update_id, error = %e, "update handler failed"),
        std::ops::ControlFlow::Continue(_) => debug!(update_id, kind = ?kind, "update ignored"),
    }
}
