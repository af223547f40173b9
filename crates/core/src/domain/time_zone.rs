//! Distributor time zones. Times are stored in UTC; calendar questions
//! ("this month", "today", "22:00") are answered in the distributor's zone.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const DEFAULT_TIME_ZONE: &str = "America/Argentina/Buenos_Aires";

/// Parse an IANA time zone name such as `America/Argentina/Buenos_Aires`.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("\"{name}\" no es una zona horaria IANA conocida (por ejemplo America/Argentina/Buenos_Aires)")
    })
}

/// The UTC instant at which local wall-clock time `local` happens in `tz`.
///
/// Ambiguous times (clocks going back) take the earlier instant; times that
/// do not exist (clocks going forward) move to the first instant after the gap.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            // Walk forward minute by minute; real gaps are at most a few hours.
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += chrono::Duration::minutes(1);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) = tz.from_local_datetime(&probe) {
                    // The gap ends exactly on a whole minute in every real zone.
                    return t.with_timezone(&Utc);
                }
            }
            // Unreachable for real zones; fall back to reading the time as UTC.
            Utc.from_utc_datetime(&local)
        }
    }
}

/// A calendar month (year, 1–12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Self, String> {
        if (1..=12).contains(&month) {
            Ok(Self { year, month })
        } else {
            Err(format!("el mes va de 1 a 12, no {month}"))
        }
    }

    /// The month that contains `at` in `tz`.
    pub fn containing(at: DateTime<Utc>, tz: Tz) -> Self {
        let local = at.with_timezone(&tz);
        Self {
            year: local.year(),
            month: local.month(),
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// `[start, end)` in UTC of this month in `tz`.
    pub fn bounds(self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = resolve_local(tz, self.first_day().and_time(chrono::NaiveTime::MIN));
        let end = resolve_local(tz, self.next().first_day().and_time(chrono::NaiveTime::MIN));
        (start, end)
    }
}

impl std::str::FromStr for Month {
    type Err = String;
    /// Parses `YYYY-MM`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (y, m) = s
            .split_once('-')
            .ok_or_else(|| format!("se esperaba AAAA-MM (por ejemplo 2026-05), no \"{s}\""))?;
        let year = y.parse().map_err(|_| format!("el año de \"{s}\" no es válido"))?;
        let month = m.parse().map_err(|_| format!("el mes de \"{s}\" no es válido"))?;
        Self::new(year, month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn parses_known_zones_and_rejects_unknown() {
        assert!(parse_time_zone(DEFAULT_TIME_ZONE).is_ok());
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn month_bounds_follow_the_local_calendar() {
        let tz = parse_time_zone(DEFAULT_TIME_ZONE).unwrap(); // UTC-3, no DST
        let (start, end) = Month::new(2026, 3).unwrap().bounds(tz);
        assert_eq!(start, utc("2026-03-01T03:00:00Z"));
        assert_eq!(end, utc("2026-04-01T03:00:00Z"));
        // 1 March 01:00 UTC is still February in Buenos Aires.
        assert_eq!(
            Month::containing(utc("2026-03-01T01:00:00Z"), tz),
            Month::new(2026, 2).unwrap()
        );
    }

    #[test]
    fn december_rolls_over_to_january() {
        let tz = parse_time_zone("UTC").unwrap();
        let (_, end) = Month::new(2025, 12).unwrap().bounds(tz);
        assert_eq!(end, utc("2026-01-01T00:00:00Z"));
    }

    #[test]
    fn nonexistent_local_midnight_moves_past_the_gap() {
        // Santiago de Chile springs forward at 00:00 on 2026-09-06: midnight does not exist.
        let tz = parse_time_zone("America/Santiago").unwrap();
        let local = NaiveDate::from_ymd_opt(2026, 9, 6)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let t = resolve_local(tz, local);
        assert_eq!(t.with_timezone(&tz).format("%H:%M").to_string(), "01:00");
    }

    #[test]
    fn month_parses_and_prints() {
        let m: Month = "2026-11".parse().unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert!("2026-13".parse::<Month>().is_err());
        assert!("nov".parse::<Month>().is_err());
    }

    #[test]
    fn what_is_wrong_is_said_in_spanish() {
        assert_eq!(
            parse_time_zone("Mars/Olympus").unwrap_err(),
            "\"Mars/Olympus\" no es una zona horaria IANA conocida (por ejemplo America/Argentina/Buenos_Aires)"
        );
        let month = |s: &str| s.parse::<Month>().unwrap_err();
        assert_eq!(month("2026-13"), "el mes va de 1 a 12, no 13");
        assert_eq!(month("nov"), "se esperaba AAAA-MM (por ejemplo 2026-05), no \"nov\"");
        assert_eq!(month("dos-11"), "el año de \"dos-11\" no es válido");
        assert_eq!(month("2026-xi"), "el mes de \"2026-xi\" no es válido");
    }
}
