//! Raw Bot API calls for the intake bots and the photo worker.
//!
//! Like [`crate::edit`], requests go through the distributor's teloxide
//! [`Bot`] (its HTTP client, API URL and token) but are sent and decoded here:
//! teloxide-core 0.13 sleeps 10 s inside every call answered with a 5xx, and
//! we want 401 (bad token), 429 (`retry_after`) and network failures told
//! apart at once. Error texts never contain the token.
//!
//! Every call that posts in a chat (a send, copy, forward or edit with a
//! `chat_id`) is paced by [`throttle`] first, and a 429 it gets holds that
//! chat for every caller of the process.

pub(crate) mod throttle;

use std::time::Duration;

use centermind_core::domain::error_class::ErrorClass;
use serde_json::Value;
use teloxide::Bot;

use throttle::ChatKey;
pub use throttle::ChatLimits;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiFailure {
    /// Telegram refused the token (401, or 404 on the bot's URL).
    Unauthorized(String),
    /// Flood control: not before this many seconds.
    FloodWait { seconds: u32 },
    /// A request Telegram refuses (400/403): retrying sends the same request.
    Permanent(String),
    /// Network, timeout, Telegram 5xx: worth retrying later.
    Transient { class: ErrorClass, detail: String },
    /// 409 on `getUpdates`: another program polls with the same token (the old
    /// system still running, a second server).
    TokenInUse(String),
}

impl ApiFailure {
    pub(crate) fn detail(&self) -> String {
        match self {
            Self::Unauthorized(d) | Self::Permanent(d) | Self::TokenInUse(d) | Self::Transient { detail: d, .. } => {
                d.clone()
            }
            Self::FloodWait { seconds } => format!("flood control: retry after {seconds} s"),
        }
    }

    pub(crate) fn class(&self) -> ErrorClass {
        match self {
            Self::Unauthorized(_) | Self::TokenInUse(_) => ErrorClass::Permission,
            Self::FloodWait { .. } => ErrorClass::RemoteDown,
            Self::Permanent(_) => ErrorClass::InvalidInput,
            Self::Transient { class, .. } => *class,
        }
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Telegram API: {}", self.detail())
    }
}

impl std::error::Error for ApiFailure {}

fn method_url(bot: &Bot, prefix: Option<&str>, tail: &[&str]) -> Result<reqwest::Url, ApiFailure> {
    let mut url = bot.api_url();
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| ApiFailure::Permanent("the Telegram API URL cannot take a path".into()))?;
        segments.pop_if_empty();
        if let Some(p) = prefix {
            segments.push(p);
        }
        segments.push(&format!("bot{}", bot.token()));
        for t in tail {
            segments.extend(t.split('/'));
        }
    }
    Ok(url)
}

/// An error and its causes on one line.
pub(crate) fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn scrub(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token, "[redacted]")
    }
}

/// The chat a call posts in, if it is one the chat limits apply to.
pub(crate) fn posting_chat(method: &str, body: &Value) -> Option<i64> {
    let m = method.to_ascii_lowercase();
    let posts = (m.starts_with("send") && m != "sendchataction")
        || m.starts_with("editmessage")
        || m.starts_with("copymessage")
        || m.starts_with("forwardmessage");
    if !posts {
        return None;
    }
    match body.get("chat_id")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whole seconds, rounded up, at least one (a wait told as `retry_after`).
pub(crate) fn wait_seconds(wait: Duration) -> u32 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

/// Call `method` with a JSON body; the answer's `result` on success.
/// A post in a chat waits for its slot under Telegram's limits first (up to
/// `timeout`; if the slot is further away, `FloodWait` without calling).
pub(crate) async fn call(bot: &Bot, method: &str, body: &Value, timeout: Duration) -> Result<Value, ApiFailure> {
    call_paced(bot, method, body, timeout, &ChatLimits::default(), timeout).await
}

/// [`call`] with explicit chat limits and how long a post may wait for its
/// slot (`patience`).
pub(crate) async fn call_paced(
    bot: &Bot,
    method: &str,
    body: &Value,
    timeout: Duration,
    limits: &ChatLimits,
    patience: Duration,
) -> Result<Value, ApiFailure> {
    let key = posting_chat(method, body).map(|chat| ChatKey::new(bot, chat));
    if let Some(key) = key
        && let Err(wait) = throttle::global().acquire(key, limits, patience).await
    {
        return Err(ApiFailure::FloodWait {
            seconds: wait_seconds(wait),
        });
    }
    let result = post(bot, method, body, timeout).await;
    if let (Some(key), Err(ApiFailure::FloodWait { seconds })) = (key, &result) {
        throttle::global().flood_wait(key, *seconds);
    }
    result
}

/// One request, no pacing.
async fn post(bot: &Bot, method: &str, body: &Value, timeout: Duration) -> Result<Value, ApiFailure> {
    let url = method_url(bot, None, &[method])?;
    let sent = bot
        .client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .timeout(timeout)
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => return Err(transport(&e.without_url(), bot.token())),
    };
    let status = response.status().as_u16();
    match response.bytes().await {
        Ok(bytes) => classify(status, &bytes),
        Err(e) => Err(transport(&e.without_url(), bot.token())),
    }
}

