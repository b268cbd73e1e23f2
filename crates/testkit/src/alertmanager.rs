//! A real Alertmanager (Debian's `prometheus-alertmanager`) that sends
//! every alert to one webhook, fast: grouped after a second, repeated every
//! few seconds, no clustering.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::Signal;
use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::http::get_tcp;
use crate::process::{Supervised, find_binary, free_port, wait_until};

const SERVICE: &str = "alertmanager";

/// An Alertmanager for tests.
#[derive(Debug)]
pub struct Alertmanager {
    base_url: String,
    port: u16,
    _process: Supervised,
    _dir: TempDir,
}

impl Alertmanager {
    /// Starts one that posts every alert to `webhook` (group wait 1 s, group
    /// interval 1 s, repeat interval `repeat`); returns once `/-/ready`
    /// answers.
    pub fn start(webhook: &str, repeat: Duration) -> Result<Self> {
        let binary = find_binary(
            SERVICE,
            "prometheus-alertmanager",
            "prometheus-alertmanager",
            &[],
        )
        .or_else(|_| find_binary(SERVICE, "alertmanager", "prometheus-alertmanager", &[]))?;
        let dir = tempfile::Builder::new()
            .prefix("busflow-am-")
            .tempdir()
            .map_err(|e| Error::io(SERVICE, "create temp dir", e))?;
        let config = dir.path().join("alertmanager.yml");
        let mut yml = String::new();
        let _ = write!(
            yml,
            "route:\n  receiver: hook\n  group_by: [alertname, mountpoint]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: {}s\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: {webhook:?}\n        send_resolved: false\n",
            repeat.as_secs().max(1)
        );
        std::fs::write(&config, yml)
            .map_err(|e| Error::io(SERVICE, "write alertmanager.yml", e))?;
        let mut last = None;
        for _ in 0..3 {
            let port = free_port(SERVICE)?;
            let mut command = Command::new(&binary);
            command
                .arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.path={}",
                    dir.path().join("data").display()
                ))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--cluster.listen-address=")
                .arg("--log.level=warn");
            let log = dir.path().join(format!("alertmanager-{port}.log"));
            let mut process =
                Supervised::spawn(SERVICE, command, log, Signal::SIGTERM, dir.path())?;
            let ready = wait_until(
                SERVICE,
                &mut process,
                Duration::from_mins(1),
                || match get_tcp(port, "/-/ready")? {
                    (200, _) => Ok(()),
                    (status, body) => Err(format!("/-/ready answered {status}: {body:.100}")),
                },
            );
            match ready {
                Ok(()) => {
                    return Ok(Self {
                        base_url: format!("http://127.0.0.1:{port}"),
                        port,
                        _process: process,
                        _dir: dir,
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::service(SERVICE, "no start attempted")))
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `127.0.0.1:PORT`, for Prometheus' `alerting` configuration.
    pub fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}
