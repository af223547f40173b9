//! Proactive pacing of what our bots post in a chat, so Telegram rarely has
//! to answer 429.
//!
//! Telegram's limits: about one message per second in a chat, and at most 20
//! messages per minute in a group. Every send or edit a bot makes in a chat
//! reserves a slot on that (bot, chat) pair first, whichever part of the
//! process makes it (intake replies and confirmations, photo-worker notices,
//! verdict edits): the pacing is shared because the state is process-wide,
//! keyed by the API URL, the bot's id (the number before the token's colon)
//! and the chat. Other chats and other bots never wait for each other.
//!
//! A slot is a reservation: callers take the next free instant in order of
//! arrival and sleep until it comes, so waiters of one chat are served first
//! come, first served. A 429 (`retry_after`) pushes the chat's next free
//! instant to the end of the flood wait for every caller. The verdict worker,
//! which must not sleep (it serves every distributor), asks without waiting
//! ([`Throttle::reserve`] with no patience) and reschedules its task instead.
//!
//! A hand-written reservation scheduler rather than `governor`: we need two
//! limits on one key, flood waits imposed from outside, first-come ordering
//! and a non-blocking "when would it be free?", in ~100 lines without new
//! dependencies.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Duration;

use teloxide::Bot;
use tokio::time::Instant;

/// How fast a bot may post in one chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatLimits {
    /// Least time between two messages (sends or edits) of a bot in one chat.
    pub per_chat_interval: Duration,
    /// At most this many messages of a bot in a group…
    pub group_max: u32,
    /// …in any window this long. Private chats have no such limit.
    pub group_window: Duration,
}

impl Default for ChatLimits {
    /// Telegram's published limits: ~1 message/s per chat, 20 messages/min per group.
    fn default() -> Self {
        Self {
            per_chat_interval: Duration::from_secs(1),
            group_max: 20,
            group_window: Duration::from_secs(60),
        }
    }
}

impl ChatLimits {
    /// No pacing at all (benchmarks of raw capacity; only 429s slow a bot down).
    pub fn unlimited() -> Self {
        Self {
            per_chat_interval: Duration::ZERO,
            group_max: 0,
            group_window: Duration::ZERO,
        }
    }
}

/// The pacing state of one (bot, chat).
#[derive(Debug, Default)]
struct ChatPace {
    /// Reserved slots, oldest first; only as many as the group limit needs.
    recent: VecDeque<Instant>,
    /// The latest reserved slot.
    last: Option<Instant>,
    /// Nothing before this (Telegram's flood wait).
    blocked_until: Option<Instant>,
}

impl ChatPace {
    /// The first instant at or after `now` when a message may go out.
    fn next_free(&self, now: Instant, limits: &ChatLimits, group: bool) -> Instant {
        let mut at = now;
        if let Some(last) = self.last {
            at = at.max(last + limits.per_chat_interval);
        }
        if let Some(until) = self.blocked_until {
            at = at.max(until);
        }
        let max = limits.group_max as usize;
        if group && max > 0 && self.recent.len() >= max {
            // The message `max` places back must have left the window.
            at = at.max(self.recent[self.recent.len() - max] + limits.group_window);
        }
        at
    }

    /// Reserve the next free slot if it is at most `patience` away; otherwise
    /// how long one would have to wait (nothing is reserved then).
    fn reserve(
        &mut self,
        now: Instant,
        limits: &ChatLimits,
        group: bool,
        patience: Duration,
    ) -> Result<Instant, Duration> {
        let at = self.next_free(now, limits, group);
        let wait = at - now;
        if wait > patience {
            return Err(wait);
        }
        self.last = Some(at);
        self.recent.push_back(at);
        let keep = (limits.group_max as usize).max(1);
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
        Ok(at)
    }

    /// Whether the state says nothing any more (the key can be forgotten):
    /// no slot reserved in the last `horizon` and no flood wait running.
    fn idle(&self, now: Instant, horizon: Duration) -> bool {
        self.last.is_none_or(|t| t + horizon <= now) && self.blocked_until.is_none_or(|t| t <= now)
    }
}

/// (API URL, bot id, chat id).
type Key = (u64, i64, i64);

/// Pacing of every (bot, chat) of the process.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    state: Mutex<ThrottleState>,
}

#[derive(Debug, Default)]
struct ThrottleState {
    chats: HashMap<Key, ChatPace>,
    last_prune: Option<Instant>,
}

