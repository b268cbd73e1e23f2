//! The rules of every enabled crate, in one list, for selection and output;
//! and busflow's own rules, for checks of its own inputs.

use busflow_diag::Rule;

busflow_diag::catalog! {
    /// The root package's own rules (`BUSFLOW-`).
    pub static CATALOG: "busflow";
    BUSFLOW_001 = "BUSFLOW-001", Warning, Static,
        "a suppression comment names a rule that does not exist";
    BUSFLOW_002 = "BUSFLOW-002", Error, Static,
        "a file does not parse as what its extension claims (YAML, Terraform, JSON)";
    BUSFLOW_003 = "BUSFLOW-003", Error, Static,
        "every job the documents schedule has a workflow with its trigger (preflight on pull requests, dump 02:00 UTC, verify 03:00 UTC with a source input, weekly drift)";
    BUSFLOW_004 = "BUSFLOW-004", Error, Static,
        "credentials in workflows come from `secrets.*`, never written inline";
}

/// The catalogs of the enabled crates, then busflow's own.
pub fn catalogs() -> Vec<&'static busflow_diag::Catalog> {
    vec![
        #[cfg(feature = "swarm")]
        &busflow_swarm::CATALOG,
        #[cfg(feature = "backup")]
        &busflow_backup::CATALOG,
        #[cfg(feature = "obs-rules")]
        &busflow_obs_rules::CATALOG,
        #[cfg(feature = "pii")]
        &busflow_pii::CATALOG,
        #[cfg(feature = "ubicloud")]
        &busflow_ubicloud::CATALOG,
        &CATALOG,
    ]
}

/// Every rule of the enabled crates, then busflow's own.
pub fn catalog() -> Vec<&'static Rule> {
    catalogs()
        .into_iter()
        .flat_map(|c| c.rules().iter())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    #[test]
    fn ids_are_unique_across_crates_and_every_rule_has_a_title_and_its_owner() {
        let rules = catalog();
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules.len(), "duplicate rule IDs");
        for c in catalogs() {
            for r in c.rules() {
                assert!(!r.title.is_empty() && !r.title.ends_with('.'), "{}", r.id);
                assert_eq!(r.owner, c.owner(), "{}", r.id);
                assert_eq!(c.find(r.id), Ok(r), "{}", r.id);
            }
            let lower = c.rules()[0].id.to_ascii_lowercase();
            let err = c.find(&lower).expect_err("IDs are case-sensitive");
            assert!(err.to_string().contains(c.rules()[0].id), "{err}");
        }
    }

    #[cfg(all(feature = "swarm", feature = "backup"))]
    #[test]
    fn holds_each_crates_rules_with_their_severity_and_owner() {
        let rules = catalog();
        let tf = rules
            .iter()
            .find(|r| r.id == "SWARM-TF-001")
            .expect("swarm rule");
        assert_eq!((tf.severity, tf.owner), (Severity::Error, "busflow-swarm"));
        let drill = rules
            .iter()
            .find(|r| r.id == "BACKUP-020")
            .expect("backup rule");
        assert_eq!(drill.severity, Severity::Info);
    }
}
