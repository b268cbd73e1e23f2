//! BACKUP-002 and BACKUP-003: which dumps to keep, as a typed policy and a
//! plan that says why each kept dump is kept.
//!
//! Periods are calendar periods in UTC; weeks are ISO weeks of the ISO
//! week-year; each period keeps its newest dump, and a rule with count left
//! when the history runs out keeps the oldest dump too (restic ≥ 0.16,
//! borg). Dumps are ordered by the instant their name gives — never by
//! another field, the mistake that once made WAL-G delete new backups.
//! `keep-within` spans count back from the newest dump, not from the clock,
//! so a producer that stopped does not age every dump out.
//!
//! Two ways of counting, both named:
//! - [`Counting::Independent`] (restic): every rule looks at every dump, so
//!   one dump can fill a daily and a weekly slot; 14 daily + 4 weekly keeps
//!   15 nightly dumps (16 when the newest falls on a Sunday).
//! - [`Counting::Additive`] (borg, the default, since the document says
//!   14 + 4): a rule only counts dumps no earlier rule kept; 14 + 4 keeps 18.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::Error;
use crate::name::{DumpName, Rejection};
use crate::utc::UtcTime;

/// A count meaning "every period" (restic's `-1`).
pub const ALL: u32 = u32::MAX;

/// How rules share dumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Counting {
    /// restic: rules count independently; a dump may fill several slots.
    Independent,
    /// borg: a rule's slots go to dumps no earlier rule kept (the default).
    #[default]
    Additive,
}

/// A keep-within span in restic's units: years, months, days, hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// Years.
    pub years: u32,
    /// Months.
    pub months: u32,
    /// Days.
    pub days: u32,
    /// Hours.
    pub hours: u32,
}

impl Span {
    /// Days only.
    pub const fn days(days: u32) -> Self {
        Self {
            years: 0,
            months: 0,
            days,
            hours: 0,
        }
    }

    /// Parses restic's `1y2m3d4h` (units in any order, each once at most).
    pub fn parse(s: &str) -> Option<Self> {
        let mut span = Self::default();
        let mut seen = [false; 4];
        let mut n: Option<u32> = None;
        for c in s.chars() {
            if let Some(d) = c.to_digit(10) {
                n = Some(n.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
                continue;
            }
            let (slot, field) = match c {
                'y' => (0, &mut span.years),
                'm' => (1, &mut span.months),
                'd' => (2, &mut span.days),
                'h' => (3, &mut span.hours),
                _ => return None,
            };
            if seen[slot] {
                return None;
            }
            seen[slot] = true;
            *field = n.take()?;
        }
        (n.is_none() && !s.is_empty()).then_some(span)
    }

    /// Whether the span is empty (the rule is off).
    pub fn is_zero(self) -> bool {
        self == Self::default()
    }

    /// The instant `self` before `from`, by Go's calendar arithmetic.
    fn before(self, from: UtcTime) -> UtcTime {
        from.add_date(
            -i64::from(self.years),
            -i64::from(self.months),
            -i64::from(self.days),
        )
        .add_seconds(-3600 * i64::from(self.hours))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, unit) in [
            (self.years, 'y'),
            (self.months, 'm'),
            (self.days, 'd'),
            (self.hours, 'h'),
        ] {
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

/// A calendar period kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Period {
    /// Every dump is its own period (`keep-last`).
    Each,
    /// A UTC hour.
    Hour,
    /// A UTC day.
    Day,
    /// An ISO week.
    Week,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Period {
    fn of(self, at: UtcTime, nr: usize) -> i64 {
        let c = at.civil();
        match self {
            Period::Each => i64::try_from(nr).unwrap_or(i64::MAX),
            Period::Hour => {
                ((c.year * 100 + i64::from(c.month)) * 100 + i64::from(c.day)) * 100
                    + i64::from(c.hour)
            }
            Period::Day => (c.year * 100 + i64::from(c.month)) * 100 + i64::from(c.day),
            Period::Week => {
                let (y, w) = at.iso_week();
                y * 100 + i64::from(w)
            }
            Period::Month => c.year * 100 + i64::from(c.month),
            Period::Year => c.year,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Period::Each => "last",
            Period::Hour => "hourly",
            Period::Day => "daily",
            Period::Week => "weekly",
            Period::Month => "monthly",
            Period::Year => "yearly",
        }
    }
}

/// Why a dump is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// It fills a slot of a counted rule (`daily`); `oldest` when it is the
    /// oldest dump kept because the rule had count left.
    Slot {
        /// The rule's period.
        period: Period,
        /// Kept as the oldest dump of a rule with count left.
        oldest: bool,
    },
    /// It is within the span of the newest dump.
    Within(Span),
    /// It is the newest of its period within the span (`daily within 1m`),
    /// or the oldest dump within it (`oldest daily within 1m`).
    PeriodWithin {
        /// The rule's period.
        period: Period,
        /// The span.
        span: Span,
        /// Kept as the oldest dump in the span.
        oldest: bool,
    },
    /// It is pinned until the instant (BACKUP-003).
    Pinned(UtcTime),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Slot {
                period,
                oldest: false,
            } => f.write_str(period.name()),
            Reason::Slot {
                period,
                oldest: true,
            } => write!(f, "oldest {}", period.name()),
            Reason::Within(span) => write!(f, "within {span}"),
            Reason::PeriodWithin {
                period,
                span,
                oldest,
            } => {
                let oldest = if *oldest { "oldest " } else { "" };
                write!(f, "{oldest}{} within {span}", period.name())
            }
            Reason::Pinned(until) => write!(f, "pinned until {until}"),
        }
    }
}

