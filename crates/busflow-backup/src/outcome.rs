//! The verify's outcome: a typed value that serialises to JSON.

use std::fmt;

use serde::Serialize;

use crate::Rule;

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Every probe passed.
    Passed,
    /// Passed, with warnings (missing extensions, tolerated orphans, a plain dump).
    PassedWithWarnings,
    /// Passed, read from the fallback source (BACKUP-017).
    SourceFallback,
    /// The dump is above the size ceiling: move the job to a bigger runner (BACKUP-007).
    TooBig,
    /// Something the contract requires failed.
    Failed,
}

/// One `pg_restore` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionOutcome {
    /// `pre-data`, `data` or `post-data`.
    pub section: &'static str,
    /// pg_restore's exit code (`None` if it was killed).
    pub exit_code: Option<i32>,
    /// Milliseconds.
    pub duration_ms: u128,
    /// Bytes fed to pg_restore's stdin.
    pub bytes_in: u64,
    /// The end of its stderr.
    pub stderr_tail: String,
}

/// One probe's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The clause (`BACKUP-012`); its ID in JSON as `rule_id`.
    #[serde(rename = "rule_id", serialize_with = "rule_id")]
    pub rule: &'static Rule,
    /// Whether it passed.
    pub passed: bool,
    /// What was found.
    pub detail: String,
}

// serde's `serialize_with` passes the field by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn rule_id<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id)
}

/// Something the verify said, under the clause it serves: a failure or a
/// warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The clause (`BACKUP-005`); its ID in JSON as `rule_id`.
    #[serde(rename = "rule_id", serialize_with = "rule_id")]
    pub rule: &'static Rule,
    /// What happened.
    pub message: String,
}

impl Note {
    /// A note of `rule`.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Self {
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule.id, self.message)
    }
}

/// What the verify did and found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The verdict.
    pub status: Status,
    /// The remote read from.
    pub source: String,
    /// Why the primary source was not used, if it was not.
    pub fell_back: Option<String>,
    /// The dump verified.
    pub dump: Option<String>,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// The archive header, as text.
    pub archive: Option<String>,
    /// Bytes downloaded in all.
    pub bytes_downloaded: u64,
    /// The restore sections.
    pub sections: Vec<SectionOutcome>,
    /// Configured extensions created on the target.
    pub extensions_created: Vec<String>,
    /// Configured extensions the target does not have (reported, not fatal).
    pub extensions_missing: Vec<String>,
    /// The probes.
    pub probes: Vec<Probe>,
    /// Warnings.
    pub warnings: Vec<Note>,
    /// Why it failed (or was too big), when it did.
    pub failure: Option<Note>,
    /// The verify database, when kept.
    pub kept_database: Option<String>,
}

impl Outcome {
    pub(crate) fn new(source: &str, fell_back: Option<String>) -> Self {
        Self {
            status: Status::Passed,
            source: source.to_owned(),
            fell_back,
            dump: None,
            size: None,
            archive: None,
            bytes_downloaded: 0,
            sections: Vec::new(),
            extensions_created: Vec::new(),
            extensions_missing: Vec::new(),
            probes: Vec::new(),
            warnings: Vec::new(),
            failure: None,
            kept_database: None,
        }
    }

    pub(crate) fn fail(mut self, rule: &'static Rule, why: impl Into<String>) -> Self {
        self.status = Status::Failed;
        self.failure = Some(Note::new(rule, why));
        self
    }

    pub(crate) fn warn(&mut self, rule: &'static Rule, message: impl Into<String>) {
        self.warnings.push(Note::new(rule, message));
    }

    /// The final status from what was recorded (failures stay failures).
    pub(crate) fn settle(mut self) -> Self {
        if self.status == Status::Passed {
            if self.probes.iter().any(|p| !p.passed) {
                self.status = Status::Failed;
                if self.failure.is_none() {
                    self.failure = self
                        .probes
                        .iter()
                        .find(|p| !p.passed)
                        .map(|p| Note::new(p.rule, p.detail.clone()));
                }
            } else if self.fell_back.is_some() {
                self.status = Status::SourceFallback;
            } else if !self.warnings.is_empty() || !self.extensions_missing.is_empty() {
                self.status = Status::PassedWithWarnings;
            }
        }
        self
    }

    /// The outcome as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
