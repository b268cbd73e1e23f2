//! `swarm-ops`: the swarm operations against a Docker Engine.
//!
//! ```text
//! swarm-ops [--socket PATH] swap-secrets --service S --swap OLD:NEW[:TARGET]...
//! swarm-ops [--socket PATH] rotate-config --service S --target /etc/x.yml --prefix NAME --file PATH
//! swarm-ops [--socket PATH] prune [--dry-run] [--hours 168]
//! swarm-ops [--socket PATH] prune --every-node [--image docker:cli] [--docker docker] [--node-socket /var/run/docker.sock]
//! swarm-ops [--socket PATH] demote NODE
//! swarm-ops [--socket PATH] check-refs --stack FILE --name STACK [--format human|json|sarif]
//!                                     [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! The socket defaults to `DOCKER_HOST` (`unix://…`) or
//! `/var/run/docker.sock`. Exit codes: 0 done, 1 could not run, 2 refused
//! (a quorum refusal, missing references).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use busflow::swarm::ops::{
    ConfigRotation, Engine, SecretSwap, Waiting, demote, missing_references, prune, rotate_config,
    swap_secrets,
};
use clap::{Parser, Subcommand};

/// Operate a Docker Swarm.
///
/// Talks to the Docker Engine at `--docker-host` or `DOCKER_HOST` (the local socket by default).
#[derive(Debug, Parser)]
#[command(name = "swarm-ops", version)]
struct Args {
    /// The engine's unix socket.
    #[arg(long)]
    socket: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Swap secrets on a service in one update (SWARM-OPS-004).
    SwapSecrets {
        /// The service.
        #[arg(long)]
        service: String,
        /// `OLD:NEW` or `OLD:NEW:TARGET` (repeatable; all in one update).
        #[arg(long = "swap", required = true)]
        swaps: Vec<String>,
    },
    /// Roll a config out under its content-addressed name (SWARM-COMPOSE-010).
    RotateConfig {
        /// The service.
        #[arg(long)]
        service: String,
        /// The file the config is mounted as.
        #[arg(long)]
        target: String,
        /// The config name's stem.
        #[arg(long)]
        prefix: String,
        /// The new content.
        #[arg(long)]
        file: PathBuf,
    },
    /// Prune containers, images and build cache older than `--hours` (SWARM-OPS-001).
    Prune {
        /// List what would go; remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// Age limit in hours.
        #[arg(long, default_value_t = busflow::swarm::ops::DEFAULT_HOURS)]
        hours: u32,
        /// Prune every node of the swarm: a one-shot global job whose tasks
        /// run `docker system prune` against their own node's Engine, with a
        /// report per node (exit 1 when a node's prune failed).
        #[arg(long, conflicts_with = "dry_run")]
        every_node: bool,
        /// With `--every-node`: the image holding the docker CLI.
        #[arg(long, default_value = "docker:cli")]
        image: String,
        /// With `--every-node`: the CLI's path in the image.
        #[arg(long, default_value = "docker")]
        docker: String,
        /// With `--every-node`: the Engine's socket on every node's host.
        #[arg(long, default_value = "/var/run/docker.sock")]
        node_socket: PathBuf,
    },
    /// Demote a manager (the engine refuses to break the quorum).
    Demote {
        /// Node ID or hostname.
        node: String,
    },
    /// Check that every secret and config a stack references exists (SWARM-COMPOSE-006).
    CheckRefs {
        /// The stack file.
        #[arg(long)]
        stack: PathBuf,
        /// The stack name (`docker stack deploy … NAME`).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        output: output::Output,
    },
}

fn socket(arg: Option<String>) -> Option<String> {
    arg.or_else(|| {
        std::env::var("DOCKER_HOST")
            .ok()
            .and_then(|h| h.strip_prefix("unix://").map(str::to_owned))
    })
}

fn parse_swap(s: &str) -> Result<SecretSwap, String> {
    let mut parts = s.splitn(3, ':');
    let (Some(old), Some(new)) = (parts.next(), parts.next()) else {
        return Err(format!("--swap takes OLD:NEW[:TARGET], not `{s}`"));
    };
    Ok(SecretSwap {
        old: old.into(),
        new: new.into(),
        target: parts.next().map(str::to_owned),
    })
}

