//! OBS-004 against a real Prometheus loaded with series of known cardinality.

use std::path::Path;

use busflow_obs_rules::{Config, PrometheusSource, SeriesSource, check_rule_file, probe};
use testkit::{Prometheus, Series};

fn alert(name: &str, metric: &str, budget: u64) -> String {
    format!(
        "      - alert: {name}\n        expr: sum(rate({metric}[5m])) > 0\n        labels: {{severity: warning}}\n        annotations:\n          runbook_url: https://runbooks.example/{name}\n          cardinality_budget: \"{budget}\"\n"
    )
}

#[tokio::test]
async fn obs_004_series_counts_are_compared_with_budgets() {
    let mut series = Series::many("busflow_under_total", "tenant_id", 30);
    series.extend(Series::many("busflow_at_total", "tenant_id", 50));
    series.extend(Series::many("busflow_over_total", "tenant_id", 70));
    let prom = Prometheus::start(series).expect("Prometheus starts");

    let yaml = format!(
        "groups:\n  - name: budgets\n    rules:\n{}{}{}{}",
        alert("Under", "busflow_under_total", 50),
        alert("At", "busflow_at_total", 50),
        alert("Over", "busflow_over_total", 50),
        alert("Absent", "busflow_absent_total", 25_000),
    );
    let checked = check_rule_file(
        Path::new("rules/budgets.yml"),
        yaml.as_bytes(),
        &Config::default(),
    );
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);

    let source = PrometheusSource::new(prom.base_url());
    let report = probe(&[checked.file], &source, &Config::default())
        .await
        .expect("probe");
    let table: Vec<(&str, u64, u64, i64)> = report
        .lines
        .iter()
        .map(|l| (l.metric.as_str(), l.series, l.budget, l.headroom))
        .collect();
    assert_eq!(
        table,
        vec![
            ("busflow_absent_total", 0, 25_000, 25_000),
            ("busflow_at_total", 50, 50, 0),
            ("busflow_over_total", 70, 50, -20),
            ("busflow_under_total", 30, 50, 20),
        ]
    );
    let breaches: Vec<(&str, u32)> = report
        .findings
        .iter()
        .filter(|f| f.severity == busflow_obs_rules::Severity::Error)
        .map(|f| (f.rule_id, f.start.line))
        .collect();
    assert_eq!(
        breaches,
        vec![("OBS-004", 21)],
        "only the over-budget metric breaches"
    );
    let mimir: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == busflow_obs_rules::Severity::Warning)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(mimir.len(), 1, "{mimir:?}");
    assert!(mimir[0].contains("25000") && mimir[0].contains("20000"));
    assert_eq!(source.requests(), 1, "four metrics fit in one request");
}

#[tokio::test]
async fn obs_004_requests_grow_with_batches_not_with_metrics() {
    let names: Vec<String> = (0..120)
        .map(|i| format!("busflow_probe_metric_{i:03}_total"))
        .collect();
    let mut series = Vec::new();
    for (i, name) in names.iter().enumerate() {
        series.extend(Series::many(name, "shard", i % 4 + 1));
    }
    let prom = Prometheus::start(series).expect("Prometheus starts");
    let source = PrometheusSource::new(prom.base_url()).max_url_len(1_500);
    let counts = source.series_counts(&names).await.expect("counts");
    assert_eq!(counts.len(), 120);
    for (i, name) in names.iter().enumerate() {
        assert_eq!(counts[name], (i % 4 + 1) as u64, "{name}");
    }
    let requests = source.requests();
    assert!(
        (2..=12).contains(&requests),
        "120 metrics took {requests} requests; expected a handful of batches"
    );
}

#[tokio::test]
async fn obs_004_mimir_tenant_header_is_sent_and_errors_are_typed() {
    let prom =
        Prometheus::start(Series::many("busflow_x_total", "a", 3)).expect("Prometheus starts");
    // Prometheus ignores X-Scope-OrgID; the count must still come back.
    let source = PrometheusSource::new(prom.base_url()).tenant("tenant-1");
    let counts = source
        .series_counts(&["busflow_x_total".to_owned()])
        .await
        .expect("counts");
    assert_eq!(counts["busflow_x_total"], 3);
    // Prometheus has no cardinality endpoint: a typed HTTP error, not a panic.
    let mimir =
        PrometheusSource::new(prom.base_url()).mode(busflow_obs_rules::Mode::MimirCardinality);
    let err = mimir
        .series_counts(&["busflow_x_total".to_owned()])
        .await
        .expect_err("404");
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    assert!(!err.is_retryable());
    let down = PrometheusSource::new("http://127.0.0.1:9");
    let err = down
        .series_counts(&["a".to_owned()])
        .await
        .expect_err("refused");
    assert!(err.is_retryable(), "{err}");
}
