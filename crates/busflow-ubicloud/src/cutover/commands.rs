//! Hydration and latency from commands the operator gives, since they
//! depend on how replication and metrics are wired: a command that takes
//! the base backup, one that prints the replication lag in seconds, one
//! that prints p99 samples as `UNIX_SECONDS MS` lines. Each runs under
//! `sh -c`; a command that exits non-zero is an error naming it.

use std::time::Duration;

use super::runbook::{Hydration, Latency};

/// The three commands; an empty one is an error when its step needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShellCommands {
    /// Takes the base backup and starts replication.
    pub base_backup: String,
    /// Prints the replication lag in seconds.
    pub lag: String,
    /// Prints p99 samples as `UNIX_SECONDS MS` lines.
    pub p99: String,
}

async fn shell(cmd: &str) -> Result<String, String> {
    if cmd.is_empty() {
        return Err("no command given for this step".into());
    }
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .output()
        .await
        .map_err(|e| format!("`{cmd}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{cmd}` exited with {}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[async_trait::async_trait]
impl Hydration for ShellCommands {
    async fn base_backup(&self) -> Result<(), String> {
        shell(&self.base_backup).await.map(|_| ())
    }

    async fn lag(&self) -> Result<Duration, String> {
        let out = shell(&self.lag).await?;
        let secs = out
            .trim()
            .parse::<f64>()
            .map_err(|e| format!("lag `{}`: {e}", out.trim()))?;
        Duration::try_from_secs_f64(secs).map_err(|e| format!("lag `{}`: {e}", out.trim()))
    }
}

#[async_trait::async_trait]
impl Latency for ShellCommands {
    async fn p99_samples(&self, since: u64) -> Result<Vec<(u64, f64)>, String> {
        Ok(shell(&self.p99)
            .await?
            .lines()
            .filter_map(|l| {
                let (t, ms) = l.split_once(' ')?;
                Some((t.parse().ok()?, ms.trim().parse().ok()?))
            })
            .filter(|(t, _)| *t >= since)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn commands_are_read_as_the_runbook_needs_them() {
        let c = ShellCommands {
            base_backup: "true".into(),
            lag: "echo ' 1.5 '".into(),
            p99: "printf '10 80\\n20 95.5\\nnot a sample\\n30 120\\n'".into(),
        };
        assert_eq!(c.base_backup().await, Ok(()));
        assert_eq!(c.lag().await, Ok(Duration::from_millis(1500)));
        assert_eq!(c.p99_samples(20).await, Ok(vec![(20, 95.5), (30, 120.0)]));
        let bad = ShellCommands {
            lag: "echo -1".into(),
            base_backup: "exit 3".into(),
            ..ShellCommands::default()
        };
        assert!(bad.lag().await.is_err(), "a negative lag is refused");
        let err = bad.base_backup().await.expect_err("exit 3");
        assert!(err.contains("`exit 3` exited"), "{err}");
        let err = bad.p99_samples(0).await.expect_err("no command");
        assert!(err.contains("no command given"), "{err}");
    }
}