/// A dump pinned until an instant (BACKUP-003): kept whatever the rules say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The dump's key.
    pub key: String,
    /// Kept until then.
    pub until: UtcTime,
}

/// A retention policy. Counts are per period ([`ALL`] for every period);
/// spans are restic's `keep-within` family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetentionPolicy {
    /// The newest dumps.
    pub last: u32,
    /// Newest dump of each hour.
    pub hourly: u32,
    /// Newest dump of each day.
    pub daily: u32,
    /// Newest dump of each ISO week.
    pub weekly: u32,
    /// Newest dump of each month.
    pub monthly: u32,
    /// Newest dump of each year.
    pub yearly: u32,
    /// Every dump within this span of the newest.
    pub within: Span,
    /// Newest dump of each hour within this span.
    pub within_hourly: Span,
    /// Newest dump of each day within this span.
    pub within_daily: Span,
    /// Newest dump of each week within this span.
    pub within_weekly: Span,
    /// Newest dump of each month within this span.
    pub within_monthly: Span,
    /// Newest dump of each year within this span.
    pub within_yearly: Span,
    /// How rules share dumps.
    pub counting: Counting,
}

/// A kept dump and every reason it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The key.
    pub key: String,
    /// The instant its name gives.
    pub at: UtcTime,
    /// Why, in rule order.
    pub reasons: Vec<Reason>,
}

/// What retention would do: keep ∪ delete ∪ rejected is the listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Kept dumps, newest first.
    pub keep: Vec<Kept>,
    /// Dumps to delete, newest first.
    pub delete: Vec<String>,
    /// Keys that are not dump names: never deleted.
    pub rejected: Vec<Rejection>,
}

impl Plan {
    /// The plan as JSON: `keep` (key, instant, reasons), `delete` (keys)
    /// and `rejected` (key and why).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "keep": self.keep.iter().map(|k| serde_json::json!({
                "key": k.key,
                "at": k.at.to_string(),
                "reasons": k.reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "delete": self.delete,
            "rejected": self.rejected.iter().map(|r| serde_json::json!({
                "key": r.key,
                "why": r.to_string(),
            })).collect::<Vec<_>>(),
        })
    }
}

impl RetentionPolicy {
    /// The document's policy: 14 daily and 4 weekly, additive.
    pub const fn documented() -> Self {
        Self {
            last: 0,
            hourly: 0,
            daily: 14,
            weekly: 4,
            monthly: 0,
            yearly: 0,
            within: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            within_hourly: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            within_daily: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            within_weekly: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            within_monthly: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            within_yearly: Span {
                years: 0,
                months: 0,
                days: 0,
                hours: 0,
            },
            counting: Counting::Additive,
        }
    }

    fn counted(&self) -> [(Period, u32); 6] {
        [
            (Period::Each, self.last),
            (Period::Hour, self.hourly),
            (Period::Day, self.daily),
            (Period::Week, self.weekly),
            (Period::Month, self.monthly),
            (Period::Year, self.yearly),
        ]
    }

    fn spans(&self) -> [(Period, Span); 5] {
        [
            (Period::Hour, self.within_hourly),
            (Period::Day, self.within_daily),
            (Period::Week, self.within_weekly),
            (Period::Month, self.within_monthly),
            (Period::Year, self.within_yearly),
        ]
    }

    /// Whether the policy keeps nothing by itself (planning refuses it: an
    /// empty policy would delete every dump).
    pub fn is_empty(&self) -> bool {
        self.counted().iter().all(|(_, n)| *n == 0)
            && self.within.is_zero()
            && self.spans().iter().all(|(_, s)| s.is_zero())
    }

