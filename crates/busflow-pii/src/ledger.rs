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

use crate::detector::Detector;
use crate::engine::Redactor;
use crate::tally::Tally;

/// A UTC calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDay {
    days_since_epoch: i64,
}

impl UtcDay {
    /// The UTC day `at` falls on.
    pub fn of(at: SystemTime) -> Self {
        let secs = match at.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self {
            days_since_epoch: secs.div_euclid(86_400),
        }
    }

    /// Today, in UTC.
    pub fn today() -> Self {
        Self::of(SystemTime::now())
    }

    /// The day from its civil date; `None` if there is no such date.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Self {
            days_since_epoch: era * 146_097 + doe - 719_468,
        })
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.days_since_epoch + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
        let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for UtcDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
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
                .expect("epoch")
                .days_since_epoch,
            0
        );
        assert_eq!(UtcDay::from_ymd(2025, 2, 29), None);
        let at = UNIX_EPOCH + std::time::Duration::from_secs(1_763_856_000 + 86_399);
        assert_eq!(UtcDay::of(at).to_string(), "2025-11-23");
    }
}
