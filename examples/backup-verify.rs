//! `backup-verify`: the daily verify of the newest dump (BACKUP-005..017).
//!
//! ```text
//! backup-verify --demo [--format human|json] [--progress auto|always|never]
//! backup-verify --config config/backup-verify/verify.yaml [flags]
//! backup-verify --endpoint https://… --bucket B [--prefix P] [--ca FILE]
//!               [--fallback-endpoint https://…] [--allowlist FILE] [--keep-database]
//!               [--format human|json] [--progress auto|always|never]
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
//! Exit codes: 0 passed (with or without warnings, or from the fallback
//! source), 1 could not run (or could not prune), 2 failed or too big.

#[path = "support/cli.rs"]
mod cli;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use busflow::backup::{
    ObjectStore, Outcome, Pin, PinFile, Plan, Progress, RemoteConfig, RemoteSettings,
    RetentionPolicy, S3Store, Secret, Status, UtcTime, VerifyConfig, VerifySettings, choose_source,
    find_program, produce, prune, verify,
};
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
    /// Output: human or json.
    #[arg(long, value_enum, default_value = "human")]
    format: Output,
    /// The data section's progress line on stderr.
    #[arg(long, value_enum, default_value = "auto")]
    progress: When,
    /// Apply retention after a verify that passed.
    #[arg(long)]
    prune: bool,
    /// The pins file retention honours (BACKUP-003).
    #[arg(long, requires = "prune")]
    pins: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Output {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum When {
    Auto,
    Always,
    Never,
}

const DEFAULT_ALLOWLIST: &str = "config/backup-verify/soft-fk-allowlist.yaml";

/// The settings file, then the flags over it.
fn settings(args: &Args) -> Result<VerifySettings, String> {
    let mut s = if let Some(path) = &args.config {
        VerifySettings::load(path).map_err(|e| e.to_string())?
    } else {
        let endpoint = args
            .endpoint
            .as_deref()
            .ok_or("--config, --endpoint or --demo is required")?;
        VerifySettings::new(RemoteSettings::new("hetzner-s3", endpoint, "backups"))
    };
    if let Some(name) = &args.source {
        s = s.with_source(name).map_err(|e| e.to_string())?;
    }
    if let Some(e) = &args.endpoint {
        s.source.endpoint.clone_from(e);
    }
    if let Some(b) = &args.bucket {
        s.source.bucket.clone_from(b);
    }
    if let Some(p) = &args.prefix {
        s.prefix.clone_from(p);
    }
    if let Some(ca) = &args.ca {
        s.source.ca = Some(ca.clone());
    }
    if let Some(fb) = &args.fallback_endpoint {
        let mut remote = RemoteSettings::new("minio-inswarm", fb, &s.source.bucket);
        remote.ca.clone_from(&s.source.ca);
        s.fallback = Some(remote);
    }
    if let Some(list) = &args.allowlist {
        s.allowlist = Some(list.clone());
    } else if s.allowlist.is_none() && std::path::Path::new(DEFAULT_ALLOWLIST).exists() {
        s.allowlist = Some(PathBuf::from(DEFAULT_ALLOWLIST));
    }
    s.keep_database |= args.keep_database;
    Ok(s)
}

/// The verify's outcome and, with `--prune`, what retention did.
struct Report {
    outcome: Outcome,
    pruned: Option<Result<Plan, String>>,
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

/// Verifies `store`, then prunes it when `pins` is given (`--prune`) and
/// the verify passed.
async fn verify_then_prune(
    store: &dyn ObjectStore,
    fell_back: Option<String>,
    config: &VerifyConfig,
    pins: Option<&[Pin]>,
) -> Report {
    let outcome = verify(store, fell_back, config).await;
    let pruned = match (pins, outcome.verified()) {
        (Some(pins), Some(proof)) => Some(
            prune(
                store,
                &config.prefix,
                &RetentionPolicy::documented(),
                pins,
                UtcTime::now(),
                &proof,
            )
            .await
            .map_err(|e| e.to_string()),
        ),
        _ => None,
    };
    Report { outcome, pruned }
}

async fn run(args: &Args) -> Result<Report, String> {
    let progress = progress_line(args.progress);
    let pins = pins(args)?;
    if args.demo {
        return demo(progress, pins.as_deref()).await;
    }
    let s = settings(args)?;
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
    match &s.fallback {
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
            Ok(verify_then_prune(choice.store, choice.fell_back, &config, pins.as_deref()).await)
        }
        None => Ok(verify_then_prune(&primary, None, &config, pins.as_deref()).await),
    }
}

/// A progress line on stderr: bytes, percent and throughput, at most four
/// times a second (and once at the end).
fn progress_line(when: When) -> Option<Progress> {
    let terminal = std::io::stderr().is_terminal();
    if when == When::Never || (when == When::Auto && !terminal) {
        return None;
    }
    // (when the data section started, when the line was last drawn)
    let clock = Mutex::new((None::<Instant>, None::<Instant>));
    Some(Progress::new(move |read, total| {
        let Ok(mut clock) = clock.lock() else { return };
        let now = Instant::now();
        let started = *clock.0.get_or_insert(now);
        let last = &mut clock.1;
        let done = read >= total && total > 0;
        if !done && last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(250)) {
            return;
        }
        *last = Some(now);
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        #[allow(clippy::cast_precision_loss)]
        let (mb, total_mb, rate) = (
            read as f64 / 1e6,
            total as f64 / 1e6,
            read as f64 / 1e6 / secs,
        );
        let percent = (read * 100).checked_div(total).unwrap_or(0);
        let filled = usize::try_from(percent / 5).unwrap_or(20);
        let bar = format!("{}{}", "#".repeat(filled), ".".repeat(20 - filled.min(20)));
        let mut err = std::io::stderr().lock();
        let line = format!("data [{bar}] {mb:.1} / {total_mb:.1} MB {percent:>3}% {rate:.1} MB/s");
        let _ = if terminal {
            write!(err, "\r{line}{}", if done { "\n" } else { "" })
        } else {
            writeln!(err, "{line}")
        };
    }))
}

