//! CI gate: every static clause over an infrastructure repository.
//!
//! ```text
//! cargo run --example preflight -- [PATH] [--format human|json|sarif] [--fail-on error|warning|info]
//!                                         [--select ID,...] [--ignore ID,...]
//! ```
//!
//! PATH defaults to the embedded reference repository, `examples/infra`.
//! Exit codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.

#[path = "support/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use busflow::{ExitStatus, Format, Selection, Severity, catalog, preflight};
use clap::Parser;

/// Check an infrastructure repository against the busflow contract.
#[derive(Debug, Parser)]
#[command(name = "preflight", version)]
struct Args {
    /// The repository to check (default: the embedded `examples/infra`).
    path: Option<PathBuf>,
    /// Output format: human, json or sarif.
    #[arg(long, default_value = "human")]
    format: Format,
    /// Exit 2 when a finding has this severity or a higher one.
    #[arg(long, default_value = "error")]
    fail_on: Severity,
    /// Report only these rules (IDs or prefixes like SWARM-TF).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Never report these rules (IDs or prefixes).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The largest file read, in bytes; larger ones are skipped and said.
    #[arg(long, default_value_t = busflow::preflight::Limits::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let root = args
        .path
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra"));
    let rules = catalog();
    let outcome = Selection::new(&args.select, &args.ignore, &rules).and_then(|selection| {
        let limits = preflight::Limits {
            max_file_bytes: args.max_file_bytes,
        };
        preflight::run_with(&root, &selection, &rules, &limits)
    });
    match outcome {
        Ok(run) => {
            for s in &run.skipped {
                eprintln!("preflight: {s}");
            }
            print!("{}", run.report.render(args.format, &run.sources, &rules));
            eprintln!(
                "preflight: {} files under {}; checks run: {}",
                run.sources.iter().count(),
                root.display(),
                run.checks_run.join(", "),
            );
            ExitStatus::for_findings(run.report.findings(), args.fail_on).into()
        }
        Err(e) => {
            eprintln!("preflight: error: {e}");
            ExitStatus::CouldNotRun.into()
        }
    }
}
