//! `pii-gateway`: a Loki push gateway that redacts every line on its way to
//! Loki. Point the Docker Loki driver's `loki-url`, Promtail's or Alloy's
//! client at it instead of at Loki.
//!
//! ```text
//! pii-gateway --listen 127.0.0.1:3100 --upstream http://127.0.0.1:3101
//!             [--rules FILE] [--exclusions FILE] [--tenant ID]
//!             [--json-streams '{app="api"}'] [--ca-file PEM]
//!             [--max-body-bytes N] [--max-concurrent N]
//! ```
//!
//! Environment: `BUSFLOW_PII_GATEWAY_TOKEN` (a bearer token for the
//! upstream) or `BUSFLOW_PII_GATEWAY_USER` and
//! `BUSFLOW_PII_GATEWAY_PASSWORD` (basic auth); credentials go only over
//! `https://`. Serves `POST /loki/api/v1/push`, `GET /ready` and
//! `GET /metrics`. Stops on SIGTERM or Ctrl-C after finishing the pushes in
//! flight.
//!
//! Exit codes: 0 stopped, 1 could not run (bad arguments, rules or
//! exclusions file, address in use).

#[path = "support/cli.rs"]
mod cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use busflow::pii::gateway::{Gateway, GatewayConfig, Selector, UpstreamAuth, redact_url};
use busflow::pii::{Exclusions, Redactor, RedactorConfig};
use clap::Parser;

/// Redact every line of Loki pushes and forward them to Loki.
///
/// Needs: an upstream Loki (or anything speaking its push API). Reads
/// `BUSFLOW_PII_GATEWAY_TOKEN`, or `BUSFLOW_PII_GATEWAY_USER` and
/// `BUSFLOW_PII_GATEWAY_PASSWORD`, for the upstream's credentials.
#[derive(Debug, Parser)]
#[command(name = "pii-gateway", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3100")]
    listen: SocketAddr,
    /// The upstream Loki's base URL; pushes go to its /loki/api/v1/push.
    #[arg(long)]
    upstream: String,
    /// Rules file: which detectors run and how they replace.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// `pii-exclusions.yaml` (PII-003).
    #[arg(long)]
    exclusions: Option<PathBuf>,
    /// Tenant (X-Scope-OrgID) to set; without it the client's is passed on.
    #[arg(long)]
    tenant: Option<String>,
    /// LogQL stream selector of the streams whose lines are JSON.
    #[arg(long)]
    json_streams: Option<String>,
    /// A PEM CA certificate for the upstream's TLS, besides the system's.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// The largest push, compressed or inflated, in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    max_body_bytes: usize,
    /// Pushes read at once; more wait.
    #[arg(long, default_value_t = 4)]
    max_concurrent: usize,
}

fn main() -> ExitCode {
    let args = match cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pii-gateway: error: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pii-gateway: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn auth_from_env() -> Option<UpstreamAuth> {
    let var = |k| std::env::var(k).ok().filter(|v: &String| !v.is_empty());
    if let Some(token) = var("BUSFLOW_PII_GATEWAY_TOKEN") {
        return Some(UpstreamAuth::Bearer(token));
    }
    Some(UpstreamAuth::Basic {
        user: var("BUSFLOW_PII_GATEWAY_USER")?,
        password: var("BUSFLOW_PII_GATEWAY_PASSWORD")?,
    })
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let config = match &args.rules {
        Some(path) => RedactorConfig::load(path, |k| std::env::var_os(k))?,
        None => RedactorConfig::default(),
    };
    let exclusions = match &args.exclusions {
        Some(path) => Exclusions::load(path)?,
        None => Exclusions::default(),
    };
    let mut gateway = GatewayConfig::new(&args.upstream);
    gateway.tenant = args.tenant;
    gateway.json_streams = args
        .json_streams
        .as_deref()
        .map(Selector::parse)
        .transpose()?;
    gateway.max_body_bytes = args.max_body_bytes;
    gateway.max_concurrent = args.max_concurrent;
    gateway.auth = auth_from_env();
    if let Some(path) = &args.ca_file {
        gateway.ca_pem = Some(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let gateway = Gateway::new(
        gateway,
        Arc::new(Redactor::with_exclusions(config, exclusions)),
    )?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("listen on {}: {e}", args.listen))?;
    eprintln!(
        "pii-gateway: listening on {}, forwarding to {}",
        listener.local_addr()?,
        redact_url(&args.upstream)
    );
    gateway.serve(listener, shutdown_signal()).await?;
    eprintln!("pii-gateway: stopped");
    Ok(())
}

async fn shutdown_signal() {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
