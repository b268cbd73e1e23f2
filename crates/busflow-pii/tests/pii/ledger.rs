//! PII-004: false positives counted per rule and UTC day against the
//! budget, exported as Prometheus text that promtool accepts.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use busflow_pii::{
    DEFAULT_BUDGET, Detector, Exclusions, Ledger, Mode, Outcome, Redactor, RedactorConfig, Tally,
    UtcDay,
};

fn day(d: u32) -> UtcDay {
    UtcDay::from_ymd(2026, 11, d).expect("date")
}

fn run(redactor: &Redactor, text: &str) -> Tally {
    let mut outcome = Outcome::default();
    redactor.redact_into(text.as_bytes(), Mode::Text, &mut Vec::new(), &mut outcome);
    let mut tally = Tally::default();
    tally.add(&outcome);
    tally
}

#[test]
fn pii_004_suppressions_and_reports_count_against_the_daily_budget() {
    let ex = Exclusions::parse(
        Path::new("pii-exclusions.yaml"),
        "PII-002:\n  - literal: noreply@busflow.app\n    name: noreply\n",
    )
    .expect("valid");
    let redactor = Redactor::with_exclusions(RedactorConfig::default(), ex);
    let mut ledger = Ledger::default();
    assert_eq!(DEFAULT_BUDGET, 5);
    // Four suppressions and one report on the 22nd: at the budget, not over.
    ledger.record(
        day(22),
        &run(
            &redactor,
            &"noreply@busflow.app ann@example.com\n".repeat(4),
        ),
        &redactor,
    );
    ledger.report_false_positive(day(22), Detector::Email);
    assert!(ledger.over_budget(day(22)).is_empty());
    let counts = ledger.counts(day(22), Detector::Email);
    assert_eq!(
        (
            counts.redactions,
            counts.suppressed["noreply"],
            counts.reported
        ),
        (4, 4, 1)
    );
    // A sixth on the same day flags the rule; the next day starts afresh.
    ledger.report_false_positive(day(22), Detector::Email);
    assert_eq!(ledger.over_budget(day(22)), [(Detector::Email, 6)]);
    ledger.record(day(23), &run(&redactor, "noreply@busflow.app"), &redactor);
    assert!(ledger.over_budget(day(23)).is_empty());
    // A stricter budget flags sooner.
    let mut strict = Ledger::new(0);
    strict.report_false_positive(day(23), Detector::Card);
    assert_eq!(strict.over_budget(day(23)), [(Detector::Card, 1)]);
}

#[test]
fn pii_004_counters_are_prometheus_text_promtool_accepts() {
    let ex = Exclusions::parse(
        Path::new("x.yaml"),
        "PII-002:\n  - literal: noreply@busflow.app\n",
    )
    .expect("valid");
    let redactor = Redactor::with_exclusions(RedactorConfig::default(), ex);
    let mut ledger = Ledger::default();
    ledger.record(
        day(22),
        &run(
            &redactor,
            &"noreply@busflow.app 4012888888881881\n".repeat(7),
        ),
        &redactor,
    );
    ledger.report_false_positive(day(22), Detector::Card);
    let text = ledger.to_prometheus();
    assert!(
        text.contains("busflow_pii_redactions_total{rule=\"PII-001\",day=\"2026-11-22\"} 7"),
        "{text}"
    );
    assert!(text.contains("busflow_pii_suppressions_total{rule=\"PII-002\",day=\"2026-11-22\",exclusion=\"literal@2\"} 7"), "{text}");
    assert!(
        text.contains(
            "busflow_pii_false_positive_budget_exceeded{rule=\"PII-002\",day=\"2026-11-22\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "busflow_pii_false_positive_budget_exceeded{rule=\"PII-001\",day=\"2026-11-22\"} 0"
        ),
        "{text}"
    );
    assert!(!text.contains("noreply@"), "values never become labels");
    let promtool = testkit::tool("promtool", "prometheus").expect("promtool");
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("promtool");
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
