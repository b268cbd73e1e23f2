//! UTC instants and the calendar arithmetic retention needs: civil dates,
//! ISO weeks (with the ISO week-year), and Go's `AddDate` normalisation,
//! which restic's `--keep-within` uses.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// An instant in UTC, to the nanosecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime {
    secs: i64,
    nanos: u32,
}

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

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date; any day number is accepted and
/// rolls over into the following months (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl UtcTime {
    /// The instant of a valid civil date and time; `None` otherwise.
    pub fn from_civil(c: Civil) -> Option<Self> {
        let valid = (1..=12).contains(&c.month)
            && c.day >= 1
            && c.day <= days_in_month(c.year, c.month)
            && c.hour < 24
            && c.minute < 60
            && c.second < 60
            && c.nanos < 1_000_000_000;
        valid.then(|| Self {
            secs: days_from_civil(c.year, c.month, i64::from(c.day)) * 86_400
                + i64::from(c.hour * 3600 + c.minute * 60 + c.second),
            nanos: c.nanos,
        })
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

    /// Parses RFC 3339 as [`fmt::Display`] writes it (`2026-12-22T03:00:00Z`),
    /// with an optional fraction and a `Z` or `±hh:mm` offset; `None` for
    /// anything else.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let frac = s.get(start..i)?;
            if frac.is_empty() || frac.len() > 9 {
                return None;
            }
            nanos = format!("{frac:0<9}").parse().ok()?;
        }
        let offset: i64 = match s.get(i..)? {
            "Z" | "z" => 0,
            rest if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let hours = digits(i + 1..i + 3)?;
                let minutes = digits(i + 4..i + 6)?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                sign * i64::from(hours * 3600 + minutes * 60)
            }
            _ => return None,
        };
        let local = Self::from_civil(Civil {
            year: i64::from(digits(0..4)?),
            month: digits(5..7)?,
            day: digits(8..10)?,
            hour: digits(11..13)?,
            minute: digits(14..16)?,
            second: digits(17..19)?,
            nanos,
        })?;
        Some(local.add_seconds(-offset))
    }

    /// Seconds and nanoseconds since the Unix epoch.
    pub fn from_unix(secs: i64, nanos: u32) -> Self {
        Self {
            secs: secs + i64::from(nanos / 1_000_000_000),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// Now.
    pub fn now() -> Self {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => Self::from_unix(
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_nanos(),
            ),
            Err(_) => Self::from_unix(0, 0),
        }
    }

    /// The civil date and time.
    pub fn civil(self) -> Civil {
        let days = self.secs.div_euclid(86_400);
        let rem = u32::try_from(self.secs.rem_euclid(86_400)).unwrap_or(0);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            nanos: self.nanos,
        }
    }

    /// The ISO 8601 week: (ISO week-year, week 1 to 53). 2024-12-30 is in
    /// week 1 of 2025.
    pub fn iso_week(self) -> (i64, u32) {
        let days = self.secs.div_euclid(86_400);
        // 1970-01-01 was a Thursday; Monday = 0.
        let weekday = (days + 3).rem_euclid(7);
        let thursday = days - weekday + 3;
        let (year, ..) = civil_from_days(thursday);
        let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
        (year, u32::try_from(week).unwrap_or(1))
    }

    /// This instant moved by whole calendar units the way Go's
    /// `time.AddDate` does: the date is normalised, so 31 March minus one
    /// month is 3 March (31 February rolled over).
    #[must_use]
    pub fn add_date(self, years: i64, months: i64, days: i64) -> Self {
        let c = self.civil();
        let month_index = i64::from(c.month) - 1 + months;
        let year = c.year + years + month_index.div_euclid(12);
        let month = u32::try_from(month_index.rem_euclid(12) + 1).unwrap_or(1);
        let day_secs = self.secs.rem_euclid(86_400);
        Self {
            secs: days_from_civil(year, month, i64::from(c.day) + days) * 86_400 + day_secs,
            nanos: self.nanos,
        }
    }

    /// This instant plus `secs` seconds (negative to go back).
    #[must_use]
    pub fn add_seconds(self, secs: i64) -> Self {
        Self {
            secs: self.secs + secs,
            nanos: self.nanos,
        }
    }
}

impl fmt::Display for UtcTime {
    /// RFC 3339, `Z`, with a fraction only when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.civil();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        if c.nanos != 0 {
            let frac = format!("{:09}", c.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
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
    fn add_date_normalises_like_go() {
        assert_eq!(at(2024, 3, 31).add_date(0, -1, 0), at(2024, 3, 2));
        assert_eq!(at(2023, 3, 31).add_date(0, -1, 0), at(2023, 3, 3));
        assert_eq!(at(2024, 1, 15).add_date(-1, -2, -3), at(2022, 11, 12));
        assert_eq!(at(2024, 2, 29).add_date(1, 0, 0), at(2025, 3, 1));
    }
}
