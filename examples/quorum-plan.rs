//! `quorum-plan`: the quorum expansion / shrink decision (SWARM-QUORUM-001,
//! 002) from tenants, SLA and the Terraform module.
//!
//! ```text
//! quorum-plan [--module DIR] --tenants N --sla 99.5 [--managers N] [--done STEP]... [--format human|json]
//! ```
//!
//! The current topology is read from the module (variables at their
//! defaults); `--managers` proposes a new manager count. A shrink prints the
//! runbook; it is authorised only when every step is reported `--done`
//! (`demote:manager-3`, `leave:manager-3`), in order. Exit codes: 0 the
//! proposal satisfies the contract, 2 it does not (or a shrink lacks its
//! runbook), 1 the module could not be read.

#[path = "support/cli.rs"]
mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::swarm::{Module, QuorumPlan, RunbookStep, Threshold, Topology};
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
    done: Vec<String>,
    /// Output format: human or json (anything else is refused).
    #[arg(long, default_value = "human", value_parser = ["human", "json"])]
    format: String,
}

fn step(text: &str) -> Option<RunbookStep> {
    let (kind, node) = text.split_once(':')?;
    match kind {
        "demote" => Some(RunbookStep::Demote {
            node: node.to_owned(),
        }),
        "leave" => Some(RunbookStep::Leave {
            node: node.to_owned(),
        }),
        _ => None,
    }
}

/// Prints the decision as text or JSON.
fn print(
    args: &Args,
    current: Topology,
    proposed: Topology,
    plan: &QuorumPlan,
    authorised: &Result<(), busflow::swarm::Error>,
) {
    if args.format == "json" {
        let json = serde_json::json!({
            "expansion_required": plan.expansion_required,
            "current": {"managers": current.managers, "stateful_worker": current.stateful_worker, "observability_worker": current.observability_worker},
            "required": {"managers": plan.required.managers, "stateful_worker": plan.required.stateful_worker, "observability_worker": plan.required.observability_worker},
            "proposed_managers": proposed.managers,
            "satisfied": plan.satisfied,
            "problems": plan.problems,
            "accepted_risks": plan.accepted_risks,
            "shrink_runbook": plan.shrink.as_ref().map(|s| s.iter().map(ToString::to_string).collect::<Vec<_>>()),
            "authorised": authorised.is_ok(),
            "refusal": authorised.as_ref().err().map(ToString::to_string),
        });
        println!("{json:#}");
    } else {
        println!(
            "tenants {}, SLA {} %: quorum expansion {}",
            args.tenants,
            args.sla,
            if plan.expansion_required {
                "required (SWARM-QUORUM-001)"
            } else {
                "not required"
            }
        );
        println!(
            "module: {} manager(s), stateful worker {}, observability worker {}; proposed: {} manager(s)",
            current.managers,
            if current.stateful_worker { "yes" } else { "no" },
            if current.observability_worker {
                "yes"
            } else {
                "no"
            },
            proposed.managers
        );
        for p in &plan.problems {
            println!("  not satisfied: {p}");
        }
        for r in &plan.accepted_risks {
            println!("  accepted risk: {r}");
        }
        if let Some(steps) = &plan.shrink {
            println!("shrink runbook (SWARM-QUORUM-002), before re-applying Terraform:");
            for (i, s) in steps.iter().enumerate() {
                println!("  {}. {s}", i + 1);
            }
        }
        match authorised {
            Ok(()) => println!("authorised"),
            Err(e) => println!("{e}"),
        }
    }
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
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
    let plan = QuorumPlan::decide(
        Threshold::default(),
        args.tenants,
        args.sla,
        current,
        proposed,
    );
    let done = match args
        .done
        .iter()
        .map(|d| step(d).ok_or(d))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(done) => done,
        Err(d) => {
            eprintln!("quorum-plan: error: --done takes demote:NODE or leave:NODE, not `{d}`");
            return ExitCode::from(1);
        }
    };
    let authorised = plan.authorize(&done);
    print(&args, current, proposed, &plan, &authorised);
    if authorised.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
