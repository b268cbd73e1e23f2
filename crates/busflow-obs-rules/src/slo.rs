//! OBS-008: the SLO table as typed values; error budgets, budget consumed
//! and burn rates from good/total counts; multi-window burn-rate alerts as
//! the SRE workbook builds them; a feature freeze when a budget is spent.

use std::fmt::Write as _;

/// What an SLO promises.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Objective {
    /// The `percentile` of a latency stays below `threshold_ms`: a ratio SLO
    /// where "good" is an event under the threshold, and `100 - percentile`
    /// percent of events may be slower.
    LatencyBelow {
        /// 99 for p99.
        percentile: f64,
        /// The threshold in milliseconds.
        threshold_ms: f64,
    },
    /// The share of good events stays above `percent`.
    SuccessAbove {
        /// 99.5 for "> 99.5 %".
        percent: f64,
    },
    /// The share of bad events stays below `percent`.
    ErrorsBelow {
        /// 0.5 for "< 0.5 %".
        percent: f64,
    },
}

impl Objective {
    /// The share of events that may be bad: the error budget as a fraction.
    pub fn allowed_bad_fraction(&self) -> f64 {
        match *self {
            // From percents, so that 99.5 % gives 0.005 and not 0.00499…
            Objective::LatencyBelow { percentile, .. } => (100.0 - percentile) / 100.0,
            Objective::SuccessAbove { percent } => (100.0 - percent) / 100.0,
            Objective::ErrorsBelow { percent } => percent / 100.0,
        }
    }
}

/// One row of the SLO table.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// The service (`API (NestJS)`).
    pub service: &'static str,
    /// A stable id for generated rules (`api-latency`).
    pub id: &'static str,
    /// The indicator, as the document names it.
    pub sli: &'static str,
    /// The objective.
    pub objective: Objective,
    /// How it is measured.
    pub measurement: &'static str,
}

/// The observability document's SLO table.
pub fn slo_table() -> Vec<Slo> {
    use Objective::{ErrorsBelow, LatencyBelow, SuccessAbove};
    vec![
        Slo {
            service: "API (NestJS)",
            id: "api-latency",
            sli: "Request latency (p99) < 300 ms",
            objective: LatencyBelow {
                percentile: 99.0,
                threshold_ms: 300.0,
            },
            measurement: "OTel histogram http.server.duration",
        },
        Slo {
            service: "API (NestJS)",
            id: "api-errors",
            sli: "Error rate (5xx) < 0.5 %",
            objective: ErrorsBelow { percent: 0.5 },
            measurement: "OTel counter http.server.response.status_code",
        },
        Slo {
            service: "Booking Flow",
            id: "booking-success",
            sli: "End-to-end success rate > 99.5 %",
            objective: SuccessAbove { percent: 99.5 },
            measurement: "busflow.booking.completed / busflow.booking.started",
        },
        Slo {
            service: "Hasura (GraphQL)",
            id: "hasura-latency",
            sli: "Query latency (p95) < 200 ms",
            objective: LatencyBelow {
                percentile: 95.0,
                threshold_ms: 200.0,
            },
            measurement: "Hasura http-log in Loki",
        },
        Slo {
            service: "PDF Parsing",
            id: "pdf-parse",
            sli: "PDF parse success rate > 95 %",
            objective: SuccessAbove { percent: 95.0 },
            measurement: "busflow.pdf_parser.success / busflow.pdf_parser.total",
        },
        Slo {
            service: "Frontend (Faro)",
            id: "frontend-lcp",
            sli: "LCP < 2.5 s (p75, the Core Web Vitals convention)",
            objective: LatencyBelow {
                percentile: 75.0,
                threshold_ms: 2_500.0,
            },
            measurement: "Faro Core Web Vitals",
        },
        Slo {
            service: "Frontend (Faro)",
            id: "frontend-js-errors",
            sli: "Unhandled JS exceptions < 0.1 % of sessions",
            objective: ErrorsBelow { percent: 0.1 },
            measurement: "Faro error events / session count",
        },
    ]
}

/// Where an SLO stands over its window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetStatus {
    /// Bad events allowed over the window (`total × allowed fraction`).
    pub allowed_bad: f64,
    /// Bad events seen (`total - good`).
    pub bad: u64,
    /// Share of the budget spent (1.0 = all of it; may exceed 1).
    pub consumed: f64,
    /// How fast the budget burns: observed bad share ÷ allowed bad share (1.0
    /// spends exactly the budget over the window).
    pub burn_rate: f64,
    /// The budget is spent: feature development pauses (the error budget
    /// policy).
    pub feature_freeze: bool,
}

