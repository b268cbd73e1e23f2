//! `ubicloud-cutover`: the move to Ubicloud's managed PostgreSQL as a
//! resumable runbook (UBI-CUT-001 … 011).
//!
//! ```text
//! ubicloud-cutover plan     --state FILE --tenants N --sla 99.5 [options]
//! ubicloud-cutover run      --state FILE --tenants N --sla 99.5 [options] [--dry-run]
//! ubicloud-cutover resume   --state FILE … [--dry-run]
//! ubicloud-cutover rollback --state FILE …
//! ubicloud-cutover status   --state FILE
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
//! Exit codes: 0 complete (or planned), 1 could not run, 2 ended rolled
//! back or aborted.

#[path = "support/cli.rs"]
mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use busflow::backup::{
    DumpName, ObjectStore, Pin, PinFile, RemoteConfig, S3Store, Secret, UtcTime,
};
use busflow::swarm::ops::{Engine, SecretSwap, Waiting, swap_secrets};
use busflow::ubicloud::api::{Token, UbicloudClient};
use busflow::ubicloud::cutover::{
    CutoverConfig, Deps, DumpPinner, Hydration, Latency, RunState, Runbook, SecretFlipper, Step,
    Target,
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
}

fn shell(cmd: &str) -> Result<String, String> {
    if cmd.is_empty() {
        return Err("no command given for this step".into());
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("`{cmd}` exited with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

struct Pins {
    store: S3Store,
    file: PathBuf,
}

#[async_trait::async_trait]
impl DumpPinner for Pins {
    async fn pin_final_dump(&self, days: u32) -> Result<String, String> {
        let listing = self.store.list("").await.map_err(|e| e.to_string())?;
        let newest = listing
            .iter()
            .filter_map(|o| DumpName::parse(&o.key).ok())
            .max_by_key(DumpName::at)
            .ok_or("no dump to pin")?;
        let until = UtcTime::now().add_date(0, 0, i64::from(days));
        let pin = Pin {
            key: newest.key().to_owned(),
            until,
        };
        // An unreadable pins file is an error, never overwritten.
        PinFile::add(
            &self.file,
            pin.clone(),
            &format!("UBI-CUT-004: the final dump before the cutover, kept {days} days"),
        )
        .map_err(|e| e.to_string())?;
        Ok(pin.key)
    }
}

struct Flip {
    engine: Engine,
    services: Vec<String>,
    swarm: [String; 2],
    ubicloud: [String; 2],
}

#[async_trait::async_trait]
impl SecretFlipper for Flip {
    async fn flip(&self, targets: [&str; 2], to: Target) -> Result<(), String> {
        let (from, into) = match to {
            Target::Ubicloud => (&self.swarm, &self.ubicloud),
            Target::Swarm => (&self.ubicloud, &self.swarm),
        };
        let swaps: Vec<SecretSwap> = (0..2)
            .map(|i| SecretSwap {
                old: from[i].clone(),
                new: into[i].clone(),
                target: Some(targets[i].to_owned()),
            })
            .collect();
        let changes: Vec<(&str, Vec<SecretSwap>)> = self
            .services
            .iter()
            .map(|s| (s.as_str(), swaps.clone()))
            .collect();
        swap_secrets(&self.engine, &changes, Waiting::default())
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

struct Commands<'a>(&'a Options);

#[async_trait::async_trait]
impl Hydration for Commands<'_> {
    async fn base_backup(&self) -> Result<(), String> {
        shell(&self.0.base_backup_cmd).map(|_| ())
    }
    async fn lag(&self) -> Result<Duration, String> {
        let out = shell(&self.0.lag_cmd)?;
        out.trim()
            .parse::<f64>()
            .map(Duration::from_secs_f64)
            .map_err(|e| format!("lag `{}`: {e}", out.trim()))
    }
}

#[async_trait::async_trait]
impl Latency for Commands<'_> {
    async fn p99_samples(&self, since: u64) -> Result<Vec<(u64, f64)>, String> {
        Ok(shell(&self.0.p99_cmd)?
            .lines()
            .filter_map(|l| {
                let (t, ms) = l.split_once(' ')?;
                Some((t.parse().ok()?, ms.trim().parse().ok()?))
            })
            .filter(|(t, _)| *t >= since)
            .collect())
    }
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
    let pins = Pins {
        store: S3Store::new(remote).map_err(|e| e.to_string())?,
        file: o.pins.clone(),
    };
    let flip = Flip {
        engine: Engine::connect(None).await.map_err(|e| e.to_string())?,
        services: o.services.clone(),
        swarm: pair(&o.swarm_secrets)?,
        ubicloud: pair(&o.ubicloud_secrets)?,
    };
    let commands = Commands(o);
    let password = std::env::var("BUSFLOW_METRICS_PASSWORD").unwrap_or_default();
    let deps = Deps {
        api: &api,
        pinner: &pins,
        flipper: &flip,
        hydration: &commands,
        latency: &commands,
        metrics_password: &password,
    };
    if rollback {
        book.rollback(&deps).await.map_err(|e| e.to_string())?;
    }
    while !book.state().is_final() {
        let before = (book.state().step.clone(), book.state().log.len());
        let now = UtcTime::now().unix_seconds().max(0).unsigned_abs();
        book.step(&deps, now).await.map_err(|e| e.to_string())?;
        if let Some(line) = book.state().log.get(before.1) {
            println!("{:?}: {line}", before.0);
        }
        if book.state().step == before.0 && !book.state().is_final() {
            tokio::time::sleep(Duration::from_secs(30)).await; // waiting: provision, hydration, watch
        }
    }
    println!(
        "ended: {:?}, authoritative: {:?}",
        book.state().step,
        book.state().authoritative
    );
    Ok(if book.state().step == Step::Complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
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
