//! Retry delays for work that talks to the outside world (Telegram, Drive).

use chrono::Duration;

/// Exponential backoff: `base * 2^(attempt-1)`, never more than `cap`.
/// `attempt` counts from 1 (the delay after the first failure is `base`).
pub fn backoff_delay(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let factor = 1i64 << exponent;
    base.checked_mul(factor as i32).map_or(cap, |d| d.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_base_and_stops_at_the_cap() {
        let base = Duration::seconds(2);
        let cap = Duration::minutes(5);
        let delays: Vec<i64> = (1..=10).map(|a| backoff_delay(a, base, cap).num_seconds()).collect();
        assert_eq!(delays, vec![2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        assert_eq!(
            backoff_delay(u32::MAX, Duration::seconds(1), Duration::hours(1)),
            Duration::hours(1)
        );
        assert_eq!(
            backoff_delay(0, Duration::seconds(3), Duration::hours(1)),
            Duration::seconds(3)
        );
    }
}
