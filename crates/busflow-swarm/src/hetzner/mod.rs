//! The Hetzner Cloud API for what the swarm contract reads and does:
//! volumes (get, resize, for SWARM-OPS-003) and load balancers (services,
//! health checks and targets, to compare the live ingress with
//! SWARM-TF-012). Bearer-token auth; the token never appears in `Debug`,
//! logs or errors.

mod client;
mod models;
mod receiver;
mod resize;
mod volume_job;

pub use client::{HetznerClient, Token};
pub use models::{
    Action, HealthCheck, HealthCheckHttp, LabelSelector, LbService, LbTarget, LoadBalancer, Volume,
};
pub use receiver::{MAX_WEBHOOK_BYTES, serve_webhook};
pub use resize::{ResizeDecision, ResizePolicy, compare_load_balancer};
pub use volume_job::{
    ALERT, AlertedVolume, Grow, VolumeOutcome, critical_volumes, grow_command, handle, last_resize,
    rfc3339, ssh_args,
};
