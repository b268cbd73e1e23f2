//! The crate's rule catalog: one constant per contract clause it enforces,
//! declared with `busflow_diag::catalog!`.

busflow_diag::catalog! {
    /// Every rule of this crate, in the order of `CONTRACTS.md`.
    pub static CATALOG: "busflow-backup";
    BACKUP_001 = "BACKUP-001", Error, Action,
        "dump names follow `pg_dump_YYYYMMDD_HHMM.dump`";
    BACKUP_002 = "BACKUP-002", Error, Action,
        "retention keeps 14 daily and 4 weekly dumps, additive by default";
    BACKUP_003 = "BACKUP-003", Error, Action,
        "a dump can be pinned for a duration";
    BACKUP_004 = "BACKUP-004", Error, Action,
        "the producer streams `pg_dump --format=custom` to the bucket";
    BACKUP_005 = "BACKUP-005", Error, Live + Static,
        "verify takes the newest dump; missing or empty fails";
    BACKUP_006 = "BACKUP-006", Error, Live + Static,
        "the source is a named remote";
    BACKUP_007 = "BACKUP-007", Error, Live,
        "dumps above the size ceiling abort with their own outcome";
    BACKUP_008 = "BACKUP-008", Error, Live,
        "the dump streams into `pg_restore` without a full copy on disk";
    BACKUP_009 = "BACKUP-009", Error, Live,
        "the first bytes are a custom-format or plain pg_dump header";
    BACKUP_010 = "BACKUP-010", Error, Live,
        "restore runs pre-data, extensions, data, post-data";
    BACKUP_011 = "BACKUP-011", Error, Live,
        "probe: every `pg_restore` section exits 0";
    BACKUP_012 = "BACKUP-012", Error, Live,
        "probe: the expected schemas exist";
    BACKUP_013 = "BACKUP-013", Error, Live,
        "probe: every expected schema has tables";
    BACKUP_014 = "BACKUP-014", Error, Live + Static,
        "probe: no orphaned foreign-key rows outside the allow-list";
    BACKUP_015 = "BACKUP-015", Error, Static,
        "S3 endpoints are HTTPS with verified certificates";
    BACKUP_016 = "BACKUP-016", Error, Action,
        "transfers time out after 15 min with 3 retries; the job after 60 min";
    BACKUP_017 = "BACKUP-017", Warning, Live,
        "verify falls back to the in-swarm source after 10 min unreachable";
    BACKUP_018 = "BACKUP-018", Error, Action,
        "Slack failures route to a GitHub issue";
    BACKUP_019 = "BACKUP-019", Error, Action,
        "issues are deduplicated by run pattern and ISO week";
    BACKUP_020 = "BACKUP-020", Info, Action,
        "DR drill results are written with their cadence";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_exactly_the_contract_section() {
        let contract = testkit::clause_ids(&["BACKUP-"]).expect("CONTRACTS.md");
        let ours: Vec<&str> = CATALOG.rules().iter().map(|r| r.id).collect();
        assert_eq!(ours, contract, "catalog and CONTRACTS.md disagree");
    }
}