async fn run(args: Args) -> Result<ExitCode, String> {
    let engine = Engine::connect(socket(args.socket).as_deref())
        .await
        .map_err(|e| e.to_string())?;
    match args.command {
        Command::SwapSecrets { service, swaps } => {
            let parsed = swaps
                .iter()
                .map(|s| parse_swap(s))
                .collect::<Result<Vec<_>, _>>()?;
            let outcome = swap_secrets(&engine, &[(service.as_str(), parsed)], Waiting::default())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "updated: {:?}; retries: {}; deleted: {:?}; kept in use: {:?}",
                outcome.updated, outcome.retries, outcome.deleted, outcome.kept
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::RotateConfig {
            service,
            target,
            prefix,
            file,
        } => {
            let content = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let rotation = ConfigRotation {
                service,
                target,
                prefix,
                content,
            };
            let (name, outcome) = rotate_config(&engine, &rotation, Waiting::default())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "config {name}; updated: {:?}; deleted: {:?}; kept in use: {:?}",
                outcome.updated, outcome.deleted, outcome.kept
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Prune {
            every_node: true,
            hours,
            image,
            docker,
            node_socket,
            ..
        } => {
            let job = busflow::swarm::ops::NodePruneJob {
                image,
                docker,
                socket: node_socket,
                hours,
                ..Default::default()
            };
            every_node(&engine, &job).await
        }
        Command::Prune { dry_run, hours, .. } => prune_here(&engine, hours, dry_run).await,
        Command::Demote { node } => match demote(&engine, &node).await {
            Ok(()) => {
                println!("{node} is a worker");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) if matches!(e.kind(), busflow::swarm::ErrorKind::QuorumRefused(_)) => {
                println!("{e}");
                Ok(ExitCode::from(2))
            }
            Err(e) => Err(e.to_string()),
        },
        Command::CheckRefs {
            stack,
            name,
            output,
        } => {
            let selection = match output.selection("swarm-ops") {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            let text =
                std::fs::read_to_string(&stack).map_err(|e| format!("{}: {e}", stack.display()))?;
            let missing = missing_references(&engine, &stack, &text, &name)
                .await
                .map_err(|e| e.to_string())?;
            Ok(output.finish(missing, &selection))
        }
    }
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(run(args)));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("swarm-ops: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// `prune --every-node`: the global job and its report per node.
async fn every_node(
    engine: &Engine,
    job: &busflow::swarm::ops::NodePruneJob,
) -> Result<ExitCode, String> {
    let hours = job.hours;
    let report = engine
        .prune_every_node(job)
        .await
        .map_err(|e| e.to_string())?;
    for n in &report {
        println!(
            "{} ({}): {}, exit {}, reclaimed {}{}",
            n.hostname,
            n.node_id,
            n.state,
            n.exit_code
                .map_or_else(|| "-".to_owned(), |c| c.to_string()),
            n.reclaimed.as_deref().unwrap_or("-"),
            n.error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        );
    }
    let failed = report.iter().filter(|n| !n.succeeded()).count();
    println!(
        "pruned {} of {} nodes (older than {hours} h)",
        report.len() - failed,
        report.len()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `prune`: the engine this talks to.
async fn prune_here(engine: &Engine, hours: u32, dry_run: bool) -> Result<ExitCode, String> {
    let plan = prune(engine, hours, dry_run)
        .await
        .map_err(|e| e.to_string())?;
    let verb = if dry_run { "would remove" } else { "removed" };
    for (kind, items) in [
        ("container", &plan.containers),
        ("image", &plan.images),
        ("build cache", &plan.build_cache),
    ] {
        for i in items {
            println!("{verb} {kind} {} {}", i.id, i.name);
        }
    }
    println!(
        "{verb} {} containers, {} images, {} build cache records older than {hours} h",
        plan.containers.len(),
        plan.images.len(),
        plan.build_cache.len()
    );
    Ok(ExitCode::SUCCESS)
}
