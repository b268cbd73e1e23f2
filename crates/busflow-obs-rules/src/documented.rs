//! OBS-007: the alerts the documents require, as data: generated into a rule
//! file promtool accepts, and checked for in a rule set with their
//! thresholds and `for`.

use crate::catalog::OBS_007;
use std::fmt::Write as _;
use std::path::Path;

use crate::Finding;
use crate::model::{RuleFile, RuleKind};
use crate::names::parse_duration;
use crate::promql::threshold;
use busflow_yaml::Pos;

/// A documented alert.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentedAlert {
    /// The alert's name.
    pub name: &'static str,
    /// The expression the generator writes (PromQL; LogQL for `query_language: logql`).
    pub expr: &'static str,
    /// The comparison it fires on (`>` or `<`).
    pub comparison: &'static str,
    /// The documented threshold.
    pub threshold: f64,
    /// The documented `for`.
    pub for_: &'static str,
    /// `warning` or `critical`.
    pub severity: &'static str,
    /// The summary annotation.
    pub summary: &'static str,
    /// Its runbook.
    pub runbook_url: &'static str,
    /// `promql` for Prometheus/Mimir rules, `logql` for Loki's ruler.
    pub query_language: &'static str,
    /// Where the documents define it.
    pub source: &'static str,
}

/// The alerts of the infrastructure (§5) and observability documents.
pub static DOCUMENTED_ALERTS: &[DocumentedAlert] = &[
    DocumentedAlert {
        name: "VolumeUsageWarning",
        expr: r#"(1 - node_filesystem_avail_bytes{mountpoint=~"/mnt/HC_Volume.*"} / node_filesystem_size_bytes{mountpoint=~"/mnt/HC_Volume.*"}) * 100 > 80"#,
        comparison: ">",
        threshold: 80.0,
        for_: "5m",
        severity: "warning",
        summary: "Hetzner Volume usage > 80%",
        runbook_url: "https://docs.busflow.app/protocols/volume-resize",
        query_language: "promql",
        source: "observability §Volume monitoring",
    },
    DocumentedAlert {
        name: "VolumeUsageCritical",
        expr: r#"(1 - node_filesystem_avail_bytes{mountpoint=~"/mnt/HC_Volume.*"} / node_filesystem_size_bytes{mountpoint=~"/mnt/HC_Volume.*"}) * 100 > 90"#,
        comparison: ">",
        threshold: 90.0,
        for_: "2m",
        severity: "critical",
        summary: "Hetzner Volume usage > 90%: auto-resize triggered",
        runbook_url: "https://docs.busflow.app/protocols/volume-resize",
        query_language: "promql",
        source: "observability §Volume monitoring",
    },
    DocumentedAlert {
        name: "TlsCertExpiringSoon",
        expr: "(traefik_tls_certs_not_after - time()) / 86400 < 14",
        comparison: "<",
        threshold: 14.0,
        for_: "1h",
        severity: "warning",
        summary: "A TLS certificate expires in less than 14 days",
        runbook_url: "https://docs.busflow.app/protocols/tls-renewal",
        query_language: "promql",
        source: "observability §TLS",
    },
    DocumentedAlert {
        name: "RootDiskSpaceLow",
        expr: r#"node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"} * 100 < 20"#,
        comparison: "<",
        threshold: 20.0,
        for_: "5m",
        severity: "warning",
        summary: "Root disk of {{ $labels.instance }} below 20% free",
        runbook_url: "https://docs.busflow.app/protocols/docker-prune",
        query_language: "promql",
        source: "infrastructure §5",
    },
    DocumentedAlert {
        name: "BucketQuotaHigh",
        expr: r#"sum by (bucket) (minio_bucket_usage_total_bytes{bucket="loki"}) / (500 * 1024 * 1024 * 1024) * 100 > 80"#,
        comparison: ">",
        threshold: 80.0,
        for_: "15m",
        severity: "warning",
        summary: "Loki bucket above 80% of its 500 GB quota",
        runbook_url: "https://docs.busflow.app/protocols/log-volume",
        query_language: "promql",
        source: "observability §Retention",
    },
    DocumentedAlert {
        name: "HighErrorRate",
        expr: r#"sum(rate(http_server_duration_milliseconds_count{http_status_code=~"5.."}[5m])) / sum(rate(http_server_duration_milliseconds_count[5m])) * 100 > 1"#,
        comparison: ">",
        threshold: 1.0,
        for_: "5m",
        severity: "critical",
        summary: "More than 1% of API requests fail with 5xx",
        runbook_url: "https://docs.busflow.app/protocols/high-error-rate",
        query_language: "promql",
        source: "observability §Runbooks",
    },
    DocumentedAlert {
        name: "LatencySloBreach",
        expr: "histogram_quantile(0.99, sum by (le) (rate(http_server_duration_milliseconds_bucket[5m]))) > 500",
        comparison: ">",
        threshold: 500.0,
        for_: "10m",
        severity: "critical",
        summary: "API p99 latency above 500 ms",
        runbook_url: "https://docs.busflow.app/protocols/latency-slo",
        query_language: "promql",
        source: "observability §Runbooks",
    },
    DocumentedAlert {
        name: "PiiDetected",
        expr: r#"sum by (service) (count_over_time({service=~".+"} |~ "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}" [5m])) > 0"#,
        comparison: ">",
        threshold: 0.0,
        for_: "1m",
        severity: "critical",
        summary: "PII reached Loki from {{ $labels.service }}",
        runbook_url: "https://docs.busflow.app/protocols/pii-leak",
        query_language: "logql",
        source: "observability §PII",
    },
];

