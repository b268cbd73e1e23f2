//! Counts of what a run redacted and suppressed, per rule: what `--stats`
//! prints and what the false-positive ledger records.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::detector::Detector;
use crate::engine::{KeptBy, Outcome, Redactor};

/// Per-rule counts. Cheap to merge: each worker keeps its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    redacted: [u64; Detector::ALL.len()],
    suppressed: BTreeMap<(Detector, KeptBy), u64>,
    /// Lines seen.
    pub lines: u64,
    /// Bytes seen.
    pub bytes: u64,
    /// Lines cut at the line-length cap.
    pub truncated: u64,
}

impl Tally {
    /// Adds the redactions and suppressions of `outcome`.
    pub fn add(&mut self, outcome: &Outcome) {
        for r in &outcome.redactions {
            self.redacted[r.detector.index()] += 1;
        }
        for s in &outcome.suppressed {
            *self.suppressed.entry((s.detector, s.by)).or_default() += 1;
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        for (a, b) in self.redacted.iter_mut().zip(other.redacted) {
            *a += b;
        }
        for (k, v) in &other.suppressed {
            *self.suppressed.entry(*k).or_default() += v;
        }
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.truncated += other.truncated;
    }

    /// Redactions by `detector`.
    pub fn redacted(&self, detector: Detector) -> u64 {
        self.redacted[detector.index()]
    }

    /// Matches of `detector` kept `by` an exclusion or an id key.
    pub fn suppressed(&self, detector: Detector, by: KeptBy) -> u64 {
        self.suppressed.get(&(detector, by)).copied().unwrap_or(0)
    }

    /// Every `(detector, reason, count)` with a non-zero count.
    pub fn suppressions(&self) -> impl Iterator<Item = (Detector, KeptBy, u64)> + '_ {
        self.suppressed.iter().map(|(&(d, e), &n)| (d, e, n))
    }

    /// A per-rule table for people (`--stats`); `redactor` names the
    /// exclusions and id keys that kept matches.
    pub fn render(&self, redactor: &Redactor) -> String {
        let mut out = format!(
            "{:<9} {:<6} {:>10} {:>10}\n",
            "rule", "name", "redacted", "suppressed"
        );
        for d in Detector::ALL {
            let suppressed: u64 = self
                .suppressions()
                .filter(|(s, ..)| *s == d)
                .map(|(.., n)| n)
                .sum();
            let _ = writeln!(
                out,
                "{:<9} {:<6} {:>10} {:>10}",
                d.rule_id(),
                d.name(),
                self.redacted(d),
                suppressed
            );
            for (s, by, n) in self.suppressions().filter(|(s, ..)| *s == d) {
                let name = redactor.kept_by_name(s, by);
                let what = match by {
                    KeptBy::Exclusion(_) => "by exclusion ",
                    KeptBy::IdKey(_) => "by ",
                };
                let _ = writeln!(out, "  {what}{name}: {n}");
            }
        }
        let _ = writeln!(out, "{} lines, {} bytes", self.lines, self.bytes);
        if self.truncated > 0 {
            let _ = writeln!(
                out,
                "{} lines cut at the line-length cap (--max-line-bytes)",
                self.truncated
            );
        }
        out
    }
}
