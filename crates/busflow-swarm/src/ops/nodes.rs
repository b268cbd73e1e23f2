//! Nodes: listing by label, and demotion with the engine's quorum refusal
//! surfaced as [`crate::ErrorKind::QuorumRefused`].

use bollard::models::NodeSpecRoleEnum;

use super::{NodeState, SwarmApi};
use crate::error::{Error, ErrorKind};

/// The nodes whose label `key` is `value` (`tier` = `stateful`).
pub async fn nodes_with_label(
    api: &dyn SwarmApi,
    key: &str,
    value: &str,
) -> Result<Vec<NodeState>, Error> {
    Ok(api
        .nodes()
        .await?
        .into_iter()
        .filter(|n| n.labels.get(key).is_some_and(|v| v == value))
        .collect())
}

/// Demotes the manager `node` (ID or hostname) to a worker: the whole
/// node spec written back with its version index. The engine refuses to
/// demote a manager whose loss would break the Raft quorum (the last one,
/// or one of two); that refusal is [`ErrorKind::QuorumRefused`]. A node that
/// is already a worker is left alone.
pub async fn demote(api: &dyn SwarmApi, node: &str) -> Result<(), Error> {
    let nodes = api.nodes().await?;
    let Some(n) = nodes
        .into_iter()
        .find(|n| n.id == node || n.hostname == node)
    else {
        return Err(Error::new(ErrorKind::NotFound {
            kind: "node",
            name: node.to_owned(),
        }));
    };
    if n.role == "worker" {
        return Ok(());
    }
    let mut spec = n.spec.clone();
    spec.role = Some(NodeSpecRoleEnum::WORKER);
    api.update_node(&n.id, n.version, spec).await?;
    tracing::info!(node = %n.hostname, "demoted to worker");
    Ok(())
}
