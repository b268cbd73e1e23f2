//! The one shape every check's findings take: busflow-diag's [`Finding`],
//! the same value the crates build, so nothing is converted.

pub use busflow_diag::{Finding, Pos, Severity, Span};

/// A finding with any rule ID, for tests of the output layer.
#[cfg(test)]
pub(crate) fn test_finding(
    rule_id: &'static str,
    severity: Severity,
    message: &str,
    file: &str,
    line: u32,
    column: u32,
) -> Finding {
    let mut f = Finding::new(
        &crate::catalog::BUSFLOW_002,
        file,
        Pos::new(line, column),
        message,
    )
    .with_severity(severity);
    f.rule_id = rule_id;
    f
}
