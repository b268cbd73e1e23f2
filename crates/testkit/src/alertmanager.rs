//! A real Alertmanager (Debian's `prometheus-alertmanager`) that sends
//! every alert to one webhook, fast: grouped after a second, repeated every
//! few seconds, no clustering.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::process::{Supervised, find_binary, start_ready};

const SERVICE: &str = "alertmanager";

/// An Alertmanager for tests.
#[derive(Debug)]
pub struct Alertmanager {
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
        let (process, port) = start_ready(SERVICE, dir.path(), |port| {
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
            command
        })?;
        Ok(Self {
            port,
            _process: process,
            _dir: dir,
        })
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT`, for Prometheus' `alerting` configuration.
    pub fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}
