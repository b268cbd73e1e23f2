//! SWARM-OPS-002: drift detection from `terraform plan -detailed-exitcode`
//! (0 clean, 1 error, 2 drift). This module only reads a plan; it never
//! applies anything. Routing a drift to an issue labelled `ops`, `drift`
//! and to Slack is the caller's (`examples/drift-check` composes
//! busflow-backup's notifier and issue tracker).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::catalog::SWARM_OPS_002;
use crate::error::{Error, ErrorKind};
use crate::{Finding, Pos};

/// What a plan said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftStatus {
    /// Exit 0: the infrastructure matches the code.
    Clean,
    /// Exit 2: the plan would change something.
    Drift,
    /// Exit 1 (or anything else): the plan itself failed.
    Failed,
}

/// A plan's result, read from its exit status and output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftReport {
    /// Clean, drift or failed.
    pub status: DriftStatus,
    /// The resources the plan would touch, with what it would do
    /// (`hcloud_server.manager[0] will be updated in-place`).
    pub changes: Vec<String>,
    /// The `Plan: N to add, N to change, N to destroy.` line, if any.
    pub summary: Option<String>,
    /// For a failed plan: the error lines.
    pub errors: Vec<String>,
}

impl DriftReport {
    /// Reads `terraform plan -detailed-exitcode` output (ANSI colours are
    /// stripped) and exit code.
    pub fn from_plan(exit_code: i32, output: &str) -> Self {
        let text = strip_ansi(output);
        let status = match exit_code {
            0 => DriftStatus::Clean,
            2 => DriftStatus::Drift,
            _ => DriftStatus::Failed,
        };
        let changes = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("# "))
            .filter(|l| {
                [
                    " will be ",
                    " must be ",
                    " has changed",
                    " has been deleted",
                ]
                .iter()
                .any(|w| l.contains(w))
            })
            .map(str::to_owned)
            .collect();
        let summary = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("Plan: ") || l.starts_with("No changes."))
            .map(str::to_owned);
        let errors = if status == DriftStatus::Failed {
            text.lines()
                .map(|l| l.trim().trim_start_matches('│').trim())
                .filter(|l| l.starts_with("Error: "))
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        Self {
            status,
            changes,
            summary,
            errors,
        }
    }

    /// Runs `terraform plan -detailed-exitcode -input=false -no-color
    /// -lock=false` in `dir` (a plan only: nothing is ever applied) and
    /// reads it. `terraform` missing is an error, not a clean report.
    pub fn run(terraform: &Path, dir: &Path) -> Result<Self, Error> {
        let out = Command::new(terraform)
            .args([
                "plan",
                "-detailed-exitcode",
                "-input=false",
                "-no-color",
                "-lock=false",
            ])
            .current_dir(dir)
            .output()
            .map_err(|e| Error::io(terraform, e))?;
        let code = out.status.code().ok_or_else(|| {
            Error::new(ErrorKind::Engine {
                operation: "terraform plan".into(),
                message: "killed by a signal".into(),
            })
        })?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        Ok(Self::from_plan(code, &text))
    }

    /// The drift as findings of SWARM-OPS-002, at `at` (the root module
    /// planned, or the saved plan): one per resource the plan would touch,
    /// or one with the summary when the plan names none. A clean or failed
    /// plan has none (a failed plan is an error, not a finding).
    pub fn findings(&self, at: &Path) -> Vec<Finding> {
        if self.status != DriftStatus::Drift {
            return Vec::new();
        }
        let help = "nothing was applied: review the plan, then apply the code or bring the code in line with the manual change";
        let mut out: Vec<Finding> = self
            .changes
            .iter()
            .map(|c| {
                Finding::new(&SWARM_OPS_002, at, Pos::START, format!("drift: {c}")).with_help(help)
            })
            .collect();
        if out.is_empty() {
            out.push(
                Finding::new(
                    &SWARM_OPS_002,
                    at,
                    Pos::START,
                    format!(
                        "drift: {}",
                        self.summary
                            .as_deref()
                            .unwrap_or("the plan would change something")
                    ),
                )
                .with_help(help),
            );
        }
        out
    }

    /// The issue title, with the ISO week for de-duplication
    /// (`Terraform drift detected (2026-W48)`).
    pub fn issue_title(&self, iso_week: &str) -> String {
        format!("Terraform drift detected ({iso_week})")
    }

    /// A Markdown body for the issue: the summary and the changed resources.
    pub fn issue_body(&self) -> String {
        let mut body = String::from(
            "`terraform plan -detailed-exitcode` exited 2: production differs from the code.\n\n",
        );
        if let Some(s) = &self.summary {
            let _ = writeln!(body, "**{s}**\n");
        }
        for c in &self.changes {
            let _ = writeln!(body, "- `{c}`");
        }
        body.push_str("\nNothing was applied. Review the plan, then either apply the code or bring the code in line with the manual change.\n");
        body
    }
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
