//! `slo-report` end to end (OBS-008): the binary against a real Prometheus
//! (testkit's) holding 30 days of generated series — one SLO healthy, one
//! burning, one exhausted — in all three formats, with its exit status.

#[path = "support/examples.rs"]
mod examples;

use std::process::Command;
use std::time::Duration;

use testkit::{Prometheus, Series};

fn bin() -> std::path::PathBuf {
    examples::example("slo-report")
}

fn run(base: &str, format: &str) -> (Option<i32>, String) {
    let out = Command::new(bin())
        .args(["--prometheus", base, "--tenant", "acme", "--format", format])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.is_empty() || out.status.code() == Some(2),
        "{stderr}"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn obs_008_slo_report_on_live_series_freezes_the_exhausted_budget() {
    let c = |name: &str, rate: f64| Series::counter(name, rate).label("tenant", "acme");
    let prom = Prometheus::builder()
        .series([
            c("busflow_booking_started_total", 10.0),
            c("busflow_booking_completed_total", 9.99),
            c("busflow_pdf_parser_total", 1.0),
            c("busflow_pdf_parser_success_total", 0.9),
            Series::counter("http_server_duration_milliseconds_count", 9.99)
                .burst(Duration::from_hours(2), 8.0)
                .label("tenant", "acme")
                .label("http_response_status_code", "200"),
            Series::counter("http_server_duration_milliseconds_count", 0.01)
                .burst(Duration::from_hours(2), 2.0)
                .label("tenant", "acme")
                .label("http_response_status_code", "500"),
        ])
        .history(Duration::from_hours(24 * 31))
        .start()
        .expect("Prometheus starts");

    let (code, human) = run(prom.base_url(), "human");
    println!("{human}");
    assert_eq!(code, Some(2), "a spent budget fails the job: {human}");
    assert!(
        human.contains("FEATURE FREEZE") && human.contains("pdf-parse"),
        "{human}"
    );
    assert!(
        human.contains("feature freeze") && human.contains("burns"),
        "{human}"
    );

    let (code, json) = run(prom.base_url(), "json");
    assert_eq!(code, Some(2));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 7, "one per SLO: {json}");
    let severity = |file: &str| {
        findings
            .iter()
            .find(|f| f["file"] == file)
            .and_then(|f| f["severity"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(severity("slo/pdf-parse"), "error");
    assert_eq!(severity("slo/api-errors"), "warning");
    assert_eq!(severity("slo/booking-success"), "info");

    let (code, sarif) = run(prom.base_url(), "sarif");
    assert_eq!(code, Some(2));
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 7);
    assert!(results.iter().all(|r| r["ruleId"] == "OBS-008"));
}
