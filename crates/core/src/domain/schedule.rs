//! Schedules of the scheduled jobs (`jobs` table): when a job runs next.
//!
//! Two forms, written as text in the database, the API and the CLI:
//!
//! - `every 15m`, `every 2h`: an interval (1 minute to 7 days), counted from
//!   the previous run;
//! - `daily 03:00`: once a day at a wall-clock time of the job's IANA time zone
//!   (the job row carries the zone; the old system's daily jobs broke on
//!   servers whose scheduler ignored zones, so the zone is always explicit).
//!
//! A job counts from an *anchor*: its last run, or the last time its schedule
//! changed or it was resumed, whichever is later. [`Schedule::next_after`]
//! answers when the next run is; an answer at or before `now` means the job
//! is due because it missed runs (the service was off), and it runs once,
//! however many it missed.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::hibernation::{format_hhmm, parse_hhmm};
use super::time_zone::resolve_local;

/// Shortest interval: one minute.
pub const MIN_INTERVAL_MINUTES: u32 = 1;
/// Longest interval: a week (a daily job is written `daily HH:MM`).
pub const MAX_INTERVAL_MINUTES: u32 = 7 * 24 * 60;

/// When a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Schedule {
    /// Every this many minutes, counted from the previous run.
    Every { minutes: u32 },
    /// Once a day at this local time of the job's time zone.
    Daily { at: NaiveTime },
}

/// Why a schedule (or a job's time zone) was refused. People read these
/// through [`crate::messages::schedule_error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("empty schedule")]
    Empty,
    #[error("unknown schedule '{0}' (expected e.g. 'every 15m', 'every 2h' or 'daily 03:00')")]
    Unrecognised(String),
    #[error("bad interval '{0}' (minutes like 15m or hours like 2h)")]
    BadInterval(String),
    #[error("the interval must be at least 1 minute")]
    TooShort,
    #[error("the interval must be at most 7 days")]
    TooLong,
    #[error("bad time of day '{0}' (HH:MM, 24 h)")]
    BadTime(String),
    #[error("unknown IANA time zone '{0}'")]
    UnknownTimeZone(String),
}

/// A job's time zone: an IANA name such as `America/Argentina/Buenos_Aires`.
pub fn parse_job_time_zone(name: &str) -> Result<Tz, ScheduleError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| ScheduleError::UnknownTimeZone(name.trim().to_string()))
}

impl Schedule {
    /// When the job runs next, counted from `anchor` (its last run, or when
    /// its schedule last changed or it was resumed, whichever is later).
    ///
    /// A result after `now` is a future run. A result at or before `now`
    /// means the job is due: it missed one or more runs, and the result is the
    /// *latest* it missed, so that one run catches up however many were
    /// missed (a daily summary then reports that day). An anchor in the future
    /// (the clock went back) counts from `now`.
    ///
    /// Daily times follow the zone's wall clock across daylight-saving changes:
    /// a time that does not exist that day (clocks jump forward over it) runs
    /// at the first instant after the gap; a time that happens twice (clocks
    /// go back) runs once, at the first of the two.
    pub fn next_after(&self, anchor: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let anchor = anchor.min(now);
        match *self {
            Self::Every { minutes } => {
                let step = i64::from(minutes.max(MIN_INTERVAL_MINUTES)) * 60;
                let first = anchor + Duration::seconds(step);
                if first > now {
                    return first;
                }
                let missed = (now - anchor).num_seconds() / step;
                anchor + Duration::seconds(step * missed)
            }
            Self::Daily { at } => {
                let first = first_slot_after(at, anchor, tz);
                if first > now {
                    first
                } else {
                    last_slot_at_or_before(at, now, tz).max(first)
                }
            }
        }
    }

    /// The interval, for `Every`.
    pub fn interval(&self) -> Option<Duration> {
        match *self {
            Self::Every { minutes } => Some(Duration::minutes(i64::from(minutes))),
            Self::Daily { .. } => None,
        }
    }
}

/// The instant local time `at` happens on `date` in `tz`.
fn slot(at: NaiveTime, date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    resolve_local(tz, date.and_time(at))
}

/// The first daily slot strictly after `t`.
fn first_slot_after(at: NaiveTime, t: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let day = t.with_timezone(&tz).date_naive();
    // The slot of the day before can only come after `t` around a gap that
    // pushed it into the next day; two days on is always after.
    (-1..=2)
        .map(|k| slot(at, day + Duration::days(k), tz))
        .find(|s| *s > t)
        .unwrap_or_else(|| slot(at, day + Duration::days(2), tz))
}

