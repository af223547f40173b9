//! The burst rule: several photos sent quickly by one vendor in one chat form
//! a single exhibition (the old system: up to 5 photos within 8 seconds).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{ChatId, TelegramUserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurstRule {
    pub max_photos: usize,
    /// Measured from the first photo of the burst.
    pub window: Duration,
}

impl Default for BurstRule {
    fn default() -> Self {
        Self {
            max_photos: 5,
            window: Duration::seconds(8),
        }
    }
}

/// A burst being collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    pub chat_id: ChatId,
    pub vendor: TelegramUserId,
    pub started_at: DateTime<Utc>,
    pub photos: usize,
}

/// What to do with an incoming photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurstDecision {
    /// Add it to the open burst.
    Join,
    /// The open burst is full: tell the vendor about the limit, do not add.
    LimitReached,
    /// Start a new burst (different vendor/chat, or the window has passed).
    StartNew,
}

impl BurstRule {
    pub fn classify(
        &self,
        open: Option<&Burst>,
        chat_id: ChatId,
        vendor: TelegramUserId,
        at: DateTime<Utc>,
    ) -> BurstDecision {
        let Some(b) = open else {
            return BurstDecision::StartNew;
        };
        let same_sender = b.chat_id == chat_id && b.vendor == vendor;
        let elapsed = at - b.started_at;
        if !same_sender || elapsed > self.window || elapsed < Duration::zero() {
            return BurstDecision::StartNew;
        }
        if b.photos >= self.max_photos {
            BurstDecision::LimitReached
        } else {
            BurstDecision::Join
        }
    }

    /// Apply a photo to the open burst, returning the decision and the new open burst.
    pub fn apply(
        &self,
        open: Option<Burst>,
        chat_id: ChatId,
        vendor: TelegramUserId,
        at: DateTime<Utc>,
    ) -> (BurstDecision, Burst) {
        match (self.classify(open.as_ref(), chat_id, vendor, at), open) {
            (BurstDecision::Join, Some(mut b)) => {
                b.photos += 1;
                (BurstDecision::Join, b)
            }
            (BurstDecision::LimitReached, Some(b)) => (BurstDecision::LimitReached, b),
            _ => (
                BurstDecision::StartNew,
                Burst {
                    chat_id,
                    vendor,
                    started_at: at,
                    photos: 1,
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn five_photos_within_eight_seconds_form_one_burst_and_the_sixth_hits_the_limit() {
        let rule = BurstRule::default();
        let (d, mut b) = rule.apply(None, -100, 7, t(0));
        assert_eq!(d, BurstDecision::StartNew);
        for s in [1, 2, 5, 8] {
            let (d, nb) = rule.apply(Some(b), -100, 7, t(s));
            assert_eq!(d, BurstDecision::Join, "photo at {s}s");
            b = nb;
        }
        assert_eq!(b.photos, 5);
        let (d, b2) = rule.apply(Some(b.clone()), -100, 7, t(8));
        assert_eq!(d, BurstDecision::LimitReached);
        assert_eq!(b2, b);
    }

    #[test]
    fn after_the_window_a_new_burst_starts() {
        let rule = BurstRule::default();
        let (_, b) = rule.apply(None, -100, 7, t(0));
        let (d, nb) = rule.apply(Some(b), -100, 7, t(9));
        assert_eq!(d, BurstDecision::StartNew);
        assert_eq!((nb.photos, nb.started_at), (1, t(9)));
    }

    #[test]
    fn other_vendor_or_chat_never_joins() {
        let rule = BurstRule::default();
        let (_, b) = rule.apply(None, -100, 7, t(0));
        assert_eq!(rule.classify(Some(&b), -100, 8, t(1)), BurstDecision::StartNew);
        assert_eq!(rule.classify(Some(&b), -200, 7, t(1)), BurstDecision::StartNew);
    }

    #[test]
    fn limits_are_configurable() {
        let rule = BurstRule {
            max_photos: 2,
            window: Duration::seconds(3),
        };
        let (_, b) = rule.apply(None, 1, 1, t(0));
        let (d, b) = rule.apply(Some(b), 1, 1, t(3));
        assert_eq!(d, BurstDecision::Join);
        assert_eq!(rule.classify(Some(&b), 1, 1, t(3)), BurstDecision::LimitReached);
        assert_eq!(rule.classify(Some(&b), 1, 1, t(4)), BurstDecision::StartNew);
    }
}
