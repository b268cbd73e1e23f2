//! busflow-obs-rules: Prometheus rule files as code: a promtool-grade linter,
//! cardinality budgets checked against a live Prometheus or Mimir, the
//! documented alerts, SLOs and error budgets, and Loki retention.
//!
//! The principal function is [`check_rule_file`]: it parses a rule file
//! (Prometheus `groups:` or a Kubernetes `PrometheusRule`) into a typed
//! model with positions and returns [`Finding`]s carrying the contract's
//! clause IDs (`OBS-001` …), each with file, line, column and help. The
//! checks take a [`Config`] whose defaults are the documented numbers.
//!
//! ```
//! use std::path::Path;
//! use busflow_obs_rules::{check_rule_file, Config};
//!
//! let yaml = br#"
//! groups:
//!   - name: llm
//!     rules:
//!       - alert: LlmTokensHigh
//!         expr: sum by (tenant_id) (rate(busflow_llm_tokens_total[5m])) > 1000
//!         labels: {severity: warning}
//!         annotations: {runbook_url: "https://runbooks.example/llm"}
//! "#;
//! let checked = check_rule_file(Path::new("rules/llm.yml"), yaml, &Config::default());
//! let ids: Vec<_> = checked.findings.iter().map(|f| (f.rule_id, f.start.line)).collect();
//! assert_eq!(ids, [("OBS-002", 5)]); // a custom metric without `cardinality_budget`
//! ```
//!
//! # Behaviour
//!
//! - Names are validated with Prometheus' legacy (pre-3.0) scheme, the one
//!   promtool 2.x, Mimir and Loki's rulers apply; UTF-8 names are findings.
//! - PromQL is parsed by `promql-parser` (Prometheus 3 syntax). Its verdicts
//!   are compared with the installed `promtool` in the tests; its messages
//!   are its own.
#![deny(missing_docs)]

pub mod catalog;
mod check;
mod config;
mod documented;
mod error;
mod loki;
mod model;
mod names;
mod policy;
mod probe;
mod promql;
mod recorded;
mod series;
mod slo;
mod slo_live;
mod template;
mod validity;

pub use busflow_diag::{
    Catalog, Finding, Rule, RuleKind as CheckKind, Severity, Span, UnknownRule,
};
/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use busflow_yaml::Pos;
pub use catalog::CATALOG;
pub use check::{Checked, check_rule_dir, check_rule_file, check_rule_paths};
pub use config::{Config, CustomMetrics};
pub use documented::{
    DOCUMENTED_ALERTS, DocumentedAlert, check_documented, documented_alerts, generate,
};
pub use error::{Error, ErrorKind};
pub use loki::{RETENTION_PERIOD, check_lifecycle, check_loki_config};
pub use model::{
    Group, RuleDef, RuleFile, RuleKind as RuleType, Spanned, parse as parse_rule_file,
};
pub use names::parse_duration;
pub use policy::BUDGET_ANNOTATION;
pub use probe::{BudgetLine, ProbeReport, declared_budgets, probe};
pub use promql::{Analysis, Grouping, LabelMatch, MetricName, Selector, analyze, threshold};
pub use recorded::Recordings;
pub use series::{Mode, PrometheusSource, SeriesSource};
pub use slo::{
    BURN_RATE_WINDOWS, BudgetStatus, Objective, Slo, budget_report, budget_status, burn_rate_rules,
    slo_table,
};
pub use slo_live::{
    LiveSlo, REPORT_WINDOWS, SliQueries, findings as slo_findings, live_report, measure,
};
pub use template::{TemplateError, check as check_template};
