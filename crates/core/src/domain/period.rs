//! Report periods: presets and custom ranges, cut on the distributor's calendar.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::time_zone::{Month, resolve_local};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Today,
    Yesterday,
    ThisWeek,
    ThisMonth,
    LastMonth,
    Last30Days,
    Last90Days,
}

/// `[start, end)` in UTC.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn day_start(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    resolve_local(tz, date.and_time(chrono::NaiveTime::MIN))
}

impl Period {
    /// A preset as seen at `now` on the wall clock of `tz`. Weeks start on Monday.
    pub fn preset(preset: Preset, now: DateTime<Utc>, tz: Tz) -> Self {
        let today = now.with_timezone(&tz).date_naive();
        let tomorrow = today + Duration::days(1);
        let days = |from: NaiveDate, to: NaiveDate| Self {
            start: day_start(from, tz),
            end: day_start(to, tz),
        };
        match preset {
            Preset::Today => days(today, tomorrow),
            Preset::Yesterday => days(today - Duration::days(1), today),
            Preset::ThisWeek => days(
                today - Duration::days(i64::from(today.weekday().num_days_from_monday())),
                tomorrow,
            ),
            Preset::ThisMonth => {
                let (start, _) = Month::containing(now, tz).bounds(tz);
                Self {
                    start,
                    end: day_start(tomorrow, tz),
                }
            }
            Preset::LastMonth => {
                let this = Month::containing(now, tz);
                let last = if this.month == 1 {
                    Month {
                        year: this.year - 1,
                        month: 12,
                    }
                } else {
                    Month {
                        year: this.year,
                        month: this.month - 1,
                    }
                };
                let (start, end) = last.bounds(tz);
                Self { start, end }
            }
            Preset::Last30Days => days(tomorrow - Duration::days(30), tomorrow),
            Preset::Last90Days => days(tomorrow - Duration::days(90), tomorrow),
        }
    }

    /// Whole local days from `from` to `to`, both included.
    pub fn custom(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Self, String> {
        if to < from {
            return Err(format!("el período termina ({to}) antes de empezar ({from})"));
        }
        if (to - from).num_days() > 3660 {
            return Err("un período puede abarcar como máximo diez años".into());
        }
        Ok(Self {
            start: day_start(from, tz),
            end: day_start(to + Duration::days(1), tz),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time_zone::parse_time_zone;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn presets_follow_the_local_calendar() {
        let tz = parse_time_zone("America/Argentina/Buenos_Aires").unwrap();
        // Thursday 2026-11-05 23:30 local = Friday 02:30 UTC.
        let now = utc("2026-11-06T02:30:00Z");
        let p = |preset| Period::preset(preset, now, tz);
        assert_eq!(
            p(Preset::Today),
            Period {
                start: utc("2026-11-05T03:00:00Z"),
                end: utc("2026-11-06T03:00:00Z")
            }
        );
        assert_eq!(p(Preset::Yesterday).start, utc("2026-11-04T03:00:00Z"));
        assert_eq!(p(Preset::ThisWeek).start, utc("2026-11-02T03:00:00Z"), "Monday");
        assert_eq!(p(Preset::ThisMonth).start, utc("2026-11-01T03:00:00Z"));
        assert_eq!(
            p(Preset::LastMonth),
            Period {
                start: utc("2026-10-01T03:00:00Z"),
                end: utc("2026-11-01T03:00:00Z")
            }
        );
        assert_eq!(p(Preset::Last30Days).start, utc("2026-10-07T03:00:00Z"));
    }

    #[test]
    fn last_month_of_january_is_december() {
        let tz = parse_time_zone("UTC").unwrap();
        let p = Period::preset(Preset::LastMonth, utc("2027-01-15T12:00:00Z"), tz);
        assert_eq!(p.start, utc("2026-12-01T00:00:00Z"));
    }

    #[test]
    fn custom_ranges_include_both_days_and_refuse_reversed_ones() {
        let tz = parse_time_zone("UTC").unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let p = Period::custom(d("2026-05-01"), d("2026-05-31"), tz).unwrap();
        assert_eq!(
            (p.start, p.end),
            (utc("2026-05-01T00:00:00Z"), utc("2026-06-01T00:00:00Z"))
        );
        assert_eq!(
            Period::custom(d("2026-05-02"), d("2026-05-01"), tz),
            Err("el período termina (2026-05-01) antes de empezar (2026-05-02)".to_string())
        );
        assert_eq!(
            Period::custom(d("2016-05-01"), d("2026-05-31"), tz),
            Err("un período puede abarcar como máximo diez años".to_string())
        );
    }
}
