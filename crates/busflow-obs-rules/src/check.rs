//! The static entry point: one rule file in, every finding out.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::finding::Finding;
use crate::model::{self, RuleFile};
use crate::promql::Analyses;
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
    let analyses = Analyses::of(&file);
    findings.extend(validity::check(&file, &analyses));
    findings.extend(policy::check(&file, &analyses, config));
    findings.sort_by_key(|f| (f.line, f.column));
    Checked { file, findings }
}

/// Checks every rule file (`*.yml`, `*.yaml`) below `dir`, in path order.
/// A file that cannot be read is an error; a file that does not parse is a
/// [`Checked`] with OBS-001 findings.
pub fn check_rule_dir(dir: &Path, config: &Config) -> Result<Vec<Checked>, Error> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|source| io(&path, source))?;
            Ok(check_rule_file(&path, &bytes, config))
        })
        .collect()
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::from_kind(ErrorKind::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}
