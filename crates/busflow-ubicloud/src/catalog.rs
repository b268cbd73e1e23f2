//! The crate's rule catalog: one constant per contract clause it enforces,
//! declared with `busflow_diag::catalog!`.

busflow_diag::catalog! {
    /// Every rule of this crate, in the order of `CONTRACTS.md`, then the
    /// crate's own (`UBIX-`).
    pub static CATALOG: "busflow-ubicloud";
    UBI_TF_001 = "UBI-TF-001", Error, Static,
        "module variables have their types, defaults and validations";
    UBI_TF_002 = "UBI-TF-002", Error, Static,
        "the module declares the instance, firewall rules and metric destination";
    UBI_TF_003 = "UBI-TF-003", Error, Static,
        "connection outputs are sensitive and `instance_fqdn` exists";
    UBI_TF_004 = "UBI-TF-004", Error, Static,
        "the provider is `ubicloud/ubicloud ~> 0.3` on the project variable";
    UBI_CUT_001 = "UBI-CUT-001", Error, Action,
        "the cutover triggers above 50 tenants or a 99.5 % SLA";
    UBI_CUT_002 = "UBI-CUT-002", Error, Action,
        "reader and writer secrets flip in one service update";
    UBI_CUT_003 = "UBI-CUT-003", Error, Action,
        "hydration aborts when replication lag does not converge in 60 min";
    UBI_CUT_004 = "UBI-CUT-004", Error, Action,
        "the final pre-cutover dump is pinned for 30 days";
    UBI_CUT_005 = "UBI-CUT-005", Error, Action,
        "client connections retry with backoff and jitter";
    UBI_CUT_006 = "UBI-CUT-006", Error, Action,
        "connection strings use `sslmode=verify-full` with the instance CA";
    UBI_CUT_007 = "UBI-CUT-007", Error, Static,
        "production applies run in the `terraform-prod` concurrency group";
    UBI_CUT_008 = "UBI-CUT-008", Error, Action,
        "p99 above twice the baseline for 10 min rolls back";
    UBI_CUT_009 = "UBI-CUT-009", Info, Action,
        "the 72 h parallel run's cost is reported for sign-off";
    UBI_CUT_010 = "UBI-CUT-010", Error, Action,
        "only the database reader and writer secrets change";
    UBI_CUT_011 = "UBI-CUT-011", Error, Static,
        "the instance runs in Falkenstein (`eu-central-h1`)";
    UBIX_001 = "UBIX-001", Error, Static,
        "every Terraform file of the module parses";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["UBI-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = CATALOG
            .rules()
            .iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("UBI-"))
            .collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }
}
