//! `quorum-plan`: the quorum expansion / shrink decision (SWARM-QUORUM-001,
//! 002) from tenants, SLA and the Terraform module.
//!
//! ```text
//! quorum-plan [--module DIR] --tenants N --sla 99.5 [--managers N] [--done STEP]...
//!             [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! The current topology is read from the module (variables at their
//! defaults); `--managers` proposes a new manager count. A shrink prints the
//! runbook; it is authorised only when every step is reported `--done`
//! (`demote:manager-3`, `leave:manager-3`), in order. What the proposal
//! lacks is reported as SWARM-QUORUM-001 findings, a shrink without its
//! runbook done as SWARM-QUORUM-002. Exit codes: 0 the proposal satisfies
//! the contract, 2 it does not (or a shrink lacks its runbook), 1 the module
//! could not be read.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::swarm::{Module, QuorumDecision, RunbookStep, Threshold, Topology};
use busflow::{Format, Severity};
use clap::Parser;

/// Decide the swarm's quorum topology.
#[derive(Debug, Parser)]
#[command(name = "quorum-plan", version)]
struct Args {
    /// The swarm module.
    #[arg(long, default_value = "examples/infra/terraform/modules/swarm")]
    module: PathBuf,
    /// Tenants on the platform.
    #[arg(long)]
    tenants: u32,
    /// The SLA in percent.
    #[arg(long)]
    sla: f64,
    /// The proposed manager count (default: the module's).
    #[arg(long)]
    managers: Option<u32>,
    /// A runbook step already done: `demote:NODE` or `leave:NODE` (repeatable).
    #[arg(long = "done")]
    done: Vec<RunbookStep>,
    #[command(flatten)]
    output: output::Output,
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("quorum-plan", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let module = match Module::load(&args.module) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("quorum-plan: error: {e}");
            return ExitCode::from(1);
        }
    };
    // A plan around a file that does not parse would blame whatever that
    // file declared; name the file instead.
    if let Some(p) = module.parse_errors.first() {
        eprintln!(
            "quorum-plan: error: {}:{}:{}: does not parse as HCL: {}",
            p.path.display(),
            p.pos.line,
            p.pos.column,
            p.message
        );
        return ExitCode::from(1);
    }
    for s in &module.skipped {
        eprintln!("quorum-plan: {s}");
    }
    let current = match Topology::from_module(&module) {
        Ok(t) => t,
        Err(u) => {
            eprintln!(
                "quorum-plan: error: {}:{}:{}: cannot evaluate `{}` ({})",
                u.file.display(),
                u.pos.line,
                u.pos.column,
                u.source,
                u.why
            );
            return ExitCode::from(1);
        }
    };
    let proposed = Topology {
        managers: args.managers.unwrap_or(current.managers),
        ..current
    };
    let decision = QuorumDecision::new(
        Threshold::default(),
        args.tenants,
        args.sla,
        current,
        proposed,
        &args.done,
    );
    let mut findings = decision.findings(&args.module);
    if args.output.format == Format::Human {
        print!("{decision}");
        findings.retain(|f| f.severity > Severity::Info);
    }
    args.output.finish(findings, &selection)
}
