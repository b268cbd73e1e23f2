//! The daily verify as a job: verify the newest dump, then (when asked and
//! only after a verify that passed) apply retention to the same store; and
//! the run's result as text, JSON and findings. `examples/backup-verify` is
//! argument parsing and wiring around this.

use std::fmt::{self, Write as _};
use std::path::Path;

use busflow_diag::Pos;

use crate::catalog::{BACKUP_002, BACKUP_010, BACKUP_017};
use crate::error::Error;
use crate::outcome::Outcome;

use crate::prune::prune;
use crate::retention::{Pin, Plan, RetentionPolicy};
use crate::store::ObjectStore;
use crate::utc::UtcTime;
use crate::verify::{VerifyConfig, verify};
use crate::{Finding, Severity};

/// What a verify run did: the verify's outcome and, when retention was
/// asked for, what it did.
#[derive(Debug)]
pub struct VerifyRun {
    /// The verify.
    pub outcome: Outcome,
    /// Retention, when asked for and the verify passed: its plan, or why it
    /// could not run. `None` otherwise.
    pub pruned: Option<Result<Plan, Error>>,
}

/// Verifies the newest dump of `store`; then, when `pins` is given
/// (retention was asked for) and the verify passed, applies the documented
/// retention (BACKUP-002: 14 daily and 4 weekly, additive) to the same
/// store, keeping every pinned dump (BACKUP-003). A verify that did not
/// pass prunes nothing.
pub async fn verify_then_prune(
    store: &dyn ObjectStore,
    fell_back: Option<String>,
    config: &VerifyConfig,
    pins: Option<&[Pin]>,
) -> VerifyRun {
    let outcome = verify(store, fell_back, config).await;
    let pruned = match (pins, outcome.verified()) {
        (Some(pins), Some(proof)) => Some(
            prune(
                store,
                &config.prefix,
                &RetentionPolicy::documented(),
                pins,
                UtcTime::now(),
                &proof,
            )
            .await,
        ),
        _ => None,
    };
    VerifyRun { outcome, pruned }
}

impl VerifyRun {
    /// The run as findings at `at` (the settings file, or a name for the
    /// store): the failure and every failed probe as errors of their
    /// clause; warnings, configured extensions the target lacks and a
    /// fallback read as warnings; every passed probe and retention's plan
    /// as information.
    pub fn findings(&self, at: &Path) -> Vec<Finding> {
        let out = &self.outcome;
        let dump = out.dump.as_deref().unwrap_or("(no dump)");
        let finding = |rule, message: String| Finding::new(rule, at, Pos::START, message);
        let mut findings = Vec::new();
        let failed_probe = |n: &crate::outcome::Note| {
            out.probes
                .iter()
                .any(|p| !p.passed && p.rule == n.rule && p.detail == n.message)
        };
        if let Some(f) = out.failure.as_ref().filter(|f| !failed_probe(f)) {
            findings.push(
                finding(f.rule, format!("{dump}: {}", f.message)).with_help(help_for(f.rule.id)),
            );
        }
        for p in &out.probes {
            let f = finding(p.rule, format!("{dump}: {}", p.detail));
            findings.push(if p.passed {
                f.with_severity(Severity::Info)
            } else {
                f.with_help(help_for(p.rule.id))
            });
        }
        for w in &out.warnings {
            findings.push(
                finding(w.rule, format!("{dump}: {}", w.message)).with_severity(Severity::Warning),
            );
        }
        if !out.extensions_missing.is_empty() {
            findings.push(
                finding(
                    &BACKUP_010,
                    format!(
                        "{dump}: configured extensions the target does not have (reported, not fatal): {}",
                        out.extensions_missing.join(", ")
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help("install them on the verify's target so that their objects are restored and probed too"),
            );
        }
        if let Some(why) = &out.fell_back {
            findings.push(
                finding(
                    &BACKUP_017,
                    format!("{dump} was read from the fallback `{}`: {why}", out.source),
                )
                .with_help(
                    "bring the primary source back; the verify reads it again on the next run",
                ),
            );
        }
        if let Some(Ok(plan)) = &self.pruned {
            findings.push(
                finding(
                    &BACKUP_002,
                    format!(
                        "retention kept {}, deleted {}, left {} objects that are not dumps alone",
                        plan.keep.len(),
                        plan.delete.len(),
                        plan.rejected.len()
                    ),
                )
                .with_severity(Severity::Info),
            );
        }
        findings
    }

    /// The outcome as JSON, with retention's plan (or its error) under
    /// `retention` when it ran.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = serde_json::to_value(&self.outcome).unwrap_or_default();
        if let Some(p) = &self.pruned {
            json["retention"] = match p {
                Ok(plan) => plan.to_json(),
                Err(e) => serde_json::json!({ "error": e.to_string() }),
            };
        }
        json
    }
}

fn help_for(rule: &str) -> &'static str {
    match rule {
        "BACKUP-005" => {
            "check that the nightly dump ran and wrote a `pg_dump_YYYYMMDD_HHMM.dump` under the prefix"
        }
        "BACKUP-007" => {
            "move the verify to a runner with more disk and memory, or raise the size ceiling in the settings"
        }
        "BACKUP-009" => {
            "produce the dump with `pg_dump --format=custom` and check that the upload finished"
        }
        "BACKUP-011" => "read pg_restore's stderr above: the dump does not restore as it is",
        "BACKUP-012" | "BACKUP-013" => {
            "the dump lacks a documented schema or its tables: check the producer's database and `schemas`"
        }
        "BACKUP-014" => {
            "fix the orphaned rows, or add the reference to the soft-FK allow-list with a reason"
        }
        "BACKUP-016" => {
            "the verify ran out of its hour: look at the store's speed and the dump's size"
        }
        _ => "see the verify's outcome for what happened",
    }
}

