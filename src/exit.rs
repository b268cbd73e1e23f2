//! Process exit codes, as tflint and the design card define them.

use crate::finding::{Finding, Severity};

/// How a checking run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: no finding at or above the `--fail-on` severity.
    Clean,
    /// 1: the run could not be completed (bad options, unreadable input).
    CouldNotRun,
    /// 2: at least one finding at or above the `--fail-on` severity.
    Findings,
}

impl ExitStatus {
    /// The status for `findings` when runs fail on `fail_on` and above.
    pub fn for_findings(findings: &[Finding], fail_on: Severity) -> Self {
        if findings.iter().any(|f| f.severity >= fail_on) {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }

    /// The numeric code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::CouldNotRun => 1,
            ExitStatus::Findings => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::test_finding;

    #[test]
    fn fails_only_at_or_above_the_threshold() {
        let warn = vec![test_finding("X-001", Severity::Warning, "m", "f", 1, 1)];
        assert_eq!(
            ExitStatus::for_findings(&warn, Severity::Error),
            ExitStatus::Clean
        );
        assert_eq!(
            ExitStatus::for_findings(&warn, Severity::Warning),
            ExitStatus::Findings
        );
        assert_eq!(ExitStatus::for_findings(&warn, Severity::Info).code(), 2);
        assert_eq!(ExitStatus::for_findings(&[], Severity::Info).code(), 0);
        assert_eq!(ExitStatus::CouldNotRun.code(), 1);
    }
}
