//! The crate's rule catalog: one constant per contract clause it enforces,
//! declared with `busflow_diag::catalog!`.

busflow_diag::catalog! {
    /// Every rule of this crate, in the order of `CONTRACTS.md`, then the
    /// crate's own (`SWARMX-`).
    pub static CATALOG: "busflow-swarm";
    SWARM_TF_001 = "SWARM-TF-001", Error, Static,
        "`manager_count` is validated to be odd";
    SWARM_TF_002 = "SWARM-TF-002", Error, Static,
        "`hetzner_location` is validated to `fsn1`";
    SWARM_TF_003 = "SWARM-TF-003", Error, Static,
        "managers share the install script; only manager 0 runs `swarm init`";
    SWARM_TF_004 = "SWARM-TF-004", Error, Static,
        "`null_resource.manager_join_token` fetches the manager token over SSH";
    SWARM_TF_005 = "SWARM-TF-005", Error, Static,
        "managers join manager 0 on its private IP, port 2377";
    SWARM_TF_006 = "SWARM-TF-006", Error, Static,
        "join provisioners fail loudly and print a `journalctl -u docker` tail";
    SWARM_TF_007 = "SWARM-TF-007", Error, Static,
        "each manager has its own SSH host key, indexed by `count.index`";
    SWARM_TF_008 = "SWARM-TF-008", Error, Static,
        "output `manager_host_keys` maps every manager to its fingerprint";
    SWARM_TF_009 = "SWARM-TF-009", Error, Static,
        "host-key checking is never disabled and every connection sets `host_key`";
    SWARM_TF_010 = "SWARM-TF-010", Error, Static,
        "one stateful worker labelled `tier = stateful` holds the data volume";
    SWARM_TF_011 = "SWARM-TF-011", Error, Static,
        "one observability worker, `tier = observability`, cpx21 or larger";
    SWARM_TF_012 = "SWARM-TF-012", Error, Static,
        "the ingress load balancer serves 80/443 with the `/healthz` check and label target";
    SWARM_TF_013 = "SWARM-TF-013", Error, Static,
        "every swarm node carries `busflow-swarm = \"true\"`";
    SWARM_QUORUM_001 = "SWARM-QUORUM-001", Error, Action,
        "quorum expansion above 50 tenants or a 99.5 % SLA";
    SWARM_QUORUM_002 = "SWARM-QUORUM-002", Error, Action,
        "shrinking managers carries the demote and leave runbook";
    SWARM_COMPOSE_001 = "SWARM-COMPOSE-001", Error, Static,
        "every service limits its memory";
    SWARM_COMPOSE_002 = "SWARM-COMPOSE-002", Error, Static,
        "every service reserves CPU";
    SWARM_COMPOSE_003 = "SWARM-COMPOSE-003", Error, Static,
        "application services log to Loki with the documented options";
    SWARM_COMPOSE_004 = "SWARM-COMPOSE-004", Error, Static,
        "observability services are placed on `tier == observability`";
    SWARM_COMPOSE_005 = "SWARM-COMPOSE-005", Error, Static,
        "stateful services are placed on `tier == stateful`, never on managers";
    SWARM_COMPOSE_006 = "SWARM-COMPOSE-006", Error, Static,
        "the exporter stays at 0 replicas until its DSN secret exists";
    SWARM_COMPOSE_007 = "SWARM-COMPOSE-007", Error, Static,
        "no plaintext secrets in `environment`";
    SWARM_COMPOSE_008 = "SWARM-COMPOSE-008", Error, Static,
        "no MinIO in production and every `S3_ENDPOINT` is HTTPS";
    SWARM_COMPOSE_009 = "SWARM-COMPOSE-009", Error, Static,
        "single-writer ingesters, two collectors, global promtail";
    SWARM_COMPOSE_010 = "SWARM-COMPOSE-010", Error, Static,
        "configs carry content-addressed names";
    SWARM_COMPOSE_011 = "SWARM-COMPOSE-011", Error, Static,
        "placement constraints use keys swarm knows";
    SWARM_COMPOSE_012 = "SWARM-COMPOSE-012", Error, Static,
        "the file is a valid v3 stack file";
    SWARM_COMPOSE_013 = "SWARM-COMPOSE-013", Error, Static,
        "stateful data volumes use a Hetzner volume driver";
    SWARM_OPS_001 = "SWARM-OPS-001", Error, Action,
        "weekly prune of images, containers and build cache older than 168 h";
    SWARM_OPS_002 = "SWARM-OPS-002", Error, Action,
        "drift from `terraform plan` opens an issue and posts to Slack, never applies";
    SWARM_OPS_003 = "SWARM-OPS-003", Error, Action,
        "a critical volume alert resizes online, capped at 100 GB, with a cooldown";
    SWARM_OPS_004 = "SWARM-OPS-004", Error, Action,
        "a secret swap is one full-spec service update";
    SWARMX_001 = "SWARMX-001", Error, Static,
        "every Terraform file of the module parses";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["SWARM-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = CATALOG
            .rules()
            .iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("SWARM-"))
            .collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }
}
