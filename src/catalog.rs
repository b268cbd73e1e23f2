//! The rules of every enabled crate, in one list, for selection and output.

use crate::finding::Severity;

/// A rule as the output layer sees it, whichever crate owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule ID (`SWARM-TF-001`).
    pub id: &'static str,
    /// What the rule holds, in a line.
    pub title: &'static str,
    /// Its default severity.
    pub severity: Severity,
    /// The crate that owns it (`busflow-swarm`).
    pub owner: &'static str,
}

/// Rules of the root package itself, for checks of busflow's own inputs.
pub const UNKNOWN_SUPPRESSION: RuleInfo = RuleInfo {
    id: "BUSFLOW-001",
    title: "a suppression comment names a rule that does not exist",
    severity: Severity::Warning,
    owner: "busflow",
};

/// A file the repository holds does not parse as what its name says.
pub const UNPARSED_FILE: RuleInfo = RuleInfo {
    id: "BUSFLOW-002",
    title: "a file does not parse as what its extension claims (YAML, Terraform, JSON)",
    severity: Severity::Error,
    owner: "busflow",
};

/// A job the platform's documents schedule is missing from the workflows, or
/// runs on another trigger.
pub const MISSING_SCHEDULE: RuleInfo = RuleInfo {
    id: "BUSFLOW-003",
    title: "every job the documents schedule has a workflow with its trigger (preflight on pull requests, dump 02:00 UTC, verify 03:00 UTC with a source input, weekly drift)",
    severity: Severity::Error,
    owner: "busflow",
};

/// A workflow writes a credential inline.
pub const INLINE_SECRET: RuleInfo = RuleInfo {
    id: "BUSFLOW-004",
    title: "credentials in workflows come from `secrets.*`, never written inline",
    severity: Severity::Error,
    owner: "busflow",
};

// Each crate owns its own `Rule` and `Severity` (the crates are independent);
// this converts them. Their enums are `#[non_exhaustive]`, so an unknown
// severity from a newer crate is treated as the strictest.
macro_rules! convert_catalog {
    ($out:ident, $krate:ident, $name:literal) => {
        $out.extend($krate::RULES.iter().map(|r| RuleInfo {
            id: r.id,
            title: r.title,
            severity: match r.severity {
                $krate::Severity::Info => Severity::Info,
                $krate::Severity::Warning => Severity::Warning,
                _ => Severity::Error,
            },
            owner: $name,
        }));
    };
}

/// Every rule of the enabled crates, then busflow's own.
pub fn catalog() -> Vec<RuleInfo> {
    let mut rules = Vec::new();
    #[cfg(feature = "swarm")]
    convert_catalog!(rules, busflow_swarm, "busflow-swarm");
    #[cfg(feature = "backup")]
    convert_catalog!(rules, busflow_backup, "busflow-backup");
    #[cfg(feature = "obs-rules")]
    convert_catalog!(rules, busflow_obs_rules, "busflow-obs-rules");
    #[cfg(feature = "pii")]
    convert_catalog!(rules, busflow_pii, "busflow-pii");
    #[cfg(feature = "ubicloud")]
    convert_catalog!(rules, busflow_ubicloud, "busflow-ubicloud");
    rules.push(UNKNOWN_SUPPRESSION);
    rules.push(UNPARSED_FILE);
    rules.push(MISSING_SCHEDULE);
    rules.push(INLINE_SECRET);
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_across_crates() {
        let rules = catalog();
        let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
    }

    #[cfg(all(feature = "swarm", feature = "backup"))]
    #[test]
    fn converts_each_crates_rules_with_their_severity() {
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
