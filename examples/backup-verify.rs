//! `backup-verify`: the daily verify of the newest dump (BACKUP-005..017).
//!
//! ```text
//! backup-verify --demo [--progress auto|always|never]
//! backup-verify --config config/backup-verify/verify.yaml [flags]
//! backup-verify --endpoint https://… --bucket B [--prefix P] [--ca FILE]
//!               [--fallback-endpoint https://…] [--allowlist FILE] [--keep-database]
//!               [--progress auto|always|never] [--outcome FILE]
//!               [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! backup-verify … --prune [--pins backup-pins.yaml]
//! ```
//!
//! The settings file (`VerifySettings`: remotes, schemas, extensions, size
//! ceiling, deadline, fallback window, allow-list) is read first; flags
//! given on the command line override it. Secrets come from the
//! environment: the remotes' keys (`BUSFLOW_S3_ACCESS_KEY`,
//! `BUSFLOW_S3_SECRET_KEY` unless the file names others) and the target
//! (`BUSFLOW_VERIFY_TARGET_URL`, a PostgreSQL URL allowed to create
//! databases). `--demo` needs none of it: it starts a throwaway PostgreSQL
//! and an S3 server over TLS, makes a database with the four documented
//! schemas, produces a dump, verifies it and prints the outcome.
//!
//! While the data section streams, a progress line (bytes, percent,
//! throughput) is drawn on stderr when it is a terminal (`--progress
//! always` draws it anyway, one line per update).
//!
//! With `--prune`, retention (BACKUP-002: the documented 14 daily and 4
//! weekly, additive) runs after a verify that passed, on the store whose
//! newest dump it verified, keeping every dump pinned in the `--pins` file
//! (BACKUP-003; `ubicloud-cutover` writes it). A verify that did not pass
//! prunes nothing.
//!
//! The run is reported as findings (`VerifyRun::findings`): the failure and
//! failed probes as errors of their clause, warnings and a fallback read as
//! warnings, passed probes and retention as information; `--format human`
//! prints the outcome's text first, and `--outcome FILE` writes the whole
//! outcome (sections, sizes, probes, retention's plan) as JSON.
//!
//! Exit codes: 0 passed (with or without warnings, or from the fallback
//! source), 1 could not run (or could not prune), 2 failed or too big.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use busflow::backup::{
    Overrides, Pin, PinFile, Progress, RemoteConfig, RemoteSettings, S3Store, Secret, UtcTime,
    VerifyConfig, VerifyRun, VerifySettings, choose_source, find_program, produce,
    verify_then_prune,
};
use busflow::{Format, Severity};
use clap::{Parser, ValueEnum};

