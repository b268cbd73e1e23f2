//! `slo-report`: where each SLO of the table stands on live data (OBS-008).
//!
//! ```text
//! slo-report --prometheus http://prometheus:9090 [--tenant ID] [--window 30d]
//!            [--format human|json|sarif] [--fail-on error] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! Queries good and total events of every SLO (the PromQL of
//! `busflow_obs_rules::SliQueries`) over the window and over 1 h, 6 h and
//! 3 d, prints the budget, the share consumed and the burn rates, and
//! reports a spent budget as a feature freeze (exit 2).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;
#[path = "support/prometheus_api.rs"]
mod prometheus_api;

use std::process::ExitCode;

use busflow::obs_rules::{SliQueries, live_report, measure, slo_findings, slo_table};
use busflow::{ExitStatus, Finding, Format, Severity};
use clap::Parser;
use prometheus_api::PrometheusApi;

/// Report the SLOs' error budgets from live data; a spent budget is a
/// feature freeze (OBS-008).
///
/// Needs a Prometheus-compatible API (Prometheus, or Mimir's
/// `/prometheus`) holding the SLIs' series; nothing from the environment.
#[derive(Debug, Parser)]
#[command(name = "slo-report", version)]
struct Args {
    /// The API; its tenant also selects the events (the `tenant` label).
    #[command(flatten)]
    api: PrometheusApi,
    /// The budget window, as PromQL writes a range.
    #[arg(long, default_value = "30d")]
    window: String,
    #[command(flatten)]
    output: output::Output,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("slo-report", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    if busflow::obs_rules::parse_duration(&args.window).is_none() {
        eprintln!(
            "slo-report: error: --window `{}` is not a PromQL duration (30d, 4w, 720h)",
            args.window
        );
        return ExitStatus::CouldNotRun.into();
    }
    let source = args.api.source();
    let slos: Vec<_> = slo_table()
        .into_iter()
        .filter_map(|s| SliQueries::for_slo(&s).map(|q| (s, q)))
        .collect();
    let live = match measure(&source, &slos, &args.window, args.api.tenant.as_deref()).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("slo-report: error: {e}");
            return ExitStatus::CouldNotRun.into();
        }
    };
    if args.output.format == Format::Human {
        println!("{}", live_report(&live));
    }
    let findings: Vec<Finding> = slo_findings(&live)
        .into_iter()
        .filter(|f| args.output.format != Format::Human || f.severity != Severity::Info)
        .collect();
    args.output.finish(findings, &selection)
}
