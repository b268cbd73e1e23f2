//! OBS-008 on live data: a real Prometheus (testkit's) holding 30 days of
//! generated counters for three SLOs of the table — one healthy, one whose
//! budget burns fast over the last two hours, one whose budget is spent —
//! queried with the model's PromQL, per tenant and for all.

use std::time::Duration;

use busflow_obs_rules::{
    PrometheusSource, Severity, SliQueries, live_report, measure, slo_findings, slo_table,
};
use testkit::{Prometheus, Series};

fn counter(name: &str, tenant: &str, per_second: f64) -> Series {
    Series::counter(name, per_second).label("tenant", tenant)
}

#[tokio::test]
async fn obs_008_budgets_and_burn_rates_come_from_thirty_days_of_live_series() {
    let burst = Duration::from_hours(2);
    let series = vec![
        // Booking: 0.1 % of bookings fail, a fifth of the 0.5 % budget.
        counter("busflow_booking_started_total", "acme", 10.0),
        counter("busflow_booking_completed_total", "acme", 9.99),
        // API errors: 0.1 % 5xx for a month, then 20 % for two hours.
        Series::counter("http_server_duration_milliseconds_count", 9.99)
            .burst(burst, 8.0)
            .label("tenant", "acme")
            .label("http_response_status_code", "200"),
        Series::counter("http_server_duration_milliseconds_count", 0.01)
            .burst(burst, 2.0)
            .label("tenant", "acme")
            .label("http_response_status_code", "503"),
        // PDF parsing: 10 % fail against a 5 % budget.
        counter("busflow_pdf_parser_total", "acme", 1.0),
        counter("busflow_pdf_parser_success_total", "acme", 0.9),
        // Another tenant, all healthy: not in acme's figures.
        counter("busflow_pdf_parser_total", "globex", 1.0),
        counter("busflow_pdf_parser_success_total", "globex", 1.0),
    ];
    let prom = Prometheus::builder()
        .series(series)
        .history(Duration::from_hours(24 * 31))
        .start()
        .expect("Prometheus starts");
    let source = PrometheusSource::new(prom.base_url());
    let slos: Vec<_> = slo_table()
        .into_iter()
        .filter_map(|s| SliQueries::for_slo(&s).map(|q| (s, q)))
        .collect();
    assert_eq!(slos.len(), 7);

    let live = measure(&source, &slos, "30d", Some("acme"))
        .await
        .expect("measured");
    let report = live_report(&live);
    println!("{report}");
    let row = |id: &str| live.iter().find(|l| l.slo.id == id).expect(id);

    let booking = row("booking-success");
    assert!(!booking.status.feature_freeze, "{report}");
    assert!((booking.status.consumed - 0.2).abs() < 0.03, "{report}");
    for (_, rate) in &booking.burn {
        let rate = rate.expect("data");
        assert!((rate - 0.2).abs() < 0.05, "{report}");
    }

    let api = row("api-errors");
    assert!(!api.status.feature_freeze, "{report}");
    let burn_1h = api.burn[0].1.expect("data");
    assert!(
        (burn_1h - 40.0).abs() < 4.0,
        "20 % bad against 0.5 %: {report}"
    );
    assert!(
        api.status.consumed > 0.25 && api.status.consumed < 0.4,
        "{report}"
    );

    let pdf = row("pdf-parse");
    assert!(pdf.status.feature_freeze, "{report}");
    assert!((pdf.status.consumed - 2.0).abs() < 0.1, "{report}");

    assert!(row("hasura-latency").counts.is_none(), "no series: no data");
    assert!(
        row("api-latency").counts.is_none(),
        "no buckets: no data, not a freeze"
    );
    assert!(
        report.contains("FEATURE FREEZE") && report.contains("no data"),
        "{report}"
    );

    let findings = slo_findings(&live);
    assert_eq!(findings.len(), 7, "one per SLO: {findings:#?}");
    let summary: Vec<(String, Severity)> = findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.file.display().to_string(), f.severity))
        .collect();
    assert_eq!(
        summary,
        [
            ("slo/api-errors".to_owned(), Severity::Warning),
            ("slo/pdf-parse".to_owned(), Severity::Error)
        ],
        "{findings:#?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| f.rule_id == "OBS-008" && !f.help.is_empty())
    );

    // All tenants: globex's healthy parsing halves the failure share.
    let all = measure(&source, &slos, "30d", None)
        .await
        .expect("measured");
    let pdf_all = all.iter().find(|l| l.slo.id == "pdf-parse").expect("pdf");
    assert!(
        (pdf_all.status.consumed - 1.0).abs() < 0.1,
        "{}",
        live_report(&all)
    );
}
