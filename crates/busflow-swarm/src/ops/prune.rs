//! SWARM-OPS-001: the weekly prune of one node's unused containers, images
//! and build cache older than 168 h (`docker system prune --all --force
//! --filter until=168h`), with a dry run that lists what would go. Prune
//! acts on one daemon: run it against every node's engine.

use super::SwarmApi;
use crate::error::Error;

/// The documented age: one week.
pub const DEFAULT_HOURS: u32 = 168;

/// One thing a prune removes (or would).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneItem {
    /// Its ID.
    pub id: String,
    /// Its names or tags, when known.
    pub name: String,
    /// Its size, when known.
    pub bytes: Option<u64>,
}

/// What a prune removes (or, in a dry run, would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrunePlan {
    /// Stopped containers.
    pub containers: Vec<PruneItem>,
    /// Images no container uses (dangling or not).
    pub images: Vec<PruneItem>,
    /// Build cache records not in use.
    pub build_cache: Vec<PruneItem>,
}

impl PrunePlan {
    /// Whether there is nothing to remove.
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty() && self.images.is_empty() && self.build_cache.is_empty()
    }
}

/// Prunes what is older than `hours` (168 by default), or with `dry_run`
/// lists it without removing anything.
pub async fn prune(api: &dyn SwarmApi, hours: u32, dry_run: bool) -> Result<PrunePlan, Error> {
    if dry_run {
        api.prune_candidates(hours).await
    } else {
        let plan = api.prune(hours).await?;
        tracing::info!(
            containers = plan.containers.len(),
            images = plan.images.len(),
            build_cache = plan.build_cache.len(),
            hours,
            "pruned"
        );
        Ok(plan)
    }
}
