//! Rule selection by ID: `--select` and `--ignore`.

use crate::Rule;
use crate::error::Error;
use crate::finding::Finding;

/// Which rules are enabled. A pattern is a rule ID (`SWARM-TF-001`) or a
/// prefix of IDs ending at a dash boundary (`SWARM-TF`, `SWARM`). With no
/// `select` patterns every rule is selected; `ignore` wins over `select`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl Selection {
    /// Builds a selection; every pattern must match at least one rule of
    /// `catalog`, so that a typo never silently selects nothing.
    pub fn new(
        select: &[String],
        ignore: &[String],
        catalog: &[&'static Rule],
    ) -> Result<Self, Error> {
        for (flag, patterns) in [("select", select), ("ignore", ignore)] {
            if let Some(bad) = patterns
                .iter()
                .find(|p| !catalog.iter().any(|r| matches(p, r.id)))
            {
                return Err(Error::UnknownRule {
                    flag,
                    pattern: bad.clone(),
                });
            }
        }
        Ok(Self {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
        })
    }

    /// Whether findings of rule `id` are reported.
    pub fn is_enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| matches(p, id)))
            && !self.ignore.iter().any(|p| matches(p, id))
    }

    /// Keeps the findings of enabled rules.
    pub fn filter(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| self.is_enabled(f.rule_id))
            .collect()
    }
}

/// `pattern` is `id`, or a prefix of it that ends where a dash follows.
fn matches(pattern: &str, id: &str) -> bool {
    id == pattern || (id.starts_with(pattern) && id.as_bytes().get(pattern.len()) == Some(&b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;
    use crate::finding::Severity;
    use crate::finding::test_finding;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn selects_by_id_and_prefix_and_ignore_wins() {
        let sel = Selection::new(
            &ids(&["SWARM-TF", "OBS-001"]),
            &ids(&["SWARM-TF-009"]),
            &catalog(),
        )
        .expect("valid patterns");
        assert!(sel.is_enabled("SWARM-TF-001"));
        assert!(sel.is_enabled("OBS-001"));
        assert!(!sel.is_enabled("SWARM-TF-009"));
        assert!(!sel.is_enabled("SWARM-COMPOSE-001"));
        assert!(!sel.is_enabled("OBS-002"));
    }

    #[test]
    fn an_empty_selection_enables_everything() {
        let sel = Selection::default();
        assert!(sel.is_enabled("PII-001") && sel.is_enabled("ANYTHING-001"));
    }

    #[test]
    fn a_prefix_must_end_at_a_dash() {
        assert!(matches("SWARM-TF", "SWARM-TF-001"));
        assert!(!matches("SWARM-T", "SWARM-TF-001"));
        assert!(!matches("OBS-00", "OBS-001"));
    }

    #[test]
    fn a_pattern_that_matches_nothing_is_an_error() {
        let err = Selection::new(&ids(&["SWARM-TF-999"]), &[], &catalog()).expect_err("typo");
        assert!(err.to_string().contains("SWARM-TF-999") && err.to_string().contains("--select"));
        let err = Selection::new(&[], &ids(&["swarm-tf"]), &catalog()).expect_err("case matters");
        assert!(err.to_string().contains("--ignore"));
    }

    #[test]
    fn filters_findings() {
        let sel = Selection::new(&[], &ids(&["PII"]), &catalog()).expect("valid");
        let kept = sel.filter(vec![
            test_finding("PII-001", Severity::Error, "m", "f", 1, 1),
            test_finding("OBS-001", Severity::Error, "m", "f", 1, 1),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule_id, "OBS-001");
    }
}
