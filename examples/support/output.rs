//! The output options every example that reports findings takes, the same
//! way preflight takes them: `--format human|json|sarif`, `--fail-on`,
//! `--select`/`--ignore` by rule ID or prefix, and inline
//! `busflow:ignore` comments in the files the findings point into. Exit
//! codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.

use std::path::Path;
use std::process::ExitCode;

use busflow::{ExitStatus, Finding, Format, Report, Selection, Severity, Sources, catalog};

/// `--format`, `--fail-on`, `--select`, `--ignore`.
#[derive(Debug, Clone, clap::Args)]
pub struct Output {
    /// Output format: human, json or sarif.
    #[arg(long, default_value = "human")]
    pub format: Format,
    /// Exit 2 when a finding has this severity or a higher one.
    #[arg(long, default_value = "error")]
    pub fail_on: Severity,
    /// Report only these rules (IDs or prefixes like SWARM-TF).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Never report these rules (IDs or prefixes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

/// Parses an example's arguments and checks the selection its `Output`
/// (`output(args)`) names: a usage error or a pattern that matches no rule
/// is exit 1 before any work is done.
// The subcommand examples (swarm-ops, ubicloud-cutover) hold their Output
// in a subcommand and call [`Output::selection`] there.
#[allow(dead_code)]
pub fn parse<T: clap::Parser>(
    name: &str,
    output: impl Fn(&T) -> &Output,
) -> Result<(T, Selection), ExitCode> {
    let args = crate::cli::parse::<T>()?;
    let selection = output(&args).selection(name)?;
    Ok((args, selection))
}

impl Output {
    /// The selection the flags name, checked before any work is done: a
    /// pattern that matches no rule is a usage error (exit 1).
    pub fn selection(&self, name: &str) -> Result<Selection, ExitCode> {
        Selection::new(&self.select, &self.ignore, &catalog()).map_err(|e| {
            eprintln!("{name}: error: {e}");
            ExitStatus::CouldNotRun.into()
        })
    }

    /// Prints the report of `findings` (selected, suppressions applied;
    /// paths as given on the command line) and gives the exit code.
    pub fn finish(&self, findings: Vec<Finding>, selection: &Selection) -> ExitCode {
        let sources = Sources::load(Path::new(""), &findings);
        let report = Report::checked(findings, selection, &sources);
        print!("{}", report.render(self.format, &sources, &catalog()));
        ExitStatus::for_findings(report.findings(), self.fail_on).into()
    }
}
