//! `pii-redact`: a stdin → stdout filter that redacts personal data from log
//! lines, for log pipelines (a Docker logging sidecar, a Vector `exec`
//! source, a one-off clean-up of an exported file).
//!
//! ```text
//! pii-redact [--rules FILE] [--exclusions FILE] [--format text|json] [--stats]
//!            [--metrics FILE] [--threads N] < in > out
//! pii-redact --emit promtail|alloy|logql|re2 [--rules FILE]
//! ```
//!
//! Streams in chunks of whole lines: memory stays bounded by a few chunks
//! per thread whatever the input size (a single line longer than a chunk is
//! held whole). Chunks are redacted on every core and written in input
//! order. `--stats` prints per-rule counts to stderr at the end;
//! `--metrics FILE` writes the day's PII-004 counters as Prometheus text
//! (for the `node_exporter` textfile collector).
//!
//! Exit codes: 0 done, 1 could not run (bad rules or exclusions file, I/O).

#[path = "support/cli.rs"]
mod cli;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use busflow::pii::{Exclusions, Ledger, Mode, Redactor, RedactorConfig, UtcDay, emit, stream};
use clap::{Parser, ValueEnum};

/// Redact personal data from log lines on stdin.
#[derive(Debug, Parser)]
#[command(name = "pii-redact", version)]
struct Args {
    /// Rules file: which detectors run and how they replace.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// `pii-exclusions.yaml` (PII-003).
    #[arg(long)]
    exclusions: Option<PathBuf>,
    /// How lines are read: text, or JSON lines redacted structurally.
    #[arg(long, value_enum, default_value = "text")]
    format: InputFormat,
    /// Print per-rule counts to stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Write the day's false-positive counters (PII-004) to this file.
    #[arg(long)]
    metrics: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Lines longer than this many bytes are cut (at white space) before
    /// redaction, as Loki's `max_line_size`; counted in --stats.
    #[arg(long, default_value_t = stream::MAX_LINE_BYTES)]
    max_line_bytes: usize,
    /// Print the rule set for another tool instead of filtering.
    #[arg(long, value_enum)]
    emit: Option<Emit>,
    /// Base URL of the runbooks the LogQL alerts link to.
    #[arg(long, default_value = "https://docs.busflow.app/protocols")]
    runbook_base: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Emit {
    Promtail,
    Alloy,
    Logql,
    Re2,
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`| head`): nothing more to
        // do, as ripgrep ends.
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pii-redact: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let config = match &args.rules {
        Some(path) => RedactorConfig::load(path, |k| std::env::var_os(k))?,
        None => RedactorConfig::default(),
    };
    if let Some(target) = args.emit {
        let text = match target {
            Emit::Promtail => emit::promtail(&config),
            Emit::Alloy => emit::alloy(&config),
            Emit::Logql => emit::logql_rules(&config, &args.runbook_base),
            Emit::Re2 => emit::re2_table(&config),
        };
        io::stdout().write_all(text.as_bytes())?;
        return Ok(());
    }
    let exclusions = match &args.exclusions {
        Some(path) => Exclusions::load(path)?,
        None => Exclusions::default(),
    };
    let redactor = Redactor::with_exclusions(config, exclusions);
    let mode = match args.format {
        InputFormat::Text => Mode::Text,
        InputFormat::Json => Mode::Json,
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .max(1);
    let tally = stream::filter_capped(
        &redactor,
        mode,
        threads,
        args.max_line_bytes,
        &mut io::stdin().lock(),
        &mut io::stdout(),
    )?;
    if args.stats {
        eprint!("{}", tally.render(&redactor));
    }
    if let Some(path) = &args.metrics {
        let mut ledger = Ledger::default();
        ledger.record(UtcDay::today(), &tally, &redactor);
        std::fs::write(path, ledger.to_prometheus())?;
    }
    Ok(())
}
