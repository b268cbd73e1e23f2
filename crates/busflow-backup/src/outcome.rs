//! The verify's outcome: a typed value that serialises to JSON.

use serde::Serialize;

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
    /// The clause (`BACKUP-012`).
    pub rule_id: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was found.
    pub detail: String,
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
    pub warnings: Vec<String>,
    /// Why it failed, when it did.
    pub failure: Option<String>,
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

    pub(crate) fn fail(mut self, why: impl Into<String>) -> Self {
        self.status = Status::Failed;
        self.failure = Some(why.into());
        self
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
                        .map(|p| format!("{}: {}", p.rule_id, p.detail));
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