/// The latest daily slot at or before `t`.
fn last_slot_at_or_before(at: NaiveTime, t: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let day = t.with_timezone(&tz).date_naive();
    (-2..=1)
        .rev()
        .map(|k| slot(at, day + Duration::days(k), tz))
        .find(|s| *s <= t)
        .unwrap_or_else(|| slot(at, day - Duration::days(2), tz))
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// `every <n>m`, `every <n>h` (also `min`, and a space before the unit)
    /// or `daily HH:MM`, case-insensitive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_lowercase();
        let mut words = text.split_whitespace();
        let Some(kind) = words.next() else {
            return Err(ScheduleError::Empty);
        };
        let rest: String = words.collect::<Vec<_>>().join(" ");
        match kind {
            "every" => parse_interval(&rest),
            "daily" => {
                if rest.is_empty() || rest.contains(' ') {
                    return Err(ScheduleError::BadTime(rest));
                }
                parse_hhmm(&rest)
                    .map(|at| Self::Daily { at })
                    .map_err(|_| ScheduleError::BadTime(rest))
            }
            _ => Err(ScheduleError::Unrecognised(s.trim().to_string())),
        }
    }
}

fn parse_interval(rest: &str) -> Result<Schedule, ScheduleError> {
    let compact: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let bad = || ScheduleError::BadInterval(rest.to_string());
    let digits_end = compact.find(|c: char| !c.is_ascii_digit()).unwrap_or(compact.len());
    let (number, unit) = compact.split_at(digits_end);
    if number.is_empty() {
        return Err(bad());
    }
    let per_unit: u64 = match unit {
        "m" | "min" | "mins" => 1,
        "h" | "hs" => 60,
        _ => return Err(bad()),
    };
    // Too many digits for any number is "too long", not "malformed".
    let minutes = number.parse::<u64>().unwrap_or(u64::MAX).saturating_mul(per_unit);
    if minutes < u64::from(MIN_INTERVAL_MINUTES) {
        return Err(ScheduleError::TooShort);
    }
    if minutes > u64::from(MAX_INTERVAL_MINUTES) {
        return Err(ScheduleError::TooLong);
    }
    Ok(Schedule::Every {
        minutes: u32::try_from(minutes).map_err(|_| ScheduleError::TooLong)?,
    })
}

impl fmt::Display for Schedule {
    /// The canonical text: `every 90m`, `every 2h`, `daily 03:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Every { minutes } if minutes % 60 == 0 => write!(f, "every {}h", minutes / 60),
            Self::Every { minutes } => write!(f, "every {minutes}m"),
            Self::Daily { at } => write!(f, "daily {}", format_hhmm(at)),
        }
    }
}

