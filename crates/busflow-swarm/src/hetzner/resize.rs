//! SWARM-OPS-003: a critical volume alert resizes the volume online, capped
//! at 100 GB, with a cooldown so that two alerts never resize twice; and
//! the live load balancer compared with SWARM-TF-012's contract.

use std::time::{Duration, SystemTime};

use super::models::LoadBalancer;
use crate::tf::contract::TfContract;

/// How a volume grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResizePolicy {
    /// Never larger than this (documented: 100 GB).
    pub cap_gb: u64,
    /// Grow by this percentage of the current size…
    pub step_percent: u64,
    /// …but by at least this many GB.
    pub min_step_gb: u64,
    /// No second resize within this long of the last one.
    pub cooldown: Duration,
}

impl Default for ResizePolicy {
    fn default() -> Self {
        Self {
            cap_gb: 100,
            step_percent: 50,
            min_step_gb: 10,
            cooldown: Duration::from_hours(6),
        }
    }
}

/// What to do about a critical volume alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResizeDecision {
    /// Resize to this many GB.
    Resize {
        /// The new size.
        to_gb: u64,
    },
    /// Already at the cap: a human must act (move data, add a volume).
    AtCap,
    /// A resize happened within the cooldown: do nothing until then.
    CoolingDown {
        /// When the cooldown ends.
        until: SystemTime,
    },
}

impl ResizePolicy {
    /// Decides for a volume of `current_gb` last resized at `last_resize`.
    pub fn decide(
        &self,
        current_gb: u64,
        last_resize: Option<SystemTime>,
        now: SystemTime,
    ) -> ResizeDecision {
        if let Some(last) = last_resize {
            let until = last + self.cooldown;
            if now < until {
                return ResizeDecision::CoolingDown { until };
            }
        }
        if current_gb >= self.cap_gb {
            return ResizeDecision::AtCap;
        }
        let step = (current_gb * self.step_percent)
            .div_ceil(100)
            .max(self.min_step_gb);
        ResizeDecision::Resize {
            to_gb: (current_gb + step).min(self.cap_gb),
        }
    }
}

/// How the live ingress load balancer differs from the contract (empty
/// when it matches): ports, health checks, and the label-selector target.
pub fn compare_load_balancer(lb: &LoadBalancer, contract: &TfContract) -> Vec<String> {
    let mut out = Vec::new();
    for port in &contract.lb_ports {
        let Some(s) = lb.services.iter().find(|s| s.listen_port == *port) else {
            out.push(format!("no service listens on {port}"));
            continue;
        };
        let h = &s.health_check;
        let path = h.http.as_ref().map(|x| x.path.as_str());
        if h.protocol != "http" || path != Some(contract.health_path.as_str()) {
            out.push(format!(
                "port {port}: health check is {} {}, not http {}",
                h.protocol,
                path.unwrap_or("-"),
                contract.health_path
            ));
        }
        if (h.interval, h.timeout, h.retries)
            != (
                contract.health_interval,
                contract.health_timeout,
                contract.health_retries,
            )
        {
            out.push(format!(
                "port {port}: health check every {} s, timeout {} s, {} retries; the contract says {} s, {} s, {}",
                h.interval, h.timeout, h.retries, contract.health_interval, contract.health_timeout, contract.health_retries
            ));
        }
    }
    let selector = contract.selector();
    if !lb.targets.iter().any(|t| {
        t.kind == "label_selector"
            && t.label_selector
                .as_ref()
                .is_some_and(|l| l.selector == selector)
    }) {
        out.push(format!("no label_selector target `{selector}`"));
    }
    out
}
