//! PII-005 and PII-006: the emitted Promtail / Alloy stages are valid Go
//! RE2 and redact the same kinds of values when Go runs them; the LogQL
//! alerts are Loki ruler files the obs-rules conventions accept.

use std::path::Path;
use std::process::{Command, Stdio};

use busflow_pii::{Detector, RedactorConfig, emit};

/// One value per detector, as a log line would carry it.
const SAMPLES: &[(Detector, &str)] = &[
    (Detector::Card, "4012 8888 8888 1881"),
    (Detector::Card, "4012888888881881"),
    (Detector::Card, "3714-496353-98431"),
    (Detector::Email, "ann.lee@example.co.uk"),
    (Detector::UrlPart, "s3cret"),
    (Detector::Iban, "DE89 3704 0044 0532 0130 00"),
    (Detector::Iban, "GB82WEST12345698765432"),
    (Detector::Ip, "203.0.114.7"),
    (Detector::Ip, "2a01:4f8:c17:1::1"),
    (Detector::Phone, "+49 30 1234567"),
    (Detector::Phone, "030 12345678"),
    (Detector::Token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln"),
    (Detector::Token, "abcdefgh12345678"),
];

fn line_for(d: Detector, value: &str) -> String {
    match (d, value) {
        (Detector::UrlPart, v) => format!("GET /login?user=1&password={v} 200"),
        (Detector::Token, v) if !v.starts_with("eyJ") => format!("auth: Bearer {v}"),
        (_, v) => format!("level=info msg=\"value {v} seen\""),
    }
}

#[test]
fn pii_005_promtail_stages_are_a_pipeline_of_replace_stages() {
    let config = RedactorConfig::default();
    let text = emit::promtail(&config);
    assert!(
        text.contains("RE2 cannot express the Luhn checksum"),
        "{text}"
    );
    let docs = busflow_yaml::parse(&text).expect("YAML");
    let stages = docs[0]
        .get("pipeline_stages")
        .and_then(|s| s.as_seq())
        .expect("pipeline_stages");
    assert_eq!(stages.len(), emit::stages(&config).len());
    for (node, stage) in stages.iter().zip(emit::stages(&config)) {
        let replace = node.get("replace").expect("a replace stage");
        assert_eq!(
            replace.get("expression").and_then(|e| e.as_str()),
            Some(stage.expression.as_str())
        );
        assert_eq!(
            replace.get("replace").and_then(|e| e.as_str()),
            Some(stage.replace.as_str())
        );
    }
    let alloy = emit::alloy(&config);
    assert_eq!(alloy.matches("stage.replace {").count(), stages.len());
    // Only active detectors are emitted.
    let cards = emit::stages(&RedactorConfig::only(&[Detector::Card]));
    assert!(cards.iter().all(|s| s.detector == Detector::Card) && !cards.is_empty());
}

#[test]
fn pii_005_go_regexp_compiles_the_stages_and_redacts_the_samples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main_go = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/pii-go/main.go");
    let go = testkit::build_go(&main_go, dir.path()).expect("go build (Debian golang-go)");
    let table = dir.path().join("stages.tsv");
    std::fs::write(&table, emit::re2_table(&RedactorConfig::default())).expect("write");
    let input: String = SAMPLES
        .iter()
        .map(|(d, v)| line_for(*d, v) + "\n")
        .collect();
    let clean = "2026-11-23T10:00:00Z level=info msg=\"GET /health 200\" took=3ms\n";
    let mut child = Command::new(go)
        .arg(&table)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        (input + clean).as_bytes(),
    )
    .expect("write");
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = out.lines().collect();
    for ((d, v), line) in SAMPLES.iter().zip(&lines) {
        assert!(
            !line.contains(v),
            "{}: Go left {v:?} in {line:?}",
            d.rule_id()
        );
        assert!(
            line.contains(&format!("[{}]", d.token())),
            "{}: {line:?}",
            d.rule_id()
        );
    }
    assert_eq!(
        lines[SAMPLES.len()],
        clean.trim_end(),
        "a clean line is untouched"
    );
}

#[test]
fn pii_006_logql_alerts_are_loki_ruler_rules_by_the_conventions() {
    let text = emit::logql_rules(
        &RedactorConfig::default(),
        "https://docs.busflow.app/protocols/",
    );
    let (file, findings) =
        busflow_obs_rules::parse_rule_file(Path::new("loki-rules/pii-leaks.yml"), text.as_bytes());
    assert!(findings.is_empty(), "{findings:?}");
    let rules: Vec<_> = file.groups.iter().flat_map(|g| &g.rules).collect();
    assert_eq!(rules.len(), Detector::ALL.len());
    for rule in rules {
        let alert = &rule.alert.as_ref().expect("an alert").value;
        let label = |k: &str| {
            rule.labels
                .iter()
                .find(|(n, _)| n.value == k)
                .map(|(_, v)| v.value.as_str())
        };
        let annotation = |k: &str| {
            rule.annotations
                .iter()
                .find(|(n, _)| n.value == k)
                .map(|(_, v)| v.value.as_str())
        };
        assert_eq!(label("severity"), Some("critical"), "{alert}");
        assert!(
            label("rule_id").is_some_and(|id| Detector::parse(id).is_some()),
            "{alert}"
        );
        assert!(
            annotation("runbook_url")
                .is_some_and(|u| u.starts_with("https://docs.busflow.app/protocols/pii-leak#")),
            "{alert}"
        );
        assert_eq!(
            rule.for_.as_ref().map(|f| f.value.as_str()),
            Some("5m"),
            "{alert}"
        );
        let expr = &rule.expr.as_ref().expect("expr").value;
        assert!(
            expr.starts_with("sum by (service) (count_over_time({service=~\".+\"} |~ `"),
            "{expr}"
        );
        assert!(!expr[expr.find('`').expect("`") + 1..expr.rfind('`').expect("`")].contains('`'));
    }
}
