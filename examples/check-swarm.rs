//! `check-swarm`: the swarm clauses on given paths, tflint-style.
//!
//! ```text
//! check-swarm PATH... [--format human|json|sarif] [--fail-on error|warning|info]
//!                      [--select ID,...] [--ignore ID,...] [--environment]
//! ```
//!
//! A folder is read as the Terraform module `terraform/modules/swarm`
//! (SWARM-TF-001 … 013, SWARMX-001); a file as a stack file
//! (SWARM-COMPOSE-*; SWARM-COMPOSE-008 applies when it is named
//! `docker-compose.production.yml` or `.yaml`, as in preflight). Exit codes: 0 clean, 1 could not run, 2 findings at or
//! above `--fail-on`.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::preflight::Limits;
use busflow::swarm::{Module, StackContract, StackFile, TfContract, check_module, check_stack};
use busflow::{ExitStatus, Finding};
use clap::Parser;

/// Check Terraform module folders (SWARM-TF-*) and stack files
/// (SWARM-COMPOSE-*) against the platform contract.
///
/// A stack file named `docker-compose.production.yml` (or `.yaml`) is held
/// to the clauses of the production stack (SWARM-COMPOSE-008), as preflight
/// holds it. Needs nothing else.
#[derive(Debug, Parser)]
#[command(name = "check-swarm", version)]
struct Args {
    /// Module folders and stack files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: output::Output,
    /// The largest file read, in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
    /// Interpolate `${VAR}` in stack files from this process's environment,
    /// as `docker stack deploy` run here would (SWARM-COMPOSE-012); without
    /// it a value holding a variable is not judged. Values taken from the
    /// environment are never printed.
    #[arg(long)]
    environment: bool,
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("check-swarm", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let contract = StackContract {
        environment: args.environment.then(|| {
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect()
        }),
        ..StackContract::default()
    };
    let limits = Limits {
        max_file_bytes: args.max_file_bytes,
    };
    let mut findings: Vec<Finding> = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            match Module::load_with(path, &limits) {
                Ok(module) => {
                    for s in &module.skipped {
                        let file = path.join(&s.path);
                        eprintln!("check-swarm: {}: skipped, {}", file.display(), s.reason);
                    }
                    findings.extend(check_module(&module, &TfContract::default()));
                }
                Err(e) => {
                    eprintln!("check-swarm: error: {e}");
                    return ExitStatus::CouldNotRun.into();
                }
            }
        } else {
            let text = match busflow::preflight::read_arg(path, &limits) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("check-swarm: error: {e}");
                    return ExitStatus::CouldNotRun.into();
                }
            };
            let production = StackFile::of(path) == Some(StackFile::Production);
            findings.extend(check_stack(path, &text, production, &contract));
        }
    }
    args.output.finish(findings, &selection)
}