/// Verify the newest PostgreSQL dump in S3 by restoring it.
///
/// Needs `BUSFLOW_VERIFY_TARGET_URL` (the PostgreSQL to restore into) and the
/// remotes' keys (`BUSFLOW_S3_ACCESS_KEY`, `BUSFLOW_S3_SECRET_KEY` by
/// default) in the environment, `pg_restore` on PATH; `--demo` needs none.
#[derive(Debug, Parser)]
#[command(name = "backup-verify", version)]
struct Args {
    /// Run the whole cycle on throwaway local services.
    #[arg(long)]
    demo: bool,
    /// The settings file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The remote of the settings read first, by name (`hetzner-s3`,
    /// `minio-inswarm`): only the source switches (BACKUP-006).
    #[arg(long)]
    source: Option<String>,
    /// The source remote's endpoint (https:// only).
    #[arg(long)]
    endpoint: Option<String>,
    /// The bucket (default `backups`).
    #[arg(long)]
    bucket: Option<String>,
    /// The key prefix of the dumps.
    #[arg(long)]
    prefix: Option<String>,
    /// A PEM CA to trust for the remotes.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// The in-swarm fallback remote's endpoint.
    #[arg(long)]
    fallback_endpoint: Option<String>,
    /// The soft-FK allow-list (default
    /// `config/backup-verify/soft-fk-allowlist.yaml` when it exists).
    #[arg(long)]
    allowlist: Option<PathBuf>,
    /// Keep the verify database.
    #[arg(long)]
    keep_database: bool,
    /// The data section's progress line on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: When,
    /// Apply retention after a verify that passed.
    #[arg(long)]
    prune: bool,
    /// The pins file retention honours (BACKUP-003).
    #[arg(long, requires = "prune")]
    pins: Option<PathBuf>,
    /// Write the whole outcome (and retention's plan) as JSON to this file.
    #[arg(long)]
    outcome: Option<PathBuf>,
    #[command(flatten)]
    output: output::Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum When {
    Auto,
    Always,
    Never,
}

impl Args {
    fn overrides(&self) -> Overrides {
        Overrides {
            source: self.source.clone(),
            endpoint: self.endpoint.clone(),
            bucket: self.bucket.clone(),
            prefix: self.prefix.clone(),
            ca: self.ca.clone(),
            fallback_endpoint: self.fallback_endpoint.clone(),
            allowlist: self.allowlist.clone(),
            keep_database: self.keep_database,
        }
    }
}

/// The settings file (or the endpoint given), then the flags over it.
fn settings(args: &Args) -> Result<VerifySettings, String> {
    let base = match (&args.config, &args.endpoint) {
        (Some(path), _) => VerifySettings::load(path).map_err(|e| e.to_string())?,
        (None, Some(endpoint)) => {
            VerifySettings::new(RemoteSettings::new("hetzner-s3", endpoint, "backups"))
        }
        (None, None) => return Err("--config, --endpoint or --demo is required".into()),
    };
    base.overridden(&args.overrides())
        .map_err(|e| e.to_string())
}

/// The pins when `--prune` is given (read before the verify, so that a
/// pins file that does not read stops the job before any work), else
/// `None`.
fn pins(args: &Args) -> Result<Option<Vec<Pin>>, String> {
    if !args.prune {
        return Ok(None);
    }
    match &args.pins {
        Some(path) => Ok(Some(PinFile::load(path).map_err(|e| e.to_string())?.pins())),
        None => Ok(Some(Vec::new())),
    }
}

fn progress(when: When) -> Option<Progress> {
    let terminal = std::io::stderr().is_terminal();
    (when == When::Always || (when == When::Auto && terminal))
        .then(|| Progress::stderr_line(terminal))
}

/// The run, and where its findings point (the settings file, or the store).
async fn run(args: &Args) -> Result<(VerifyRun, PathBuf), String> {
    let progress = progress(args.progress);
    let pins = pins(args)?;
    if args.demo {
        return Ok((
            demo(progress, pins.as_deref()).await?,
            PathBuf::from("demo"),
        ));
    }
    let s = settings(args)?;
    let at = if s.path.as_os_str().is_empty() {
        PathBuf::from(format!("{}/{}", s.source.endpoint, s.source.bucket))
    } else {
        s.path.clone()
    };
    let env = |name: &str| std::env::var(name).ok();
    let store = |r: &RemoteSettings| -> Result<S3Store, String> {
        S3Store::new(r.remote_config(env).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
    };
    let primary = store(&s.source)?;
    let target = env(&s.target_url_env)
        .ok_or_else(|| format!("the environment variable {} is not set", s.target_url_env))?;
    let mut config = s
        .verify_config(
            &target,
            find_program("pg_restore").map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
    config.progress = progress;
    let run = match &s.fallback {
        Some(fb) => {
            let fallback = store(fb)?;
            // The wait can take the whole window: say what it waits for.
            eprintln!(
                "backup-verify: listing `{}` ({}); while it does not answer, retrying every 30 s for up to {} s, then reading from the fallback `{}` ({})",
                s.source.name,
                s.source.endpoint,
                s.fallback_window.as_secs(),
                fb.name,
                fb.endpoint
            );
            let choice = choose_source(
                &primary,
                &fallback,
                &s.prefix,
                s.fallback_window,
                Duration::from_secs(30),
            )
            .await
            .map_err(|e| e.to_string())?;
            verify_then_prune(choice.store, choice.fell_back, &config, pins.as_deref()).await
        }
        None => verify_then_prune(&primary, None, &config, pins.as_deref()).await,
    };
    Ok((run, at))
}

async fn demo(progress: Option<Progress>, pins: Option<&[Pin]>) -> Result<VerifyRun, String> {
    let pg = testkit::Postgres::start().map_err(|e| e.to_string())?;
    let s3 = testkit::S3::start().map_err(|e| e.to_string())?;
    s3.create_bucket("backups").map_err(|e| e.to_string())?;
    let db = pg.fresh_database().await.map_err(|e| e.to_string())?;
    db.connect()
        .await
        .map_err(|e| e.to_string())?
        .batch_execute(
            "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE SCHEMA communications;
             CREATE TABLE backoffice.users (id int PRIMARY KEY, email text);
             CREATE TABLE commerce.orders (id int PRIMARY KEY, user_id int REFERENCES backoffice.users(id));
             CREATE TABLE operations.trips (id int PRIMARY KEY, started timestamptz DEFAULT now());
             CREATE TABLE communications.mails (id int PRIMARY KEY, user_id int);
             INSERT INTO backoffice.users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 10000) g;
             INSERT INTO commerce.orders SELECT g, 1 + g % 10000 FROM generate_series(1, 50000) g;
             INSERT INTO operations.trips (id) SELECT generate_series(1, 20000);
             INSERT INTO communications.mails SELECT g, 1 + g % 10000 FROM generate_series(1, 20000) g;",
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut remote = RemoteConfig::new(
        "minio-inswarm",
        s3.endpoint(),
        "backups",
        s3.access_key(),
        Secret::new(s3.secret_key()),
    );
    s3.region().clone_into(&mut remote.region);
    remote.ca_pem = s3.ca_pem().map(str::to_owned);
    let store = S3Store::new(remote).map_err(|e| e.to_string())?;
    let produced = produce(
        &find_program("pg_dump").map_err(|e| e.to_string())?,
        db.url(),
        &store,
        "",
        UtcTime::now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    eprintln!(
        "backup-verify --demo: produced {} ({} bytes)",
        produced.name, produced.bytes
    );
    let mut config = VerifyConfig::new(
        pg.admin_url(),
        find_program("pg_restore").map_err(|e| e.to_string())?,
    );
    config.progress = progress;
    Ok(verify_then_prune(&store, None, &config, pins).await)
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("backup-verify", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    // Moving bytes between a socket and a pipe needs one thread; a
    // multi-thread runtime wakes another for every chunk and, measured with
    // the backup-speed benchmark, doubled the verify's CPU.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("backup-verify: error: {e}");
            return ExitCode::from(1);
        }
    };
    let (run, at) = match runtime.block_on(run(&args)) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("backup-verify: error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = &args.outcome
        && let Err(e) = std::fs::write(path, format!("{:#}\n", run.to_json()))
    {
        eprintln!("backup-verify: error: {}: {e}", path.display());
        return ExitCode::from(1);
    }
    let mut findings = run.findings(Path::new(&at));
    if args.output.format == Format::Human {
        // The text already lists what passed.
        print!("{run}");
        findings.retain(|f| f.severity > Severity::Info);
    }
    let code = args.output.finish(findings, &selection);
    if let Some(Err(e)) = &run.pruned {
        eprintln!("backup-verify: error: retention: {e}");
        return ExitCode::from(1);
    }
    code
}
