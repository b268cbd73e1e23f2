//! SWARM-OPS-003 as a job: an Alertmanager webhook's firing
//! `VolumeUsageCritical` alerts are mapped to Hetzner volumes by their
//! `mountpoint` label (`/mnt/HC_Volume_<id>`, where Hetzner mounts them);
//! each volume's cooldown is read from its own action history in the
//! Hetzner API (no local state: a second alert inside the cooldown does
//! nothing, whichever runner receives it); the volume is resized, the action
//! waited for, and the filesystem grown (`resize2fs` over SSH, or printed as
//! the next step).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::client::HetznerClient;
use super::resize::{ResizeDecision, ResizePolicy};
use crate::catalog::SWARM_OPS_003;
use crate::error::{Error, ErrorKind};
use crate::{Finding, Pos, Severity};

/// The alert the job acts on.
pub const ALERT: &str = "VolumeUsageCritical";

/// Alertmanager's webhook payload (version 4), the parts read.
#[derive(Debug, Clone, Deserialize)]
struct Payload {
    alerts: Vec<Alert>,
}

#[derive(Debug, Clone, Deserialize)]
struct Alert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// A volume a firing alert names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertedVolume {
    /// The Hetzner volume ID.
    pub id: u64,
    /// The alert's `mountpoint` label.
    pub mountpoint: String,
    /// The host the alert came from (the `instance` label without its
    /// port), where the filesystem is grown.
    pub host: Option<String>,
}

fn bad_payload(detail: impl Into<String>) -> Error {
    Error::new(ErrorKind::Webhook(detail.into()))
}

/// The volumes of the payload's firing [`ALERT`]s (each once). Alerts of
/// other names, resolved alerts and mountpoints that are not Hetzner
/// volumes are left alone.
pub fn critical_volumes(payload: &[u8]) -> Result<Vec<AlertedVolume>, Error> {
    let p: Payload = serde_json::from_slice(payload)
        .map_err(|e| bad_payload(format!("not an Alertmanager webhook payload: {e}")))?;
    let mut out: Vec<AlertedVolume> = Vec::new();
    for a in p.alerts {
        if a.status != "firing" || a.labels.get("alertname").map(String::as_str) != Some(ALERT) {
            continue;
        }
        let Some(mountpoint) = a.labels.get("mountpoint") else {
            continue;
        };
        let Some(id) = mountpoint
            .strip_prefix("/mnt/HC_Volume_")
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if out.iter().any(|v| v.id == id) {
            continue;
        }
        let host = a.labels.get("instance").map(|i| {
            // `10.0.1.5:9100` → `10.0.1.5`; `[fd00::5]:9100` → `fd00::5`.
            i.strip_prefix('[')
                .and_then(|r| r.split_once(']').map(|(h, _)| h.to_owned()))
                .unwrap_or_else(|| i.rsplit_once(':').map_or(i.as_str(), |(h, _)| h).to_owned())
        });
        out.push(AlertedVolume {
            id,
            mountpoint: mountpoint.clone(),
            host,
        });
    }
    Ok(out)
}

/// How the filesystem is grown after the volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grow {
    /// Over SSH, as this user, checking the host key against this file (the
    /// hosts' published keys).
    Ssh {
        /// The remote user (`root`).
        user: String,
        /// `known_hosts` with the published keys.
        known_hosts: PathBuf,
    },
    /// Print the command as the next step.
    Print,
}

/// What the job did for one volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeOutcome {
    /// Resized; the filesystem step is said.
    Resized {
        /// The size before, in GB.
        from_gb: u64,
        /// The size now.
        to_gb: u64,
        /// The filesystem step: done over SSH, or the command to run.
        next: String,
    },
    /// `--dry-run`: what would happen.
    WouldResize {
        /// The size now.
        from_gb: u64,
        /// The size it would get.
        to_gb: u64,
    },
    /// Resized within the cooldown (or being resized): nothing done.
    CoolingDown {
        /// When the cooldown ends.
        until: SystemTime,
    },
    /// At the cap: a human must act.
    AtCap {
        /// The size.
        size_gb: u64,
    },
}

