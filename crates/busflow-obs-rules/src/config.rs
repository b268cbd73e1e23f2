//! The typed configuration of the checks, with the documented defaults.

use std::collections::HashSet;

/// Which metrics count as "custom" (OBS-002: their alerts need a budget).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomMetrics {
    /// Metrics whose names start with one of these prefixes.
    Prefixes(Vec<String>),
    /// Every metric except those of well-known exporters, by name prefix
    /// (an entry without a trailing `_`, like `up`, matches exactly).
    AllExcept(Vec<String>),
}

impl CustomMetrics {
    /// The default: the team's own prefixes, `busflow_` and `llm_`.
    pub fn default_prefixes() -> Self {
        CustomMetrics::Prefixes(vec!["busflow_".into(), "llm_".into()])
    }

    /// The well-known exporters' prefixes, for [`CustomMetrics::AllExcept`].
    pub fn well_known_exporters() -> Vec<String> {
        [
            "node_",
            "container_",
            "machine_",
            "traefik_",
            "pg_",
            "postgres_",
            "redis_",
            "minio_",
            "process_",
            "go_",
            "promhttp_",
            "prometheus_",
            "alertmanager_",
            "loki_",
            "tempo_",
            "cortex_",
            "mimir_",
            "grafana_",
            "otelcol_",
            "probe_",
            "http_",
            "kube_",
            "up",
            "scrape_",
            "ALERTS",
            "ALERTS_FOR_STATE",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }

    /// Whether `name` (an exact metric name) is custom.
    pub fn is_custom(&self, name: &str) -> bool {
        match self {
            CustomMetrics::Prefixes(p) => p.iter().any(|p| name.starts_with(p.as_str())),
            CustomMetrics::AllExcept(known) => !known.iter().any(|k| {
                if k.ends_with('_') {
                    name.starts_with(k.as_str())
                } else {
                    name == k
                }
            }),
        }
    }
}

impl Default for CustomMetrics {
    fn default() -> Self {
        Self::default_prefixes()
    }
}

/// Configuration of the obs-rules checks. Every field has the value the
/// observability document gives as its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Tenants the platform is sized for (OBS-003): 4 000.
    pub tenant_cap: u64,
    /// Series one tenant may add to one metric (OBS-003): 20.
    pub series_per_tenant: u64,
    /// Mimir's per-metric series limit; budgets above it are warned about
    /// (OBS-004): 20 000, Mimir's default `max_global_series_per_metric`.
    pub mimir_series_limit: u64,
    /// Severities an alert may carry (OBS-005): `warning`, `critical`.
    pub severities: Vec<String>,
    /// Labels allowed although their cardinality grows with tenants
    /// (OBS-006): `tenant_id`, `model_version`.
    pub allowed_labels: Vec<String>,
    /// Unbounded labels (OBS-006): names, or `*` globs (`*_user_id`).
    pub forbidden_labels: Vec<String>,
    /// What a custom metric is (OBS-002).
    pub custom_metrics: CustomMetrics,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            tenant_cap: 4_000,
            series_per_tenant: 20,
            mimir_series_limit: 20_000,
            severities: vec!["warning".into(), "critical".into()],
            allowed_labels: vec!["tenant_id".into(), "model_version".into()],
            forbidden_labels: [
                "user",
                "user_id",
                "userid",
                "*_user_id",
                "request_id",
                "req_id",
                "*_request_id",
                "session",
                "session_id",
                "*_session_id",
                "trace_id",
                "traceid",
                "span_id",
                "spanid",
                "email",
                "*_email",
                "email_address",
                "url",
                "uri",
                "raw_url",
                "request_url",
                "request_uri",
                "full_url",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            custom_metrics: CustomMetrics::default(),
        }
    }
}

impl Config {
    /// The largest budget a metric may declare: tenants × series per tenant.
    pub fn budget_cap(&self) -> u64 {
        self.tenant_cap.saturating_mul(self.series_per_tenant)
    }

    /// Whether label `name` is unbounded (forbidden and not allowed).
    pub fn is_forbidden_label(&self, name: &str) -> bool {
        LabelPolicy::new(self).is_forbidden(name)
    }
}

/// The label policy of a [`Config`], compiled for many look-ups: exact
/// names in sets, only the `*` patterns matched one by one.
pub(crate) struct LabelPolicy<'a> {
    allowed: HashSet<&'a str>,
    exact: HashSet<&'a str>,
    globs: Vec<&'a str>,
}

impl<'a> LabelPolicy<'a> {
    pub(crate) fn new(config: &'a Config) -> Self {
        let (globs, exact): (Vec<&str>, Vec<&str>) = config
            .forbidden_labels
            .iter()
            .map(String::as_str)
            .partition(|p| p.contains('*'));
        Self {
            allowed: config.allowed_labels.iter().map(String::as_str).collect(),
            exact: exact.into_iter().collect(),
            globs,
        }
    }

    pub(crate) fn is_forbidden(&self, name: &str) -> bool {
        !self.allowed.contains(name)
            && (self.exact.contains(name) || self.globs.iter().any(|p| glob(p, name)))
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len()
                && name.starts_with(head)
                && glob_rest(tail, &name[head.len()..])
        }
    }
}

fn glob_rest(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => name.ends_with(pattern),
        Some((head, tail)) => (0..=name.len())
            .filter(|i| name.is_char_boundary(*i))
            .any(|i| name[i..].starts_with(head) && glob_rest(tail, &name[i + head.len()..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_numbers() {
        let c = Config::default();
        assert_eq!(c.budget_cap(), 80_000);
        assert_eq!(c.mimir_series_limit, 20_000);
        assert!(c.is_forbidden_label("user_id") && c.is_forbidden_label("billing_user_id"));
        assert!(!c.is_forbidden_label("tenant_id") && !c.is_forbidden_label("status"));
    }

    #[test]
    fn both_definitions_of_custom_metrics_work() {
        let prefixes = CustomMetrics::default_prefixes();
        assert!(
            prefixes.is_custom("busflow_bookings_total") && prefixes.is_custom("llm_tokens_total")
        );
        assert!(!prefixes.is_custom("node_filesystem_avail_bytes"));
        let all = CustomMetrics::AllExcept(CustomMetrics::well_known_exporters());
        assert!(all.is_custom("checkout_latency_seconds"));
        assert!(
            !all.is_custom("up")
                && all.is_custom("uptime_seconds")
                && !all.is_custom("traefik_service_requests_total")
        );
    }
}
