//! Live events inside one process (the sidecar): the bots publish new
//! exhibitions, the API publishes verdicts, and the event stream endpoint
//! forwards them to the desktop apps and the TV dashboard of each tenant.

use serde::Serialize;
use tokio::sync::broadcast;
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
}

impl LiveEvent {
    pub fn distributor_id(&self) -> DistributorId {
        match self {
            Self::ExhibitionCreated { distributor_id, .. }
            | Self::ExhibitionEvaluated { distributor_id, .. }
            | Self::BotStatusChanged { distributor_id, .. }
            | Self::ExhibitionsImported { distributor_id } => *distributor_id,
        }
    }

    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ExhibitionCreated { .. } => "exhibition_created",
            Self::ExhibitionEvaluated { .. } => "exhibition_evaluated",
            Self::BotStatusChanged { .. } => "bot_status_changed",
            Self::ExhibitionsImported { .. } => "exhibitions_imported",
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
        assert_eq!(e.distributor_id(), 2);
        assert_eq!(serde_json::to_value(&e).unwrap()["type"], "exhibition_created");
    }
}