impl VolumeOutcome {
    /// What happened to volume `id`, in a line.
    pub fn describe(&self, id: u64) -> String {
        match self {
            Self::Resized {
                from_gb,
                to_gb,
                next,
            } => format!("volume {id}: resized {from_gb} → {to_gb} GB; {next}"),
            Self::WouldResize { from_gb, to_gb } => {
                format!("volume {id}: would resize {from_gb} → {to_gb} GB (dry run)")
            }
            Self::CoolingDown { until } => format!(
                "volume {id}: resized within the cooldown; nothing to do until {}",
                rfc3339(*until)
            ),
            Self::AtCap { size_gb } => format!(
                "volume {id}: at the cap ({size_gb} GB): a human must act (move data, add a volume)"
            ),
        }
    }

    /// The outcome as a SWARM-OPS-003 finding at the volume's mountpoint:
    /// a volume at the cap is an error (a human must act), anything else
    /// information.
    pub fn finding(&self, volume: &AlertedVolume) -> Finding {
        let f = Finding::new(
            &SWARM_OPS_003,
            &volume.mountpoint,
            Pos::START,
            self.describe(volume.id),
        );
        match self {
            Self::AtCap { .. } => f.with_help(
                "move data off the volume or add a second one; the job never grows a volume past the cap",
            ),
            _ => f.with_severity(Severity::Info),
        }
    }
}

/// When the volume was last resized, from its own actions (newest first);
/// a running resize counts as now.
pub async fn last_resize(
    client: &HetznerClient,
    id: u64,
    now: SystemTime,
) -> Result<Option<SystemTime>, Error> {
    let actions = client.volume_actions(id).await?;
    let mut last: Option<SystemTime> = None;
    for a in actions.iter().filter(|a| a.command == "resize_volume") {
        if a.status == "running" {
            return Ok(Some(now));
        }
        if a.status != "success" {
            continue;
        }
        let Some(started) = a.started.as_deref() else {
            continue;
        };
        let at: jiff::Timestamp = started.parse().map_err(|e| {
            Error::new(ErrorKind::Engine {
                operation: "hetzner: volume actions".into(),
                message: format!("`started` is not a timestamp ({started}): {e}"),
            })
        })?;
        let at = SystemTime::from(at);
        last = Some(last.map_or(at, |l: SystemTime| l.max(at)));
    }
    Ok(last)
}

/// `t` in RFC 3339 (UTC, whole seconds), for messages.
pub fn rfc3339(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t).map_or_else(
        |_| "an unrepresentable time".to_owned(),
        |ts| {
            ts.round(jiff::Unit::Second)
                .map_or_else(|_| ts.to_string(), |r| r.to_string())
        },
    )
}

/// The command that grows the filesystem on the volume's device.
pub fn grow_command(id: u64) -> String {
    format!("resize2fs /dev/disk/by-id/scsi-0HC_Volume_{id}")
}

/// The `ssh` invocation for [`Grow::Ssh`]: batch mode, the host key checked
/// strictly against the published keys, never added.
pub fn ssh_args(
    user: &str,
    known_hosts: &std::path::Path,
    host: &str,
    command: &str,
) -> Vec<String> {
    vec![
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        "StrictHostKeyChecking=yes".into(),
        "-o".into(),
        format!("UserKnownHostsFile={}", known_hosts.display()),
        "-o".into(),
        "ConnectTimeout=10".into(),
        format!("{user}@{host}"),
        command.to_owned(),
    ]
}

/// Handles one alerted volume: decide from the API's own history, resize,
/// wait, grow (or print the next step). With `dry_run` nothing is changed.
pub async fn handle(
    client: &HetznerClient,
    policy: &ResizePolicy,
    volume: &AlertedVolume,
    grow: &Grow,
    dry_run: bool,
) -> Result<VolumeOutcome, Error> {
    let now = SystemTime::now();
    let current = client.volume(volume.id).await?;
    let last = last_resize(client, volume.id, now).await?;
    match policy.decide(current.size, last, now) {
        ResizeDecision::CoolingDown { until } => Ok(VolumeOutcome::CoolingDown { until }),
        ResizeDecision::AtCap => Ok(VolumeOutcome::AtCap {
            size_gb: current.size,
        }),
        ResizeDecision::Resize { to_gb } if dry_run => Ok(VolumeOutcome::WouldResize {
            from_gb: current.size,
            to_gb,
        }),
        ResizeDecision::Resize { to_gb } => {
            let action = client.resize_volume(volume.id, to_gb).await?;
            client
                .wait(action, Duration::from_secs(2), Duration::from_mins(10))
                .await?;
            let next = grow_filesystem(grow, volume, to_gb).await?;
            Ok(VolumeOutcome::Resized {
                from_gb: current.size,
                to_gb,
                next,
            })
        }
    }
}