    /// Plans retention over a bucket listing: keys that are not dump names
    /// are rejected (and left alone), `pins` still in force at `now` are
    /// kept whatever the rules say.
    pub fn plan<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
        pins: &[Pin],
        now: UtcTime,
    ) -> Result<Plan, Error> {
        let mut entries = Vec::new();
        let mut rejected = Vec::new();
        for key in keys {
            match DumpName::parse(key) {
                Ok(name) => entries.push((name.key().to_owned(), name.at())),
                Err(r) => rejected.push(r),
            }
        }
        let mut plan = self.plan_instants(entries, pins, now)?;
        plan.rejected = rejected;
        Ok(plan)
    }

    /// Plans retention over keys with their instants (any naming).
    pub fn plan_instants(
        &self,
        mut entries: Vec<(String, UtcTime)>,
        pins: &[Pin],
        now: UtcTime,
    ) -> Result<Plan, Error> {
        if self.is_empty() {
            return Err(Error::empty_policy());
        }
        // Newest first; equal instants in key order, so plans are stable.
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut reasons: Vec<Vec<Reason>> = vec![Vec::new(); entries.len()];
        if let Some(latest) = entries.first().map(|e| e.1) {
            match self.counting {
                Counting::Independent => self.independent(&entries, latest, &mut reasons),
                Counting::Additive => self.additive(&entries, latest, &mut reasons),
            }
        }
        let pinned: BTreeMap<&str, UtcTime> = pins
            .iter()
            .filter(|p| p.until > now)
            .map(|p| (p.key.as_str(), p.until))
            .collect();
        let mut plan = Plan::default();
        for ((key, at), mut why) in entries.into_iter().zip(reasons) {
            if let Some(until) = pinned.get(key.as_str()) {
                why.push(Reason::Pinned(*until));
            }
            if why.is_empty() {
                plan.delete.push(key);
            } else {
                plan.keep.push(Kept {
                    key,
                    at,
                    reasons: why,
                });
            }
        }
        Ok(plan)
    }

    fn within_rules(
        &self,
        entries: &[(String, UtcTime)],
        latest: UtcTime,
        reasons: &mut [Vec<Reason>],
    ) {
        let last_nr = entries.len() - 1;
        if !self.within.is_zero() {
            let from = self.within.before(latest);
            for (nr, (_, at)) in entries.iter().enumerate() {
                if *at > from {
                    reasons[nr].push(Reason::Within(self.within));
                }
            }
        }
        for (period, span) in self.spans() {
            if span.is_zero() {
                continue;
            }
            let from = span.before(latest);
            let mut last = None;
            for (nr, (_, at)) in entries.iter().enumerate() {
                if *at > from {
                    let val = period.of(*at, nr);
                    if last != Some(val) || nr == last_nr {
                        let oldest = last == Some(val);
                        last = Some(val);
                        reasons[nr].push(Reason::PeriodWithin {
                            period,
                            span,
                            oldest,
                        });
                    }
                }
            }
        }
    }

    /// restic's `ApplyPolicy`: every rule sees every dump.
    fn independent(
        &self,
        entries: &[(String, UtcTime)],
        latest: UtcTime,
        reasons: &mut [Vec<Reason>],
    ) {
        let last_nr = entries.len() - 1;
        let mut counted: Vec<(Period, u32, Option<i64>)> = self
            .counted()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| (p, n, None))
            .collect();
        // restic interleaves per dump: within, then each counted rule.
        let mut within = vec![Vec::new(); entries.len()];
        self.within_rules(entries, latest, &mut within);
        for (nr, (_, at)) in entries.iter().enumerate() {
            reasons[nr].extend(within[nr].iter().filter(|r| matches!(r, Reason::Within(_))));
            for (period, count, last) in &mut counted {
                if *count == 0 {
                    continue;
                }
                let val = period.of(*at, nr);
                if *last != Some(val) || nr == last_nr {
                    let oldest = *last == Some(val);
                    *last = Some(val);
                    if *count != ALL {
                        *count -= 1;
                    }
                    reasons[nr].push(Reason::Slot {
                        period: *period,
                        oldest,
                    });
                }
            }
            reasons[nr].extend(
                within[nr]
                    .iter()
                    .filter(|r| matches!(r, Reason::PeriodWithin { .. })),
            );
        }
    }

    /// borg's `prune_split` per rule, in rule order: a rule only takes
    /// dumps no earlier rule kept.
    fn additive(
        &self,
        entries: &[(String, UtcTime)],
        latest: UtcTime,
        reasons: &mut [Vec<Reason>],
    ) {
        self.within_rules(entries, latest, reasons);
        for (period, count) in self.counted() {
            if count == 0 {
                continue;
            }
            let mut last = None;
            let mut taken = 0;
            let mut filled = false;
            for (nr, (_, at)) in entries.iter().enumerate() {
                let val = period.of(*at, nr);
                if last == Some(val) {
                    continue;
                }
                last = Some(val);
                if reasons[nr].is_empty() {
                    reasons[nr].push(Reason::Slot {
                        period,
                        oldest: false,
                    });
                    taken += 1;
                    if count != ALL && taken == count {
                        filled = true;
                        break;
                    }
                }
            }
            let oldest = entries.len() - 1;
            if !filled && reasons[oldest].is_empty() {
                reasons[oldest].push(Reason::Slot {
                    period,
                    oldest: true,
                });
            }
        }
    }
}
