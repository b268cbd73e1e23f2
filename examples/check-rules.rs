//! `promtool check rules`, with busflow's findings: every OBS static check on
//! the given rule files.
//!
//! ```text
//! cargo run --example check-rules -- FILE... [--format human|json|sarif] [--fail-on error|warning|info]
//!                                            [--select ID,...] [--ignore ID,...]
//! ```
//!
//! Exit codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::obs_rules::{Config, check_rule_paths};
use busflow::{ExitStatus, Finding};
use clap::Parser;

/// Check Prometheus rule files.
#[derive(Debug, Parser)]
#[command(name = "check-rules", version)]
struct Args {
    /// Rule files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    output: output::Output,
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("check-rules", |a| &a.output) {
        Ok(parsed) => parsed,
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
    eprintln!("check-rules: {rules} rules in {} files", args.files.len());
    args.output.finish(findings, &selection)
}
