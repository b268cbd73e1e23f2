//! OBS-008 on live data: each SLO's good and total events over its window
//! (30 days by default) and over the burn-rate windows (1 h, 6 h, 3 d),
//! queried from Prometheus (or Mimir) with PromQL that is part of the typed
//! model ([`SliQueries`], overridable per SLO); budget, consumed and burn
//! rates from [`budget_status`]; findings for a spent budget (a feature
//! freeze) and for a budget burning fast.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::Finding;
use crate::Severity;
use crate::catalog::OBS_008;
use crate::error::Error;
use crate::series::PrometheusSource;
use crate::slo::{BudgetStatus, Slo, budget_status};

/// PromQL for an SLO's good and total events, with `$window` for the range
/// (`30d`) and `$tenant` for a label matcher (`tenant="acme"`, or
/// `tenant=~".*"` for every tenant) inside a selector's braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliQueries {
    /// Good events over `$window`.
    pub good: String,
    /// All events over `$window`.
    pub total: String,
}

/// `sum(increase(metric{matchers, $tenant}[$window]))`.
fn increase(metric: &str, matchers: &str) -> String {
    let sep = if matchers.is_empty() { "" } else { ", " };
    format!("sum(increase({metric}{{{matchers}{sep}$tenant}}[$window]))")
}

impl SliQueries {
    /// The default queries of a row of [`crate::slo_table`], by its id, for
    /// the metric names the OpenTelemetry collector and Faro export to
    /// Prometheus; `None` for an id the table does not have.
    pub fn for_slo(slo: &Slo) -> Option<Self> {
        let (good, total) = match slo.id {
            "api-latency" => (
                increase("http_server_duration_milliseconds_bucket", "le=\"300\""),
                increase("http_server_duration_milliseconds_count", ""),
            ),
            // Good is a filter of the total's metric: no series left by the
            // filter is no good event, not missing data.
            "api-errors" => (
                format!(
                    "{} or vector(0)",
                    increase(
                        "http_server_duration_milliseconds_count",
                        "http_response_status_code!~\"5..\"",
                    )
                ),
                increase("http_server_duration_milliseconds_count", ""),
            ),
            "booking-success" => (
                increase("busflow_booking_completed_total", ""),
                increase("busflow_booking_started_total", ""),
            ),
            "hasura-latency" => (
                increase("hasura_http_request_duration_seconds_bucket", "le=\"0.2\""),
                increase("hasura_http_request_duration_seconds_count", ""),
            ),
            "pdf-parse" => (
                increase("busflow_pdf_parser_success_total", ""),
                increase("busflow_pdf_parser_total", ""),
            ),
            "frontend-lcp" => (
                increase("faro_web_vitals_lcp_milliseconds_bucket", "le=\"2500\""),
                increase("faro_web_vitals_lcp_milliseconds_count", ""),
            ),
            "frontend-js-errors" => (
                format!(
                    "{} - {}",
                    increase("faro_sessions_total", ""),
                    increase("faro_sessions_with_exceptions_total", "")
                ),
                increase("faro_sessions_total", ""),
            ),
            _ => return None,
        };
        Some(Self { good, total })
    }

    fn render(template: &str, window: &str, tenant: Option<&str>) -> String {
        let matcher = tenant.map_or_else(
            || "tenant=~\".*\"".to_owned(),
            |t| {
                format!(
                    "tenant=\"{}\"",
                    t.replace('\\', "\\\\").replace('"', "\\\"")
                )
            },
        );
        template
            .replace("$window", window)
            .replace("$tenant", &matcher)
    }
}

/// The burn-rate windows reported beside the budget.
pub const REPORT_WINDOWS: [&str; 3] = ["1h", "6h", "3d"];

/// Where one SLO stands on live data.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveSlo {
    /// The SLO.
    pub slo: Slo,
    /// The budget window (`30d`).
    pub window: String,
    /// Good and total events over the window; `None` when the queries found
    /// no series.
    pub counts: Option<(f64, f64)>,
    /// The budget over the window (of nothing when there is no data).
    pub status: BudgetStatus,
    /// The burn rate over each of [`REPORT_WINDOWS`] (`None`: no events).
    pub burn: Vec<(&'static str, Option<f64>)>,
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn whole(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v.round() as u64
    } else {
        0
    }
}

async fn counts(
    source: &PrometheusSource,
    q: &SliQueries,
    window: &str,
    tenant: Option<&str>,
) -> Result<Option<(f64, f64)>, Error> {
    let total = source
        .instant(&SliQueries::render(&q.total, window, tenant))
        .await?;
    let good = source
        .instant(&SliQueries::render(&q.good, window, tenant))
        .await?;
    // No series for either side is no data (an SLI not instrumented), not
    // a budget spent; a good query that can legitimately find nothing says
    // `or vector(0)`.
    Ok(good.zip(total))
}

