//! One JSON document: `{"version": 1, "findings": [...], "summary": {...}}`.

use serde_json::json;

use super::Report;
use crate::finding::Severity;

pub(super) fn render(report: &Report) -> String {
    let doc = json!({
        "version": 1,
        "findings": report.findings(),
        "summary": {
            "error": report.count(Severity::Error),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
            "suppressed": report.suppressed(),
        },
    });
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Pos, test_finding};

    #[test]
    fn findings_keep_every_field() {
        let report = Report::new(
            vec![
                test_finding(
                    "PII-003",
                    Severity::Error,
                    "bad regex",
                    "cfg/pii-exclusions.yaml",
                    7,
                    12,
                )
                .with_end(Pos::new(7, 20))
                .with_help("escape the bracket"),
            ],
            2,
        );
        let value: serde_json::Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        assert_eq!(
            value["findings"][0],
            json!({
                "rule_id": "PII-003", "severity": "error", "message": "bad regex",
                "file": "cfg/pii-exclusions.yaml", "line": 7, "column": 12,
                "end": {"line": 7, "column": 20}, "help": "escape the bracket"
            })
        );
        assert_eq!(
            value["summary"],
            json!({"error": 1, "warning": 0, "info": 0, "suppressed": 2})
        );
    }
}
