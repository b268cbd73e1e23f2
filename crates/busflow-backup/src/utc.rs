//! UTC instants and the calendar arithmetic retention needs: civil dates,
//! ISO weeks (with the ISO week-year), and Go's `AddDate` normalisation,
//! which restic's `--keep-within` uses. The calendar is `jiff`'s; only the
//! Go-style roll-over is written here, because `jiff` clamps (31 March
//! minus a month is 29 February there, 2 March in Go and restic).

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

/// An instant in UTC, to the nanosecond, within `jiff`'s range (years
/// -9999 to 9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(Timestamp);

/// A UTC date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year (proleptic Gregorian).
    pub year: i64,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, from 1.
    pub day: u32,
    /// Hour, 0 to 23.
    pub hour: u32,
    /// Minute, 0 to 59.
    pub minute: u32,
    /// Second, 0 to 59.
    pub second: u32,
    /// Nanoseconds.
    pub nanos: u32,
}

impl UtcTime {
    /// The instant of a valid civil date and time; `None` otherwise.
    pub fn from_civil(c: Civil) -> Option<Self> {
        let dt = DateTime::new(
            i16::try_from(c.year).ok()?,
            i8::try_from(c.month).ok()?,
            i8::try_from(c.day).ok()?,
            i8::try_from(c.hour).ok()?,
            i8::try_from(c.minute).ok()?,
            i8::try_from(c.second).ok()?,
            i32::try_from(c.nanos).ok()?,
        )
        .ok()?;
        let zoned = dt.to_zoned(TimeZone::UTC).ok()?;
        Some(Self(zoned.timestamp()))
    }

    /// `year-month-day hour:minute` UTC, if valid.
    pub fn ymd_hm(year: i64, month: u32, day: u32, hour: u32, minute: u32) -> Option<Self> {
        Self::from_civil(Civil {
            year,
            month,
            day,
            hour,
            minute,
            second: 0,
            nanos: 0,
        })
    }

    /// Parses an RFC 3339 timestamp (`2026-12-22T03:00:00Z`, with an
    /// optional fraction and a `Z` or `±hh:mm` offset) as `jiff` reads one;
    /// `None` for anything without a date, a time and an offset.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        s.parse::<Timestamp>().ok().map(Self)
    }

    /// Midnight UTC of a civil date written `YYYY-MM-DD`; `None` for
    /// anything else (or a date that does not exist).
    pub fn parse_date(s: &str) -> Option<Self> {
        let date: Date = s.parse().ok()?;
        // jiff also reads dates with a time or an offset; a date is all.
        (date.to_string() == s).then_some(())?;
        let zoned = date.to_zoned(TimeZone::UTC).ok()?;
        Some(Self(zoned.timestamp()))
    }

    /// The civil date, `YYYY-MM-DD`.
    pub fn date_string(self) -> String {
        self.datetime().date().to_string()
    }

    /// Seconds and nanoseconds since the Unix epoch (clamped to `jiff`'s
    /// range).
    pub fn from_unix(secs: i64, nanos: u32) -> Self {
        let secs = secs.saturating_add(i64::from(nanos / 1_000_000_000));
        let nanos = i32::try_from(nanos % 1_000_000_000).unwrap_or(0);
        Self(Timestamp::new(secs, nanos).unwrap_or(if secs < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        }))
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        self.0.as_second()
    }

    /// Now.
    pub fn now() -> Self {
        Self(Timestamp::now())
    }

    fn datetime(self) -> DateTime {
        TimeZone::UTC.to_datetime(self.0)
    }

    /// The civil date and time.
    pub fn civil(self) -> Civil {
        let dt = self.datetime();
        let n = |v: i8| u32::try_from(v).unwrap_or(0);
        Civil {
            year: i64::from(dt.year()),
            month: n(dt.month()),
            day: n(dt.day()),
            hour: n(dt.hour()),
            minute: n(dt.minute()),
            second: n(dt.second()),
            nanos: u32::try_from(dt.subsec_nanosecond()).unwrap_or(0),
        }
    }

    /// The ISO 8601 week: (ISO week-year, week 1 to 53). 2024-12-30 is in
    /// week 1 of 2025.
    pub fn iso_week(self) -> (i64, u32) {
        let week = self.datetime().date().iso_week_date();
        (
            i64::from(week.year()),
            u32::try_from(week.week()).unwrap_or(1),
        )
    }

    /// This instant moved by whole calendar units the way Go's
    /// `time.AddDate` does: the date is normalised, so 31 March minus one
    /// month is 3 March (31 February rolled over). Out of `jiff`'s range
    /// the instant saturates.
    #[must_use]
    pub fn add_date(self, years: i64, months: i64, days: i64) -> Self {
        let dt = self.datetime();
        let month_index = i64::from(dt.month()) - 1 + months;
        let year = i64::from(dt.year()) + years + month_index.div_euclid(12);
        let month = month_index.rem_euclid(12) + 1;
        // The first of the target month, then the day number rolled over
        // as a count of days: Go's normalisation.
        let moved = i16::try_from(year)
            .ok()
            .and_then(|y| Date::new(y, i8::try_from(month).ok()?, 1).ok())
            .and_then(|first| {
                let roll = Span::new().try_days(i64::from(dt.day()) - 1 + days).ok()?;
                first.checked_add(roll).ok()
            })
            .and_then(|date| date.to_datetime(dt.time()).to_zoned(TimeZone::UTC).ok());
        match moved {
            Some(z) => Self(z.timestamp()),
            None if years < 0 || months < 0 || days < 0 => Self(Timestamp::MIN),
            None => Self(Timestamp::MAX),
        }
    }

    /// This instant plus `secs` seconds (negative to go back); saturates
    /// at the ends of `jiff`'s range.
    #[must_use]
    pub fn add_seconds(self, secs: i64) -> Self {
        match self.0.checked_add(SignedDuration::from_secs(secs)) {
            Ok(t) => Self(t),
            Err(_) if secs < 0 => Self(Timestamp::MIN),
            Err(_) => Self(Timestamp::MAX),
        }
    }
}

