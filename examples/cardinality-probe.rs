//! Cardinality budgets against a live Prometheus or Mimir (OBS-004).
//!
//! ```text
//! cargo run --example cardinality-probe -- --rules DIR --prometheus URL [--tenant ID]
//!                                          [--format human|json|sarif] [--fail-on error|warning|info]
//!                                          [--select ID,...] [--ignore ID,...]
//! ```
//!
//! Reads every rule file below DIR, counts the active series of each custom
//! metric that an alert budgets (one request per batch of metrics), prints
//! metric, series, budget and headroom, and exits 2 on a breach.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;
#[path = "support/prometheus_api.rs"]
mod prometheus_api;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::obs_rules::{Config, Mode, check_rule_dir, probe};
use busflow::{ExitStatus, Format};
use clap::Parser;
use prometheus_api::PrometheusApi;

/// Compare declared cardinality budgets with live series counts.
#[derive(Debug, Parser)]
#[command(name = "cardinality-probe", version)]
struct Args {
    /// Folder of Prometheus rule files.
    #[arg(long)]
    rules: PathBuf,
    #[command(flatten)]
    api: PrometheusApi,
    /// Use Mimir's cardinality endpoint instead of `count by (__name__)`.
    #[arg(long)]
    mimir_cardinality: bool,
    #[command(flatten)]
    output: output::Output,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("cardinality-probe", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let config = Config::default();
    let checked = match check_rule_dir(&args.rules, &config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cardinality-probe: error: {e}");
            return ExitStatus::CouldNotRun.into();
        }
    };
    let mut source = args.api.source();
    if args.mimir_cardinality {
        source = source.mode(Mode::MimirCardinality);
    }
    let files: Vec<_> = checked.into_iter().map(|c| c.file).collect();
    let report = match probe(&files, &source, &config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cardinality-probe: error: {e}");
            return ExitStatus::CouldNotRun.into();
        }
    };
    if args.output.format == Format::Human {
        println!(
            "{:<48} {:>10} {:>10} {:>10}",
            "metric", "series", "budget", "headroom"
        );
        for l in &report.lines {
            println!(
                "{:<48} {:>10} {:>10} {:>10}",
                l.metric, l.series, l.budget, l.headroom
            );
        }
        println!();
    }
    eprintln!(
        "cardinality-probe: {} requests to {}",
        source.requests(),
        args.api.prometheus
    );
    args.output.finish(report.findings, &selection)
}
