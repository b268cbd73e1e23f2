//! The parts of Hetzner Cloud's JSON the client reads. Unknown fields are
//! ignored: the API adds fields over time.

use serde::Deserialize;

/// A volume.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Volume {
    /// Its ID.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its size in GB.
    pub size: u64,
    /// The server it is attached to.
    pub server: Option<u64>,
    /// `creating` or `available`.
    pub status: String,
}

/// An asynchronous action (a resize).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Action {
    /// Its ID.
    pub id: u64,
    /// What it does (`resize_volume`).
    pub command: String,
    /// `running`, `success` or `error`.
    pub status: String,
    /// Percent done.
    pub progress: u8,
    /// When it started (RFC 3339).
    #[serde(default)]
    pub started: Option<String>,
}

/// A load balancer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoadBalancer {
    /// Its ID.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its services.
    #[serde(default)]
    pub services: Vec<LbService>,
    /// Its targets.
    #[serde(default)]
    pub targets: Vec<LbTarget>,
}

/// A load balancer service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LbService {
    /// `http`, `https` or `tcp`.
    pub protocol: String,
    /// The port it listens on.
    pub listen_port: u16,
    /// The port on the targets.
    pub destination_port: u16,
    /// Its health check.
    pub health_check: HealthCheck,
}

/// A service's health check.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HealthCheck {
    /// `http` or `tcp`.
    pub protocol: String,
    /// The port probed.
    pub port: u16,
    /// Seconds between checks.
    pub interval: u32,
    /// Seconds before a check fails.
    pub timeout: u32,
    /// Failed checks before a target is unhealthy.
    pub retries: u32,
    /// The HTTP part, for `http` checks.
    pub http: Option<HealthCheckHttp>,
}

/// The HTTP part of a health check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HealthCheckHttp {
    /// The path requested.
    pub path: String,
}

/// A load balancer target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LbTarget {
    /// `server`, `label_selector` or `ip`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The selector, for `label_selector` targets.
    pub label_selector: Option<LabelSelector>,
}

/// A label selector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LabelSelector {
    /// `busflow-swarm=true`.
    pub selector: String,
}
