//! One `editMessageText` call and what its answer means for the task.
//!
//! The request goes through the distributor's teloxide [`Bot`] (its HTTP
//! client, API URL and token) but is sent and decoded here, because
//! teloxide-core 0.13 sleeps 10 s inside every call that gets a 5xx answer
//! before returning it (`DELAY_ON_SERVER_ERROR`), which would stall the
//! verdict worker for every distributor; and it only knows older wordings of
//! some errors (e.g. "Forbidden: bot was kicked from the group chat" comes back
//! as `ApiError::Unknown`). Here every answer is classified at once from the
//! HTTP status, `error_code`, `description` and `parameters`.

use std::time::Duration;

use centermind_core::domain::error_class::ErrorClass;
use serde_json::{Value, json};
use teloxide::Bot;

/// What Telegram said about an edit, reduced to what the worker must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EditOutcome {
    /// The message now shows the text.
    Edited,
    /// It already showed exactly this text (a retry of an edit that went
    /// through): done as well.
    NotModified,
    /// Flood control: try again after this many seconds, not before.
    FloodWait { seconds: u32 },
    /// The group became a supergroup with this chat id.
    ChatMigrated { chat_id: i64 },
    /// Telegram refuses the bot token (401, or 404 on the bot's URL): no
    /// retry with this token can help, a new token can.
    Unauthorized(String),
    /// No retry can help (message deleted, bot removed, …).
    Permanent(String),
    /// Worth retrying later (network, timeout, Telegram 5xx, …).
    Transient(String),
}

impl EditOutcome {
    /// The class of a failure, as recorded in `error_events` and on the task;
    /// `None` for what is not a failure.
    pub(crate) fn failure_class(&self) -> Option<ErrorClass> {
        match self {
            Self::Edited | Self::NotModified | Self::FloodWait { .. } | Self::ChatMigrated { .. } => None,
            Self::Unauthorized(_) => Some(ErrorClass::Permission),
            Self::Permanent(why) => {
                let lower = why.to_lowercase();
                Some(
                    if lower.starts_with("403") || lower.contains("rights") || lower.contains("not a member") {
                        // Kicked, blocked, or no longer allowed to edit in the group.
                        ErrorClass::Permission
                    } else if lower.contains("not found") || lower.contains("message_id_invalid") {
                        // The message or the chat is gone.
                        ErrorClass::MissingPath
                    } else {
                        ErrorClass::InvalidInput
                    },
                )
            }
            Self::Transient(why) => Some(if why.to_lowercase().contains("timed out") {
                ErrorClass::Timeout
            } else {
                ErrorClass::RemoteDown
            }),
        }
    }
}

/// Send the edit. `timeout` bounds the whole request.
pub(crate) async fn edit_message_text(
    bot: &Bot,
    chat_id: i64,
    message_id: i64,
    text: &str,
    timeout: Duration,
) -> EditOutcome {
    let mut url = bot.api_url();
    match url.path_segments_mut() {
        Ok(mut segments) => {
            segments.pop_if_empty();
            segments.push(&format!("bot{}", bot.token()));
            segments.push("editMessageText");
        }
        Err(()) => return EditOutcome::Permanent("the Telegram API URL cannot take a path".into()),
    }
    let body = json!({
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        // Plain text, no parse_mode; a link in a comment must not grow a preview.
        "link_preview_options": { "is_disabled": true },
    });
    let sent = bot
        .client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .timeout(timeout)
        .send()
        .await;
    // reqwest errors name the URL, which holds the token: drop it, and scrub
    // whatever text is left for good measure.
    let response = match sent {
        Ok(r) => r,
        Err(e) => return EditOutcome::Transient(scrub(&describe(&e.without_url()), bot.token())),
    };
    let status = response.status().as_u16();
    match response.bytes().await {
        Ok(bytes) => classify(status, &bytes),
        Err(e) => EditOutcome::Transient(scrub(&describe(&e.without_url()), bot.token())),
    }
}

