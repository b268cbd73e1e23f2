//! The parts of Ubicloud's JSON the client reads, deserialised leniently:
//! real responses carry fields the spec omits (`metric_destinations`,
//! `read_replicas`, `log_destinations`) although it says
//! `additionalProperties: false`, so unknown fields are accepted and the
//! lists the spec omits default to empty.

use serde::{Deserialize, Serialize};

/// A managed Postgres database.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PostgresDatabase {
    /// Its ID (`pg…`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// `creating`, `running`, `deleting`, `unavailable`, `restoring_backup`,
    /// `replaying_wal`, `finalizing_restore`, `restarting`.
    pub state: String,
    /// Its Ubicloud location (`eu-central-h1`).
    pub location: String,
    /// `none`, `async` or `sync`.
    #[serde(default)]
    pub ha_type: String,
    /// The PostgreSQL major version.
    #[serde(default)]
    pub version: String,
    /// The VM size (`standard-2`).
    #[serde(default)]
    pub vm_size: String,
    /// Whether it is a read replica.
    #[serde(default)]
    pub read_replica: bool,
    /// Its firewall rules (in the full answer).
    #[serde(default)]
    pub firewall_rules: Vec<FirewallRule>,
    /// Its metric destinations (undocumented in the spec, present in answers).
    #[serde(default)]
    pub metric_destinations: Vec<MetricDestination>,
    /// Its read replicas (undocumented, present in answers).
    #[serde(default)]
    pub read_replicas: Vec<serde_json::Value>,
}

impl PostgresDatabase {
    /// Whether it is in `state`.
    pub fn is(&self, state: &str) -> bool {
        self.state == state
    }
}

/// A firewall rule (it opens 5432 and 6432 for its CIDR).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FirewallRule {
    /// Its ID (`fr…`).
    pub id: String,
    /// The CIDR it allows.
    pub cidr: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// The port, when the answer gives one.
    #[serde(default)]
    pub port: Option<u16>,
}

/// A metric destination (Prometheus `remote_write`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MetricDestination {
    /// Its ID.
    pub id: String,
    /// Where metrics go.
    pub url: String,
    /// The basic-auth user, if any.
    #[serde(default)]
    pub username: Option<String>,
}

/// The PostgreSQL major versions Ubicloud offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PgVersion {
    /// 16 (the documented one).
    #[serde(rename = "16")]
    V16,
    /// 17.
    #[serde(rename = "17")]
    V17,
    /// 18.
    #[serde(rename = "18")]
    V18,
}

/// What a new database is created with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatePostgres {
    /// VM size, one of [`crate::cost::TIERS`] (`standard-2`).
    pub size: String,
    /// Storage in GiB.
    pub storage_size: u32,
    /// High availability.
    pub ha_type: crate::cost::HaType,
    /// The major version.
    pub version: PgVersion,
    /// Always true: a new database starts with no firewall rule at all,
    /// never open to 0.0.0.0/0 (the provider never sends it).
    pub restrict_by_default: bool,
}

impl CreatePostgres {
    /// The documented production database: `standard-2`, HA async, 16,
    /// restricted by default.
    pub fn documented(storage_size: u32) -> Self {
        Self {
            size: "standard-2".into(),
            storage_size,
            ha_type: crate::cost::HaType::Async,
            version: PgVersion::V16,
            restrict_by_default: true,
        }
    }
}
