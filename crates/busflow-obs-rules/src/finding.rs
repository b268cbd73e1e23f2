//! Findings of this crate's checks: data, not errors.

use std::path::PathBuf;

use crate::catalog::{Rule, Severity};
use busflow_yaml::Pos;

/// One finding: a rule broken at a place in a file, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's ID (`OBS-001`).
    pub rule_id: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file.
    pub file: PathBuf,
    /// Line (1-based).
    pub line: u32,
    /// Column (1-based, in characters).
    pub column: u32,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// A finding of `rule` at `pos`, with the rule's default severity.
    pub(crate) fn new(
        rule: &'static str,
        file: &std::path::Path,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        let severity = Rule::find(rule).map_or(Severity::Error, |r| r.severity);
        Self {
            rule_id: rule,
            severity,
            message: message.into(),
            file: file.to_path_buf(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            help: String::new(),
        }
    }

    /// Sets the help text.
    #[must_use]
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Overrides the severity.
    #[must_use]
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