fn transport(e: &(dyn std::error::Error + 'static), token: &str) -> ApiFailure {
    let timed_out = {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        let mut t = false;
        while let Some(s) = source {
            let text = s.to_string().to_lowercase();
            if text.contains("timed out") || text.contains("timeout") {
                t = true;
            }
            source = s.source();
        }
        t
    };
    ApiFailure::Transient {
        class: if timed_out {
            ErrorClass::Timeout
        } else {
            ErrorClass::RemoteDown
        },
        detail: scrub(&describe(e), token),
    }
}

/// Decide from an HTTP status and the Bot API's JSON answer.
pub(crate) fn classify(status: u16, body: &[u8]) -> Result<Value, ApiFailure> {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return Err(match status {
            401 | 404 => ApiFailure::Unauthorized(format!("HTTP {status} from the Telegram API")),
            _ => ApiFailure::Transient {
                class: ErrorClass::RemoteDown,
                detail: format!("HTTP {status} without a Bot API answer"),
            },
        });
    };
    if answer.get("ok").and_then(Value::as_bool) == Some(true) {
        return Ok(answer.get("result").cloned().unwrap_or(Value::Null));
    }
    let code = answer
        .get("error_code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(status);
    let description = answer
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("no description");
    if let Some(seconds) = answer
        .get("parameters")
        .and_then(|p| p.get("retry_after"))
        .and_then(Value::as_u64)
    {
        return Err(ApiFailure::FloodWait {
            seconds: u32::try_from(seconds).unwrap_or(u32::MAX),
        });
    }
    let what = format!("{code} {description}");
    Err(match code {
        401 | 404 => ApiFailure::Unauthorized(what),
        400 | 403 => ApiFailure::Permanent(what),
        409 => ApiFailure::TokenInUse(what),
        _ => ApiFailure::Transient {
            class: ErrorClass::RemoteDown,
            detail: what,
        },
    })
}

/// Flood waits sat out by one [`call_with_retry`] before it gives up.
const MAX_FLOOD_RETRIES: u32 = 3;

/// Call with a few retries. A post waits for its slot in the chat (pacing and
/// flood waits alike) up to `max_wait`; a 429 whose `retry_after` fits in
/// `max_wait` is waited out and the call made again (a 429 means Telegram did
/// not take the request, so nothing is sent twice), up to three times;
/// transient failures are retried twice. A longer wait ends in `FloodWait`.
pub(crate) async fn call_with_retry(
    bot: &Bot,
    method: &str,
    body: &Value,
    timeout: Duration,
    max_wait: Duration,
    limits: &ChatLimits,
) -> Result<Value, ApiFailure> {
    let paced = posting_chat(method, body).is_some();
    let mut transient = 0u32;
    let mut floods = 0u32;
    loop {
        match call_paced(bot, method, body, timeout, limits, max_wait).await {
            Err(ApiFailure::FloodWait { seconds })
                if floods < MAX_FLOOD_RETRIES && Duration::from_secs(u64::from(seconds)) <= max_wait =>
            {
                floods += 1;
                tracing::warn!(method, seconds, "Telegram flood control; waiting");
                // A post waits in the chat's pacing, which now holds the flood wait.
                if !paced {
                    tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
                }
            }
            Err(ApiFailure::Transient { .. }) if transient < 2 => {
                transient += 1;
                tokio::time::sleep(Duration::from_millis(200 * u64::from(transient))).await;
            }
            other => return other,
        }
    }
}

/// Why a download failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DownloadFailure {
    /// Larger than the limit (the cloud Bot API serves at most 20 MB).
    TooBig,
    Api(ApiFailure),
}

