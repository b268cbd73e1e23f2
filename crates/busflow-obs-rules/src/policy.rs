//! The team's rule policy: budgets on custom metrics (OBS-002, OBS-003),
//! alert metadata (OBS-005) and the label policy (OBS-006).

use crate::catalog::{OBS_002, OBS_003, OBS_005, OBS_006};
use std::path::Path;

use crate::Finding;
use crate::config::{Config, LabelPolicy};
use crate::model::{RuleDef, RuleFile, RuleKind};
use crate::promql::{Analyses, Analysis, MetricName};
use crate::recorded::Recordings;

/// The annotation that declares a metric's series budget (ADR-027).
pub const BUDGET_ANNOTATION: &str = "cardinality_budget";

/// `alert "Name"` or `recording rule "name"`, formatted only when a finding
/// needs it.
struct RuleName<'a> {
    alerting: bool,
    rule: &'a RuleDef,
}

impl std::fmt::Display for RuleName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.alerting {
            "alert"
        } else {
            "recording rule"
        };
        write!(f, "{kind} {:?}", self.rule.name())
    }
}

/// Every OBS-002, OBS-003, OBS-005 and OBS-006 finding of `file`.
pub fn check(file: &RuleFile, parsed_exprs: &Analyses<'_>, config: &Config) -> Vec<Finding> {
    let path = file.path.as_path();
    let mut out = Vec::new();
    let recordings = Recordings::with_analyses([file], parsed_exprs);
    let labels = LabelPolicy::new(config);
    for rule in file.groups.iter().flat_map(|g| &g.rules) {
        let alerting = rule.kind() == RuleKind::Alerting && rule.alert.is_some();
        let ctx = RuleName { alerting, rule };
        let parsed = rule.expr.as_ref().map(|e| parsed_exprs.get(&e.value));
        let analysis = parsed.as_deref().and_then(|r| r.as_ref().ok());
        label_policy(path, rule, analysis, &ctx, &labels, &mut out);
        if alerting {
            alert_metadata(path, rule, &ctx, config, &mut out);
            if let Some(a) = analysis {
                budget(path, rule, a, &recordings, &ctx, config, &mut out);
            }
        }
    }
    out
}

/// OBS-006: unbounded labels set on the rule or kept by its aggregations.
fn label_policy(
    path: &Path,
    rule: &RuleDef,
    analysis: Option<&Analysis>,
    ctx: &RuleName<'_>,
    labels: &LabelPolicy<'_>,
    out: &mut Vec<Finding>,
) {
    for (k, _) in &rule.labels {
        if labels.is_forbidden(&k.value) {
            out.push(
                Finding::new(&OBS_006, path, k.pos, format!("{ctx} sets unbounded label `{}`", k.value))
                    .with_help("drop the label: per-user, per-request, trace and URL values grow without bound; put them in logs or traces"),
            );
        }
    }
    let (Some(a), Some(expr)) = (analysis, &rule.expr) else {
        return;
    };
    for g in a.groupings.iter().filter(|g| g.by) {
        for l in g.labels.iter().filter(|l| labels.is_forbidden(l)) {
            out.push(
                Finding::new(
                    &OBS_006,
                    path,
                    expr.pos,
                    format!("{ctx} aggregates `by ({l})`, an unbounded label"),
                )
                .with_help(
                    "aggregate by a bounded label (tenant_id, model_version, status) instead",
                ),
            );
        }
    }
}

/// OBS-005: a runbook and a known severity on every alert.
fn alert_metadata(
    path: &Path,
    rule: &RuleDef,
    ctx: &RuleName<'_>,
    config: &Config,
    out: &mut Vec<Finding>,
) {
    if rule
        .annotation("runbook_url")
        .is_none_or(|v| v.value.trim().is_empty())
    {
        out.push(
            Finding::new(
                &OBS_005,
                path,
                rule.pos,
                format!("{ctx} has no `runbook_url` annotation"),
            )
            .with_help(
                "add annotations: runbook_url: <link to the runbook section for this alert>",
            ),
        );
    }
    match rule.label("severity") {
        None => out.push(
            Finding::new(
                &OBS_005,
                path,
                rule.pos,
                format!("{ctx} has no `severity` label"),
            )
            .with_help(format!(
                "add labels: severity: one of {}",
                config.severities.join(", ")
            )),
        ),
        Some(s) if !config.severities.contains(&s.value) => out.push(
            Finding::new(
                &OBS_005,
                path,
                s.pos,
                format!("{ctx} has unknown severity `{}`", s.value),
            )
            .with_help(format!("use one of {}", config.severities.join(", "))),
        ),
        Some(_) => {}
    }
}

/// OBS-002 and OBS-003: alerts on custom metrics declare an integer budget
/// within the cap.
/// Recorded series count as the metrics their recording rules read.
fn budget(
    path: &Path,
    rule: &RuleDef,
    analysis: &Analysis,
    recordings: &Recordings,
    ctx: &RuleName<'_>,
    config: &Config,
    out: &mut Vec<Finding>,
) {
    let read: Vec<MetricName> = analysis
        .selectors
        .iter()
        .flat_map(|s| s.names.iter().cloned())
        .collect();
    let custom: Vec<String> = recordings
        .resolve(&read)
        .iter()
        .filter_map(|n| match n {
            MetricName::Exact(name) if config.custom_metrics.is_custom(name) => Some(name.clone()),
            MetricName::Pattern { regex, prefix }
                if !prefix.is_empty() && config.custom_metrics.is_custom(prefix) =>
            {
                Some(format!("~{regex}"))
            }
            _ => None,
        })
        .collect();
    if custom.is_empty() {
        return;
    }
    let Some(b) = rule.annotation(BUDGET_ANNOTATION) else {
        out.push(
            Finding::new(
                &OBS_002,
                path,
                rule.pos,
                format!(
                    "{ctx} reads custom metric {} but declares no `{BUDGET_ANNOTATION}`",
                    custom.join(", ")
                ),
            )
            .with_help(format!(
                "add annotations: {BUDGET_ANNOTATION}: \"<max active series>\" (at most {})",
                config.budget_cap()
            )),
        );
        return;
    };
    match b.value.trim().parse::<u64>() {
        Err(_) => out.push(
            Finding::new(
                &OBS_002,
                path,
                b.pos,
                format!(
                    "{ctx}: `{BUDGET_ANNOTATION}` {:?} is not an integer",
                    b.value
                ),
            )
            .with_help("write the budget as a whole number of series, e.g. \"20000\""),
        ),
        Ok(n) if n > config.budget_cap() => out.push(
            Finding::new(
                &OBS_003,
                path,
                b.pos,
                format!(
                    "{ctx}: budget {n} exceeds the cap of {} ({} tenants × {} series)",
                    config.budget_cap(),
                    config.tenant_cap,
                    config.series_per_tenant
                ),
            )
            .with_help("lower the budget, or drop labels until the metric fits the cap"),
        ),
        Ok(_) => {}
    }
}
