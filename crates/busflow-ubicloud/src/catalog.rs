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
    /// The clause ID from `CONTRACTS.md`, used verbatim (`UBI-TF-001`).
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

/// Every rule of this crate, in the order of `CONTRACTS.md`, then the
/// crate's own (`UBIX-`).
pub static RULES: &[Rule] = &[
    Rule::new(
        "UBI-TF-001",
        "module variables have their types, defaults and validations",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-TF-002",
        "the module declares the instance, firewall rules and metric destination",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-TF-003",
        "connection outputs are sensitive and `instance_fqdn` exists",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-TF-004",
        "the provider is `ubicloud/ubicloud ~> 0.3` on the project variable",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-CUT-001",
        "the cutover triggers above 50 tenants or a 99.5 % SLA",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-002",
        "reader and writer secrets flip in one service update",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-003",
        "hydration aborts when replication lag does not converge in 60 min",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-004",
        "the final pre-cutover dump is pinned for 30 days",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-005",
        "client connections retry with backoff and jitter",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-006",
        "connection strings use `sslmode=verify-full` with the instance CA",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-CUT-007",
        "production applies run in the `terraform-prod` concurrency group",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBI-CUT-008",
        "p99 above twice the baseline for 10 min rolls back",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-009",
        "the 72 h parallel run's cost is reported for sign-off",
        Severity::Info,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-010",
        "only the database reader and writer secrets change",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "UBI-CUT-011",
        "the instance runs in Falkenstein (`eu-central-h1`)",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "UBIX-001",
        "every Terraform file of the module parses",
        Severity::Error,
        RuleKind::Static,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["UBI-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("UBI-"))
            .collect();
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
        assert_eq!(
            Rule::find("UBI-TF-001").map(|r| r.id).ok(),
            Some("UBI-TF-001")
        );
        let err = Rule::find("ubi-tf-001").expect_err("IDs are case-sensitive");
        assert!(err.to_string().contains("`ubi-tf-001`"), "{err}");
        assert!(err.to_string().contains("UBI-TF-001"), "{err}");
    }
}