async fn demo(progress: Option<Progress>, pins: Option<&[Pin]>) -> Result<Report, String> {
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

fn human(out: &Outcome) -> String {
    use std::fmt::Write as _;
    let mut text = format!(
        "{:?}: {}\n",
        out.status,
        out.dump.as_deref().unwrap_or("(no dump)")
    );
    if let Some(a) = &out.archive {
        let _ = writeln!(text, "  archive: {a}");
    }
    for s in &out.sections {
        let _ = writeln!(
            text,
            "  {:<9} exit {:?} in {} ms ({} bytes in)",
            s.section, s.exit_code, s.duration_ms, s.bytes_in
        );
    }
    for p in &out.probes {
        let _ = writeln!(
            text,
            "  {} {}: {}",
            if p.passed { "ok  " } else { "FAIL" },
            p.rule_id,
            p.detail
        );
    }
    for w in &out.warnings {
        let _ = writeln!(text, "  warning: {w}");
    }
    if !out.extensions_missing.is_empty() {
        let _ = writeln!(
            text,
            "  extensions not on the target (reported, not fatal): {}",
            out.extensions_missing.join(", ")
        );
    }
    if let Some(f) = &out.failure {
        let _ = writeln!(text, "  failure: {f}");
    }
    text
}

fn human_plan(plan: &Plan) -> String {
    use std::fmt::Write as _;
    let mut text = format!(
        "retention: kept {}, deleted {}, not dumps (left alone) {}\n",
        plan.keep.len(),
        plan.delete.len(),
        plan.rejected.len()
    );
    for k in &plan.keep {
        let reasons: Vec<String> = k.reasons.iter().map(ToString::to_string).collect();
        let _ = writeln!(text, "  keep   {} ({})", k.key, reasons.join(", "));
    }
    for d in &plan.delete {
        let _ = writeln!(text, "  delete {d}");
    }
    text
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    // Moving bytes between a socket and a pipe needs one thread; a
    // multi-thread runtime wakes another for every chunk and, measured with
    // backup-speed, doubled the verify's CPU.
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
    match runtime.block_on(run(&args)) {
        Ok(Report {
            outcome: out,
            pruned,
        }) => {
            match (args.format, &pruned) {
                (Output::Json, None) => println!("{}", out.to_json()),
                (Output::Json, Some(p)) => {
                    let mut json = serde_json::to_value(&out).unwrap_or_default();
                    json["retention"] = match p {
                        Ok(plan) => plan.to_json(),
                        Err(e) => serde_json::json!({ "error": e }),
                    };
                    println!("{json:#}");
                }
                (Output::Human, _) => {
                    print!("{}", human(&out));
                    if let Some(Ok(plan)) = &pruned {
                        print!("{}", human_plan(plan));
                    }
                }
            }
            if let Some(Err(e)) = &pruned {
                eprintln!("backup-verify: error: retention: {e}");
                return ExitCode::from(1);
            }
            match out.status {
                Status::Passed | Status::PassedWithWarnings | Status::SourceFallback => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            }
        }
        Err(e) => {
            eprintln!("backup-verify: error: {e}");
            ExitCode::from(1)
        }
    }
}
