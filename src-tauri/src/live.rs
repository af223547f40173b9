//! The server's live events for the open screens: `GET /api/v1/events`
//! (Server-Sent Events) followed in the background and handed to the UI as
//! [`LiveMessage`]s. A broken stream is reopened with backoff, and the UI is told
//! when it was reopened, since events may have been missed in between.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::client::{Backend, Token};
use crate::error::CommandError;
use crate::model::ExhibitionStatus;

/// The server sends a keep-alive every 15 s: three missed ones mean the
/// connection is dead even if TCP has not noticed (a laptop resumed, Wi-Fi changed).
pub const KEEP_ALIVE_GRACE: Duration = Duration::from_secs(45);

/// What the UI receives, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The stream is open. With `reconnected`, events may have been missed while it
    /// was closed: reload what is on screen.
    Connected { reconnected: bool },
    /// The stream broke (or could not be opened); it is tried again in `retry_in_ms`.
    Disconnected { retry_in_ms: u32, reason: String },
    /// A vendor's exhibition was registered as pending.
    ExhibitionCreated { exhibition_id: String },
    /// Someone (this app included) gave or changed a verdict.
    ExhibitionEvaluated {
        exhibition_id: String,
        status: ExhibitionStatus,
    },
    /// The distributor's bot changed state (running, lost, token in use, …).
    BotStatusChanged { state: String },
    /// Background work (of `task_kind`; `null`: several kinds) failed, recovered,
    /// was given up, retried or dismissed: Administración › Estado reads it again.
    /// (Not `kind`: that is the tag of these messages.)
    WorkChanged { task_kind: Option<String> },
    /// An admin's change was written in `distributor`'s history (`null`: the
    /// service's own): Administración › Actividad reads its newest entries (only
    /// admins' streams carry it; the superadmin's, for every distributor and the service).
    AuditRecorded { distributor: Option<i64> },
    /// The kiosk's ranking moved (the TV stream says no more than that).
    RankingChanged,
    /// The server dropped events for this client: reload what is on screen.
    Resync,
    /// The session ended on the server (401): following stops.
    SignedOut,
}

/// One server-sent event as the UI's message; `None` for what the app does not use
/// (or cannot read: an unknown event must not stop the stream).
#[must_use]
pub fn message(event: &str, data: &str) -> Option<LiveMessage> {
    #[derive(Deserialize)]
    struct Payload {
        exhibition_id: Option<String>,
        status: Option<ExhibitionStatus>,
        state: Option<String>,
        kind: Option<String>,
        distributor_id: Option<i64>,
    }
    match event {
        // An import brought many exhibitions or verdicts at once: reload, as after a gap.
        "resync" | "exhibitions_imported" => return Some(LiveMessage::Resync),
        "ranking_changed" => return Some(LiveMessage::RankingChanged),
        // The server closes the stream of a session that ended while it was open.
        "session_ended" => return Some(LiveMessage::SignedOut),
        _ => {}
    }
    let p: Payload = serde_json::from_str(data).ok()?;
    match event {
        "audit_recorded" => Some(LiveMessage::AuditRecorded {
            distributor: p.distributor_id,
        }),
        "exhibition_created" => Some(LiveMessage::ExhibitionCreated {
            exhibition_id: p.exhibition_id?,
        }),
        "exhibition_evaluated" => Some(LiveMessage::ExhibitionEvaluated {
            exhibition_id: p.exhibition_id?,
            status: p.status?,
        }),
        "bot_status_changed" => Some(LiveMessage::BotStatusChanged { state: p.state? }),
        "work_changed" => Some(LiveMessage::WorkChanged { task_kind: p.kind }),
        _ => None,
    }
}

/// How long to wait before the next attempt after `failures` failed ones in a row:
/// 1, 2, 4, 8, 16, then 30 s.
#[must_use]
pub fn retry_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64.checked_shl(failures).unwrap_or(u64::MAX).min(30))
}

/// How a read of the stream ended.
enum Ended {
    /// The UI no longer listens.
    ReceiverGone,
    /// The server ended the stream because the session is over; it was told to the UI.
    SignedOut,
    Broken(String),
}

#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error("no data from the server for {} s", KEEP_ALIVE_GRACE.as_secs())]
    Idle,
    #[error("{0}")]
    Transport(String),
}

/// Which stream a follower reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A person's session: `GET /api/v1/events` (of the named distributor: the
    /// superadmin's choice; `None` for everyone else).
    Session(Option<i64>),
    /// The office TV's token: `GET /api/v1/tv/events`.
    Tv,
}

/// Follows the event stream until the UI stops listening (`send` returns false) or
/// the session ends. Runs until aborted otherwise: reconnects with backoff.
pub async fn follow(backend: &Backend, token: &Token, distributor: Option<i64>, send: impl Fn(LiveMessage) -> bool) {
    follow_source(backend, token, Source::Session(distributor), send).await;
}

