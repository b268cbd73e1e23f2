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
    /// The clause ID from `CONTRACTS.md`, used verbatim (`SWARM-TF-001`).
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
/// crate's own (`SWARMX-`).
pub static RULES: &[Rule] = &[
    Rule::new(
        "SWARM-TF-001",
        "`manager_count` is validated to be odd",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-002",
        "`hetzner_location` is validated to `fsn1`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-003",
        "managers share the install script; only manager 0 runs `swarm init`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-004",
        "`null_resource.manager_join_token` fetches the manager token over SSH",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-005",
        "managers join manager 0 on its private IP, port 2377",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-006",
        "join provisioners fail loudly and print a `journalctl -u docker` tail",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-007",
        "each manager has its own SSH host key, indexed by `count.index`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-008",
        "output `manager_host_keys` maps every manager to its fingerprint",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-009",
        "host-key checking is never disabled and every connection sets `host_key`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-010",
        "one stateful worker labelled `tier = stateful` holds the data volume",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-011",
        "one observability worker, `tier = observability`, cpx21 or larger",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-012",
        "the ingress load balancer serves 80/443 with the `/healthz` check and label target",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-TF-013",
        "every swarm node carries `busflow-swarm = \"true\"`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-QUORUM-001",
        "quorum expansion above 50 tenants or a 99.5 % SLA",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-QUORUM-002",
        "shrinking managers carries the demote and leave runbook",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-001",
        "every service limits its memory",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-002",
        "every service reserves CPU",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-003",
        "application services log to Loki with the documented options",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-004",
        "observability services are placed on `tier == observability`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-005",
        "stateful services are placed on `tier == stateful`, never on managers",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-006",
        "the exporter stays at 0 replicas until its DSN secret exists",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-007",
        "no plaintext secrets in `environment`",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-008",
        "no MinIO in production and every `S3_ENDPOINT` is HTTPS",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-009",
        "single-writer ingesters, two collectors, global promtail",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-010",
        "configs carry content-addressed names",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-011",
        "placement constraints use keys swarm knows",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-012",
        "the file is a valid v3 stack file",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-COMPOSE-013",
        "stateful data volumes use a Hetzner volume driver",
        Severity::Error,
        RuleKind::Static,
    ),
    Rule::new(
        "SWARM-OPS-001",
        "weekly prune of images, containers and build cache older than 168 h",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "SWARM-OPS-002",
        "drift from `terraform plan` opens an issue and posts to Slack, never applies",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "SWARM-OPS-003",
        "a critical volume alert resizes online, capped at 100 GB, with a cooldown",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "SWARM-OPS-004",
        "a secret swap is one full-spec service update",
        Severity::Error,
        RuleKind::Action,
    ),
    Rule::new(
        "SWARMX-001",
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
        let contract = testkit::clause_ids(&["SWARM-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("SWARM-"))
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
            Rule::find("SWARM-TF-001").map(|r| r.id).ok(),
            Some("SWARM-TF-001")
        );
        let err = Rule::find("swarm-tf-001").expect_err("IDs are case-sensitive");
        assert!(err.to_string().contains("`swarm-tf-001`"), "{err}");
        assert!(err.to_string().contains("SWARM-TF-001"), "{err}");
    }
}