impl fmt::Display for VerifyRun {
    /// The outcome as text: the verdict and dump, the archive, each
    /// section, each probe, the warnings and the failure; then retention's
    /// plan when it ran.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = &self.outcome;
        let mut text = format!(
            "{:?}: {}\n",
            out.status,
            out.dump.as_deref().unwrap_or("(no dump)")
        );
        if let Some(a) = &out.archive {
            let _ = writeln!(text, "  archive: {a}");
        }
        for s in &out.sections {
            let _ = writeln!(
                text,
                "  {:<9} exit {:?} in {} ms ({} bytes in)",
                s.section, s.exit_code, s.duration_ms, s.bytes_in
            );
        }
        for p in &out.probes {
            let verdict = if p.passed { "ok  " } else { "FAIL" };
            let _ = writeln!(text, "  {verdict} {}: {}", p.rule.id, p.detail);
        }
        for w in &out.warnings {
            let _ = writeln!(text, "  warning: {w}");
        }
        if !out.extensions_missing.is_empty() {
            let _ = writeln!(
                text,
                "  extensions not on the target (reported, not fatal): {}",
                out.extensions_missing.join(", ")
            );
        }
        if let Some(fail) = &out.failure {
            let _ = writeln!(text, "  failure: {fail}");
        }
        if let Some(Ok(plan)) = &self.pruned {
            let _ = writeln!(
                text,
                "retention: kept {}, deleted {}, not dumps (left alone) {}",
                plan.keep.len(),
                plan.delete.len(),
                plan.rejected.len()
            );
            for k in &plan.keep {
                let reasons: Vec<String> = k.reasons.iter().map(ToString::to_string).collect();
                let _ = writeln!(text, "  keep   {} ({})", k.key, reasons.join(", "));
            }
            for d in &plan.delete {
                let _ = writeln!(text, "  delete {d}");
            }
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{BACKUP_010, BACKUP_011, BACKUP_014};
    use crate::outcome::Probe;
    use crate::outcome::Status;

    fn run(outcome: Outcome) -> VerifyRun {
        VerifyRun {
            outcome,
            pruned: None,
        }
    }

    #[test]
    fn a_run_reports_each_probe_warning_and_failure_as_a_finding_of_its_clause() {
        let mut out = Outcome::new("hetzner-s3", Some("unreachable for 10 min".into()));
        out.dump = Some("pg_dump_20261202_0200.dump".into());
        out.probes.push(Probe {
            rule: &BACKUP_011,
            passed: true,
            detail: "every section exited 0".into(),
        });
        out.probes.push(Probe {
            rule: &BACKUP_014,
            passed: false,
            detail: "3 orphaned rows in a.b(c) → a.d(c)".into(),
        });
        out.warn(&BACKUP_010, "CREATE EXTENSION vector failed on the target");
        let out = out.settle();
        assert_eq!(out.status, Status::Failed);
        let at = Path::new("config/backup-verify/verify.yaml");
        let r = run(out);
        let got: Vec<_> = r
            .findings(at)
            .iter()
            .map(|f| (f.rule_id, f.severity))
            .collect();
        // The failure is the failed probe: reported once.
        assert_eq!(
            got,
            [
                ("BACKUP-011", Severity::Info),
                ("BACKUP-014", Severity::Error),
                ("BACKUP-010", Severity::Warning),
                ("BACKUP-017", Severity::Warning),
            ]
        );
        let f = r.findings(at);
        assert!(
            f[1].message
                .starts_with("pg_dump_20261202_0200.dump: 3 orphaned rows")
        );
        assert!(f[1].help.contains("allow-list"));
        let text = r.to_string();
        assert!(text.contains("FAIL BACKUP-014: 3 orphaned rows"), "{text}");
        assert!(
            text.contains("failure: BACKUP-014: 3 orphaned rows"),
            "{text}"
        );
        assert_eq!(r.to_json()["failure"]["rule_id"], "BACKUP-014");
    }

    #[test]
    fn a_failure_outside_the_probes_is_an_error_of_its_clause() {
        let out = Outcome::new("hetzner-s3", None).fail(
            &crate::catalog::BACKUP_005,
            "no dump named pg_dump_YYYYMMDD_HHMM.dump under `` on `hetzner-s3`",
        );
        let f = run(out).findings(Path::new("s3"));
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule_id, f[0].severity),
            ("BACKUP-005", Severity::Error)
        );
        assert!(f[0].message.starts_with("(no dump): no dump named"));
    }
}
