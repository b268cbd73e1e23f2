//! The static entry point: one rule file in, every finding out.

use std::path::Path;

use crate::config::Config;
use crate::finding::Finding;
use crate::model::{self, RuleFile};
use crate::{policy, validity};

/// A checked rule file: its model (as much as could be read) and findings.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The model.
    pub file: RuleFile,
    /// Every finding, in file order.
    pub findings: Vec<Finding>,
}

/// Parses and checks one rule file's bytes: OBS-001 (structure and
/// validity), then OBS-002, OBS-003, OBS-005 and OBS-006. Never panics on
/// any input.
pub fn check_rule_file(path: &Path, bytes: &[u8], config: &Config) -> Checked {
    let (file, mut findings) = model::parse(path, bytes);
    findings.extend(validity::check(&file));
    findings.extend(policy::check(&file, config));
    findings.sort_by_key(|f| (f.line, f.column));
    Checked { file, findings }
}
