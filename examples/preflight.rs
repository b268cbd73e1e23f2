//! CI gate: every static clause over an infrastructure repository.
//!
//! ```text
//! cargo run --example preflight -- [PATH] [--format human|json|sarif] [--fail-on error|warning|info]
//!                                         [--select ID,...] [--ignore ID,...]
//! ```
//!
//! PATH defaults to the embedded reference repository, `examples/infra`.
//! Exit codes: 0 clean, 1 could not run, 2 findings at or above `--fail-on`.
//!
//! The static checks of each crate join here as they land; today the run
//! reads every Terraform and YAML file and checks its suppression comments
//! (BUSFLOW-001), and says which contract checks it ran.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use busflow::{ExitStatus, Format, Report, Selection, Severity, Sources, catalog, suppress};
use clap::Parser;

/// Check an infrastructure repository against the busflow contract.
#[derive(Debug, Parser)]
#[command(name = "preflight")]
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
}

/// Files the checks read: Terraform and YAML.
fn is_checked(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("tf" | "hcl" | "yml" | "yaml")
    )
}

fn collect(root: &Path, dir: &Path, sources: &mut Sources) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type()?.is_dir() {
            if !hidden && entry.file_name() != "target" {
                collect(root, &path, sources)?;
            }
        } else if is_checked(&path) {
            let text = std::fs::read_to_string(&path)?;
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            sources.insert(relative, text);
        }
    }
    Ok(())
}

fn run(args: &Args) -> Result<ExitStatus, String> {
    let root = args
        .path
        .clone()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra"));
    if !root.is_dir() {
        return Err(format!("{}: not a directory", root.display()));
    }
    let rules = catalog();
    let selection =
        Selection::new(&args.select, &args.ignore, &rules).map_err(|e| e.to_string())?;
    let mut sources = Sources::new();
    collect(&root, &root, &mut sources).map_err(|e| format!("{}: {e}", root.display()))?;

    let findings = suppress::unknown_rules(&sources, &rules);
    let split = suppress::apply(selection.filter(findings), &sources);
    let report = Report::new(split.kept, split.suppressed.len());
    print!("{}", report.render(args.format, &sources, &rules));
    eprintln!(
        "preflight: {} files under {}; checks run: {}; {} catalogued contract rules await their checks",
        sources.iter().count(),
        root.display(),
        busflow::UNKNOWN_SUPPRESSION.id,
        rules.len() - 1,
    );
    Ok(ExitStatus::for_findings(report.findings(), args.fail_on))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(status) => status.into(),
        Err(message) => {
            eprintln!("preflight: error: {message}");
            ExitStatus::CouldNotRun.into()
        }
    }
}
