//! `ubicloud-cutover`: the move to Ubicloud's managed PostgreSQL as a
//! resumable runbook (UBI-CUT-001 … 011).
//!
//! ```text
//! ubicloud-cutover plan     --state FILE --tenants N --sla 99.5 [options]
//! ubicloud-cutover run      --state FILE --tenants N --sla 99.5 [options] [--dry-run]
//! ubicloud-cutover resume   --state FILE … [--dry-run]
//! ubicloud-cutover rollback --state FILE …
//! ubicloud-cutover status   --state FILE
//!   run, resume, rollback: [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! busflow-ubicloud's state machine, composed here with busflow-swarm's
//! one-update secret swap (the flip) and a busflow-backup pin of the newest
//! dump (written to `--pins FILE`, which `backup-verify --prune --pins` honours), so the
//! crates stay independent. Hydration and p99 come from commands you give
//! (`--lag-cmd` prints the lag in seconds, `--p99-cmd` prints `UNIX_SECONDS
//! MS` lines), since they depend on how replication and metrics are wired.
//! Secrets come from the environment: `UBICLOUD_TOKEN`,
//! `BUSFLOW_S3_ACCESS_KEY`, `BUSFLOW_S3_SECRET_KEY`, `BUSFLOW_METRICS_PASSWORD`.
//! How a run ended is reported as findings (`RunState::findings`): an
//! aborted hydration is a UBI-CUT-003 error, a rollback a UBI-CUT-008
//! error, a complete run information. Exit codes: 0 complete (or planned),
//! 1 could not run, 2 ended rolled back or aborted.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use busflow::backup::{RemoteConfig, S3Store, Secret};
use busflow::cutover::{BackupPinner, SecretPairs, SwarmFlip};
use busflow::swarm::ops::Engine;
use busflow::ubicloud::api::{Token, UbicloudClient};
use busflow::ubicloud::cutover::{
    CutoverConfig, Deps, RunState, Runbook, ShellCommands, system_clock,
};
use clap::{Args as ClapArgs, Parser, Subcommand};

/// Drive the PostgreSQL cutover to Ubicloud as its runbook's state
/// machine, one step per call, with its state in a file.
///
/// Needs `UBICLOUD_TOKEN`, `BUSFLOW_S3_ACCESS_KEY` and
/// `BUSFLOW_S3_SECRET_KEY` in the environment for the steps that call
/// Ubicloud or S3 (`BUSFLOW_METRICS_PASSWORD` for the metrics check).
#[derive(Debug, Parser)]
#[command(name = "ubicloud-cutover", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every step from where the run stands, with its inputs.
    Plan(Options),
    /// Start (or continue) the run.
    Run(Options),
    /// Continue a run from its state file.
    Resume(Options),
    /// Flip both secrets back to the swarm database.
    Rollback(Options),
    /// Print the state file.
    Status {
        /// The state file.
        #[arg(long)]
        state: PathBuf,
    },
}

#[derive(Debug, ClapArgs)]
struct Options {
    /// The state file (written before every action).
    #[arg(long)]
    state: PathBuf,
    /// Tenants on the platform.
    #[arg(long, default_value_t = 0)]
    tenants: u32,
    /// The contractual SLA in percent.
    #[arg(long, default_value_t = 99.0)]
    sla: f64,
    /// Ubicloud project ID.
    #[arg(long, default_value = "")]
    project: String,
    /// The database name.
    #[arg(long, default_value = "busflow-production")]
    name: String,
    /// A swarm CIDR to allow (repeatable).
    #[arg(long = "cidr")]
    cidrs: Vec<String>,
    /// Mimir remote-write URL and user.
    #[arg(long, default_value = "")]
    metrics_url: String,
    /// Mimir user.
    #[arg(long, default_value = "ubicloud")]
    metrics_user: String,
    /// p99 before the cutover, in ms.
    #[arg(long, default_value_t = 0.0)]
    baseline_p99_ms: f64,
    /// Services that mount the writer and reader secrets (repeatable).
    #[arg(long = "service")]
    services: Vec<String>,
    /// Secret names `WRITER,READER` on the swarm database.
    #[arg(
        long,
        default_value = "busflow_db_writer_swarm,busflow_db_reader_swarm"
    )]
    swarm_secrets: String,
    /// Secret names `WRITER,READER` on Ubicloud (created beforehand).
    #[arg(
        long,
        default_value = "busflow_db_writer_ubicloud,busflow_db_reader_ubicloud"
    )]
    ubicloud_secrets: String,
    /// The backup bucket (https://).
    #[arg(long, default_value = "")]
    s3_endpoint: String,
    /// The bucket.
    #[arg(long, default_value = "backups")]
    bucket: String,
    /// Where pins are recorded for the retention job.
    #[arg(long, default_value = "backup-pins.yaml")]
    pins: PathBuf,
    /// Prints the replication lag in seconds.
    #[arg(long, default_value = "")]
    lag_cmd: String,
    /// Takes the base backup and starts replication.
    #[arg(long, default_value = "")]
    base_backup_cmd: String,
    /// Prints p99 samples as `UNIX_SECONDS MS` lines.
    #[arg(long, default_value = "")]
    p99_cmd: String,
    /// Ubicloud's API.
    #[arg(long, default_value = UbicloudClient::DEFAULT_BASE)]
    api: String,
    /// Print the plan; do nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    output: output::Output,
}

