//! How serious a finding is.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// How serious a finding is; ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run by default.
    Info,
    /// Should be fixed.
    Warning,
    /// Breaks the contract.
    Error,
}

impl Severity {
    /// The lowercase name (`error`, `warning`, `info`).
    pub const fn as_str(self) -> &'static str {
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

/// A severity name that is none of `error`, `warning`, `info`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}`: expected error, warning or info")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    /// `error`, `warning` (or `warn`), `info` (or `note`), any case.
    fn from_str(s: &str) -> Result<Self, UnknownSeverity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Severity::Error),
            "warning" | "warn" => Ok(Severity::Warning),
            "info" | "note" => Ok(Severity::Info),
            _ => Err(UnknownSeverity(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_parse_and_print() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!("WARN".parse::<Severity>().ok(), Some(Severity::Warning));
        assert_eq!("note".parse::<Severity>().ok(), Some(Severity::Info));
        assert_eq!(Severity::Error.to_string(), "error");
        let err = "fatal".parse::<Severity>().expect_err("unknown severity");
        assert!(err.to_string().contains("`fatal`"), "{err}");
    }
}
