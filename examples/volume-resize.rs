//! `volume-resize`: SWARM-OPS-003 as a job. Takes Alertmanager webhook
//! payloads, picks the firing `VolumeUsageCritical` alerts, maps each to
//! its Hetzner volume (`mountpoint` `/mnt/HC_Volume_<id>`), reads the
//! cooldown from the volume's own action history, resizes, waits for the
//! action and grows the filesystem.
//!
//! ```text
//! volume-resize [--payload FILE|-] [--listen 127.0.0.1:9095] [--dry-run]
//!               [--no-ssh] [--ssh-user root] [--known-hosts FILE]
//!               [--format human|json|sarif] [--fail-on SEVERITY] [--select ID,...] [--ignore ID,...]
//! ```
//!
//! A payload's outcome is reported as SWARM-OPS-003 findings at each
//! volume's mountpoint: a volume at the cap is an error (exit 2), the rest
//! information. The receiver (`--listen`) prints a line per volume.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/output.rs"]
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use busflow::swarm::hetzner::{
    AlertedVolume, Grow, HetznerClient, ResizePolicy, Token, VolumeOutcome, critical_volumes,
    handle, serve_webhook,
};
use clap::Parser;

/// Resize Hetzner volumes that Alertmanager reports as critical
/// (SWARM-OPS-003): at most 100 GB, never twice within the cooldown.
///
/// Needs `HCLOUD_TOKEN` in the environment; `ssh` on PATH and the hosts'
/// published keys (`--known-hosts`) unless `--no-ssh`.
#[derive(Debug, Parser)]
#[command(name = "volume-resize", version)]
struct Args {
    /// An Alertmanager webhook payload (`-` for stdin).
    #[arg(long, conflicts_with = "listen")]
    payload: Option<PathBuf>,
    /// Receive Alertmanager's webhooks on this address instead.
    #[arg(long)]
    listen: Option<String>,
    /// Say what would happen; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the filesystem step instead of running it over SSH.
    #[arg(long)]
    no_ssh: bool,
    /// The SSH user on the volume's server.
    #[arg(long, default_value = "root")]
    ssh_user: String,
    /// The hosts' published SSH keys (`known_hosts` format).
    #[arg(long, default_value = "/etc/busflow/known_hosts")]
    known_hosts: PathBuf,
    /// The Hetzner Cloud API.
    #[arg(long, default_value = HetznerClient::DEFAULT_BASE)]
    hetzner_api: String,
    #[command(flatten)]
    output: output::Output,
}

/// Handles every critical volume of a payload, in order.
async fn run_payload(
    client: &HetznerClient,
    grow: &Grow,
    dry_run: bool,
    body: &[u8],
) -> Result<Vec<(AlertedVolume, VolumeOutcome)>, String> {
    let volumes = critical_volumes(body).map_err(|e| e.to_string())?;
    if volumes.is_empty() {
        eprintln!("volume-resize: no firing VolumeUsageCritical alert names a Hetzner volume");
    }
    let mut out = Vec::new();
    for v in volumes {
        let o = handle(client, &ResizePolicy::default(), &v, grow, dry_run)
            .await
            .map_err(|e| format!("volume {}: {e}", v.id))?;
        out.push((v, o));
    }
    Ok(out)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (args, selection) = match output::parse::<Args>("volume-resize", |a| &a.output) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let Ok(token) = std::env::var("HCLOUD_TOKEN") else {
        eprintln!("volume-resize: error: HCLOUD_TOKEN is not set");
        return ExitCode::from(1);
    };
    let client = match HetznerClient::new(&args.hetzner_api, Token::new(token)) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("volume-resize: error: {e}");
            return ExitCode::from(1);
        }
    };
    let grow = if args.no_ssh {
        Grow::Print
    } else {
        Grow::Ssh {
            user: args.ssh_user.clone(),
            known_hosts: args.known_hosts.clone(),
        }
    };
    if let Some(addr) = &args.listen {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("volume-resize: error: listen on {addr}: {e}");
                return ExitCode::from(1);
            }
        };
        eprintln!("volume-resize: receiving Alertmanager webhooks on {addr}");
        let dry_run = args.dry_run;
        let served = serve_webhook(
            listener,
            move |body| {
                let client = Arc::clone(&client);
                let grow = grow.clone();
                async move {
                    let handled = run_payload(&client, &grow, dry_run, &body).await?;
                    let text: String = handled
                        .iter()
                        .map(|(v, o)| o.describe(v.id) + "\n")
                        .collect();
                    print!("{text}");
                    Ok(text)
                }
            },
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
        )
        .await;
        return match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("volume-resize: error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let body = match args.payload.as_deref() {
        None => {
            eprintln!(
                "volume-resize: error: --payload FILE, --payload - or --listen ADDR is required"
            );
            return ExitCode::from(1);
        }
        Some(p) if p == std::path::Path::new("-") => {
            let mut b = Vec::new();
            if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut b) {
                eprintln!("volume-resize: error: stdin: {e}");
                return ExitCode::from(1);
            }
            b
        }
        Some(p) => match busflow::preflight::read_arg(p, &busflow::preflight::Limits::default()) {
            Ok(t) => t.into_bytes(),
            Err(e) => {
                eprintln!("volume-resize: error: {e}");
                return ExitCode::from(1);
            }
        },
    };
    match run_payload(&client, &grow, args.dry_run, &body).await {
        Ok(handled) => {
            let findings = handled.iter().map(|(v, o)| o.finding(v)).collect();
            args.output.finish(findings, &selection)
        }
        Err(e) => {
            eprintln!("volume-resize: error: {e}");
            ExitCode::from(1)
        }
    }
}
