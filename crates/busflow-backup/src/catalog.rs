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
    /// The clause ID from `CONTRACTS.md`, used verbatim (`BACKUP-001`).
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
        "BACKUP-001",
        "dump names follow `pg_dump_YYYYMMDD_HHMM.dump`",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-002",
        "retention keeps 14 daily and 4 weekly dumps, additive by default",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-003",
        "a dump can be pinned for a duration",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-004",
        "the producer streams `pg_dump --format=custom` to the bucket",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-005",
        "verify takes the newest dump; missing or empty fails",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-006",
        "the source is a named remote",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-007",
        "dumps above the size ceiling abort with their own outcome",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-008",
        "the dump streams into `pg_restore` without a full copy on disk",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-009",
        "the first bytes are a custom-format or plain pg_dump header",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-010",
        "restore runs pre-data, extensions, data, post-data",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-011",
        "probe: every `pg_restore` section exits 0",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-012",
        "probe: the expected schemas exist",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-013",
        "probe: every expected schema has tables",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-014",
        "probe: no orphaned foreign-key rows outside the allow-list",
        Severity::Error,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-015",
        "S3 endpoints are HTTPS with verified certificates",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "BACKUP-016",
        "transfers time out after 15 min with 3 retries; the job after 60 min",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-017",
        "verify falls back to the in-swarm source after 10 min unreachable",
        Severity::Warning,
        RuleKind::Live,
    ),
    Rule::new(
        "BACKUP-018",
        "Slack failures route to a GitHub issue",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-019",
        "issues are deduplicated by run pattern and ISO week",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "BACKUP-020",
        "DR drill results are written with their cadence",
        Severity::Info,
        RuleKind::Action,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["BACKUP-"]).expect("CONTRACTS.md");
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
        assert_eq!(
            Rule::find("BACKUP-001").map(|r| r.id).ok(),
            Some("BACKUP-001")
        );
        let err = Rule::find("backup-001").expect_err("IDs are case-sensitive");
        assert!(err.to_string().contains("`backup-001`"), "{err}");
        assert!(err.to_string().contains("BACKUP-001"), "{err}");
    }
}
