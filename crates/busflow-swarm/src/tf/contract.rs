//! The numbers and names of the swarm module's contract, with the
//! documented values as defaults.

/// What SWARM-TF-* and SWARM-QUORUM-* hold the module to.
#[derive(Debug, Clone, PartialEq)]
pub struct TfContract {
    /// The only accepted location (`fsn1`).
    pub location: String,
    /// Locations that must be refused, to test the validation.
    pub other_locations: Vec<String>,
    /// The local every node's `user_data` starts from.
    pub install_script_local: String,
    /// The smallest accepted observability worker type (`cpx21`).
    pub min_observability_type: String,
    /// The load balancer's ports.
    pub lb_ports: Vec<u16>,
    /// The health check's path, interval, timeout and retries.
    pub health_path: String,
    /// Health-check interval in seconds.
    pub health_interval: u32,
    /// Health-check timeout in seconds.
    pub health_timeout: u32,
    /// Health-check retries.
    pub health_retries: u32,
    /// The label every swarm node carries, and its value.
    pub swarm_label: (String, String),
    /// Swarm's manager port.
    pub manager_port: u16,
}

impl Default for TfContract {
    fn default() -> Self {
        Self {
            location: "fsn1".into(),
            other_locations: ["nbg1", "hel1", "ash", "hil", "sin"]
                .map(String::from)
                .to_vec(),
            install_script_local: "docker_install_script".into(),
            min_observability_type: "cpx21".into(),
            lb_ports: vec![80, 443],
            health_path: "/healthz".into(),
            health_interval: 15,
            health_timeout: 10,
            health_retries: 3,
            swarm_label: ("busflow-swarm".into(), "true".into()),
            manager_port: 2377,
        }
    }
}

impl TfContract {
    /// The load balancer target's label selector (`busflow-swarm=true`).
    pub fn selector(&self) -> String {
        format!("{}={}", self.swarm_label.0, self.swarm_label.1)
    }
}
