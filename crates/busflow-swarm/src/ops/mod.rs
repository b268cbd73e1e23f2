//! Operations on a live swarm through the Docker Engine API: the atomic
//! secret swap (SWARM-OPS-004), config rotation with content-addressed
//! names (SWARM-COMPOSE-010), node listing and demotion, the live half of
//! SWARM-COMPOSE-006, and the weekly prune (SWARM-OPS-001).
//!
//! Every operation goes through [`SwarmApi`]; [`Engine`] is its `bollard`
//! implementation over the engine's unix socket with a negotiated API
//! version.

mod drift;
mod engine;
mod every_node;
mod nodes;
mod prune;
mod references;
mod swap;

use std::collections::HashMap;

use bollard::models::{NodeSpec, ServiceSpec};

use crate::error::Error;

pub use drift::{DriftReport, DriftStatus};
pub use engine::Engine;
pub use every_node::{NodePruneJob, NodePruned};
pub use nodes::{demote, nodes_with_label};
pub use prune::{DEFAULT_HOURS, PruneItem, PrunePlan, prune};
pub use references::missing_references;
pub use swap::{ConfigRotation, SecretSwap, SwapOutcome, Waiting, rotate_config, swap_secrets};

/// A service as the engine holds it.
#[derive(Debug, Clone)]
pub struct ServiceState {
    /// Its ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version index an update must carry.
    pub version: u64,
    /// The whole spec (an update replaces it entirely).
    pub spec: ServiceSpec,
    /// The state of the last update (`updating`, `completed`,
    /// `rollback_completed`, …), if one ran.
    pub update_state: Option<String>,
}

/// A secret or config: ID and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Its ID.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A swarm node.
#[derive(Debug, Clone)]
pub struct NodeState {
    /// Its ID.
    pub id: String,
    /// Its hostname.
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    /// Its labels (`node.labels.*`).
    pub labels: HashMap<String, String>,
    /// The version index an update must carry.
    pub version: u64,
    /// The whole spec.
    pub spec: NodeSpec,
}

/// What the operations need from a Docker Engine.
#[async_trait::async_trait]
pub trait SwarmApi: Send + Sync {
    /// The service called `name` (or with that ID).
    async fn service(&self, name: &str) -> Result<ServiceState, Error>;
    /// Every service.
    async fn services(&self) -> Result<Vec<ServiceState>, Error>;
    /// Replaces the spec of service `id`; a stale `version` is
    /// [`crate::ErrorKind::OutOfSequence`].
    async fn update_service(&self, id: &str, version: u64, spec: ServiceSpec) -> Result<(), Error>;
    /// Every secret.
    async fn secrets(&self) -> Result<Vec<Named>, Error>;
    /// Creates a secret; returns its ID.
    async fn create_secret(&self, name: &str, data: &[u8]) -> Result<String, Error>;
    /// Deletes a secret.
    async fn delete_secret(&self, id: &str) -> Result<(), Error>;
    /// Every config.
    async fn configs(&self) -> Result<Vec<Named>, Error>;
    /// Creates a config; returns its ID.
    async fn create_config(&self, name: &str, data: &[u8]) -> Result<String, Error>;
    /// Deletes a config.
    async fn delete_config(&self, id: &str) -> Result<(), Error>;
    /// Every node.
    async fn nodes(&self) -> Result<Vec<NodeState>, Error>;
    /// Replaces the spec of node `id`; the engine's quorum refusal is
    /// [`crate::ErrorKind::QuorumRefused`].
    async fn update_node(&self, id: &str, version: u64, spec: NodeSpec) -> Result<(), Error>;
    /// What a prune older than `hours` would remove, without removing it.
    async fn prune_candidates(&self, hours: u32) -> Result<PrunePlan, Error>;
    /// Prunes containers, images (not only dangling ones) and build cache
    /// older than `hours`; returns what went.
    async fn prune(&self, hours: u32) -> Result<PrunePlan, Error>;
}
