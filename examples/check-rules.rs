//! `promtool check rules`, with busflow's findings: every OBS static check on
//! the given rule files.
//!
//! ```text
//! cargo run --example check-rules -- FILE... [--format human|json|sarif] [--fail-on error|warning|info]
//! ```
//!
//! Exit codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.

#[path = "support/cli.rs"]
mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::obs_rules::{Config, check_rule_paths};
use busflow::{ExitStatus, Finding, Format, Report, Severity, Sources, catalog};
use clap::Parser;

/// Check Prometheus rule files.
#[derive(Debug, Parser)]
#[command(name = "check-rules", version)]
struct Args {
    /// Rule files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format: human, json or sarif.
    #[arg(long, default_value = "human")]
    format: Format,
    /// Exit 2 when a finding has this severity or a higher one.
    #[arg(long, default_value = "error")]
    fail_on: Severity,
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let config = Config::default();
    let checked = match check_rule_paths(&args.files, &config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("check-rules: error: {e}");
            return ExitStatus::CouldNotRun.into();
        }
    };
    let rules: usize = checked
        .iter()
        .flat_map(|c| &c.file.groups)
        .map(|g| g.rules.len())
        .sum();
    let findings: Vec<Finding> = checked.into_iter().flat_map(|c| c.findings).collect();
    // Source lines only for the files that have findings.
    let sources = Sources::load(std::path::Path::new(""), &findings);
    let report = Report::new(findings, 0);
    print!("{}", report.render(args.format, &sources, &catalog()));
    eprintln!("check-rules: {rules} rules in {} files", args.files.len());
    ExitStatus::for_findings(report.findings(), args.fail_on).into()
}