/// How often idle keys are dropped…
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// …once they reserved nothing for this long (longer than any window).
const FORGET_AFTER: Duration = Duration::from_secs(300);

/// The process-wide throttle.
pub(crate) fn global() -> &'static Throttle {
    static GLOBAL: LazyLock<Throttle> = LazyLock::new(Throttle::default);
    &GLOBAL
}

/// Where a bot posts: the throttle key of (this bot, `chat_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChatKey {
    key: Key,
}

impl ChatKey {
    pub(crate) fn new(bot: &Bot, chat_id: i64) -> Self {
        let mut url = std::collections::hash_map::DefaultHasher::new();
        bot.api_url().as_str().hash(&mut url);
        // A token is "<bot id>:<secret>"; the limits belong to the bot, not the token.
        let token = bot.token();
        let bot_id = token
            .split_once(':')
            .and_then(|(id, _)| id.parse().ok())
            .unwrap_or_else(|| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                token.hash(&mut h);
                h.finish() as i64
            });
        Self {
            key: (url.finish(), bot_id, chat_id),
        }
    }

    fn is_group(&self) -> bool {
        self.key.2 < 0
    }
}

impl Throttle {
    fn lock(&self) -> std::sync::MutexGuard<'_, ThrottleState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserve the chat's next slot if it comes within `patience`: `Ok(at)`,
    /// the instant to send at (now or later); `Err(wait)` when it is further
    /// away (nothing reserved).
    pub(crate) fn reserve(&self, key: ChatKey, limits: &ChatLimits, patience: Duration) -> Result<Instant, Duration> {
        let now = Instant::now();
        let mut state = self.lock();
        if state.last_prune.is_none_or(|t| now.duration_since(t) >= PRUNE_EVERY) {
            state.last_prune = Some(now);
            let horizon = FORGET_AFTER.max(limits.group_window).max(limits.per_chat_interval);
            state.chats.retain(|_, pace| !pace.idle(now, horizon));
        }
        state
            .chats
            .entry(key.key)
            .or_default()
            .reserve(now, limits, key.is_group(), patience)
    }

    /// Wait for a slot in the chat, at most `patience`; `Err(wait)` at once,
    /// without waiting, if the slot is further away than that.
    pub(crate) async fn acquire(&self, key: ChatKey, limits: &ChatLimits, patience: Duration) -> Result<(), Duration> {
        let at = self.reserve(key, limits, patience)?;
        tokio::time::sleep_until(at).await;
        Ok(())
    }

