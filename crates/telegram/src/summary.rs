//! The daily summary: one Telegram message to each distributor's admin with
//! the day's figures (received, approved, highlighted, rejected, pending now),
//! sent by the distributor's own bot through the configured Bot API URL, the
//! same path as the admin alerts. Used by the sidecar's `daily_summary` job.
//!
//! Every active distributor with a bot token and an `admin_telegram_id` gets
//! one; one that fails (the admin blocked the bot: 403, a revoked token…)
//! is reported and does not stop the others.

use std::time::Duration as StdDuration;

use centermind_core::domain::DistributorId;
use centermind_core::domain::period::{Period, Preset};
use centermind_core::store::Db;
use chrono::{DateTime, Utc};
use serde_json::json;
use teloxide::Bot;
use tracing::{info, warn};

use crate::api;
use crate::texts;

/// Upper bound of one `sendMessage`.
const REQUEST_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// Longest flood wait sat out before giving a distributor up.
const MAX_WAIT: StdDuration = StdDuration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("invalid Telegram API URL '{url}': {reason}")]
    InvalidApiUrl { url: String, reason: String },
    #[error("cannot create the HTTP client: {0}")]
    HttpClient(String),
    #[error(transparent)]
    Database(#[from] centermind_core::Error),
}

/// One distributor whose summary could not be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryFailure {
    pub distributor_id: DistributorId,
    pub distributor: String,
    /// Telegram's answer or the network failure, never the token.
    pub error: String,
}

/// What one round of summaries came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryReport {
    /// Distributors whose admin got the message.
    pub sent: Vec<DistributorId>,
    pub failed: Vec<SummaryFailure>,
    /// Active distributors without a bot token or an admin to send to.
    pub skipped: usize,
}

/// Sends the summaries. Cheap to build; holds the HTTP client.
pub struct DailySummary {
    db: Db,
    /// Holds the shared HTTP client and the API URL; never used to call Telegram.
    template: Bot,
}

// By hand: teloxide's `Bot` prints its token in `Debug` (the template has none,
// but keep the habit).
impl std::fmt::Debug for DailySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DailySummary")
            .field("api_url", &self.template.api_url().as_str())
            .finish_non_exhaustive()
    }
}

impl DailySummary {
    /// `telegram_api_url` is `Config::telegram_api_url`.
    pub fn new(db: Db, telegram_api_url: &str) -> Result<Self, SummaryError> {
        let invalid = |reason: String| SummaryError::InvalidApiUrl {
            url: telegram_api_url.to_string(),
            reason,
        };
        if !(telegram_api_url.starts_with("http://") || telegram_api_url.starts_with("https://")) {
            return Err(invalid("must start with http:// or https://".into()));
        }
        let client = teloxide::net::default_reqwest_settings()
            .build()
            .map_err(|e| SummaryError::HttpClient(e.to_string()))?;
        Ok(Self {
            db,
            template: Bot::with_client("", client).set_api_url(parse(telegram_api_url).map_err(invalid)?),
        })
    }

    /// Send every admin the figures of the day that contains `day_of` in
    /// their distributor's time zone (the job passes the run it catches up
    /// on, so a summary sent late still reports its own day).
    pub async fn send(&self, day_of: DateTime<Utc>) -> Result<SummaryReport, SummaryError> {
        let mut report = SummaryReport::default();
        for d in self.db.list_distributors().await? {
            if !d.active {
                continue;
            }
            let (Some(admin), Some(token)) = (d.admin_telegram_id, self.db.distributor_bot_token(d.id).await?) else {
                report.skipped += 1;
                continue;
            };
            let day = Period::preset(Preset::Today, day_of, d.time_zone);
            let figures = self.db.day_figures(d.id, day).await?;
            let date = day_of.with_timezone(&d.time_zone).format("%d/%m/%Y").to_string();
            let text = texts::daily_summary(&d.name, &date, &figures);
            let bot = Bot::with_client(token.expose().clone(), self.template.client().clone())
                .set_api_url(self.template.api_url());
            let body = json!({ "chat_id": admin, "text": text });
            match api::call_with_retry(
                &bot,
                "sendMessage",
                &body,
                REQUEST_TIMEOUT,
                MAX_WAIT,
                &Default::default(),
            )
            .await
            {
                Ok(_) => {
                    info!(distributor = d.id, "daily summary sent");
                    report.sent.push(d.id);
                }
                Err(e) => {
                    warn!(distributor = d.id, error = %e, "cannot send the daily summary");
                    report.failed.push(SummaryFailure {
                        distributor_id: d.id,
                        distributor: d.name.clone(),
                        error: e.detail(),
                    });
                }
            }
        }
        Ok(report)
    }
}

/// `s.parse()` for a type we cannot name here (teloxide's `reqwest::Url`).
fn parse<U: std::str::FromStr>(s: &str) -> Result<U, String>
where
    U::Err: std::fmt::Display,
{
    s.parse().map_err(|e: U::Err| e.to_string())
}
