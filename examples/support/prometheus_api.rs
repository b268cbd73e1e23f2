//! The options of the examples that read a Prometheus-compatible API
//! (`cardinality-probe`, `slo-report`): where it is, the tenant, timeouts.

use busflow::obs_rules::{HttpSettings, PrometheusSource};

/// Where the API is and how long to wait for it.
#[derive(Debug, clap::Args)]
pub struct PrometheusApi {
    /// Base URL of the Prometheus-compatible API (Mimir: …/prometheus).
    #[arg(long)]
    pub prometheus: String,
    /// The tenant: sent as `X-Scope-OrgID` (Mimir); `slo-report` also counts
    /// only its events (the `tenant` label).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    pub connect_timeout: u64,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

impl PrometheusApi {
    /// A source with these timeouts and the tenant header.
    pub fn source(&self) -> PrometheusSource {
        let settings = HttpSettings::default().with_timeouts(
            std::time::Duration::from_secs(self.connect_timeout),
            std::time::Duration::from_secs(self.timeout),
        );
        let source = PrometheusSource::with_settings(&self.prometheus, &settings);
        match &self.tenant {
            Some(t) => source.tenant(t),
            None => source,
        }
    }
}
