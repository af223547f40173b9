//! Live events inside one process (the sidecar): the bots publish new
//! exhibitions, the API publishes verdicts, and the event stream endpoint
//! forwards them to the desktop apps and the TV dashboard of each tenant.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;
use tokio::time::Instant;
use uuid::Uuid;

use crate::domain::DistributorId;
use crate::domain::exhibition::ExhibitionStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    ExhibitionCreated {
        distributor_id: DistributorId,
        exhibition_id: Uuid,
    },
    ExhibitionEvaluated {
        distributor_id: DistributorId,
        exhibition_id: Uuid,
        status: ExhibitionStatus,
    },
    BotStatusChanged {
        distributor_id: DistributorId,
        state: String,
    },
    /// The legacy import added exhibitions or brought verdicts to this
    /// distributor, too many to announce one by one: re-read what is on screen.
    ExhibitionsImported { distributor_id: DistributorId },
    /// Background work changed in a way an admin watches: a task failed for the
    /// first time, recovered, was given up, retried or dismissed. `kind` is its
    /// task kind (`None`: several kinds at once). Routine progress (queued, then
    /// done at the first attempt) is not announced: each event costs every open
    /// stream a session check.
    WorkChanged {
        distributor_id: DistributorId,
        kind: Option<String>,
    },
    /// Someone changed this distributor's set-up (`None`: the service's own,
    /// such as a scheduled job) and it was written in the history ("Actividad"):
    /// admins who have it open read its newest entries. Which change is not
    /// said: the history itself checks who may read it.
    AuditRecorded { distributor_id: Option<DistributorId> },
}

impl LiveEvent {
    /// Whose the event is; `None` for a change of the service's own set-up.
    pub fn distributor_id(&self) -> Option<DistributorId> {
        match self {
            Self::ExhibitionCreated { distributor_id, .. }
            | Self::ExhibitionEvaluated { distributor_id, .. }
            | Self::BotStatusChanged { distributor_id, .. }
            | Self::ExhibitionsImported { distributor_id }
            | Self::WorkChanged { distributor_id, .. } => Some(*distributor_id),
            Self::AuditRecorded { distributor_id } => *distributor_id,
        }
    }

    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ExhibitionCreated { .. } => "exhibition_created",
            Self::ExhibitionEvaluated { .. } => "exhibition_evaluated",
            Self::BotStatusChanged { .. } => "bot_status_changed",
            Self::ExhibitionsImported { .. } => "exhibitions_imported",
            Self::WorkChanged { .. } => "work_changed",
            Self::AuditRecorded { .. } => "audit_recorded",
        }
    }
}

/// A cheap-to-clone publisher. Publishing with no subscriber is fine (dropped).
#[derive(Clone, Debug)]
pub struct EventBus(broadcast::Sender<LiveEvent>);

impl Default for EventBus {
    fn default() -> Self {
        // Slow consumers that fall this far behind are told to reload.
        Self(broadcast::channel(1024).0)
    }
}

impl EventBus {
    pub fn publish(&self, event: LiveEvent) {
        let _ = self.0.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.0.subscribe()
    }
}

/// Announces [`LiveEvent::WorkChanged`] for the background workers, at most
/// once a `window` per distributor and kind: the first notice at once, the
/// rest of a burst as one more event when the window is over. An outage or an
/// import waiting for credentials fails thousands of tasks in a row; each
/// event costs every open stream a session check, and a burst would overflow
/// the bus (every follower, visors included, would then re-read everything).
#[derive(Clone, Debug)]
pub struct WorkNotices {
    bus: EventBus,
    window: Duration,
    last: Arc<Mutex<HashMap<(DistributorId, String), Announced>>>,
}

/// Of one distributor and kind: when it was last announced, and whether an
/// announcement is already scheduled for the end of that window.
type Announced = (Instant, bool);

impl WorkNotices {
    pub const WINDOW: Duration = Duration::from_secs(1);

    #[must_use]
    pub fn new(bus: EventBus, window: Duration) -> Self {
        Self {
            bus,
            window,
            last: Arc::default(),
        }
    }

    /// Work of `kind` changed for `distributor`. Needs a Tokio runtime (the
    /// end of a burst is announced from a timer).
    pub fn notice(&self, distributor: DistributorId, kind: &str) {
        let key = (distributor, kind.to_string());
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let due = match last.get_mut(&key) {
            Some((_, true)) => return,
            Some((at, scheduled)) if now < *at + self.window => {
                *scheduled = true;
                Some(*at + self.window)
            }
            _ => {
                last.insert(key.clone(), (now, false));
                None
            }
        };
        drop(last);
        let Some(due) = due else {
            self.publish(key);
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            this.last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key.clone(), (Instant::now(), false));
            this.publish(key);
        });
    }

    fn publish(&self, (distributor_id, kind): (DistributorId, String)) {
        self.bus.publish(LiveEvent::WorkChanged {
            distributor_id,
            kind: Some(kind),
        });
    }
}

impl Default for WorkNotices {
    /// Nobody listens: for workers run without the service's bus (tests, CLI).
    fn default() -> Self {
        Self::new(EventBus::default(), Self::WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_receive_what_is_published_after_they_subscribe() {
        let bus = EventBus::default();
        bus.publish(LiveEvent::BotStatusChanged {
            distributor_id: 1,
            state: "lost".into(),
        });
        let mut rx = bus.subscribe();
        let e = LiveEvent::ExhibitionCreated {
            distributor_id: 2,
            exhibition_id: Uuid::nil(),
        };
        bus.publish(e.clone());
        assert_eq!(rx.recv().await.unwrap(), e);
        assert_eq!(e.distributor_id(), Some(2));
        assert_eq!(serde_json::to_value(&e).unwrap()["type"], "exhibition_created");
    }

    #[tokio::test]
    async fn a_burst_of_work_notices_is_one_event_then_one_more_at_the_end_of_the_window() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        let window = Duration::from_millis(300);
        let notices = WorkNotices::new(bus, window);
        for _ in 0..50 {
            notices.notice(1, "store_photo");
        }
        notices.notice(1, "edit_confirmation");
        notices.notice(2, "store_photo");
        let changed = |d: DistributorId, kind: &str| LiveEvent::WorkChanged {
            distributor_id: d,
            kind: Some(kind.into()),
        };
        // At once: the first of each distributor and kind.
        assert_eq!(rx.try_recv().unwrap(), changed(1, "store_photo"));
        assert_eq!(rx.try_recv().unwrap(), changed(1, "edit_confirmation"));
        assert_eq!(rx.try_recv().unwrap(), changed(2, "store_photo"));
        assert!(rx.try_recv().is_err(), "the rest of the burst waits for the window");
        // The other 49 as one, when the window is over.
        let trailing = tokio::time::timeout(window * 10, rx.recv()).await.unwrap().unwrap();
        assert_eq!(trailing, changed(1, "store_photo"));
        tokio::time::sleep(window * 2).await;
        assert!(rx.try_recv().is_err(), "nothing more: {:?}", rx.try_recv());
        // Quiet since: the next notice is announced at once again.
        notices.notice(1, "store_photo");
        assert_eq!(rx.try_recv().unwrap(), changed(1, "store_photo"));
        let json = serde_json::to_value(changed(1, "store_photo")).unwrap();
        assert_eq!(json["type"], "work_changed");
        assert_eq!(json["kind"], "store_photo");
        assert_eq!(changed(1, "x").name(), "work_changed");
    }
}
