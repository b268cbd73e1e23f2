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
    /// The clause ID from `CONTRACTS.md`, used verbatim (`PII-001`).
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

/// Every rule of this crate: the clauses of `CONTRACTS.md` in their order,
/// then this crate's own (`PIIX-…`).
pub static RULES: &[Rule] = &[
    Rule::new(
        "PII-001",
        "payment card numbers are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PII-002",
        "email addresses are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PII-003",
        "exclusions load from `pii-exclusions.yaml` or fail loudly",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "PII-004",
        "false positives are counted per rule and day against a budget",
        Severity::Warning,
        RuleKind::Action,
    ),
    Rule::new(
        "PII-005",
        "the rule set is emitted as Promtail `replace` stages",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PII-006",
        "the rule set is emitted as LogQL alerting rules",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PII-007",
        "sensitive URL parts are sanitised",
        Severity::Error,
        RuleKind::Action,
    ),
    // Beyond the document: personal data under GDPR in an EU B2B SaaS.
    Rule::new(
        "PIIX-001",
        "IBANs are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PIIX-002",
        "IP addresses are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PIIX-003",
        "phone numbers are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PIIX-004",
        "JWTs and bearer credentials are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PIIX-005",
        "credentials of a vendor's published shape are redacted",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "PIIX-006",
        "application logs reach Loki only through the pii-gateway",
        Severity::Error,
        RuleKind::Static,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["PII-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| !id.starts_with("PIIX-"))
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
        assert_eq!(Rule::find("PII-001").map(|r| r.id).ok(), Some("PII-001"));
        let err = Rule::find("pii-001").expect_err("IDs are case-sensitive");
        assert!(err.to_string().contains("`pii-001`"), "{err}");
        assert!(err.to_string().contains("PII-001"), "{err}");
    }
}
