//! A finding of a static check.

use std::path::{Path, PathBuf};

use crate::catalog::{Rule, Severity};
use crate::source::Pos;

/// What a check found: a clause broken (or not decidable) at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The clause (`SWARM-TF-005`), or `SWARMX-001` for a file that does
    /// not parse.
    pub rule_id: &'static str,
    /// How serious it is: the rule's default, or [`Severity::Warning`] for
    /// "cannot tell".
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// A finding of `rule` at `pos`, with the rule's default severity.
    pub(crate) fn new(
        rule: &'static str,
        file: &Path,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            rule_id: rule,
            severity: Rule::find(rule).map_or(Severity::Error, |r| r.severity),
            message: message.into(),
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.column,
            help: help.into(),
        }
    }

    /// The same finding as a warning: the check could not decide.
    pub(crate) fn cannot_tell(mut self) -> Self {
        self.severity = Severity::Warning;
        self.message = format!("cannot tell: {}", self.message);
        self
    }
}
