//! PII-004: false-positive accounting per rule and UTC day.
//!
//! A false positive is a match that was not personal data: one an
//! exclusion suppressed, or one a person reported through
//! [`Ledger::report_false_positive`] after it was redacted. Each rule has a
//! daily budget (5 by default, as the document sets it); a rule over its
//! budget is flagged, because a rule that cries wolf gets switched off.
//! Counters export as Prometheus text, labelled by rule, exclusion name and
//! day — never by value.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::detector::Detector;
use crate::engine::Redactor;
use crate::tally::Tally;

/// A UTC calendar day (`jiff`'s civil date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDay(Date);

impl UtcDay {
    /// The UTC day `at` falls on (clamped to `jiff`'s years -9999 to 9999).
    pub fn of(at: SystemTime) -> Self {
        let at = Timestamp::try_from(at).unwrap_or(if at < UNIX_EPOCH {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        Self(TimeZone::UTC.to_datetime(at).date())
    }

    /// Today, in UTC.
    pub fn today() -> Self {
        Self::of(SystemTime::now())
    }

    /// The day from its civil date; `None` if there is no such date.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()
        .map(Self)
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let n = |v: i8| u32::try_from(v).unwrap_or(1);
        (i64::from(self.0.year()), n(self.0.month()), n(self.0.day()))
    }
}

impl fmt::Display for UtcDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// One rule's counts on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Values redacted.
    pub redactions: u64,
    /// Matches kept, by the exclusion's name or `id key <pattern>`.
    pub suppressed: BTreeMap<String, u64>,
    /// Redactions reported as false positives.
    pub reported: u64,
}

impl DayCounts {
    /// Known false positives: suppressed plus reported.
    pub fn false_positives(&self) -> u64 {
        self.suppressed.values().sum::<u64>() + self.reported
    }
}

/// The default daily false-positive budget per rule.
pub const DEFAULT_BUDGET: u64 = 5;

/// Counts per rule and UTC day, with a budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    budget: u64,
    counts: BTreeMap<(UtcDay, Detector), DayCounts>,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET)
    }
}

impl Ledger {
    /// A ledger flagging rules with more than `budget` false positives a day.
    pub fn new(budget: u64) -> Self {
        Self {
            budget,
            counts: BTreeMap::new(),
        }
    }

    /// Adds what a run counted on `day`; `redactor` names the exclusions
    /// and id keys that kept matches.
    pub fn record(&mut self, day: UtcDay, tally: &Tally, redactor: &Redactor) {
        for d in Detector::ALL {
            let n = tally.redacted(d);
            if n > 0 {
                self.counts.entry((day, d)).or_default().redactions += n;
            }
        }
        for (d, by, n) in tally.suppressions() {
            let name = redactor.kept_by_name(d, by);
            *self
                .counts
                .entry((day, d))
                .or_default()
                .suppressed
                .entry(name)
                .or_default() += n;
        }
    }

    /// Records that one of `detector`'s redactions on `day` was not
    /// personal data.
    pub fn report_false_positive(&mut self, day: UtcDay, detector: Detector) {
        self.counts.entry((day, detector)).or_default().reported += 1;
    }

    /// The counts of `detector` on `day`.
    pub fn counts(&self, day: UtcDay, detector: Detector) -> DayCounts {
        self.counts
            .get(&(day, detector))
            .cloned()
            .unwrap_or_default()
    }

    /// The rules over budget on `day`, with their false-positive counts.
    pub fn over_budget(&self, day: UtcDay) -> Vec<(Detector, u64)> {
        self.counts
            .range((day, Detector::ALL[0])..=(day, Detector::ALL[Detector::ALL.len() - 1]))
            .map(|(&(_, d), c)| (d, c.false_positives()))
            .filter(|&(_, fp)| fp > self.budget)
            .collect()
    }

    /// Every counter in the Prometheus text exposition format.
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, u64)>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, v) in rows {
                let _ = writeln!(out, "{name}{{{labels}}} {v}");
            }
        };
        let label = |d: Detector, day: UtcDay| format!("rule=\"{}\",day=\"{day}\"", d.rule_id());
        family(
            "busflow_pii_redactions_total",
            "counter",
            "Values redacted, per rule and UTC day.",
            self.counts
                .iter()
                .map(|(&(day, d), c)| (label(d, day), c.redactions))
                .collect(),
        );
        family(
            "busflow_pii_suppressions_total",
            "counter",
            "Matches suppressed by an exclusion (known false positives), per rule, exclusion and UTC day.",
            self.counts
                .iter()
                .flat_map(|(&(day, d), c)| {
                    c.suppressed.iter().map(move |(name, n)| {
                        (
                            format!("{},exclusion=\"{}\"", label(d, day), escape(name)),
                            *n,
                        )
                    })
                })
                .collect(),
        );
        family(
            "busflow_pii_false_positive_reports_total",
            "counter",
            "Redactions reported as false positives, per rule and UTC day.",
            self.counts
                .iter()
                .map(|(&(day, d), c)| (label(d, day), c.reported))
                .collect(),
        );
        family(
            "busflow_pii_false_positive_budget_exceeded",
            "gauge",
            "1 when a rule's false positives on a UTC day exceed the daily budget.",
            self.counts
                .iter()
                .map(|(&(day, d), c)| (label(d, day), u64::from(c.false_positives() > self.budget)))
                .collect(),
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_days_round_trip_the_civil_calendar() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2024, 2, 29),
            (2024, 12, 30),
            (2025, 1, 1),
            (1969, 12, 31),
            (2100, 3, 1),
        ] {
            let day = UtcDay::from_ymd(y, m, d).expect("date");
            assert_eq!(day.ymd(), (y, m, d));
        }
        assert_eq!(
            UtcDay::from_ymd(1970, 1, 1)
                .map(|d| d.to_string())
                .as_deref(),
            Some("1970-01-01")
        );
        assert_eq!(UtcDay::from_ymd(2025, 2, 29), None);
        let at = UNIX_EPOCH + std::time::Duration::from_secs(1_763_856_000 + 86_399);
        assert_eq!(UtcDay::of(at).to_string(), "2025-11-23");
    }
}