impl serde::Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn tz(name: &str) -> Tz {
        parse_job_time_zone(name).unwrap()
    }

    fn schedule(s: &str) -> Schedule {
        s.parse().unwrap()
    }

    fn local(t: DateTime<Utc>, zone: Tz) -> String {
        t.with_timezone(&zone).format("%Y-%m-%d %H:%M %Z").to_string()
    }

    #[test]
    fn parses_and_prints_the_canonical_forms() {
        for (text, canonical) in [
            ("every 15m", "every 15m"),
            ("every 2h", "every 2h"),
            ("Every 120m", "every 2h"),
            ("every 90 min", "every 90m"),
            ("  every   1 h ", "every 1h"),
            ("every 1m", "every 1m"),
            ("every 168h", "every 168h"),
            ("daily 03:00", "daily 03:00"),
            ("DAILY 3:05", "daily 03:05"),
            ("daily 23:59", "daily 23:59"),
        ] {
            let s = schedule(text);
            assert_eq!(s.to_string(), canonical, "{text}");
            assert_eq!(schedule(&s.to_string()), s, "round trip of {text}");
        }
        assert_eq!(schedule("every 15m"), Schedule::Every { minutes: 15 });
        assert_eq!(schedule("every 2h").interval(), Some(Duration::hours(2)));
        assert_eq!(schedule("daily 03:00").interval(), None);
    }

    #[test]
    fn refuses_bad_schedules_with_the_reason() {
        assert_eq!("".parse::<Schedule>(), Err(ScheduleError::Empty));
        assert_eq!("   ".parse::<Schedule>(), Err(ScheduleError::Empty));
        assert_eq!(
            "weekly monday".parse::<Schedule>(),
            Err(ScheduleError::Unrecognised("weekly monday".into()))
        );
        assert_eq!(
            "*/5 * * * *".parse::<Schedule>(),
            Err(ScheduleError::Unrecognised("*/5 * * * *".into()))
        );
        assert_eq!("every 0m".parse::<Schedule>(), Err(ScheduleError::TooShort));
        assert_eq!("every 0h".parse::<Schedule>(), Err(ScheduleError::TooShort));
        assert_eq!("every 169h".parse::<Schedule>(), Err(ScheduleError::TooLong));
        assert_eq!(
            "every 99999999999999999999999m".parse::<Schedule>(),
            Err(ScheduleError::TooLong)
        );
        for bad in [
            "every",
            "every m",
            "every 15",
            "every 15s",
            "every 1.5h",
            "every -5m",
            "every 2d",
        ] {
            assert!(
                matches!(bad.parse::<Schedule>(), Err(ScheduleError::BadInterval(_))),
                "{bad}"
            );
        }
        for bad in ["daily", "daily 25:00", "daily 3pm", "daily 03:00 04:00", "daily 12:60"] {
            assert!(
                matches!(bad.parse::<Schedule>(), Err(ScheduleError::BadTime(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            tz(" America/Argentina/Buenos_Aires "),
            chrono_tz::America::Argentina::Buenos_Aires
        );
        assert_eq!(
            parse_job_time_zone("GMT-3 Buenos Aires"),
            Err(ScheduleError::UnknownTimeZone("GMT-3 Buenos Aires".into()))
        );
    }

    #[test]
    fn an_interval_counts_from_the_anchor() {
        let s = schedule("every 15m");
        let utc_tz = tz("UTC");
        let anchor = utc("2026-05-10T12:00:00Z");
        assert_eq!(
            s.next_after(anchor, utc("2026-05-10T12:05:00Z"), utc_tz),
            utc("2026-05-10T12:15:00Z")
        );
        // Exactly on time: due.
        let due = s.next_after(anchor, utc("2026-05-10T12:15:00Z"), utc_tz);
        assert_eq!(due, utc("2026-05-10T12:15:00Z"));
    }

    #[test]
    fn missed_intervals_are_caught_up_once() {
        let s = schedule("every 1h");
        let z = tz("UTC");
        // Off for a day and a half: due now, at the latest slot missed (not 36 runs).
        let anchor = utc("2026-05-10T12:00:00Z");
        let now = utc("2026-05-12T00:30:00Z");
        let next = s.next_after(anchor, now, z);
        assert_eq!(next, utc("2026-05-12T00:00:00Z"));
        assert!(next <= now);
        // It runs at `now`, which becomes the anchor: the next one is an hour later.
        assert_eq!(s.next_after(now, now, z), utc("2026-05-12T01:30:00Z"));
        assert!(s.next_after(now, now + Duration::seconds(1), z) > now + Duration::seconds(1));
    }

    #[test]
    fn an_anchor_in_the_future_counts_from_now() {
        let s = schedule("every 10m");
        let now = utc("2026-05-10T12:00:00Z");
        assert_eq!(
            s.next_after(utc("2026-05-11T12:00:00Z"), now, tz("UTC")),
            utc("2026-05-10T12:10:00Z")
        );
        let d = schedule("daily 03:00");
        assert_eq!(
            d.next_after(utc("2026-06-01T00:00:00Z"), now, tz("UTC")),
            utc("2026-05-11T03:00:00Z")
        );
    }

    #[test]
    fn daily_runs_at_the_local_time_of_the_zone() {
        let s = schedule("daily 03:00");
        let ba = tz("America/Argentina/Buenos_Aires"); // UTC-3, no DST
        // Anchor 10 May 12:00 local (15:00 UTC): next 11 May 03:00 local = 06:00 UTC.
        let anchor = utc("2026-05-10T15:00:00Z");
        assert_eq!(s.next_after(anchor, anchor, ba), utc("2026-05-11T06:00:00Z"));
        // Anchor 02:00 local: the same day's 03:00.
        assert_eq!(
            s.next_after(utc("2026-05-10T05:00:00Z"), utc("2026-05-10T05:00:00Z"), ba),
            utc("2026-05-10T06:00:00Z")
        );
        // A run exactly at 03:00 local counts as that day's: the next is tomorrow.
        let ran = utc("2026-05-10T06:00:00Z");
        assert_eq!(s.next_after(ran, ran, ba), utc("2026-05-11T06:00:00Z"));
        // The same schedule in another zone is another instant.
        assert_eq!(s.next_after(ran, ran, tz("Europe/Madrid")), utc("2026-05-11T01:00:00Z"));
    }

    #[test]
    fn missed_days_are_caught_up_once_at_the_latest_slot() {
        let s = schedule("daily 20:00");
        let ba = tz("America/Argentina/Buenos_Aires");
        // Last run 5 May 20:00 local; the service was off until 9 May 08:00 local.
        let anchor = utc("2026-05-05T23:00:00Z");
        let now = utc("2026-05-09T11:00:00Z");
        let next = s.next_after(anchor, now, ba);
        assert!(next <= now, "due");
        // The latest missed slot is 8 May 20:00 local (a summary reports that day).
        assert_eq!(local(next, ba), "2026-05-08 20:00 -03");
        // Run at `now`: the next one is tonight, not another catch-up.
        assert_eq!(local(s.next_after(now, now, ba), ba), "2026-05-09 20:00 -03");
        // Off less than a day past the slot: that slot.
        let now = utc("2026-05-06T23:30:00Z");
        assert_eq!(s.next_after(anchor, now, ba), utc("2026-05-06T23:00:00Z"));
    }

    #[test]
    fn a_time_the_clocks_skip_runs_right_after_the_gap() {
        // New York springs forward on 8 March 2026: 02:00 → 03:00, so 02:30 does not exist.
        let ny = tz("America/New_York");
        let s = schedule("daily 02:30");
        let anchor = utc("2026-03-07T12:00:00Z"); // 7 March 07:00 EST, after that day's 02:30
        let on_gap_day = s.next_after(anchor, anchor, ny);
        assert_eq!(local(on_gap_day, ny), "2026-03-08 03:00 EDT");
        assert_eq!(on_gap_day, utc("2026-03-08T07:00:00Z"));
        // Having run then, the next day's 02:30 exists again.
        assert_eq!(
            local(s.next_after(on_gap_day, on_gap_day, ny), ny),
            "2026-03-09 02:30 EDT"
        );
        // Santiago de Chile: midnight of 6 September 2026 does not exist.
        let scl = tz("America/Santiago");
        let midnight = schedule("daily 00:00");
        let t = utc("2026-09-05T12:00:00Z");
        assert_eq!(local(midnight.next_after(t, t, scl), scl), "2026-09-06 01:00 -03");
    }

    #[test]
    fn a_time_the_clocks_repeat_runs_once() {
        // New York falls back on 1 November 2026: 01:00–02:00 happens twice.
        let ny = tz("America/New_York");
        let s = schedule("daily 01:30");
        let anchor = utc("2026-10-31T12:00:00Z");
        let first = s.next_after(anchor, anchor, ny);
        // The first 01:30 (EDT, UTC-4).
        assert_eq!(first, utc("2026-11-01T05:30:00Z"));
        // Having run then, the second 01:30 (EST, 06:30 UTC) is not another run.
        let after = first + Duration::seconds(5);
        let next = s.next_after(after, utc("2026-11-01T06:40:00Z"), ny);
        assert_eq!(local(next, ny), "2026-11-02 01:30 EST");
        assert_eq!(next, utc("2026-11-02T06:30:00Z"));
        // Off across the repeated hour: one catch-up, at the first 01:30.
        let off = s.next_after(utc("2026-10-31T06:00:00Z"), utc("2026-11-01T07:00:00Z"), ny);
        assert_eq!(off, utc("2026-11-01T05:30:00Z"));
    }

    #[test]
    fn intervals_ignore_the_wall_clock() {
        // Across the New York spring-forward night, every 1h is 60 real minutes.
        let ny = tz("America/New_York");
        let s = schedule("every 1h");
        let anchor = utc("2026-03-08T06:30:00Z"); // 01:30 EST
        let next = s.next_after(anchor, anchor, ny);
        assert_eq!(next - anchor, Duration::hours(1));
        assert_eq!(local(next, ny), "2026-03-08 03:30 EDT");
    }

    #[test]
    fn serialises_as_its_text() {
        let s = schedule("every 120m");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"every 2h\"");
        let back: Schedule = serde_json::from_str("\"daily 03:00\"").unwrap();
        assert_eq!(back, schedule("daily 03:00"));
        assert!(serde_json::from_str::<Schedule>("\"hourly\"").is_err());
    }
}