/// The documented alerts ([`DOCUMENTED_ALERTS`]).
pub fn documented_alerts() -> &'static [DocumentedAlert] {
    DOCUMENTED_ALERTS
}

/// A rule file (Prometheus format) with the documented alerts of
/// `query_language` (`promql` for Prometheus/Mimir, `logql` for Loki).
pub fn generate(query_language: &str) -> String {
    let mut out = format!(
        "# Generated by busflow-obs-rules (OBS-007): the documented {query_language} alerts.\ngroups:\n  - name: busflow-documented-{query_language}\n    rules:\n"
    );
    for alert in documented_alerts()
        .iter()
        .filter(|a| a.query_language == query_language)
    {
        let _ = write!(
            out,
            "      - alert: {}\n        expr: {}\n        for: {}\n        labels:\n          severity: {}\n        annotations:\n          summary: {}\n          runbook_url: {}\n",
            alert.name,
            yaml_quote(alert.expr),
            alert.for_,
            alert.severity,
            yaml_quote(alert.summary),
            yaml_quote(alert.runbook_url),
        );
    }
    out
}

/// A double-quoted YAML scalar.
fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// OBS-007 findings: every documented alert must be in `files` with its
/// comparison, threshold and `for`. Missing alerts are reported at the
/// start of `anchor` (the rule directory's first file, say).
pub fn check_documented(files: &[RuleFile], anchor: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    for doc in documented_alerts() {
        let found = files.iter().find_map(|f| {
            f.groups
                .iter()
                .flat_map(|g| &g.rules)
                .find(|r| r.kind() == RuleKind::Alerting && r.name() == doc.name)
                .map(|r| (f, r))
        });
        let Some((file, rule)) = found else {
            out.push(
                Finding::new(&OBS_007, anchor, Pos::START, format!("the rule set has no `{}` alert ({})", doc.name, doc.source))
                    .with_help(format!("add it; `busflow_obs_rules::generate(\"{}\")` writes it with its threshold and for", doc.query_language)),
            );
            continue;
        };
        let path = file.path.as_path();
        if let Some(expr) = &rule.expr {
            let actual = if doc.query_language == "promql" {
                threshold(&expr.value)
            } else {
                logql_threshold(&expr.value)
            };
            let wanted = (doc.comparison.to_owned(), doc.threshold);
            if actual
                .as_ref()
                .is_none_or(|(op, v)| *op != wanted.0 || (v - wanted.1).abs() > f64::EPSILON)
            {
                let got = actual.map_or_else(
                    || "no comparison with a number".to_owned(),
                    |(op, v)| format!("{op} {v}"),
                );
                out.push(
                    Finding::new(
                        &OBS_007,
                        path,
                        expr.pos,
                        format!(
                            "`{}` fires on {got}; documented: {} {}",
                            doc.name, doc.comparison, doc.threshold
                        ),
                    )
                    .with_help(format!(
                        "make the expression end in `{} {}` ({})",
                        doc.comparison, doc.threshold, doc.source
                    )),
                );
            }
        }
        let wanted_for = parse_duration(doc.for_);
        match &rule.for_ {
            Some(f) if parse_duration(&f.value) == wanted_for => {}
            other => out.push(
                Finding::new(
                    &OBS_007,
                    path,
                    other.as_ref().map_or(rule.pos, |f| f.pos),
                    format!(
                        "`{}` waits {}; documented: for {}",
                        doc.name,
                        other.as_ref().map_or("no `for`", |f| f.value.as_str()),
                        doc.for_
                    ),
                )
                .with_help(format!("set `for: {}`", doc.for_)),
            ),
        }
    }
    out
}

/// LogQL has no parser here: the trailing `> N` of the expression.
fn logql_threshold(expr: &str) -> Option<(String, f64)> {
    let (head, number) = expr.trim().rsplit_once(' ')?;
    let op = head.trim_end().rsplit(' ').next()?;
    matches!(op, ">" | "<" | ">=" | "<=")
        .then(|| number.parse().ok().map(|n| (op.to_owned(), n)))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_documents() {
        let alerts = documented_alerts();
        assert_eq!(alerts.len(), 8);
        let volume = alerts
            .iter()
            .find(|a| a.name == "VolumeUsageCritical")
            .expect("documented");
        assert_eq!((volume.threshold, volume.for_), (90.0, "2m"));
        for a in alerts {
            if a.query_language == "promql" {
                assert_eq!(
                    threshold(a.expr),
                    Some((a.comparison.to_owned(), a.threshold)),
                    "{}",
                    a.name
                );
            } else {
                assert_eq!(
                    logql_threshold(a.expr),
                    Some((a.comparison.to_owned(), a.threshold)),
                    "{}",
                    a.name
                );
            }
        }
    }
}
