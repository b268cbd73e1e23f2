//! The crate's rule catalog: one constant per contract clause it enforces,
//! declared with `busflow_diag::catalog!`.

busflow_diag::catalog! {
    /// Every rule of this crate, in the order of `CONTRACTS.md`.
    pub static CATALOG: "busflow-obs-rules";
    OBS_001 = "OBS-001", Error, Static,
        "rule files are valid, as `promtool check rules` judges";
    OBS_002 = "OBS-002", Error, Static,
        "alerts on custom metrics declare an integer `cardinality_budget`";
    OBS_003 = "OBS-003", Error, Static,
        "a declared budget stays within the tenant cap times series per tenant";
    OBS_004 = "OBS-004", Error, Live,
        "a metric's active series stay within its budget";
    OBS_005 = "OBS-005", Error, Static,
        "alerts carry `runbook_url` and a known `severity`";
    OBS_006 = "OBS-006", Error, Static,
        "no unbounded labels";
    OBS_007 = "OBS-007", Error, Static,
        "the documented alerts exist with their thresholds";
    OBS_008 = "OBS-008", Warning, Live,
        "the SLO table, error budgets and feature freeze";
    OBS_009 = "OBS-009", Error, Static,
        "Loki retention is 336 h with a compactor and no lifecycle deletes";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["OBS-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = CATALOG.rules().iter().map(|r| r.id).collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }
}
