//! OBS-008: SLO error budgets and burn-rate alerts.

use std::path::Path;

use busflow_obs_rules::{Config, budget_status, burn_rate_rules, check_rule_file, slo_table};

#[test]
fn obs_008_burn_rate_alerts_pass_promtool_and_our_checks() {
    let api = slo_table()
        .into_iter()
        .find(|s| s.id == "api-errors")
        .expect("documented SLO");
    let text = burn_rate_rules(
        &api,
        r#"sum(rate(http_server_duration_milliseconds_count{http_status_code=~"5.."}[$window]))"#,
        "sum(rate(http_server_duration_milliseconds_count[$window]))",
        "https://docs.busflow.app/protocols/error-budget",
    );
    assert!(
        text.contains("> 0.072 and"),
        "14.4 × 0.5 % = 0.072:\n{text}"
    );
    super::promtool_accepts(&text);
    let checked = check_rule_file(Path::new("slo.yml"), text.as_bytes(), &Config::default());
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
}

#[test]
fn obs_008_an_exhausted_budget_is_a_feature_freeze() {
    let pdf = slo_table()
        .into_iter()
        .find(|s| s.id == "pdf-parse")
        .expect("documented SLO");
    assert!(
        !budget_status(&pdf, 960, 1_000).feature_freeze,
        "4 % failures of a 5 % budget"
    );
    assert!(
        budget_status(&pdf, 950, 1_000).feature_freeze,
        "5 % failures spend all of it"
    );
}
