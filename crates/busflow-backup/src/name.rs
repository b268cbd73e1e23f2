//! BACKUP-001: dump names, `pg_dump_YYYYMMDD_HHMM.dump`, as UTC instants.
//!
//! A key is the object's full key; its last path segment is the name, so
//! `nightly/pg_dump_20261122_0300.dump` is a dump of 2026-11-22 03:00 UTC.
//! Anything else — another shape, an impossible date or time — is a
//! [`Rejection`] that names the key and why: listed and reported, never
//! consumed, never deleted.

use std::fmt;

use crate::utc::{Civil, UtcTime};

/// A conforming dump name: its key and the instant it names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DumpName {
    at: UtcTime,
    key: String,
}

/// Why a key is not a dump name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectReason {
    /// Not `pg_dump_` + 8 digits + `_` + 4 digits + `.dump`.
    Shape,
    /// The digits are not a calendar date (`20260230`).
    Date,
    /// The digits are not a time of day (`2460`).
    Time,
}

/// A key that is not a dump name, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The object key.
    pub key: String,
    /// Why it was rejected.
    pub reason: RejectReason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            RejectReason::Shape => "is not named pg_dump_YYYYMMDD_HHMM.dump",
            RejectReason::Date => "names a date that does not exist",
            RejectReason::Time => "names a time of day that does not exist",
        };
        write!(f, "`{}` {why}; it is left alone", self.key)
    }
}

impl std::error::Error for Rejection {}

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

impl DumpName {
    /// The dump name of `key`, or why it is not one.
    pub fn parse(key: &str) -> Result<Self, Rejection> {
        let reject = |reason| Rejection {
            key: key.to_owned(),
            reason,
        };
        let name = key.rsplit('/').next().unwrap_or(key).as_bytes();
        let shape = name.len() == "pg_dump_YYYYMMDD_HHMM.dump".len()
            && name.starts_with(b"pg_dump_")
            && name.ends_with(b".dump")
            && name[16] == b'_';
        let (Some(date), Some(time)) = (
            shape.then(|| digits(&name[8..16])).flatten(),
            shape.then(|| digits(&name[17..21])).flatten(),
        ) else {
            return Err(reject(RejectReason::Shape));
        };
        let (year, month, day) = (i64::from(date / 10_000), date / 100 % 100, date % 100);
        let (hour, minute) = (time / 100, time % 100);
        if hour > 23 || minute > 59 {
            return Err(reject(RejectReason::Time));
        }
        let at = UtcTime::ymd_hm(year, month, day, hour, minute)
            .ok_or_else(|| reject(RejectReason::Date))?;
        Ok(Self {
            at,
            key: key.to_owned(),
        })
    }

    /// The conventional name for a dump started at `at` (seconds dropped),
    /// under `prefix` (empty, or ending in `/`).
    pub fn for_instant(prefix: &str, at: UtcTime) -> Self {
        let Civil {
            year,
            month,
            day,
            hour,
            minute,
            ..
        } = at.civil();
        let key = format!("{prefix}pg_dump_{year:04}{month:02}{day:02}_{hour:02}{minute:02}.dump");
        let at = UtcTime::ymd_hm(year, month, day, hour, minute).unwrap_or(at);
        Self { at, key }
    }

    /// The instant the name gives.
    pub fn at(&self) -> UtcTime {
        self.at
    }

    /// The object key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for DumpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// The newest conforming dump of a listing (by the instant in its name)
/// with its size, and the keys that are not dump names with why: the one
/// search the verify (BACKUP-005) and the cutover's pin (UBI-CUT-004) use.
pub fn newest_dump(
    listing: &[crate::store::ObjectInfo],
) -> (Option<(DumpName, u64)>, Vec<Rejection>) {
    let mut newest: Option<(DumpName, u64)> = None;
    let mut rejected = Vec::new();
    for o in listing {
        match DumpName::parse(&o.key) {
            Ok(n) if newest.as_ref().is_none_or(|(m, _)| n.at() > m.at()) => {
                newest = Some((n, o.size));
            }
            Ok(_) => {}
            Err(r) => rejected.push(r),
        }
    }
    (newest, rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_001_conforming_names_are_utc_instants() {
        let n = DumpName::parse("pg_dump_20261122_0300.dump").expect("valid");
        assert_eq!(n.at().to_string(), "2026-11-22T03:00:00Z");
        let n = DumpName::parse("nightly/pg_dump_20240229_2359.dump").expect("leap day");
        assert_eq!(n.key(), "nightly/pg_dump_20240229_2359.dump");
        let at = UtcTime::from_civil(Civil {
            year: 2026,
            month: 1,
            day: 5,
            hour: 7,
            minute: 4,
            second: 59,
            nanos: 1,
        })
        .expect("t");
        assert_eq!(
            DumpName::for_instant("db/", at).key(),
            "db/pg_dump_20260105_0704.dump"
        );
        assert_eq!(
            DumpName::parse(DumpName::for_instant("", at).key()).map(|n| n.at()),
            Ok(UtcTime::ymd_hm(2026, 1, 5, 7, 4).expect("t"))
        );
    }

    #[test]
    fn backup_001_everything_else_is_rejected_with_a_reason() {
        for (key, reason) in [
            ("pg_dump_20261122_0300.dump.tmp", RejectReason::Shape),
            ("pg_dump_2026112_0300.dump", RejectReason::Shape),
            ("pg_dump_20261122-0300.dump", RejectReason::Shape),
            ("pg_dump_2026112a_0300.dump", RejectReason::Shape),
            ("PG_DUMP_20261122_0300.dump", RejectReason::Shape),
            ("pg_dump_20261122_0300.sql", RejectReason::Shape),
            ("pg_dump_20261122_0300.dump/", RejectReason::Shape),
            ("pg_dump_20250229_0300.dump", RejectReason::Date),
            ("pg_dump_20261301_0300.dump", RejectReason::Date),
            ("pg_dump_20261100_0300.dump", RejectReason::Date),
            ("pg_dump_20261122_2400.dump", RejectReason::Time),
            ("pg_dump_20261122_0360.dump", RejectReason::Time),
        ] {
            let r = DumpName::parse(key).expect_err(key);
            assert_eq!(r.reason, reason, "{key}");
            assert!(r.to_string().contains(key), "{r}");
        }
    }
}