    /// Telegram asked this chat to wait `seconds` (429): nothing goes out
    /// before then, whoever asks.
    pub(crate) fn flood_wait(&self, key: ChatKey, seconds: u32) {
        let until = Instant::now() + Duration::from_secs(u64::from(seconds));
        let mut state = self.lock();
        let pace = state.chats.entry(key.key).or_default();
        pace.blocked_until = Some(pace.blocked_until.map_or(until, |t| t.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);
    const NO_WAIT: Duration = Duration::ZERO;
    const FOREVER: Duration = Duration::from_secs(3600);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn one_message_per_second_in_a_chat_in_order_of_arrival() {
        let limits = ChatLimits::default();
        let t0 = Instant::now();
        let mut pace = ChatPace::default();
        assert_eq!(
            pace.reserve(t0, &limits, true, NO_WAIT),
            Ok(t0),
            "the first goes at once"
        );
        assert_eq!(
            pace.reserve(t0, &limits, true, NO_WAIT),
            Err(S),
            "the next is a second away"
        );
        // Callers willing to wait queue up one second apart.
        assert_eq!(pace.reserve(t0, &limits, true, FOREVER), Ok(t0 + S));
        assert_eq!(pace.reserve(t0 + ms(100), &limits, true, FOREVER), Ok(t0 + 2 * S));
        // Once the queue has gone out, a late message goes at once.
        let later = t0 + 10 * S;
        assert_eq!(pace.reserve(later, &limits, true, NO_WAIT), Ok(later));
    }

    #[test]
    fn a_group_gets_twenty_messages_per_minute_a_private_chat_more() {
        let limits = ChatLimits::default();
        let t0 = Instant::now();
        let mut group = ChatPace::default();
        let mut private = ChatPace::default();
        for i in 0..20u32 {
            let at = t0 + i * S;
            assert_eq!(group.reserve(at, &limits, true, NO_WAIT), Ok(at), "message {i}");
            assert_eq!(private.reserve(at, &limits, false, NO_WAIT), Ok(at));
        }
        // The 21st in the group waits until the first left the 60 s window.
        let now = t0 + 20 * S;
        assert_eq!(group.reserve(now, &limits, true, NO_WAIT), Err(40 * S));
        assert_eq!(group.reserve(now, &limits, true, FOREVER), Ok(t0 + 60 * S));
        // …and the 22nd one second after that (the second message's turn).
        assert_eq!(group.reserve(now, &limits, true, FOREVER), Ok(t0 + 61 * S));
        assert_eq!(
            private.reserve(now, &limits, false, NO_WAIT),
            Ok(now),
            "no minute limit"
        );
    }

    #[test]
    fn a_flood_wait_holds_the_chat_until_it_ends() {
        let limits = ChatLimits::default();
        let t0 = Instant::now();
        let mut pace = ChatPace {
            blocked_until: Some(t0 + 5 * S),
            ..ChatPace::default()
        };
        assert_eq!(pace.reserve(t0, &limits, true, ms(4999)), Err(5 * S));
        assert_eq!(pace.reserve(t0, &limits, true, FOREVER), Ok(t0 + 5 * S));
        assert_eq!(pace.reserve(t0, &limits, true, FOREVER), Ok(t0 + 6 * S));
        // Also with no pacing at all.
        let mut free = ChatPace {
            blocked_until: Some(t0 + 3 * S),
            ..ChatPace::default()
        };
        assert_eq!(free.reserve(t0, &ChatLimits::unlimited(), true, NO_WAIT), Err(3 * S));
    }

    #[test]
    fn unlimited_never_waits() {
        let limits = ChatLimits::unlimited();
        let t0 = Instant::now();
        let mut pace = ChatPace::default();
        for _ in 0..100 {
            assert_eq!(pace.reserve(t0, &limits, true, NO_WAIT), Ok(t0));
        }
        assert!(pace.recent.len() <= 1, "keeps no history it does not need");
    }

    #[test]
    fn idle_chats_are_forgotten_only_when_nothing_is_owed() {
        let limits = ChatLimits::default();
        let t0 = Instant::now();
        let mut pace = ChatPace::default();
        pace.reserve(t0, &limits, true, NO_WAIT).unwrap();
        let horizon = 60 * S;
        assert!(!pace.idle(t0 + 59 * S, horizon), "still inside the group window");
        assert!(pace.idle(t0 + 60 * S, horizon));
        pace.blocked_until = Some(t0 + 90 * S);
        assert!(!pace.idle(t0 + 60 * S, horizon), "a flood wait is kept");
    }

    fn bot(token: &str, url: &str) -> Bot {
        Bot::new(token).set_api_url(url.parse().unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn keys_are_per_bot_and_chat_not_per_token() {
        let a = bot("111:AAA", "http://127.0.0.1:1");
        let a_new_token = bot("111:BBB", "http://127.0.0.1:1");
        let b = bot("222:AAA", "http://127.0.0.1:1");
        let a_elsewhere = bot("111:AAA", "http://127.0.0.1:2");
        assert_eq!(ChatKey::new(&a, -5), ChatKey::new(&a_new_token, -5));
        assert_ne!(ChatKey::new(&a, -5), ChatKey::new(&a, -6));
        assert_ne!(ChatKey::new(&a, -5), ChatKey::new(&b, -5));
        assert_ne!(ChatKey::new(&a, -5), ChatKey::new(&a_elsewhere, -5));
        assert!(ChatKey::new(&a, -5).is_group());
        assert!(!ChatKey::new(&a, 5).is_group());
    }

    #[test]
    fn the_process_wide_throttle_shares_a_chat_between_callers() {
        let throttle = Throttle::default();
        let limits = ChatLimits::default();
        let key = ChatKey::new(&bot("333:AAA", "http://127.0.0.1:3"), -1);
        let other = ChatKey::new(&bot("333:AAA", "http://127.0.0.1:3"), -2);
        assert!(throttle.reserve(key, &limits, NO_WAIT).is_ok());
        assert!(throttle.reserve(key, &limits, NO_WAIT).is_err(), "the same chat waits");
        assert!(
            throttle.reserve(other, &limits, NO_WAIT).is_ok(),
            "another chat does not"
        );
        throttle.flood_wait(other, 30);
        match throttle.reserve(other, &limits, NO_WAIT) {
            Err(wait) => assert!(wait > Duration::from_secs(29), "{wait:?}"),
            Ok(_) => panic!("a flood wait must hold the chat"),
        }
    }
}
