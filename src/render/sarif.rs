//! SARIF 2.1.0 for GitHub code scanning, built from `serde-sarif`'s types
//! (generated from the published schema): one run, the catalog as the
//! driver's rules, one result per finding with a relative location.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};

use super::Report;
use crate::Rule;
use crate::finding::{Finding, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// What stays unencoded in a URI path: RFC 3986's unreserved characters,
/// sub-delimiters, `:`, `@` and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/');

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(t: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(t.into()).build()
}

fn rule_descriptor(id: &str, title: &str, severity: Severity) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(id.to_owned())
        .name(id.to_owned())
        .short_description(text(title))
        .full_description(text(title))
        .help(text(format!(
            "{id}: {title}. See CONTRACTS.md for the clause."
        )))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::to_value(level(severity)).unwrap_or_default())
                .build(),
        )
        .build()
}

pub(super) fn render(report: &Report, catalog: &[&'static Rule]) -> String {
    let mut rules: Vec<ReportingDescriptor> = catalog
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
    let results: Vec<SarifResult> = report
        .findings()
        .iter()
        .map(|f| result(f, ids.iter().position(|id| *id == f.rule_id).unwrap_or(0)))
        .collect();
    let driver = ToolComponent::builder()
        .name("busflow".to_owned())
        .version(env!("CARGO_PKG_VERSION").to_owned())
        .information_uri("https://example.invalid/busflow".to_owned())
        .rules(rules)
        .build();
    let root = ArtifactLocation::builder()
        .description(
            Message::builder()
                .text("the checked repository's root".to_owned())
                .build(),
        )
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_owned(), root)]))
        .results(results)
        .build();
    let doc = Sarif::builder()
        .schema(SCHEMA.to_owned())
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn result(f: &Finding, rule_index: usize) -> SarifResult {
    let mut region = Region::builder()
        .start_line(i64::from(f.start.line))
        .start_column(i64::from(f.start.column))
        .build();
    if let Some(end) = f.end {
        region.end_line = Some(i64::from(end.line));
        // SARIF's end column is exclusive; ours is inclusive.
        region.end_column = Some(i64::from(end.column) + 1);
    }
    let message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{}\nhelp: {}", f.message, f.help)
    };
    let location = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(uri_path(&f.file_uri()))
                .uri_base_id(SRCROOT.to_owned())
                .build(),
        )
        .region(region)
        .build();
    SarifResult::builder()
        .rule_id(f.rule_id.to_owned())
        .rule_index(i64::try_from(rule_index).unwrap_or(i64::MAX))
        .level(level(f.severity))
        .message(Message::builder().text(message).build())
        .locations(vec![
            Location::builder().physical_location(location).build(),
        ])
        .build()
}

/// A relative path as an RFC 3986 URI reference: bytes outside the
/// unreserved, sub-delimiter and path characters are percent-encoded.
fn uri_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

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
