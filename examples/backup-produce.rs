//! `backup-produce`: the nightly dump (BACKUP-004). Runs `pg_dump
//! --format=custom` for `BUSFLOW_PRODUCE_DATABASE_URL` and streams it into
//! the bucket as `pg_dump_YYYYMMDD_HHMM.dump`; a failed dump leaves nothing
//! behind. Retention runs after the verify (`backup-verify`), never here.
//!
//! ```text
//! backup-produce --endpoint https://… --bucket B [--prefix P] [--ca FILE]
//!                [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! Secrets come from the environment: `BUSFLOW_S3_ACCESS_KEY`,
//! `BUSFLOW_S3_SECRET_KEY`, `BUSFLOW_PRODUCE_DATABASE_URL`.
//! The dump is a BACKUP-004 finding: information when it was uploaded, an
//! error when pg_dump failed (nothing is left in the bucket). Exit codes: 0
//! uploaded, 2 the dump failed, 1 could not run.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use busflow::Finding;
use busflow::backup::{RemoteConfig, S3Store, Secret, UtcTime, find_program, produce};
use clap::Parser;

/// Dump a PostgreSQL database into S3.
///
/// Needs `BUSFLOW_PRODUCE_DATABASE_URL`, `BUSFLOW_S3_ACCESS_KEY` and
/// `BUSFLOW_S3_SECRET_KEY` in the environment, and `pg_dump` on PATH.
#[derive(Debug, Parser)]
#[command(name = "backup-produce", version)]
struct Args {
    /// The remote's endpoint (https:// only).
    #[arg(long)]
    endpoint: String,
    /// The bucket.
    #[arg(long, default_value = "backups")]
    bucket: String,
    /// The key prefix.
    #[arg(long, default_value = "")]
    prefix: String,
    /// A PEM CA to trust.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// The remote's name in messages.
    #[arg(long, default_value = "hetzner-s3")]
    remote: String,
    #[command(flatten)]
    output: output::Output,
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("the environment variable {name} is not set"))
}

/// The dump as a finding (a failed dump is one too), or why nothing could
/// run.
async fn run(args: &Args, at: &Path) -> Result<Finding, String> {
    let mut config = RemoteConfig::new(
        &args.remote,
        &args.endpoint,
        &args.bucket,
        &env("BUSFLOW_S3_ACCESS_KEY")?,
        Secret::new(env("BUSFLOW_S3_SECRET_KEY")?),
    );
    if let Some(p) = &args.ca {
        config.ca_pem =
            Some(std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let store = S3Store::new(config).map_err(|e| e.to_string())?;
    let pg_dump = find_program("pg_dump").map_err(|e| e.to_string())?;
    match produce(
        &pg_dump,
        &env("BUSFLOW_PRODUCE_DATABASE_URL")?,
        &store,
        &args.prefix,
        UtcTime::now(),
    )
    .await
    {
        Ok(produced) => Ok(produced.finding(at)),
        Err(e) => e.finding(at).ok_or_else(|| e.to_string()),
    }
}

fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("backup-produce", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let at = PathBuf::from(format!("{}/{}/{}", args.endpoint, args.bucket, args.prefix));
    // Moving bytes between a socket and a pipe needs one thread; a
    // multi-thread runtime wakes another for every chunk and, measured with
    // the backup_speed benchmark, doubled the verify's CPU.
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(run(&args, &at)));
    match result {
        Ok(finding) => args.output.finish(vec![finding], &selection),
        Err(e) => {
            eprintln!("backup-produce: error: {e}");
            ExitCode::from(1)
        }
    }
}
