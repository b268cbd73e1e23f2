//! Reconcilers: make the database's firewall rules equal to the allowed
//! CIDRs (never leaving `0.0.0.0/0` or `::/0`), and make sure metrics ship
//! to the Mimir endpoint.

use super::cidr::normalise;
use super::{DbRef, UbicloudApi};
use crate::error::Error;

/// What [`ensure_firewall`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirewallChanges {
    /// CIDRs added.
    pub added: Vec<String>,
    /// CIDRs removed (open-to-the-world rules among them).
    pub removed: Vec<String>,
}

/// Makes the rules equal to `cidrs`: adds the missing ones first, then
/// removes the others (so access never drops for an allowed CIDR). The list
/// is parsed as address space and refused when it opens the database to the
/// internet in any spelling ([`super::cidr::allowed`]).
pub async fn ensure_firewall(
    api: &dyn UbicloudApi,
    db: &DbRef,
    cidrs: &[String],
) -> Result<FirewallChanges, Error> {
    let wanted: Vec<String> = super::cidr::allowed(cidrs)
        .map_err(|e| Error::api("ensure firewall", e.to_string()))?
        .iter()
        .map(ToString::to_string)
        .collect();
    let existing = api.firewall_rules(db).await?;
    let mut changes = FirewallChanges::default();
    for c in &wanted {
        if !existing.iter().any(|r| normalise(&r.cidr) == *c) {
            api.add_firewall_rule(db, c, "busflow swarm (busflow-ubicloud)")
                .await?;
            changes.added.push(c.clone());
        }
    }
    for r in &existing {
        if !wanted.contains(&normalise(&r.cidr)) {
            api.delete_firewall_rule(db, &r.id).await?;
            changes.removed.push(r.cidr.clone());
        }
    }
    tracing::info!(
        added = changes.added.len(),
        removed = changes.removed.len(),
        "firewall reconciled"
    );
    Ok(changes)
}

/// Makes sure metrics ship to `url` with `username`: adds the destination
/// when none with that URL and user exists, then removes older ones for
/// the same URL (rotated credentials). Returns whether it added one.
pub async fn ensure_metric_destination(
    api: &dyn UbicloudApi,
    db: &DbRef,
    url: &str,
    username: &str,
    password: &str,
) -> Result<bool, Error> {
    let current = api.get(db).await?;
    let same =
        |d: &super::MetricDestination| d.url == url && d.username.as_deref() == Some(username);
    if current.metric_destinations.iter().any(same) {
        return Ok(false);
    }
    let after = api
        .add_metric_destination(db, url, username, password)
        .await?;
    for old in current.metric_destinations.iter().filter(|d| d.url == url) {
        if after.metric_destinations.iter().any(|d| d.id == old.id) {
            api.delete_metric_destination(db, &old.id).await?;
        }
    }
    Ok(true)
}
