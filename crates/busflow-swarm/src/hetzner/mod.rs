//! The Hetzner Cloud API for what the swarm contract reads and does:
//! volumes (get, resize, for SWARM-OPS-003) and load balancers (services,
//! health checks and targets, to compare the live ingress with
//! SWARM-TF-012). Bearer-token auth; the token never appears in `Debug`,
//! logs or errors.

mod client;
mod models;
mod resize;

pub use client::{HetznerClient, Token};
pub use models::{
    Action, HealthCheck, HealthCheckHttp, LabelSelector, LbService, LbTarget, LoadBalancer, Volume,
};
pub use resize::{ResizeDecision, ResizePolicy, compare_load_balancer};