/// Grows the filesystem after a resize to `to_gb`: over SSH, or the
/// command to run said as the next step.
async fn grow_filesystem(grow: &Grow, volume: &AlertedVolume, to_gb: u64) -> Result<String, Error> {
    let command = grow_command(volume.id);
    Ok(match (grow, &volume.host) {
        (Grow::Ssh { user, known_hosts }, Some(host)) => {
            let remote = |message: String| {
                Error::new(ErrorKind::Remote {
                    host: host.clone(),
                    message,
                })
            };
            let out = tokio::process::Command::new("ssh")
                .args(ssh_args(user, known_hosts, host, &command))
                .output()
                .await
                .map_err(|e| remote(format!("ssh did not run: {e}")))?;
            if !out.status.success() {
                return Err(remote(format!(
                    "the volume is {to_gb} GB; `{command}` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            format!("grown on {host}: {command}")
        }
        (Grow::Ssh { .. }, None) => {
            format!("run on the volume's server (the alert names no instance): {command}")
        }
        (Grow::Print, host) => format!(
            "run on {}: {command}",
            host.as_deref().unwrap_or("the volume's server")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_ops_003_outcomes_are_findings_at_the_mountpoint_and_the_cap_is_an_error() {
        let v = AlertedVolume {
            id: 4711,
            mountpoint: "/mnt/HC_Volume_4711".into(),
            host: Some("10.0.1.5".into()),
        };
        let capped = VolumeOutcome::AtCap { size_gb: 100 }.finding(&v);
        assert_eq!(
            (capped.rule_id, capped.severity),
            ("SWARM-OPS-003", Severity::Error)
        );
        assert_eq!(capped.file, PathBuf::from("/mnt/HC_Volume_4711"));
        assert!(
            capped.message.contains("a human must act"),
            "{}",
            capped.message
        );
        assert!(!capped.help.is_empty());
        let resized = VolumeOutcome::Resized {
            from_gb: 20,
            to_gb: 30,
            next: "grown over SSH".into(),
        }
        .finding(&v);
        assert_eq!(resized.severity, Severity::Info);
        assert_eq!(
            resized.message,
            "volume 4711: resized 20 → 30 GB; grown over SSH"
        );
    }

    #[test]
    fn swarm_ops_003_firing_critical_alerts_name_hetzner_volumes() {
        let payload = br#"{"version":"4","status":"firing","alerts":[
            {"status":"firing","labels":{"alertname":"VolumeUsageCritical","mountpoint":"/mnt/HC_Volume_4711","instance":"10.0.1.5:9100"}},
            {"status":"firing","labels":{"alertname":"VolumeUsageCritical","mountpoint":"/mnt/HC_Volume_4711","instance":"10.0.1.5:9100"}},
            {"status":"resolved","labels":{"alertname":"VolumeUsageCritical","mountpoint":"/mnt/HC_Volume_12"}},
            {"status":"firing","labels":{"alertname":"VolumeUsageWarning","mountpoint":"/mnt/HC_Volume_13"}},
            {"status":"firing","labels":{"alertname":"VolumeUsageCritical","mountpoint":"/"}},
            {"status":"firing","labels":{"alertname":"VolumeUsageCritical","mountpoint":"/mnt/HC_Volume_99","instance":"[fd00::5]:9100"}}
        ]}"#;
        let v = critical_volumes(payload).expect("parses");
        assert_eq!(v.iter().map(|v| v.id).collect::<Vec<_>>(), [4711, 99]);
        assert_eq!(v[0].host.as_deref(), Some("10.0.1.5"));
        assert_eq!(v[1].host.as_deref(), Some("fd00::5"));
        assert!(critical_volumes(b"{}").is_err());
    }

    #[test]
    fn swarm_ops_003_ssh_checks_the_published_host_key() {
        let args = ssh_args(
            "root",
            std::path::Path::new("/etc/busflow/known_hosts"),
            "10.0.1.5",
            &grow_command(4711),
        );
        assert!(args.contains(&"StrictHostKeyChecking=yes".to_owned()));
        assert!(args.contains(&"UserKnownHostsFile=/etc/busflow/known_hosts".to_owned()));
        assert_eq!(
            args.last().map(String::as_str),
            Some("resize2fs /dev/disk/by-id/scsi-0HC_Volume_4711")
        );
    }
}