fn pair(text: &str) -> Result<[String; 2], String> {
    let (a, b) = text
        .split_once(',')
        .ok_or_else(|| format!("`{text}` is not WRITER,READER"))?;
    Ok([a.to_owned(), b.to_owned()])
}

fn config(o: &Options) -> CutoverConfig {
    let mut c = CutoverConfig::documented(&o.project, &o.name, o.tenants, o.sla);
    c.allowed_cidrs.clone_from(&o.cidrs);
    c.metrics_url.clone_from(&o.metrics_url);
    c.metrics_user.clone_from(&o.metrics_user);
    c.baseline_p99_ms = o.baseline_p99_ms;
    c
}

async fn act(o: &Options, rollback: bool) -> Result<ExitCode, String> {
    let selection = match o.output.selection("ubicloud-cutover") {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let mut book = Runbook::open(config(o), &o.state).map_err(|e| e.to_string())?;
    if o.dry_run {
        for line in book.plan() {
            println!("would: {line}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let env = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
    let api = UbicloudClient::new(&o.api, Token::new(env("UBICLOUD_TOKEN")?))
        .map_err(|e| e.to_string())?;
    let remote = RemoteConfig::new(
        "hetzner-s3",
        &o.s3_endpoint,
        &o.bucket,
        &env("BUSFLOW_S3_ACCESS_KEY")?,
        Secret::new(env("BUSFLOW_S3_SECRET_KEY")?),
    );
    let pinner = BackupPinner {
        store: S3Store::new(remote).map_err(|e| e.to_string())?,
        prefix: String::new(),
        file: o.pins.clone(),
    };
    let flipper = SwarmFlip {
        engine: Engine::connect(None).await.map_err(|e| e.to_string())?,
        services: o.services.clone(),
        pairs: SecretPairs {
            swarm: pair(&o.swarm_secrets)?,
            ubicloud: pair(&o.ubicloud_secrets)?,
        },
    };
    let commands = ShellCommands {
        base_backup: o.base_backup_cmd.clone(),
        lag: o.lag_cmd.clone(),
        p99: o.p99_cmd.clone(),
    };
    let password = std::env::var("BUSFLOW_METRICS_PASSWORD").unwrap_or_default();
    let deps = Deps {
        api: &api,
        pinner: &pinner,
        flipper: &flipper,
        hydration: &commands,
        latency: &commands,
        metrics_password: &password,
    };
    if rollback {
        book.rollback(&deps).await.map_err(|e| e.to_string())?;
    }
    // Waiting steps (provisioning, hydration, the watch) are polled every 30 s.
    let state = book
        .drive(
            &deps,
            Duration::from_secs(30),
            system_clock,
            |step, line| {
                eprintln!("{step:?}: {line}");
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "ended: {:?}, authoritative: {:?}",
        state.step, state.authoritative
    );
    Ok(o.output.finish(state.findings(&o.state), &selection))
}

fn main() -> ExitCode {
    let cli = match cli::parse::<Cli>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let result = match &cli.command {
        Command::Status { state } => {
            // Only a file that reads as a state file is printed, as parsed.
            return match RunState::load(state)
                .map_err(|e| e.to_string())
                .and_then(|s| serde_json::to_string_pretty(&s).map_err(|e| e.to_string()))
            {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("ubicloud-cutover: error: {e}");
                    ExitCode::from(1)
                }
            };
        }
        Command::Plan(o) => Runbook::open(config(o), &o.state)
            .map_err(|e| e.to_string())
            .map(|book| {
                for line in book.plan() {
                    println!("{line}");
                }
                ExitCode::SUCCESS
            }),
        Command::Resume(o) if !o.state.exists() => {
            Err(format!("{}: no run to resume", o.state.display()))
        }
        Command::Run(o) | Command::Resume(o) | Command::Rollback(o) => {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
                .and_then(|rt| rt.block_on(act(o, matches!(cli.command, Command::Rollback(_)))))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ubicloud-cutover: error: {e}");
            ExitCode::from(1)
        }
    }
}