/// getFile + download of the file's bytes, refusing more than `max_bytes`.
pub(crate) async fn download_file(
    bot: &Bot,
    file_id: &str,
    timeout: Duration,
    max_bytes: Option<u64>,
) -> Result<Vec<u8>, DownloadFailure> {
    let file = match call(bot, "getFile", &serde_json::json!({ "file_id": file_id }), timeout).await {
        Ok(f) => f,
        Err(ApiFailure::Permanent(d)) if d.to_lowercase().contains("file is too big") => {
            return Err(DownloadFailure::TooBig);
        }
        Err(e) => return Err(DownloadFailure::Api(e)),
    };
    let size = file.get("file_size").and_then(Value::as_u64);
    if let (Some(size), Some(max)) = (size, max_bytes)
        && size > max
    {
        return Err(DownloadFailure::TooBig);
    }
    let Some(path) = file.get("file_path").and_then(Value::as_str) else {
        return Err(DownloadFailure::Api(ApiFailure::Permanent(
            "getFile answered without a file_path".into(),
        )));
    };
    let url = method_url(bot, Some("file"), &[path]).map_err(DownloadFailure::Api)?;
    let sent = bot.client().get(url).timeout(timeout).send().await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => return Err(DownloadFailure::Api(transport(&e.without_url(), bot.token()))),
    };
    let status = response.status().as_u16();
    if status != 200 {
        let body = response.bytes().await.unwrap_or_default();
        return Err(DownloadFailure::Api(match classify(status, &body) {
            Err(e) => e,
            Ok(_) => ApiFailure::Transient {
                class: ErrorClass::RemoteDown,
                detail: format!("HTTP {status} on download"),
            },
        }));
    }
    match response.bytes().await {
        Ok(b) => {
            if max_bytes.is_some_and(|m| b.len() as u64 > m) {
                return Err(DownloadFailure::TooBig);
            }
            Ok(b.to_vec())
        }
        Err(e) => Err(DownloadFailure::Api(transport(&e.without_url(), bot.token()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_told_apart() {
        assert_eq!(classify(200, br#"{"ok":true,"result":5}"#), Ok(json!(5)));
        let e = |code: u16, d: &str| json!({"ok": false, "error_code": code, "description": d}).to_string();
        assert!(matches!(
            classify(401, e(401, "Unauthorized").as_bytes()),
            Err(ApiFailure::Unauthorized(_))
        ));
        assert!(matches!(
            classify(400, e(400, "Bad Request: chat not found").as_bytes()),
            Err(ApiFailure::Permanent(_))
        ));
        assert!(matches!(
            classify(
                409,
                e(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                )
                .as_bytes()
            ),
            Err(ApiFailure::TokenInUse(_))
        ));
        assert!(matches!(
            classify(502, b"<html>"),
            Err(ApiFailure::Transient {
                class: ErrorClass::RemoteDown,
                ..
            })
        ));
        let flood = json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3",
                           "parameters": {"retry_after": 3}});
        assert_eq!(
            classify(429, flood.to_string().as_bytes()),
            Err(ApiFailure::FloodWait { seconds: 3 })
        );
    }

    #[test]
    fn posts_in_a_chat_are_told_from_other_calls() {
        let body = json!({ "chat_id": -100, "text": "hola" });
        assert_eq!(posting_chat("sendMessage", &body), Some(-100));
        assert_eq!(posting_chat("editMessageText", &body), Some(-100));
        assert_eq!(posting_chat("SENDPHOTO", &json!({ "chat_id": "-7" })), Some(-7));
        assert_eq!(posting_chat("sendChatAction", &body), None, "not a message");
        assert_eq!(posting_chat("getUpdates", &body), None);
        assert_eq!(
            posting_chat("answerCallbackQuery", &json!({ "callback_query_id": "1" })),
            None
        );
        assert_eq!(posting_chat("sendMessage", &json!({ "chat_id": "@canal" })), None);
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(wait_seconds(Duration::ZERO), 1);
        assert_eq!(wait_seconds(Duration::from_millis(1)), 1);
        assert_eq!(wait_seconds(Duration::from_millis(1000)), 1);
        assert_eq!(wait_seconds(Duration::from_millis(1001)), 2);
    }
}
