//! `dr-drill-report`: records a DR drill (BACKUP-020) in
//! `docs/protocols/dr-drill-results/YYYY-MM.md` and says when the next one
//! is due.
//!
//! ```text
//! dr-drill-report --root REPO --dump KEY --ttr-seconds N [--issue TEXT]... [--remediation TEXT]...
//!                 --tenants N --sla 99.5 [--major-change YYYY-MM-DD]
//!                 [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! The next due date is a BACKUP-020 finding at the record: information,
//! or a warning when it has already passed.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use busflow::backup::{Cadence, DrillResult, UtcTime, next_drill};
use clap::Parser;

/// Record a DR drill and print the next due date.
#[derive(Debug, Parser)]
#[command(name = "dr-drill-report", version)]
struct Args {
    /// The repository root the record goes under.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The dump restored.
    #[arg(long)]
    dump: String,
    /// Time to recovery, in seconds.
    #[arg(long)]
    ttr_seconds: u64,
    /// An issue found (repeatable).
    #[arg(long = "issue")]
    issues: Vec<String>,
    /// A remediation (repeatable).
    #[arg(long = "remediation")]
    remediations: Vec<String>,
    /// Tenants on the platform.
    #[arg(long)]
    tenants: u32,
    /// The SLA in percent.
    #[arg(long)]
    sla: f64,
    /// The last major change, `YYYY-MM-DD`.
    #[arg(long)]
    major_change: Option<String>,
    #[command(flatten)]
    output: output::Output,
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("dr-drill-report", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let change = match args.major_change.as_deref().map(UtcTime::parse_date) {
        Some(None) => {
            eprintln!("dr-drill-report: error: --major-change must be YYYY-MM-DD");
            return ExitCode::from(1);
        }
        Some(Some(d)) => Some(d),
        None => None,
    };
    let now = UtcTime::now();
    let result = DrillResult {
        date: now,
        dump: args.dump,
        time_to_recovery: Duration::from_secs(args.ttr_seconds),
        issues_found: args.issues,
        remediation: args.remediations,
    };
    let record = match result.write(&args.root) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("dr-drill-report: error: {e}");
            return ExitCode::from(1);
        }
    };
    eprintln!("dr-drill-report: recorded {}", record.display());
    let cadence = Cadence::for_tier(args.tenants, args.sla);
    let due = next_drill(Some(now), cadence, change, now);
    args.output
        .finish(vec![due.finding(cadence, &record)], &selection)
}
