//! BACKUP-020: disaster-recovery drills — when they are due and the record
//! each one leaves in `docs/protocols/dr-drill-results/YYYY-MM.md`.
//!
//! Cadence follows the SLA tier: annual below 50 tenants, quarterly at 50
//! tenants or more or with an SLA of 99.5 % or more, and ad hoc within two
//! weeks of a major change whatever the tier.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use busflow_diag::Pos;

use crate::catalog::BACKUP_020;
use crate::utc::UtcTime;
use crate::{Finding, Severity};

/// How often drills run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cadence {
    /// Once a year.
    Annual,
    /// Every quarter.
    Quarterly,
}

impl Cadence {
    /// The cadence of a platform with `tenants` tenants and an SLA of
    /// `sla_percent` (99.5 for 99.5 %).
    pub fn for_tier(tenants: u32, sla_percent: f64) -> Self {
        if tenants >= 50 || sla_percent >= 99.5 {
            Cadence::Quarterly
        } else {
            Cadence::Annual
        }
    }

    fn months(self) -> i64 {
        match self {
            Cadence::Annual => 12,
            Cadence::Quarterly => 3,
        }
    }
}

/// When the next drill is due, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The deadline.
    pub by: UtcTime,
    /// Whether it has passed at `now`.
    pub overdue: bool,
    /// `cadence` or `major change`.
    pub reason: &'static str,
}

/// The next drill's deadline: a cadence period after the last drill (now,
/// if there never was one), or two weeks after a major change made since
/// the last drill, whichever is earlier.
pub fn next_drill(
    last: Option<UtcTime>,
    cadence: Cadence,
    last_major_change: Option<UtcTime>,
    now: UtcTime,
) -> Due {
    let by_cadence = last.map_or(now, |l| l.add_date(0, cadence.months(), 0));
    let by_change = last_major_change
        .filter(|c| last.is_none_or(|l| *c > l))
        .map(|c| c.add_date(0, 0, 14));
    let (by, reason) = match by_change {
        Some(c) if c < by_cadence => (c, "major change"),
        _ => (by_cadence, "cadence"),
    };
    Due {
        by,
        overdue: now > by,
        reason,
    }
}

impl Due {
    /// The deadline as a BACKUP-020 finding at `record` (the drill's
    /// record): information while it lies ahead, a warning once it has
    /// passed.
    pub fn finding(&self, cadence: Cadence, record: &Path) -> Finding {
        let by = self.by.date_string();
        if self.overdue {
            Finding::new(
                &BACKUP_020,
                record,
                Pos::START,
                format!(
                    "the next DR drill ({cadence:?}, by {}) was due {by}",
                    self.reason
                ),
            )
            .with_severity(Severity::Warning)
            .with_help("run the drill now and record it with dr-drill-report")
        } else {
            Finding::new(
                &BACKUP_020,
                record,
                Pos::START,
                format!("next DR drill ({cadence:?}, by {}): {by}", self.reason),
            )
        }
    }
}

/// One drill's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillResult {
    /// When the drill ran.
    pub date: UtcTime,
    /// The dump restored.
    pub dump: String,
    /// From the start of the drill to a serving restored database.
    pub time_to_recovery: Duration,
    /// What went wrong or was surprising.
    pub issues_found: Vec<String>,
    /// What will be changed, each with an owner if known.
    pub remediation: Vec<String>,
}

impl DrillResult {
    /// `docs/protocols/dr-drill-results/YYYY-MM.md` under `root`.
    pub fn path(&self, root: &Path) -> PathBuf {
        let c = self.date.civil();
        root.join(format!(
            "docs/protocols/dr-drill-results/{:04}-{:02}.md",
            c.year, c.month
        ))
    }

    /// The record as Markdown (one `##` section per drill).
    pub fn to_markdown(&self) -> String {
        let secs = self.time_to_recovery.as_secs();
        let c = self.date.civil();
        let mut out = format!(
            "## Drill of {:04}-{:02}-{:02} {:02}:{:02} UTC\n\n",
            c.year, c.month, c.day, c.hour, c.minute
        );
        let _ = writeln!(out, "- Dump restored: `{}`", self.dump);
        let _ = writeln!(
            out,
            "- Time to recovery: {}h {:02}m {:02}s ({secs} s)",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        for (title, items) in [
            ("Issues found", &self.issues_found),
            ("Remediation", &self.remediation),
        ] {
            let _ = writeln!(out, "\n### {title}\n");
            if items.is_empty() {
                out.push_str("- none\n");
            }
            for i in items {
                let _ = writeln!(out, "- {i}");
            }
        }
        out
    }

    /// Writes the record under `root`: a new month file starts with a
    /// title; a second drill in the same month is appended, never
    /// overwriting the first.
    pub fn write(&self, root: &Path) -> std::io::Result<PathBuf> {
        let path = self.path(root);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = match std::fs::read_to_string(&path) {
            Ok(t) => t + "\n",
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let c = self.date.civil();
                format!("# DR drill results {:04}-{:02}\n\n", c.year, c.month)
            }
            Err(e) => return Err(e),
        };
        text.push_str(&self.to_markdown());
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32) -> UtcTime {
        UtcTime::ymd_hm(y, m, d, 9, 0).expect("t")
    }

    #[test]
    fn backup_020_cadence_follows_the_sla_tier() {
        assert_eq!(Cadence::for_tier(49, 99.0), Cadence::Annual);
        assert_eq!(Cadence::for_tier(50, 99.0), Cadence::Quarterly);
        assert_eq!(Cadence::for_tier(10, 99.5), Cadence::Quarterly);
        let due = next_drill(
            Some(at(2026, 3, 10)),
            Cadence::Quarterly,
            None,
            at(2026, 6, 11),
        );
        assert_eq!(
            (due.by, due.overdue, due.reason),
            (at(2026, 6, 10), true, "cadence")
        );
        let due = next_drill(
            Some(at(2026, 3, 10)),
            Cadence::Annual,
            Some(at(2026, 5, 1)),
            at(2026, 5, 2),
        );
        assert_eq!(
            (due.by, due.overdue, due.reason),
            (at(2026, 5, 15), false, "major change")
        );
        let due = next_drill(
            Some(at(2026, 5, 10)),
            Cadence::Annual,
            Some(at(2026, 5, 1)),
            at(2026, 5, 12),
        );
        assert_eq!(due.reason, "cadence", "a drill after the change covers it");
        assert!(next_drill(None, Cadence::Annual, None, at(2026, 1, 1)).by == at(2026, 1, 1));
    }

    #[test]
    fn backup_020_results_are_written_per_month_and_appended() {
        let dir = tempfile::tempdir().expect("dir");
        let first = DrillResult {
            date: at(2026, 11, 3),
            dump: "pg_dump_20261102_0300.dump".into(),
            time_to_recovery: Duration::from_secs(3 * 3600 + 125),
            issues_found: vec!["restore runbook missed the pgsodium key".into()],
            remediation: vec!["add the key step to the runbook (ops)".into()],
        };
        let path = first.write(dir.path()).expect("write");
        assert!(path.ends_with("docs/protocols/dr-drill-results/2026-11.md"));
        let second = DrillResult {
            date: at(2026, 11, 20),
            issues_found: vec![],
            ..first.clone()
        };
        second.write(dir.path()).expect("append");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# DR drill results 2026-11\n"));
        assert!(text.contains("- Time to recovery: 3h 02m 05s (10925 s)"));
        assert_eq!(text.matches("## Drill of").count(), 2, "{text}");
        assert!(text.contains("### Issues found\n\n- none"));
    }
}