/// An error and its causes on one line ("error sending request: … : Connection refused").
fn describe(error: &dyn std::error::Error) -> String {
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

/// Decide from an HTTP status and the Bot API's JSON answer.
pub(crate) fn classify(status: u16, body: &[u8]) -> EditOutcome {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        // A proxy's HTML page, an empty body…: only the status says something.
        return match status {
            401 | 404 => {
                EditOutcome::Unauthorized(format!("HTTP {status} from the Telegram API (is the bot token valid?)"))
            }
            _ => EditOutcome::Transient(format!("HTTP {status} without a Bot API answer")),
        };
    };
    if answer.get("ok").and_then(Value::as_bool) == Some(true) {
        return EditOutcome::Edited;
    }
    let code = answer
        .get("error_code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(status);
    let description = answer
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("no description")
        .to_string();
    let lower = description.to_lowercase();
    let parameters = answer.get("parameters");
    if lower.contains("message is not modified") {
        return EditOutcome::NotModified;
    }
    if let Some(seconds) = parameters.and_then(|p| p.get("retry_after")).and_then(Value::as_u64) {
        return EditOutcome::FloodWait {
            seconds: u32::try_from(seconds).unwrap_or(u32::MAX),
        };
    }
    if let Some(chat_id) = parameters
        .and_then(|p| p.get("migrate_to_chat_id"))
        .and_then(Value::as_i64)
    {
        return EditOutcome::ChatMigrated { chat_id };
    }
    let what = format!("{code} {description}");
    match code {
        // A bad request stays bad: the message or chat is gone, the message is
        // not the bot's, the bot lacks rights… Retrying sends the same request.
        // 403: the bot was kicked or blocked.
        400 | 403 => EditOutcome::Permanent(what),
        // The token is revoked or wrong.
        401 | 404 => EditOutcome::Unauthorized(what),
        _ => EditOutcome::Transient(what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: u16, description: &str, parameters: Option<Value>) -> Vec<u8> {
        let mut v = json!({"ok": false, "error_code": code, "description": description});
        if let Some(p) = parameters {
            v["parameters"] = p;
        }
        v.to_string().into_bytes()
    }

    #[test]
    fn success_and_not_modified_are_both_done() {
        assert_eq!(
            classify(200, br#"{"ok":true,"result":{"message_id":1}}"#),
            EditOutcome::Edited
        );
        let not_modified = error(
            400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly \
             the same as a current content and reply markup of the message",
            None,
        );
        assert_eq!(classify(400, &not_modified), EditOutcome::NotModified);
    }

    #[test]
    fn flood_control_carries_its_delay() {
        let body = error(
            429,
            "Too Many Requests: retry after 17",
            Some(json!({"retry_after": 17})),
        );
        assert_eq!(classify(429, &body), EditOutcome::FloodWait { seconds: 17 });
        // Without the parameter it is an ordinary transient failure (backoff).
        assert!(matches!(
            classify(429, &error(429, "Too Many Requests", None)),
            EditOutcome::Transient(_)
        ));
    }

    #[test]
    fn gone_messages_chats_and_bots_are_permanent() {
        for (code, description) in [
            (400, "Bad Request: message to edit not found"),
            (400, "Bad Request: message can't be edited"),
            (400, "Bad Request: chat not found"),
            (400, "Bad Request: MESSAGE_ID_INVALID"),
            (403, "Forbidden: bot was kicked from the group chat"),
            (403, "Forbidden: bot is not a member of the supergroup chat"),
        ] {
            let outcome = classify(code, &error(code, description, None));
            assert!(
                matches!(&outcome, EditOutcome::Permanent(why) if why.contains(description)),
                "{description}: {outcome:?}"
            );
        }
    }

    #[test]
    fn failures_are_classed_for_the_admin() {
        let class = |code: u16, description: &str| classify(code, &error(code, description, None)).failure_class();
        assert_eq!(
            class(400, "Bad Request: message to edit not found"),
            Some(ErrorClass::MissingPath)
        );
        assert_eq!(class(400, "Bad Request: chat not found"), Some(ErrorClass::MissingPath));
        assert_eq!(
            class(403, "Forbidden: bot was kicked from the group chat"),
            Some(ErrorClass::Permission)
        );
        assert_eq!(
            class(400, "Bad Request: not enough rights to edit messages"),
            Some(ErrorClass::Permission)
        );
        assert_eq!(
            class(400, "Bad Request: message can't be edited"),
            Some(ErrorClass::InvalidInput)
        );
        assert_eq!(class(401, "Unauthorized"), Some(ErrorClass::Permission));
        assert_eq!(class(502, "Bad Gateway"), Some(ErrorClass::RemoteDown));
        assert_eq!(
            EditOutcome::Transient("error sending request: operation timed out".into()).failure_class(),
            Some(ErrorClass::Timeout)
        );
        assert_eq!(EditOutcome::Edited.failure_class(), None);
        assert_eq!(EditOutcome::FloodWait { seconds: 3 }.failure_class(), None);
    }

    #[test]
    fn a_refused_token_is_told_apart_from_other_permanent_failures() {
        for (code, description) in [(401, "Unauthorized"), (404, "Not Found")] {
            let outcome = classify(code, &error(code, description, None));
            assert!(
                matches!(&outcome, EditOutcome::Unauthorized(why) if why.contains(description)),
                "{description}: {outcome:?}"
            );
        }
        assert!(matches!(classify(401, b"nope"), EditOutcome::Unauthorized(_)));
    }

    #[test]
    fn server_errors_and_garbage_are_transient() {
        assert!(matches!(
            classify(500, &error(500, "Internal Server Error", None)),
            EditOutcome::Transient(_)
        ));
        assert!(matches!(
            classify(502, b"<html>Bad Gateway</html>"),
            EditOutcome::Transient(_)
        ));
        assert!(matches!(classify(200, b""), EditOutcome::Transient(_)));
    }

    #[test]
    fn a_migrated_group_gives_its_new_id() {
        let body = error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            Some(json!({"migrate_to_chat_id": -1_001_234})),
        );
        assert_eq!(classify(400, &body), EditOutcome::ChatMigrated { chat_id: -1_001_234 });
    }

    #[test]
    fn tokens_are_scrubbed_from_error_texts() {
        assert_eq!(
            scrub("for url (http://x/bot123:ABC/editMessageText)", "123:ABC"),
            "for url (http://x/bot[redacted]/editMessageText)"
        );
    }
}