/// The budget of `slo` given `good` of `total` events in the window.
/// `good > total` is clamped; no events spend nothing.
pub fn budget_status(slo: &Slo, good: u64, total: u64) -> BudgetStatus {
    let allowed = slo.objective.allowed_bad_fraction();
    let bad = total.saturating_sub(good.min(total));
    #[allow(clippy::cast_precision_loss)]
    let (bad_f, total_f) = (bad as f64, total as f64);
    let allowed_bad = total_f * allowed;
    let observed = if total == 0 { 0.0 } else { bad_f / total_f };
    let burn_rate = if allowed > 0.0 {
        observed / allowed
    } else if bad > 0 {
        f64::INFINITY
    } else {
        0.0
    };
    let consumed = if allowed_bad > 0.0 {
        bad_f / allowed_bad
    } else if bad > 0 {
        f64::INFINITY
    } else {
        0.0
    };
    BudgetStatus {
        allowed_bad,
        bad,
        consumed,
        burn_rate,
        // Spending exactly the budget spends it; allow for rounding.
        feature_freeze: consumed >= 1.0 - 1e-9,
    }
}

/// A line per SLO: `service, sli, consumed %, burn rate`, and `FEATURE
/// FREEZE` where a budget is spent.
pub fn budget_report(rows: &[(Slo, BudgetStatus)]) -> String {
    let mut out = String::new();
    for (slo, s) in rows {
        let _ = writeln!(
            out,
            "{:<18} {:<52} budget {:>6.1}% spent, burn rate {:>5.2}{}",
            slo.service,
            slo.sli,
            s.consumed * 100.0,
            s.burn_rate,
            if s.feature_freeze {
                "  FEATURE FREEZE: error budget exhausted"
            } else {
                ""
            }
        );
    }
    out
}

/// The SRE workbook's multi-window, multi-burn-rate alerts for a 30-day
/// budget: (long window, short window, burn rate, severity).
pub const BURN_RATE_WINDOWS: [(&str, &str, f64, &str); 4] = [
    ("1h", "5m", 14.4, "critical"),
    ("6h", "30m", 6.0, "critical"),
    ("1d", "2h", 3.0, "warning"),
    ("3d", "6h", 1.0, "warning"),
];

/// Burn-rate alert rules for `slo`, given PromQL for the bad and total event
/// rates with a `$window` placeholder (`sum(rate(x{code=~"5.."}[$window]))`).
pub fn burn_rate_rules(slo: &Slo, bad_rate: &str, total_rate: &str, runbook_url: &str) -> String {
    let allowed = slo.objective.allowed_bad_fraction();
    let name: String = slo
        .id
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let ratio = |w: &str| {
        format!(
            "({}) / ({})",
            bad_rate.replace("$window", w),
            total_rate.replace("$window", w)
        )
    };
    let mut out = format!("groups:\n  - name: slo-{}\n    rules:\n", slo.id);
    for (long, short, rate, severity) in BURN_RATE_WINDOWS {
        let factor = (rate * allowed * 1e9).round() / 1e9;
        let _ = write!(
            out,
            "      - alert: {name}BudgetBurn{long}\n        expr: {} > {factor} and {} > {factor}\n        for: 2m\n        labels:\n          severity: {severity}\n          slo: {}\n        annotations:\n          summary: \"{}: error budget burning {rate}x over {long} (and {short})\"\n          runbook_url: \"{runbook_url}\"\n",
            ratio(long),
            ratio(short),
            slo.id,
            slo.service,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slo(id: &str) -> Slo {
        slo_table()
            .into_iter()
            .find(|s| s.id == id)
            .expect("in the table")
    }

    #[test]
    fn the_table_has_the_seven_documented_slos() {
        let table = slo_table();
        assert_eq!(table.len(), 7);
        assert!((slo("booking-success").objective.allowed_bad_fraction() - 0.005).abs() < 1e-12);
        assert!((slo("api-errors").objective.allowed_bad_fraction() - 0.005).abs() < 1e-12);
        assert!((slo("api-latency").objective.allowed_bad_fraction() - 0.01).abs() < 1e-12);
        assert!((slo("frontend-js-errors").objective.allowed_bad_fraction() - 0.001).abs() < 1e-12);
    }

    #[test]
    fn budgets_burn_and_freeze() {
        let booking = slo("booking-success");
        let fine = budget_status(&booking, 99_900, 100_000);
        assert!((fine.allowed_bad - 500.0).abs() < 1e-9);
        assert_eq!(fine.bad, 100);
        assert!((fine.consumed - 0.2).abs() < 1e-9 && (fine.burn_rate - 0.2).abs() < 1e-9);
        assert!(!fine.feature_freeze);
        let spent = budget_status(&booking, 99_400, 100_000);
        assert!(spent.feature_freeze && spent.consumed > 1.0);
        let report = budget_report(&[(booking.clone(), fine), (booking.clone(), spent)]);
        assert_eq!(report.matches("FEATURE FREEZE").count(), 1, "{report}");
        let none = budget_status(&booking, 0, 0);
        assert!(!none.feature_freeze && none.burn_rate == 0.0);
    }
}
