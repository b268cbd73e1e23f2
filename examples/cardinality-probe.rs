//! Cardinality budgets against a live Prometheus or Mimir (OBS-004).
//!
//! ```text
//! cargo run --example cardinality-probe -- --rules DIR --prometheus URL [--tenant ID]
//!                                          [--format human|json|sarif] [--fail-on error|warning|info]
//! ```
//!
//! Reads every rule file below DIR, counts the active series of each custom
//! metric that an alert budgets (one request per batch of metrics), prints
//! metric, series, budget and headroom, and exits 2 on a breach.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/prometheus_api.rs"]
mod prometheus_api;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::obs_rules::{Config, Mode, check_rule_dir, probe};
use busflow::{ExitStatus, Finding, Format, Report, Severity, Sources, catalog};
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
    /// Output format: human, json or sarif.
    #[arg(long, default_value = "human")]
    format: Format,
    /// Exit 2 when a finding has this severity or a higher one.
    #[arg(long, default_value = "error")]
    fail_on: Severity,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
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
    if args.format == Format::Human {
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
    let findings: Vec<Finding> = report.findings.into_iter().collect();
    let out = Report::new(findings, 0);
    let sources = Sources::load(std::path::Path::new(""), out.findings());
    print!("{}", out.render(args.format, &sources, &catalog()));
    eprintln!(
        "cardinality-probe: {} requests to {}",
        source.requests(),
        args.api.prometheus
    );
    ExitStatus::for_findings(out.findings(), args.fail_on).into()
}
