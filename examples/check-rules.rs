//! `promtool check rules`, with busflow's findings: every OBS static check on
//! the given rule files.
//!
//! ```text
//! cargo run --example check-rules -- FILE... [--format human|json|sarif] [--fail-on error|warning|info]
//! ```
//!
//! Exit codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::obs_rules::{Config, check_rule_file};
use busflow::{ExitStatus, Finding, Format, Report, Severity, Sources, catalog};
use clap::Parser;

/// Check Prometheus rule files.
#[derive(Debug, Parser)]
#[command(name = "check-rules")]
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
    let args = Args::parse();
    let config = Config::default();
    let mut findings = Vec::new();
    let mut sources = Sources::new();
    let mut rules = 0;
    for path in &args.files {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("check-rules: error: {}: {e}", path.display());
                return ExitStatus::CouldNotRun.into();
            }
        };
        let checked = check_rule_file(path, &bytes, &config);
        rules += checked
            .file
            .groups
            .iter()
            .map(|g| g.rules.len())
            .sum::<usize>();
        findings.extend(checked.findings.into_iter().map(Finding::from));
        sources.insert(path.clone(), String::from_utf8_lossy(&bytes).into_owned());
    }
    let report = Report::new(findings, 0);
    print!("{}", report.render(args.format, &sources, &catalog()));
    eprintln!("check-rules: {rules} rules in {} files", args.files.len());
    ExitStatus::for_findings(report.findings(), args.fail_on).into()
}
