//! The one shape every check's findings take for output.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

use crate::error::Error;

/// How serious a finding is; ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Warning,
    /// Breaks the contract.
    Error,
}

impl Severity {
    /// The lowercase name (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;

    /// `error`, `warning` (or `warn`), `info` (or `note`), any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Severity::Error),
            "warning" | "warn" => Ok(Severity::Warning),
            "info" | "note" => Ok(Severity::Info),
            _ => Err(Error::unknown_value("severity", s, "error, warning, info")),
        }
    }
}

/// A position in a file: 1-based line, and 1-based column counted in
/// characters (Unicode scalar values), as tflint and rustc report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Position {
    /// A position; zeros are raised to 1.
    pub fn new(line: u32, column: u32) -> Self {
        Self {
            line: line.max(1),
            column: column.max(1),
        }
    }
}

/// One finding: a rule broken at a place in a file, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's ID (`SWARM-TF-001`).
    pub rule_id: String,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The file, relative to the root that was checked.
    #[serde(serialize_with = "serialize_path")]
    pub file: PathBuf,
    /// Where the finding starts.
    #[serde(flatten)]
    pub start: Position,
    /// Where it ends (inclusive), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Position>,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// A finding at `file:line:column` (1-based; zeros are raised to 1),
    /// without an end or help text yet.
    pub fn new(
        rule_id: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        file: impl Into<PathBuf>,
        line: u32,
        column: u32,
    ) -> Self {
        Self {
            rule_id: rule_id.into(),
            severity,
            message: message.into(),
            file: file.into(),
            start: Position::new(line, column),
            end: None,
            help: String::new(),
        }
    }

    /// Sets where the finding ends (inclusive).
    #[must_use]
    pub fn with_end(mut self, line: u32, column: u32) -> Self {
        self.end = Some(Position::new(line, column));
        self
    }

    /// Sets the help text: how to fix it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// The file as a URI-style relative path (forward slashes).
    pub fn file_uri(&self) -> String {
        path_string(&self.file)
    }
}

fn path_string(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

fn serialize_path<S: serde::Serializer>(path: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path_string(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!("WARN".parse::<Severity>().ok(), Some(Severity::Warning));
        assert_eq!("note".parse::<Severity>().ok(), Some(Severity::Info));
        let err = "fatal".parse::<Severity>().expect_err("unknown severity");
        assert!(err.to_string().contains("`fatal`"), "{err}");
    }

    #[test]
    fn positions_are_one_based() {
        let f = Finding::new("X-001", Severity::Error, "m", "a/b.tf", 0, 0).with_end(0, 3);
        assert_eq!(f.start, Position::new(1, 1));
        assert_eq!(f.end, Some(Position { line: 1, column: 3 }));
        assert_eq!(f.file_uri(), "a/b.tf");
    }
}
