//! The crate's rule catalog: one constant per contract clause it enforces,
//! declared with `busflow_diag::catalog!`.

busflow_diag::catalog! {
    /// Every rule of this crate: the clauses of `CONTRACTS.md` in their order,
    /// then this crate's own (`PIIX-…`).
    pub static CATALOG: "busflow-pii";
    PII_001 = "PII-001", Error, Action,
        "payment card numbers are redacted";
    PII_002 = "PII-002", Error, Action,
        "email addresses are redacted";
    PII_003 = "PII-003", Error, Static,
        "exclusions load from `pii-exclusions.yaml` or fail loudly";
    PII_004 = "PII-004", Warning, Action,
        "false positives are counted per rule and day against a budget";
    PII_005 = "PII-005", Error, Action + Static,
        "the rule set is emitted as Promtail `replace` stages";
    PII_006 = "PII-006", Error, Action,
        "the rule set is emitted as LogQL alerting rules";
    PII_007 = "PII-007", Error, Action,
        "sensitive URL parts are sanitised";
    PIIX_001 = "PIIX-001", Error, Action,
        "IBANs are redacted";
    PIIX_002 = "PIIX-002", Error, Action,
        "IP addresses are redacted";
    PIIX_003 = "PIIX-003", Error, Action,
        "phone numbers are redacted";
    PIIX_004 = "PIIX-004", Error, Action,
        "JWTs and bearer credentials are redacted";
    PIIX_005 = "PIIX-005", Error, Action,
        "credentials of a vendor's published shape are redacted";
    PIIX_006 = "PIIX-006", Error, Static,
        "application logs reach Loki only through the pii-gateway";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["PII-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = CATALOG
            .rules()
            .iter()
            .map(|r| r.id)
            .filter(|id| !id.starts_with("PIIX-"))
            .collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }
}
