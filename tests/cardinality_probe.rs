//! The cardinality-probe workflow end to end: the reference repository's
//! rule files against a real Prometheus (OBS-004).

#![cfg(feature = "obs-rules")]

use std::path::Path;

use busflow::obs_rules::{Config, PrometheusSource, check_rule_dir, probe};
use busflow::{ExitStatus, Finding, Severity};
use testkit::{Prometheus, Series};

#[tokio::test]
async fn obs_004_reference_budgets_hold_and_a_breach_fails_the_run() {
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra/observability/prometheus-rules");
    let config = Config::default();
    let files: Vec<_> = check_rule_dir(&rules, &config)
        .expect("rule files")
        .into_iter()
        .map(|c| c.file)
        .collect();

    // busflow_llm_tokens_total is budgeted at 20 000, busflow_llm_requests_total at 8 000.
    let mut series = Series::many("busflow_llm_tokens_total", "tenant_id", 120);
    series.extend(Series::many("busflow_llm_requests_total", "tenant_id", 40));
    let prom = Prometheus::start(series).expect("Prometheus starts");
    let source = PrometheusSource::new(prom.base_url());
    let report = probe(&files, &source, &config).await.expect("probe");
    let table: Vec<(&str, u64, u64)> = report
        .lines
        .iter()
        .map(|l| (l.metric.as_str(), l.series, l.budget))
        .collect();
    assert_eq!(
        table,
        vec![
            ("busflow_llm_requests_total", 40, 8_000),
            ("busflow_llm_tokens_total", 120, 20_000)
        ]
    );
    let findings: Vec<Finding> = report.findings.into_iter().collect();
    assert_eq!(
        ExitStatus::for_findings(&findings, Severity::Error),
        ExitStatus::Clean
    );

    // A tighter config shows the breach path through the same files.
    let tiny = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(rules.join("llm.yml"))
        .expect("llm.yml")
        .replace("\"8000\"", "\"30\"");
    std::fs::write(tiny.path().join("llm.yml"), text).expect("write");
    let files: Vec<_> = check_rule_dir(tiny.path(), &config)
        .expect("rule files")
        .into_iter()
        .map(|c| c.file)
        .collect();
    let report = probe(&files, &source, &config).await.expect("probe");
    let findings: Vec<Finding> = report.findings.into_iter().collect();
    assert_eq!(
        ExitStatus::for_findings(&findings, Severity::Error),
        ExitStatus::Findings
    );
    assert_eq!(findings[0].rule_id, "OBS-004");
    assert!(
        findings[0]
            .message
            .contains("40 active series, over the budget of 30"),
        "{}",
        findings[0].message
    );
    assert_eq!(source.requests(), 2, "one request per probe run");
}
