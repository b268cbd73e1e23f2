//! The crate's rule catalog: one entry per contract clause it enforces.

use crate::error::Error;

/// How serious a finding is; ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing; never fails a run by default.
    Info,
    /// Should be fixed.
    Warning,
    /// Breaks the contract.
    Error,
}

/// What a rule is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleKind {
    /// Files: Terraform, stack files, rule files, configuration.
    Static,
    /// A running service, through the crate's client.
    Live,
    /// Something the library does (and tests prove).
    Action,
}

/// One rule: a contract clause with its ID, title and default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rule {
    /// The clause ID from `CONTRACTS.md`, used verbatim (`OBS-001`).
    pub id: &'static str,
    /// What the rule holds, in a line.
    pub title: &'static str,
    /// The severity of its findings unless configured otherwise.
    pub severity: Severity,
    /// What it is checked against.
    pub kind: RuleKind,
}

impl Rule {
    const fn new(
        id: &'static str,
        title: &'static str,
        severity: Severity,
        kind: RuleKind,
    ) -> Self {
        Self {
            id,
            title,
            severity,
            kind,
        }
    }

    /// The rule with this ID (exact, case-sensitive).
    pub fn find(id: &str) -> Result<&'static Rule, Error> {
        RULES.iter().find(|r| r.id == id).ok_or_else(|| {
            Error::unknown_rule(
                id,
                RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", "),
            )
        })
    }
}

/// Every rule of this crate, in the order of `CONTRACTS.md`.
pub static RULES: &[Rule] = &[
    Rule::new(
        "OBS-001",
        "rule files are valid, as `promtool check rules` judges",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-002",
        "alerts on custom metrics declare an integer `cardinality_budget`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-003",
        "a declared budget stays within the tenant cap times series per tenant",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-004",
        "a metric's active series stay within its budget",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "OBS-005",
        "alerts carry `runbook_url` and a known `severity`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-006",
        "no unbounded labels",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-007",
        "the documented alerts exist with their thresholds",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-008",
        "the SLO table, error budgets and feature freeze",
        Severity::Warning,
        RuleKind::Static,
    ),
    Rule::new(
        "OBS-009",
        "Loki retention is 336 h with a compactor and no lifecycle deletes",
        Severity::Error,
        RuleKind::Static,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["OBS-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }

    #[test]
    fn ids_are_unique_and_titles_present() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "duplicate rule IDs");
        assert!(
            RULES
                .iter()
                .all(|r| !r.title.is_empty() && !r.title.ends_with('.'))
        );
    }

    #[test]
    fn an_unknown_id_is_an_error_naming_it() {
        assert_eq!(Rule::find("OBS-001").map(|r| r.id).ok(), Some("OBS-001"));
        let err = Rule::find("obs-001").expect_err("IDs are case-sensitive");
        assert!(err.to_string().contains("`obs-001`"), "{err}");
        assert!(err.to_string().contains("OBS-001"), "{err}");
    }
}
