//! The Ubicloud REST API for the managed-Postgres endpoints the cutover
//! needs, behind [`UbicloudApi`], with [`UbicloudClient`] over reqwest and
//! the reconcilers [`ensure_firewall`] and [`ensure_metric_destination`].

pub mod cidr;
mod client;
mod models;
mod reconcile;

use std::time::Duration;

pub use client::{Token, UbicloudClient};

pub use models::{CreatePostgres, FirewallRule, MetricDestination, PgVersion, PostgresDatabase};
pub use reconcile::{FirewallChanges, ensure_firewall, ensure_metric_destination};

use crate::error::Error;
use crate::location::Location;

/// A database's address: project, location, name or ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbRef {
    /// The project ID.
    pub project: String,
    /// Its location.
    pub location: Location,
    /// Its name or ID.
    pub reference: String,
}

/// What the cutover needs from Ubicloud.
#[async_trait::async_trait]
pub trait UbicloudApi: Send + Sync {
    /// Creates a database (always `restrict_by_default = true`).
    async fn create(&self, db: &DbRef, spec: &CreatePostgres) -> Result<PostgresDatabase, Error>;
    /// Reads a database.
    async fn get(&self, db: &DbRef) -> Result<PostgresDatabase, Error>;
    /// The databases of the project in the location.
    async fn list(&self, project: &str, location: Location)
    -> Result<Vec<PostgresDatabase>, Error>;
    /// The CA certificates (PEM) that issue the server certificates.
    async fn ca_certificates(&self, db: &DbRef) -> Result<String, Error>;
    /// The firewall rules.
    async fn firewall_rules(&self, db: &DbRef) -> Result<Vec<FirewallRule>, Error>;
    /// Adds a rule for `cidr`.
    async fn add_firewall_rule(
        &self,
        db: &DbRef,
        cidr: &str,
        description: &str,
    ) -> Result<FirewallRule, Error>;
    /// Deletes a rule.
    async fn delete_firewall_rule(&self, db: &DbRef, id: &str) -> Result<(), Error>;
    /// Adds a metric destination with basic auth.
    async fn add_metric_destination(
        &self,
        db: &DbRef,
        url: &str,
        username: &str,
        password: &str,
    ) -> Result<PostgresDatabase, Error>;
    /// Deletes a metric destination.
    async fn delete_metric_destination(&self, db: &DbRef, id: &str) -> Result<(), Error>;
    /// Creates a read replica called `name`.
    async fn create_read_replica(&self, db: &DbRef, name: &str) -> Result<PostgresDatabase, Error>;
    /// Promotes a read replica to a primary.
    async fn promote(&self, db: &DbRef) -> Result<PostgresDatabase, Error>;
    /// Restarts the database.
    async fn restart(&self, db: &DbRef) -> Result<PostgresDatabase, Error>;
}

/// Polls until the database is in `state`, or `timeout` passes.
pub async fn wait_for_state(
    api: &dyn UbicloudApi,
    db: &DbRef,
    state: &str,
    poll: Duration,
    timeout: Duration,
) -> Result<PostgresDatabase, Error> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let current = api.get(db).await?;
        if current.is(state) {
            return Ok(current);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::api(
                "wait",
                format!(
                    "`{}` is still `{}` after {timeout:?}, not `{state}`",
                    db.reference, current.state
                ),
            ));
        }
        tokio::time::sleep(poll).await;
    }
}
