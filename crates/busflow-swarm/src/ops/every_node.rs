//! SWARM-OPS-001 on every node: the weekly prune runs as a one-shot global
//! job (`mode: global-job`), one task per node, each running `docker system
//! prune --all --force --filter until=<hours>h` against its own node's
//! Engine through the socket mounted from the host. The job waits for every
//! task to end, reads each task's output for what was reclaimed, reports per
//! node, and removes the service.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bollard::models::{
    Mount, MountType, ServiceSpec, ServiceSpecMode, TaskSpec, TaskSpecContainerSpec,
    TaskSpecRestartPolicy, TaskSpecRestartPolicyConditionEnum, TaskState,
};
use bollard::query_parameters::{ListNodesOptions, ListTasksOptionsBuilder, LogsOptionsBuilder};
use futures_util::StreamExt as _;

use super::engine::{Engine, engine};
use crate::error::{Error, ErrorKind};

/// How the job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePruneJob {
    /// An image holding the docker CLI (`docker:cli` by default).
    pub image: String,
    /// The CLI's path in the image (`docker`).
    pub docker: String,
    /// The Engine's socket on every node's host, mounted into the task as
    /// `/var/run/docker.sock` (`/var/run/docker.sock`).
    pub socket: PathBuf,
    /// Keep everything newer than this many hours (168: a week).
    pub hours: u32,
    /// Give up waiting for the tasks after this long (10 minutes).
    pub timeout: Duration,
}

impl Default for NodePruneJob {
    fn default() -> Self {
        Self {
            image: "docker:cli".into(),
            docker: "docker".into(),
            socket: PathBuf::from("/var/run/docker.sock"),
            hours: super::DEFAULT_HOURS,
            timeout: Duration::from_mins(10),
        }
    }
}

/// What the prune did on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePruned {
    /// The node's ID.
    pub node_id: String,
    /// Its host name.
    pub hostname: String,
    /// The task's final state (`complete`, `failed`, `rejected`).
    pub state: String,
    /// The prune's exit code, when it ran.
    pub exit_code: Option<i64>,
    /// `docker system prune`'s own total (`Total reclaimed space: 1.2GB` →
    /// `1.2GB`), when it printed one.
    pub reclaimed: Option<String>,
    /// The task's error, when it did not complete.
    pub error: Option<String>,
}

impl NodePruned {
    /// Whether the prune ran to its end on this node.
    pub fn succeeded(&self) -> bool {
        self.state == "complete" && self.exit_code == Some(0)
    }
}

fn terminal(state: Option<TaskState>) -> bool {
    matches!(
        state,
        Some(
            TaskState::COMPLETE
                | TaskState::FAILED
                | TaskState::REJECTED
                | TaskState::SHUTDOWN
                | TaskState::ORPHANED
                | TaskState::REMOVE
        )
    )
}

/// `Total reclaimed space: 1.2GB` → `1.2GB`.
fn reclaimed(output: &str) -> Option<String> {
    output
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Total reclaimed space:"))
        .map(|s| s.trim().to_owned())
}

impl Engine {
    /// Runs the prune on every node of the swarm as a global job and
    /// reports per node; the job's service is removed afterwards, whatever
    /// happened.
    pub async fn prune_every_node(&self, job: &NodePruneJob) -> Result<Vec<NodePruned>, Error> {
        let docker = self.client();
        let name = format!(
            "busflow-prune-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        );
        let spec = ServiceSpec {
            name: Some(name.clone()),
            labels: Some(HashMap::from([(
                "busflow.job".to_owned(),
                "prune".to_owned(),
            )])),
            // bollard's model types the mode's empty object as a map of ().
            #[allow(clippy::zero_sized_map_values)]
            mode: Some(ServiceSpecMode {
                global_job: Some(HashMap::new()),
                ..Default::default()
            }),
            task_template: Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some(job.image.clone()),
                    command: Some(vec![
                        job.docker.clone(),
                        "system".into(),
                        "prune".into(),
                        "--all".into(),
                        "--force".into(),
                        "--filter".into(),
                        format!("until={}h", job.hours),
                    ]),
                    mounts: Some(vec![Mount {
                        target: Some("/var/run/docker.sock".into()),
                        source: Some(job.socket.display().to_string()),
                        typ: Some(MountType::BIND),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
                restart_policy: Some(TaskSpecRestartPolicy {
                    condition: Some(TaskSpecRestartPolicyConditionEnum::NONE),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let created = docker
            .create_service(spec, None)
            .await
            .map_err(|e| engine("create the prune job", &e))?;
        let id = created.id.unwrap_or(name);
        let result = self.wait_and_report(&id, job).await;
        if let Err(e) = docker.delete_service(&id).await {
            tracing::warn!(service = %id, error = %e, "the prune job's service was not removed");
        }
        result
    }

    async fn wait_and_report(
        &self,
        id: &str,
        job: &NodePruneJob,
    ) -> Result<Vec<NodePruned>, Error> {
        let docker = self.client();
        let filters = HashMap::from([("service", vec![id])]);
        let started = Instant::now();
        let tasks = loop {
            let tasks = docker
                .list_tasks(Some(
                    ListTasksOptionsBuilder::new().filters(&filters).build(),
                ))
                .await
                .map_err(|e| engine("list the prune job's tasks", &e))?;
            if !tasks.is_empty()
                && tasks
                    .iter()
                    .all(|t| terminal(t.status.as_ref().and_then(|s| s.state)))
            {
                break tasks;
            }
            if started.elapsed() > job.timeout {
                return Err(Error::new(ErrorKind::Engine {
                    operation: "wait for the prune job".into(),
                    message: format!(
                        "{} of {} tasks still running after {} s",
                        tasks
                            .iter()
                            .filter(|t| !terminal(t.status.as_ref().and_then(|s| s.state)))
                            .count(),
                        tasks.len(),
                        job.timeout.as_secs()
                    ),
                }));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let nodes = docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(|e| engine("list nodes", &e))?;
        let hostname = |node: &str| {
            nodes
                .iter()
                .find(|n| n.id.as_deref() == Some(node))
                .and_then(|n| n.description.as_ref()?.hostname.clone())
                .unwrap_or_default()
        };
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            let task_id = t.id.clone().unwrap_or_default();
            let mut logs = docker.task_logs(
                &task_id,
                Some(LogsOptionsBuilder::new().stdout(true).stderr(true).build()),
            );
            let mut text = String::new();
            while let Some(chunk) = logs.next().await {
                match chunk {
                    Ok(c) => text.push_str(&c.to_string()),
                    Err(e) => {
                        tracing::warn!(task = %task_id, error = %e, "the task's output could not be read");
                        break;
                    }
                }
            }
            let status = t.status.as_ref();
            let node_id = t.node_id.clone().unwrap_or_default();
            out.push(NodePruned {
                hostname: hostname(&node_id),
                node_id,
                state: status
                    .and_then(|s| s.state)
                    .map_or_else(|| "unknown".into(), |s| s.to_string()),
                exit_code: status
                    .and_then(|s| s.container_status.as_ref())
                    .and_then(|c| c.exit_code),
                reclaimed: reclaimed(&text),
                error: status.and_then(|s| s.err.clone()),
            });
        }
        out.sort_by(|a, b| a.hostname.cmp(&b.hostname));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_ops_001_the_total_is_read_from_the_prune_output() {
        let out = "Deleted Containers:\nabc\n\nTotal reclaimed space: 1.2GB\n";
        assert_eq!(reclaimed(out).as_deref(), Some("1.2GB"));
        assert_eq!(reclaimed("error during connect"), None);
    }
}
