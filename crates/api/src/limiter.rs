//! Login rate limiting: after too many failures for one username or from one
//! address within a window, further attempts are refused until it passes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(5, Duration::from_secs(15 * 60))
    }
}

impl LoginLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(wait)` if any of `keys` is currently blocked.
    pub fn blocked(&self, keys: &[String], now: Instant) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| {
                let q = map.get_mut(k)?;
                while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    q.pop_front();
                }
                (q.len() >= self.max_failures).then(|| q.front().map(|t| self.window - now.duration_since(*t)))?
            })
            .max()
    }

    pub fn record_failure(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.entry(k.clone()).or_default().push_back(now);
        }
        // Keep memory bounded under a flood of distinct usernames.
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
    }

    /// A successful login clears the username's failures (not the address's).
    pub fn record_success(&self, username_key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(username_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_the_window_passes() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let keys = vec!["user:ana".to_string(), "ip:1.2.3.4".to_string()];
        let t0 = Instant::now();
        for i in 0..3 {
            assert!(l.blocked(&keys, t0).is_none(), "attempt {i}");
            l.record_failure(&keys, t0);
        }
        let wait = l.blocked(&keys, t0 + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(l.blocked(&keys, t0 + Duration::from_secs(61)).is_none());
    }

    #[test]
    fn success_clears_the_username_but_not_the_address() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        let keys = vec!["user:ana".to_string(), "ip:1.2.3.4".to_string()];
        l.record_failure(&keys, t0);
        l.record_failure(&keys, t0);
        l.record_success("user:ana");
        assert!(l.blocked(&["user:ana".to_string()], t0).is_none());
        assert!(l.blocked(&["ip:1.2.3.4".to_string()], t0).is_some());
    }
}
