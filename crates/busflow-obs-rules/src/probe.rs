//! OBS-004 (live): each custom metric's active series at probe time against
//! the budget its alerts declare, with one request per batch of metrics.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::Finding;
use crate::Severity;
use crate::catalog::OBS_004;
use crate::config::Config;
use crate::error::Error;
use crate::model::{RuleFile, RuleKind};
use crate::policy::BUDGET_ANNOTATION;
use crate::promql::{self, MetricName};
use crate::recorded::Recordings;
use crate::series::SeriesSource;
use busflow_yaml::Pos;

/// One metric's line of the probe report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    /// The metric.
    pub metric: String,
    /// Its active series now.
    pub series: u64,
    /// Its budget: the smallest declared by the alerts that read it.
    pub budget: u64,
    /// `budget - series` (negative on a breach).
    pub headroom: i64,
    /// The alert that declares the budget, and where.
    pub declared_by: String,
    /// The file of that declaration.
    pub file: PathBuf,
    /// The position of the `cardinality_budget` value.
    pub pos: Pos,
}

impl BudgetLine {
    /// Whether the metric has more series than its budget.
    pub fn is_breach(&self) -> bool {
        self.headroom < 0
    }
}

/// The probe's outcome: a line per budgeted metric, and findings.
#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    /// One line per metric, by name.
    pub lines: Vec<BudgetLine>,
    /// OBS-004 errors (breaches) and warnings (budgets above Mimir's limit).
    pub findings: Vec<Finding>,
}

/// The budget each custom metric gets from the alerts that read it.
pub fn declared_budgets(
    files: &[RuleFile],
    config: &Config,
) -> BTreeMap<String, (u64, String, PathBuf, Pos)> {
    let mut budgets: BTreeMap<String, (u64, String, PathBuf, Pos)> = BTreeMap::new();
    let recordings = Recordings::new(files);
    for file in files {
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            if rule.kind() != RuleKind::Alerting {
                continue;
            }
            let Some(annotation) = rule.annotation(BUDGET_ANNOTATION) else {
                continue;
            };
            let Ok(budget) = annotation.value.trim().parse::<u64>() else {
                continue; // OBS-002 reports it.
            };
            let Some(analysis) = rule
                .expr
                .as_ref()
                .and_then(|e| promql::analyze(&e.value).ok())
            else {
                continue;
            };
            // Recorded series count as the metrics they are computed from.
            let read: Vec<MetricName> = analysis
                .selectors
                .into_iter()
                .flat_map(|s| s.names)
                .collect();
            for name in recordings.resolve(&read) {
                let MetricName::Exact(metric) = name else {
                    continue;
                };
                if !config.custom_metrics.is_custom(&metric) {
                    continue;
                }
                let entry = (
                    budget,
                    rule.name().to_owned(),
                    file.path.clone(),
                    annotation.pos,
                );
                budgets
                    .entry(metric)
                    .and_modify(|e| {
                        if budget < e.0 {
                            *e = entry.clone();
                        }
                    })
                    .or_insert(entry);
            }
        }
    }
    budgets
}

/// Counts every budgeted metric's series through `source` and compares.
pub async fn probe(
    files: &[RuleFile],
    source: &dyn SeriesSource,
    config: &Config,
) -> Result<ProbeReport, Error> {
    let budgets = declared_budgets(files, config);
    let metrics: Vec<String> = budgets.keys().cloned().collect();
    let counts = if metrics.is_empty() {
        BTreeMap::new()
    } else {
        source.series_counts(&metrics).await?
    };
    let mut report = ProbeReport::default();
    for (metric, (budget, alert, file, pos)) in budgets {
        let series = counts.get(&metric).copied().unwrap_or(0);
        let headroom =
            i64::try_from(budget).unwrap_or(i64::MAX) - i64::try_from(series).unwrap_or(i64::MAX);
        let line = BudgetLine {
            metric: metric.clone(),
            series,
            budget,
            headroom,
            declared_by: alert.clone(),
            file: file.clone(),
            pos,
        };
        if line.is_breach() {
            report.findings.push(
                Finding::new(&OBS_004, &file, pos, format!("`{metric}` has {series} active series, over the budget of {budget} declared by alert {alert:?}"))
                    .with_help("find the label that grew (count by (label) of the metric), drop or bound it, or raise the budget within the cap"),
            );
        }
        if budget > config.mimir_series_limit {
            report.findings.push(
                Finding::new(&OBS_004, &file, pos, format!(
                    "budget {budget} for `{metric}` exceeds Mimir's per-metric series limit of {}; ingestion stops there first",
                    config.mimir_series_limit
                ))
                .with_severity(Severity::Warning)
                .with_help("lower the budget to the limit, or raise max_global_series_per_metric for the tenant"),
            );
        }
        report.lines.push(line);
    }
    Ok(report)
}
