//! `backup-verify`: the daily verify of the newest dump (BACKUP-005..017).
//!
//! ```text
//! backup-verify --demo [--format human|json]
//! backup-verify --endpoint https://… --bucket B [--prefix P] [--ca FILE]
//!               [--fallback-endpoint https://…] [--allowlist FILE] [--keep-database]
//!               [--format human|json]
//! ```
//!
//! Secrets come from the environment: `BUSFLOW_S3_ACCESS_KEY`,
//! `BUSFLOW_S3_SECRET_KEY` and `BUSFLOW_VERIFY_TARGET_URL` (a PostgreSQL URL
//! allowed to create databases). `--demo` needs none of it: it starts a
//! throwaway PostgreSQL and an S3 server over TLS, makes a database with the
//! four documented schemas, produces a dump, verifies it and prints the
//! outcome.
//!
//! Exit codes: 0 passed (with or without warnings, or from the fallback
//! source), 1 could not run, 2 failed or too big.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use busflow::backup::{
    FALLBACK_WINDOW, Outcome, RemoteConfig, S3Store, Secret, SoftFkAllowlist, Status, UtcTime,
    VerifyConfig, choose_source, find_program, produce, verify,
};
use clap::{Parser, ValueEnum};

/// Verify the newest PostgreSQL dump in S3 by restoring it.
#[derive(Debug, Parser)]
#[command(name = "backup-verify")]
struct Args {
    /// Run the whole cycle on throwaway local services.
    #[arg(long)]
    demo: bool,
    /// The source remote's endpoint (https:// only).
    #[arg(long)]
    endpoint: Option<String>,
    /// The bucket.
    #[arg(long, default_value = "backups")]
    bucket: String,
    /// The key prefix of the dumps.
    #[arg(long, default_value = "")]
    prefix: String,
    /// A PEM CA to trust for the remotes.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// The in-swarm fallback remote's endpoint.
    #[arg(long)]
    fallback_endpoint: Option<String>,
    /// The soft-FK allow-list.
    #[arg(long, default_value = "config/backup-verify/soft-fk-allowlist.yaml")]
    allowlist: PathBuf,
    /// Keep the verify database.
    #[arg(long)]
    keep_database: bool,
    /// Output: human or json.
    #[arg(long, value_enum, default_value = "human")]
    format: Output,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Output {
    Human,
    Json,
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("the environment variable {name} is not set"))
}

async fn run(args: &Args) -> Result<Outcome, String> {
    if args.demo {
        return demo().await;
    }
    let endpoint = args
        .endpoint
        .as_deref()
        .ok_or("--endpoint or --demo is required")?;
    let ca = match &args.ca {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => None,
    };
    let remote = |name: &str, endpoint: &str| -> Result<S3Store, String> {
        let mut c = RemoteConfig::new(
            name,
            endpoint,
            &args.bucket,
            &env("BUSFLOW_S3_ACCESS_KEY")?,
            Secret::new(env("BUSFLOW_S3_SECRET_KEY")?),
        );
        c.ca_pem.clone_from(&ca);
        S3Store::new(c).map_err(|e| e.to_string())
    };
    let primary = remote("hetzner-s3", endpoint)?;
    let mut config = VerifyConfig::new(
        &env("BUSFLOW_VERIFY_TARGET_URL")?,
        find_program("pg_restore").map_err(|e| e.to_string())?,
    );
    config.prefix.clone_from(&args.prefix);
    config.keep_database = args.keep_database;
    if args.allowlist.exists() {
        config.allowlist = SoftFkAllowlist::load(&args.allowlist).map_err(|e| e.to_string())?;
    }
    match &args.fallback_endpoint {
        Some(fb) => {
            let fallback = remote("minio-inswarm", fb)?;
            let choice = choose_source(
                &primary,
                &fallback,
                &args.prefix,
                FALLBACK_WINDOW,
                Duration::from_secs(30),
            )
            .await
            .map_err(|e| e.to_string())?;
            Ok(verify(choice.store, choice.fell_back, &config).await)
        }
        None => Ok(verify(&primary, None, &config).await),
    }
}

async fn demo() -> Result<Outcome, String> {
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
    let config = VerifyConfig::new(
        pg.admin_url(),
        find_program("pg_restore").map_err(|e| e.to_string())?,
    );
    Ok(verify(&store, None, &config).await)
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

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
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
        Ok(out) => {
            match args.format {
                Output::Json => println!("{}", out.to_json()),
                Output::Human => print!("{}", human(&out)),
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
