//! The intake bot of one distributor: long-polls Telegram, runs every update
//! through the handler tree ([`handlers::schema`]) and expires unanswered
//! submissions.
//!
//! The conversation (photo → customer number → PDV type → recorded) lives in
//! the `pending_submissions` table, so a restarted bot continues it. Telegram
//! confirms an update when the next `getUpdates` is sent, which may be before
//! a handler finished: every handler is idempotent (see `handlers`).

mod commands;
mod handlers;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::burst::BurstRule;
use centermind_core::events::EventBus;
use centermind_core::store::{Db, now};
use chrono::Duration;
use serde_json::{Value, json};
use teloxide::Bot;
use teloxide::types::{Me, Update};
use teloxide::utils::command::BotCommands;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, error, info, info_span, warn};

use crate::api::{self, ApiFailure};
use crate::photos::PhotoHandle;

pub use commands::Command;

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
    /// How often unanswered submissions are looked for.
    pub sweep_interval: StdDuration,
    /// Flood waits up to this long are waited out inline; longer ones fail the call.
    pub max_flood_wait: StdDuration,
}

impl Default for IntakeOptions {
    fn default() -> Self {
        Self {
            answer_timeout: Duration::minutes(10),
            burst: BurstRule::default(),
            poll_timeout_secs: 25,
            request_timeout: StdDuration::from_secs(15),
            sweep_interval: StdDuration::from_secs(5),
            max_flood_wait: StdDuration::from_secs(30),
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
    pub(crate) photos: Option<PhotoHandle>,
    pub(crate) options: Arc<IntakeOptions>,
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
        )
        .await
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
        let schema = handlers::schema();
        // Finish what a previous run recorded but could not confirm in the group.
        if let Err(e) = handlers::recover(&ctx).await {
            warn!(error = %e, "could not finish earlier confirmations; will retry on the next start");
        }
        let sweeper_stop = shutdown.child_token();
        let sweeper = tokio::spawn(handlers::sweep_loop(ctx.clone(), sweeper_stop.clone()));
        let _stop_sweeper = sweeper_stop.clone().drop_guard();

        let mut offset: i64 = 0;
        let mut healthy = false;
        let poll_timeout = StdDuration::from_secs(u64::from(self_poll_secs(&ctx)));
        let end = loop {
            let body = json!({
                "offset": offset,
                "timeout": self_poll_secs(&ctx),
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
            let items = updates.as_array().cloned().unwrap_or_default();
            let mut handled = 0i64;
            for raw in items {
                let id = raw.get("update_id").and_then(Value::as_i64).unwrap_or(offset);
                // From text: teloxide's `Update` does not deserialize from a `Value`
                // (every kind comes out as `UpdateKind::Error`).
                let update = match serde_json::from_str::<Update>(&raw.to_string()) {
                    Ok(u) => Some(u),
                    Err(e) => {
                        warn!(update_id = id, error = %e, "update not understood; skipped");
                        None
                    }
                };
                if let Some(update) = update {
                    let done = tokio::select! {
                        biased;
                        () = shutdown.cancelled() => false,
                        () = dispatch(&schema, &ctx, &self.me, update) => true,
                    };
                    if !done {
                        break;
                    }
                }
                offset = id + 1;
                handled += 1;
            }
            if handled > 0
                && let Err(e) = ctx.db.add_bot_updates(ctx.distributor_id, handled, now()).await
            {
                warn!(error = %e, "cannot count handled updates");
            }
        };
        sweeper_stop.cancel();
        let _ = sweeper.await;
        if offset > 0 && end == RunEnd::Stopped {
            // Confirm what was handled, so the next start does not see it again.
            let body = json!({ "offset": offset, "timeout": 0, "limit": 1 });
            let _ = api::call(&ctx.bot, "getUpdates", &body, StdDuration::from_secs(2)).await;
        }
        info!(?end, "intake bot stopped");
        end
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