/// Queries each SLO over `window` and the burn-rate windows.
pub async fn measure(
    source: &PrometheusSource,
    slos: &[(Slo, SliQueries)],
    window: &str,
    tenant: Option<&str>,
) -> Result<Vec<LiveSlo>, Error> {
    let mut out = Vec::with_capacity(slos.len());
    for (slo, q) in slos {
        let counts_over_window = counts(source, q, window, tenant).await?;
        let status = counts_over_window.map_or_else(
            || budget_status(slo, 0, 0),
            |(g, t)| budget_status(slo, whole(g), whole(t)),
        );
        let mut burn = Vec::with_capacity(REPORT_WINDOWS.len());
        for w in REPORT_WINDOWS {
            let rate = counts(source, q, w, tenant)
                .await?
                .filter(|(_, t)| *t > 0.0)
                .map(|(g, t)| budget_status(slo, whole(g), whole(t)).burn_rate);
            burn.push((w, rate));
        }
        out.push(LiveSlo {
            slo: slo.clone(),
            window: window.to_owned(),
            counts: counts_over_window,
            status,
            burn,
        });
    }
    Ok(out)
}

/// The SRE workbook's page thresholds for a 30-day budget: 14.4 over 1 h
/// (2 % of the budget in an hour) and 6 over 6 h (5 % in six hours).
const FAST_BURN: [(&str, f64); 2] = [("1h", 14.4), ("6h", 6.0)];

/// Findings (OBS-008), one per SLO at `slo/<id>`: a spent budget is an
/// error that says feature development pauses; a budget burning past a page
/// threshold is a warning; otherwise an info finding carries the figures
/// (or says there is no data), so JSON and SARIF hold every row.
pub fn findings(live: &[LiveSlo]) -> Vec<Finding> {
    let mut out = Vec::new();
    for l in live {
        let file = PathBuf::from(format!("slo/{}", l.slo.id));
        let at = busflow_yaml::Pos::START;
        let before = out.len();
        if l.status.feature_freeze {
            out.push(
                Finding::new(
                    &OBS_008,
                    &file,
                    at,
                    format!(
                        "{} ({}): the error budget over {} is spent ({:.0} % consumed): feature freeze",
                        l.slo.service,
                        l.slo.sli,
                        l.window,
                        l.status.consumed * 100.0
                    ),
                )
                .with_severity(Severity::Error)
                .with_help("pause feature work on this service until the budget recovers; spend the time on reliability (the error budget policy)"),
            );
            continue;
        }
        for (w, threshold) in FAST_BURN {
            if let Some((_, Some(rate))) = l.burn.iter().find(|(x, _)| *x == w)
                && *rate >= threshold
            {
                out.push(
                    Finding::new(
                        &OBS_008,
                        &file,
                        at,
                        format!(
                            "{} ({}): the error budget burns {rate:.1}× over {w} (page at {threshold}×); {:.0} % of it is spent",
                            l.slo.service,
                            l.slo.sli,
                            l.status.consumed * 100.0
                        ),
                    )
                    .with_severity(Severity::Warning)
                    .with_help("find what changed in the last hours (deploys, dependencies); at this rate the budget is gone within days"),
                );
                break;
            }
        }
        if out.len() == before {
            let burn: Vec<String> = l
                .burn
                .iter()
                .map(|(w, r)| {
                    format!(
                        "{w} {}",
                        r.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"))
                    )
                })
                .collect();
            let message = if l.counts.is_some() {
                format!(
                    "{} ({}): {:.1} % of the error budget over {} spent ({:.0} bad events allowed); burn rate {}",
                    l.slo.service,
                    l.slo.sli,
                    l.status.consumed * 100.0,
                    l.window,
                    l.status.allowed_bad,
                    burn.join(", ")
                )
            } else {
                format!(
                    "{} ({}): no data (the SLI's series were not found)",
                    l.slo.service, l.slo.sli
                )
            };
            out.push(
                Finding::new(&OBS_008, &file, at, message)
                    .with_severity(Severity::Info)
                    .with_help("nothing to do while the budget lasts; an SLI without data needs its metrics or its queries (`SliQueries`)"),
            );
        }
    }
    out
}

/// A table: service, SLI, budget (allowed bad events), consumed, burn rates,
/// and the feature freeze.
pub fn live_report(live: &[LiveSlo]) -> String {
    let mut out = format!(
        "{:<18} {:<20} {:>12} {:>9} {:>7} {:>7} {:>7}\n",
        "service", "slo", "budget", "consumed", "1h", "6h", "3d"
    );
    for l in live {
        let rate = |w: &str| {
            l.burn
                .iter()
                .find(|(x, _)| *x == w)
                .and_then(|(_, r)| *r)
                .map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"))
        };
        let _ = write!(out, "{:<18} {:<20} ", l.slo.service, l.slo.id);
        if l.counts.is_none() {
            let _ = writeln!(
                out,
                "{:>12} {:>9} {:>7} {:>7} {:>7}",
                "no data", "-", "-", "-", "-"
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{:>12.0} {:>8.1}% {:>7} {:>7} {:>7}{}",
            l.status.allowed_bad,
            l.status.consumed * 100.0,
            rate("1h"),
            rate("6h"),
            rate("3d"),
            if l.status.feature_freeze {
                "  FEATURE FREEZE"
            } else {
                ""
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::slo_table;

    #[test]
    fn obs_008_every_slo_of_the_table_has_queries() {
        for slo in slo_table() {
            let q = SliQueries::for_slo(&slo).expect("queries");
            for t in [&q.good, &q.total] {
                assert!(t.contains("$window") && t.contains("$tenant"), "{t}");
                let r = SliQueries::render(t, "30d", Some("acme"));
                assert!(r.contains("[30d]") && r.contains("tenant=\"acme\""), "{r}");
                assert!(crate::promql::analyze(&r).is_ok(), "{r}");
            }
        }
    }
}
