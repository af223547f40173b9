//! Hibernation: the nightly window in which a distributor's bot does not
//! register photos. Evaluated in the distributor's own time zone.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::time_zone::resolve_local;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HibernationWindow {
    pub enabled: bool,
    /// Local time at which hibernation starts (inclusive).
    pub start: NaiveTime,
    /// Local time at which the bot opens again (exclusive).
    pub end: NaiveTime,
}

impl Default for HibernationWindow {
    fn default() -> Self {
        Self {
            enabled: true,
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(6, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

/// Parse `HH:MM` (24 h).
pub fn parse_hhmm(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| format!("se esperaba HH:MM (24 h), no \"{s}\""))
}

pub fn format_hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl HibernationWindow {
    /// Whether `at` falls inside the window, read on the wall clock of `tz`.
    /// A window whose start equals its end is empty.
    pub fn contains(&self, at: DateTime<Utc>, tz: Tz) -> bool {
        if !self.enabled || self.start == self.end {
            return false;
        }
        let local = at.with_timezone(&tz).time();
        if self.start < self.end {
            self.start <= local && local < self.end
        } else {
            // Crosses midnight, e.g. 22:00–06:00.
            local >= self.start || local < self.end
        }
    }

    /// When the bot opens again, if `at` is inside the window.
    pub fn reopens_at(&self, at: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        if !self.contains(at, tz) {
            return None;
        }
        let local = at.with_timezone(&tz);
        let today = local.date_naive();
        // The end is today if we are before it on the wall clock, else tomorrow.
        let day = if local.time() < self.end {
            today
        } else {
            today + Duration::days(1)
        };
        Some(resolve_local(tz, day.and_time(self.end)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time_zone::parse_time_zone;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn window(start: &str, end: &str) -> HibernationWindow {
        HibernationWindow {
            enabled: true,
            start: parse_hhmm(start).unwrap(),
            end: parse_hhmm(end).unwrap(),
        }
    }

    #[test]
    fn a_time_that_is_not_hh_mm_is_explained_in_spanish() {
        assert_eq!(
            parse_hhmm("25:99"),
            Err("se esperaba HH:MM (24 h), no \"25:99\"".to_string())
        );
    }

    #[test]
    fn default_window_crosses_midnight_in_buenos_aires() {
        let tz = parse_time_zone("America/Argentina/Buenos_Aires").unwrap(); // UTC-3
        let w = HibernationWindow::default();
        assert!(!w.contains(utc("2026-05-10T00:59:00Z"), tz)); // 21:59 local
        assert!(w.contains(utc("2026-05-10T01:00:00Z"), tz)); // 22:00 local
        assert!(w.contains(utc("2026-05-10T06:00:00Z"), tz)); // 03:00 local
        assert!(w.contains(utc("2026-05-10T08:59:00Z"), tz)); // 05:59 local
        assert!(!w.contains(utc("2026-05-10T09:00:00Z"), tz)); // 06:00 local
        assert!(!w.contains(utc("2026-05-10T15:00:00Z"), tz)); // 12:00 local
    }

    #[test]
    fn same_day_window() {
        let tz = parse_time_zone("UTC").unwrap();
        let w = window("13:00", "14:00");
        assert!(w.contains(utc("2026-05-10T13:30:00Z"), tz));
        assert!(!w.contains(utc("2026-05-10T14:00:00Z"), tz));
        assert!(!w.contains(utc("2026-05-10T12:59:59Z"), tz));
    }

    #[test]
    fn disabled_or_empty_window_never_hibernates() {
        let tz = parse_time_zone("UTC").unwrap();
        let w = HibernationWindow {
            enabled: false,
            ..Default::default()
        };
        assert!(!w.contains(utc("2026-05-10T23:00:00Z"), tz));
        assert!(!window("10:00", "10:00").contains(utc("2026-05-10T10:00:00Z"), tz));
    }

    #[test]
    fn follows_the_wall_clock_across_a_dst_change() {
        // Madrid: UTC+1 in winter, UTC+2 in summer (change on 2026-03-29).
        let tz = parse_time_zone("Europe/Madrid").unwrap();
        let w = HibernationWindow::default();
        // 21:30 UTC is 22:30 local in winter and 23:30 in summer: inside both times.
        assert!(w.contains(utc("2026-03-28T21:30:00Z"), tz));
        assert!(w.contains(utc("2026-03-29T21:30:00Z"), tz));
        // 20:30 UTC is 21:30 local in winter (open) but 22:30 in summer (hibernating).
        assert!(!w.contains(utc("2026-03-28T20:30:00Z"), tz));
        assert!(w.contains(utc("2026-03-29T20:30:00Z"), tz));
        // Opening after the change night: 06:00 local summer time = 04:00 UTC.
        assert_eq!(
            w.reopens_at(utc("2026-03-29T00:30:00Z"), tz),
            Some(utc("2026-03-29T04:00:00Z"))
        );
    }

    #[test]
    fn reopening_time_is_today_or_tomorrow() {
        let tz = parse_time_zone("America/Argentina/Buenos_Aires").unwrap();
        let w = HibernationWindow::default();
        // 23:00 local on the 10th → opens 06:00 local on the 11th (09:00 UTC).
        assert_eq!(
            w.reopens_at(utc("2026-05-11T02:00:00Z"), tz),
            Some(utc("2026-05-11T09:00:00Z"))
        );
        // 02:00 local on the 11th → opens 06:00 the same day.
        assert_eq!(
            w.reopens_at(utc("2026-05-11T05:00:00Z"), tz),
            Some(utc("2026-05-11T09:00:00Z"))
        );
        assert_eq!(w.reopens_at(utc("2026-05-11T15:00:00Z"), tz), None);
    }

    #[test]
    fn parses_hhmm() {
        assert_eq!(format_hhmm(parse_hhmm("06:30").unwrap()), "06:30");
        assert!(parse_hhmm("25:00").is_err());
        assert!(parse_hhmm("6pm").is_err());
    }
}
