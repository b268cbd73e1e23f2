//! SARIF 2.1.0 for GitHub code scanning: one run, the catalog as the
//! driver's rules, one result per finding with a relative location.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::Report;
use crate::Rule;
use crate::finding::{Finding, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(id: &str, title: &str, severity: Severity) -> Value {
    json!({
        "id": id,
        "name": id,
        "shortDescription": { "text": title },
        "fullDescription": { "text": title },
        "help": { "text": format!("{id}: {title}. See CONTRACTS.md for the clause.") },
        "defaultConfiguration": { "level": level(severity) },
    })
}

pub(super) fn render(report: &Report, catalog: &[&'static Rule]) -> String {
    let mut rules: Vec<Value> = catalog
        .iter()
        .map(|r| rule_descriptor(r.id, r.title, r.severity))
        .collect();
    let mut ids: Vec<&str> = catalog.iter().map(|r| r.id).collect();
    // A finding of a rule outside the catalog still needs a descriptor.
    for f in report.findings() {
        if !ids.contains(&f.rule_id) {
            ids.push(f.rule_id);
            rules.push(rule_descriptor(f.rule_id, f.rule_id, f.severity));
        }
    }
    let results: Vec<Value> = report
        .findings()
        .iter()
        .map(|f| result(f, ids.iter().position(|id| *id == f.rule_id).unwrap_or(0)))
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "busflow",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/busflow",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the checked repository's root" } } },
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut region = json!({ "startLine": f.start.line, "startColumn": f.start.column });
    if let Some(end) = f.end {
        region["endLine"] = json!(end.line);
        // SARIF's end column is exclusive; ours is inclusive.
        region["endColumn"] = json!(end.column + 1);
    }
    let text = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{}\nhelp: {}", f.message, f.help)
    };
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri_path(&f.file_uri()), "uriBaseId": "%SRCROOT%" },
            "region": region,
        }}],
    })
}

/// A relative path as an RFC 3986 URI reference: bytes outside the
/// unreserved, sub-delimiter and path characters are percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Pos, test_finding};

    #[test]
    fn paths_are_percent_encoded_as_uris() {
        assert_eq!(
            uri_path("terraform/modules/swarm/main.tf"),
            "terraform/modules/swarm/main.tf"
        );
        assert_eq!(uri_path("x/ü b%.yml"), "x/%C3%BC%20b%25.yml");
    }
    use crate::catalog::catalog;

    #[test]
    fn results_point_at_their_rule_and_place() {
        let report = Report::new(
            vec![
                test_finding(
                    "OBS-005",
                    Severity::Warning,
                    "no runbook",
                    "rules/a.yml",
                    3,
                    5,
                )
                .with_end(Pos::new(3, 9))
                .with_help("add runbook_url"),
                test_finding("LOCAL-001", Severity::Info, "own rule", "x.tf", 1, 1),
            ],
            0,
        );
        let doc: Value = serde_json::from_str(&render(&report, &catalog())).expect("valid JSON");
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let r0 = &run["results"][0];
        assert_eq!(r0["ruleId"], "OBS-005");
        let index = usize::try_from(r0["ruleIndex"].as_u64().expect("index")).expect("small");
        assert_eq!(rules[index]["id"], "OBS-005");
        assert_eq!(r0["level"], "warning");
        assert_eq!(r0["message"]["text"], "no runbook\nhelp: add runbook_url");
        let loc = &r0["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "rules/a.yml");
        assert_eq!(
            loc["region"],
            json!({"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 10})
        );
        let r1 = &run["results"][1];
        let index = usize::try_from(r1["ruleIndex"].as_u64().expect("index")).expect("small");
        assert_eq!(rules[index]["id"], "LOCAL-001");
        assert_eq!(r1["level"], "note");
    }
}
