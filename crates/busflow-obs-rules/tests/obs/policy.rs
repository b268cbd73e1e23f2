//! The team's policy clauses, each with a passing and a failing input.

use std::path::Path;

use busflow_obs_rules::{Config, CustomMetrics, Finding, Severity, check_rule_file};

fn findings(yaml: &str, config: &Config) -> Vec<Finding> {
    check_rule_file(Path::new("rules/team.yml"), yaml.as_bytes(), config).findings
}

fn ids(found: &[Finding]) -> Vec<(&'static str, u32)> {
    found.iter().map(|f| (f.rule_id, f.start.line)).collect()
}

const GOOD_ALERT: &str = r#"
groups:
  - name: llm
    rules:
      - alert: LlmCostHigh
        expr: sum by (tenant_id) (rate(llm_cost_eur_total[1h])) > 10
        for: 30m
        labels: {severity: warning}
        annotations:
          runbook_url: https://runbooks.busflow.example/llm#cost
          cardinality_budget: "4000"
"#;

#[test]
fn obs_002_custom_metric_alerts_declare_an_integer_budget() {
    assert_eq!(ids(&findings(GOOD_ALERT, &Config::default())), vec![]);
    let missing = GOOD_ALERT.replace("          cardinality_budget: \"4000\"\n", "");
    let found = findings(&missing, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-002", 5)]);
    assert!(
        found[0].message.contains("llm_cost_eur_total"),
        "{}",
        found[0].message
    );
    assert!(!found[0].help.is_empty());
    let not_int = GOOD_ALERT.replace("\"4000\"", "\"4k\"");
    let found = findings(&not_int, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-002", 11)]);
    assert_eq!(found[0].start.column, 32, "the value, inside its quotes");
}

#[test]
fn obs_002_exporter_metrics_need_no_budget_and_the_definition_is_configurable() {
    let exporter = GOOD_ALERT
        .replace("llm_cost_eur_total", "node_filesystem_avail_bytes")
        .replace("          cardinality_budget: \"4000\"\n", "");
    assert_eq!(ids(&findings(&exporter, &Config::default())), vec![]);
    let all_custom = Config {
        custom_metrics: CustomMetrics::AllExcept(CustomMetrics::well_known_exporters()),
        ..Config::default()
    };
    assert_eq!(ids(&findings(&exporter, &all_custom)), vec![]);
    let checkout = exporter.replace(
        "node_filesystem_avail_bytes",
        "checkout_latency_seconds_count",
    );
    assert_eq!(ids(&findings(&checkout, &Config::default())), vec![]);
    assert_eq!(ids(&findings(&checkout, &all_custom)), vec![("OBS-002", 5)]);
}

#[test]
fn obs_003_budgets_stay_within_tenants_times_series() {
    let at_cap = GOOD_ALERT.replace("\"4000\"", "\"80000\"");
    assert_eq!(ids(&findings(&at_cap, &Config::default())), vec![]);
    let over = GOOD_ALERT.replace("\"4000\"", "\"80001\"");
    let found = findings(&over, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-003", 11)]);
    assert!(
        found[0]
            .message
            .contains("80000 (4000 tenants × 20 series)"),
        "{}",
        found[0].message
    );
    let small_platform = Config {
        tenant_cap: 100,
        ..Config::default()
    };
    assert_eq!(
        ids(&findings(GOOD_ALERT, &small_platform)),
        vec![("OBS-003", 11)]
    );
}

#[test]
fn obs_005_alerts_carry_a_runbook_and_a_known_severity() {
    let no_runbook = GOOD_ALERT.replace(
        "          runbook_url: https://runbooks.busflow.example/llm#cost\n",
        "",
    );
    assert_eq!(
        ids(&findings(&no_runbook, &Config::default())),
        vec![("OBS-005", 5)]
    );
    let page = GOOD_ALERT.replace("severity: warning", "severity: page");
    let found = findings(&page, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-005", 8)]);
    assert!(found[0].help.contains("warning, critical"));
    let no_labels = GOOD_ALERT.replace("        labels: {severity: warning}\n", "");
    assert_eq!(
        ids(&findings(&no_labels, &Config::default())),
        vec![("OBS-005", 5)]
    );
}

#[test]
fn obs_006_unbounded_labels_are_rejected_and_tenant_labels_allowed() {
    let by_user = GOOD_ALERT.replace("by (tenant_id)", "by (tenant_id, user_id)");
    let found = findings(&by_user, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-006", 6)]);
    assert_eq!(found[0].severity, Severity::Error);
    let recording = "groups:\n  - name: r\n    rules:\n      - record: x:busflow_req:rate5m\n        expr: sum by (model_version, trace_id) (rate(busflow_req_total[5m]))\n        labels:\n          request_url: /x\n";
    assert_eq!(
        ids(&findings(recording, &Config::default())),
        vec![("OBS-006", 5), ("OBS-006", 7)]
    );
    let allowed = recording
        .replace(", trace_id", "")
        .replace("          request_url: /x\n", "          team: core\n");
    assert_eq!(ids(&findings(&allowed, &Config::default())), vec![]);
}

#[test]
fn obs_002_an_alert_on_a_recorded_custom_metric_needs_a_budget_too() {
    let yaml = "groups:\n  - name: r\n    rules:\n      - record: tenant:busflow_bookings:rate5m\n        expr: sum by (tenant_id) (rate(busflow_bookings_total[5m]))\n      - alert: BookingsDropped\n        expr: tenant:busflow_bookings:rate5m < 0.1\n        labels: {severity: warning}\n        annotations: {runbook_url: https://x}\n";
    let found = findings(yaml, &Config::default());
    assert_eq!(ids(&found), vec![("OBS-002", 6)]);
    assert!(
        found[0].message.contains("busflow_bookings_total"),
        "{}",
        found[0].message
    );
}
