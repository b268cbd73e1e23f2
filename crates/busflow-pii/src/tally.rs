//! Counts of what a run redacted and suppressed, per rule: what `--stats`
//! prints and what the false-positive ledger records.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::detector::Detector;
use crate::engine::Outcome;
use crate::exclusions::Exclusions;

/// Per-rule counts. Cheap to merge: each worker keeps its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    redacted: [u64; Detector::ALL.len()],
    suppressed: BTreeMap<(Detector, usize), u64>,
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
            *self
                .suppressed
                .entry((s.detector, s.exclusion))
                .or_default() += 1;
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

    /// Suppressions by `detector`'s exclusion number `exclusion`.
    pub fn suppressed(&self, detector: Detector, exclusion: usize) -> u64 {
        self.suppressed
            .get(&(detector, exclusion))
            .copied()
            .unwrap_or(0)
    }

    /// Every `(detector, exclusion index, count)` with a non-zero count.
    pub fn suppressions(&self) -> impl Iterator<Item = (Detector, usize, u64)> + '_ {
        self.suppressed.iter().map(|(&(d, e), &n)| (d, e, n))
    }

    /// A per-rule table for people (`--stats`).
    pub fn render(&self, exclusions: &Exclusions) -> String {
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
            for (s, e, n) in self.suppressions().filter(|(s, ..)| *s == d) {
                let name = exclusions.of(s).get(e).map_or("?", |x| x.name.as_str());
                let _ = writeln!(out, "  by exclusion {name}: {n}");
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