impl fmt::Display for UtcTime {
    /// RFC 3339, `Z`, with a fraction only when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_and_offsets_are_applied() {
        let t = UtcTime::ymd_hm(2026, 12, 22, 3, 0).expect("t");
        assert_eq!(UtcTime::parse_rfc3339(&t.to_string()), Some(t));
        assert_eq!(UtcTime::parse_rfc3339("2026-12-22T04:00:00+01:00"), Some(t));
        let f = UtcTime::parse_rfc3339("2026-12-22T03:00:00.25Z").expect("fraction");
        assert_eq!(f.to_string(), "2026-12-22T03:00:00.25Z");
        for bad in [
            "",
            "2026-12-22",
            "2026-12-22T03:00:00",
            "2026-02-30T03:00:00Z",
            "2026-12-22T03:00:00+1:00",
            "2026-12-22T03:00:00.Z",
            "2026-12-22T03:00:00Zjunk",
            "+026-12-22T03:00:00Z",
            "2026-12-22T03:00:00é",
        ] {
            assert_eq!(UtcTime::parse_rfc3339(bad), None, "{bad}");
        }
    }

    fn at(y: i64, m: u32, d: u32) -> UtcTime {
        UtcTime::ymd_hm(y, m, d, 12, 0).expect("date")
    }

    #[test]
    fn civil_round_trips_and_rejects_impossible_dates() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 12, 30),
            (1969, 12, 31),
            (2100, 3, 1),
        ] {
            let c = at(y, m, d).civil();
            assert_eq!((c.year, c.month, c.day, c.hour), (y, m, d, 12));
        }
        assert!(UtcTime::ymd_hm(2025, 2, 29, 0, 0).is_none());
        assert!(UtcTime::ymd_hm(2024, 13, 1, 0, 0).is_none());
        assert!(UtcTime::ymd_hm(2024, 1, 1, 24, 0).is_none());
        assert_eq!(at(2024, 2, 29).to_string(), "2024-02-29T12:00:00Z");
    }

    #[test]
    fn backup_002_iso_weeks_use_the_iso_week_year() {
        assert_eq!(at(2024, 12, 30).iso_week(), (2025, 1));
        assert_eq!(at(2025, 1, 1).iso_week(), (2025, 1));
        assert_eq!(at(2024, 12, 29).iso_week(), (2024, 52));
        assert_eq!(at(2021, 1, 3).iso_week(), (2020, 53));
        assert_eq!(at(2021, 1, 4).iso_week(), (2021, 1));
    }

    #[test]
    fn dates_parse_and_print_as_yyyy_mm_dd() {
        let d = UtcTime::parse_date("2026-02-28").expect("date");
        assert_eq!(d, at(2026, 2, 28).add_seconds(-12 * 3600));
        assert_eq!(d.date_string(), "2026-02-28");
        for bad in [
            "2026-02-29",
            "2026-2-28",
            "2026-02-28T00:00",
            "28.02.2026",
            "",
        ] {
            assert_eq!(UtcTime::parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn add_date_normalises_like_go() {
        assert_eq!(at(2024, 3, 31).add_date(0, -1, 0), at(2024, 3, 2));
        assert_eq!(at(2023, 3, 31).add_date(0, -1, 0), at(2023, 3, 3));
        assert_eq!(at(2024, 1, 15).add_date(-1, -2, -3), at(2022, 11, 12));
        assert_eq!(at(2024, 2, 29).add_date(1, 0, 0), at(2025, 3, 1));
    }
}
