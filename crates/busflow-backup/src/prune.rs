//! Applying retention (BACKUP-002): deletes what the plan deletes, and only
//! once the newest dump has been uploaded *and verified* — the proof is a
//! [`Verified`], which only a passing verify outcome gives.

use crate::error::Error;
use crate::outcome::{Outcome, Status};
use crate::retention::{Pin, Plan, RetentionPolicy};
use crate::store::ObjectStore;
use crate::utc::UtcTime;

/// Proof that a dump passed the verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    key: String,
}

impl Verified {
    /// The verified dump's key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl Outcome {
    /// The proof that this outcome's dump was verified, if it passed.
    pub fn verified(&self) -> Option<Verified> {
        let passed = matches!(
            self.status,
            Status::Passed | Status::PassedWithWarnings | Status::SourceFallback
        ) && self
            .probes
            .iter()
            .any(|p| *p.rule == crate::catalog::BACKUP_011 && p.passed);
        passed
            .then(|| self.dump.clone())
            .flatten()
            .map(|key| Verified { key })
    }
}

/// Plans retention over `store`'s listing under `prefix` and deletes what
/// the plan deletes. Refuses when the newest conforming dump is not the
/// verified one. Returns the plan that was carried out.
pub async fn prune(
    store: &dyn ObjectStore,
    prefix: &str,
    policy: &RetentionPolicy,
    pins: &[Pin],
    now: UtcTime,
    verified: &Verified,
) -> Result<Plan, Error> {
    let listing = store.list(prefix).await?;
    let plan = policy.plan(listing.iter().map(|o| o.key.as_str()), pins, now)?;
    let newest = plan
        .keep
        .iter()
        .max_by_key(|k| k.at)
        .map(|k| k.key.as_str());
    if newest != Some(verified.key()) {
        return Err(Error::unverified(
            newest.unwrap_or("(none)"),
            verified.key(),
        ));
    }
    for key in &plan.delete {
        tracing::info!(
            remote = store.name(),
            key = key.as_str(),
            "retention deletes"
        );
        store.delete(key).await?;
    }
    Ok(plan)
}