/// [`follow`] for either stream.
pub async fn follow_source(backend: &Backend, token: &Token, source: Source, send: impl Fn(LiveMessage) -> bool) {
    let mut failures = 0u32;
    let mut opened_before = false;
    loop {
        let opened = match source {
            Source::Session(distributor) => backend.events(token, distributor).await,
            Source::Tv => backend.tv_events(token).await,
        };
        let reason = match opened {
            Err(CommandError::Unauthenticated { .. }) => {
                send(LiveMessage::SignedOut);
                return;
            }
            Err(e) => e.to_string(),
            Ok(response) => {
                if !send(LiveMessage::Connected {
                    reconnected: opened_before,
                }) {
                    return;
                }
                opened_before = true;
                failures = 0;
                match read(response, &send).await {
                    Ended::ReceiverGone | Ended::SignedOut => return,
                    Ended::Broken(reason) => reason,
                }
            }
        };
        let delay = retry_delay(failures);
        failures = failures.saturating_add(1);
        tracing::info!(%reason, retry_in = ?delay, "live events interrupted");
        let retry_in_ms = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
        if !send(LiveMessage::Disconnected { retry_in_ms, reason }) {
            return;
        }
        tokio::time::sleep(delay).await;
    }
}

async fn read(response: reqwest::Response, send: &impl Fn(LiveMessage) -> bool) -> Ended {
    // Bytes, not events, prove the connection alive: keep-alives are SSE comments,
    // which the parser swallows.
    let chunks = futures_util::stream::unfold(Some(response), |state| async move {
        let mut response = state?;
        match tokio::time::timeout(KEEP_ALIVE_GRACE, response.chunk()).await {
            Err(_) => Some((Err(ReadError::Idle), None)),
            Ok(Err(e)) => Some((Err(ReadError::Transport(e.to_string())), None)),
            Ok(Ok(None)) => None,
            Ok(Ok(Some(bytes))) => Some((Ok(bytes), Some(response))),
        }
    });
    let mut events = std::pin::pin!(chunks.eventsource());
    while let Some(item) = events.next().await {
        let event = match item {
            Ok(event) => event,
            Err(e) => return Ended::Broken(e.to_string()),
        };
        let Some(m) = message(&event.event, &event.data) else {
            continue;
        };
        if matches!(m, LiveMessage::SignedOut) {
            send(m);
            return Ended::SignedOut;
        }
        if !send(m) {
            return Ended::ReceiverGone;
        }
    }
    Ended::Broken("the server closed the stream".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_events_become_ui_messages() {
        let id = "0195f0a0-0000-7000-8000-000000000001";
        assert_eq!(
            message(
                "exhibition_created",
                &format!(r#"{{"type":"exhibition_created","distributor_id":1,"exhibition_id":"{id}"}}"#)
            ),
            Some(LiveMessage::ExhibitionCreated {
                exhibition_id: id.into()
            })
        );
        assert_eq!(
            message(
                "exhibition_evaluated",
                &format!(
                    r#"{{"type":"exhibition_evaluated","distributor_id":1,"exhibition_id":"{id}","status":"highlighted"}}"#
                )
            ),
            Some(LiveMessage::ExhibitionEvaluated {
                exhibition_id: id.into(),
                status: ExhibitionStatus::Highlighted
            })
        );
        assert_eq!(
            message("bot_status_changed", r#"{"distributor_id":1,"state":"lost"}"#),
            Some(LiveMessage::BotStatusChanged { state: "lost".into() })
        );
        assert_eq!(message("resync", "{}"), Some(LiveMessage::Resync));
        assert_eq!(
            message(
                "exhibitions_imported",
                r#"{"type":"exhibitions_imported","distributor_id":1}"#
            ),
            Some(LiveMessage::Resync)
        );
        assert_eq!(message("session_ended", "{}"), Some(LiveMessage::SignedOut));
        assert_eq!(message("ranking_changed", "{}"), Some(LiveMessage::RankingChanged));
        assert_eq!(
            message(
                "work_changed",
                r#"{"type":"work_changed","distributor_id":1,"kind":"edit_confirmation"}"#
            ),
            Some(LiveMessage::WorkChanged {
                task_kind: Some("edit_confirmation".into())
            })
        );
        assert_eq!(
            message(
                "work_changed",
                r#"{"type":"work_changed","distributor_id":1,"kind":null}"#
            ),
            Some(LiveMessage::WorkChanged { task_kind: None })
        );
        assert_eq!(
            message("audit_recorded", r#"{"type":"audit_recorded","distributor_id":1}"#),
            Some(LiveMessage::AuditRecorded { distributor: Some(1) })
        );
        assert_eq!(
            message("audit_recorded", r#"{"type":"audit_recorded","distributor_id":null}"#),
            Some(LiveMessage::AuditRecorded { distributor: None })
        );
    }

    #[test]
    fn unknown_or_unreadable_events_are_skipped() {
        assert_eq!(message("something_new", r#"{"exhibition_id":"x"}"#), None);
        assert_eq!(message("exhibition_created", "not json"), None);
        assert_eq!(message("exhibition_evaluated", r#"{"exhibition_id":"x"}"#), None);
    }

    #[test]
    fn retries_back_off_to_thirty_seconds() {
        let secs: Vec<u64> = (0..8).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(retry_delay(200).as_secs(), 30);
    }

    #[test]
    fn messages_reach_the_ui_tagged_by_kind() {
        let json = serde_json::to_value(LiveMessage::Connected { reconnected: true }).unwrap();
        assert_eq!(json, serde_json::json!({ "kind": "connected", "reconnected": true }));
        let json = serde_json::to_value(LiveMessage::WorkChanged {
            task_kind: Some("store_photo".into()),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "kind": "work_changed", "task_kind": "store_photo" })
        );
    }
}
