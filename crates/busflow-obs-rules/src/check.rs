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
    check_rule_paths(&paths, config)
}

/// Reads and checks `paths`, spread over the machine's cores; the result
/// keeps the order of `paths`. The first file that cannot be read is the
/// error.
pub fn check_rule_paths(paths: &[PathBuf], config: &Config) -> Result<Vec<Checked>, Error> {
    let one = |path: &PathBuf| -> Result<Checked, Error> {
        let bytes = std::fs::read(path).map_err(|source| io(path, source))?;
        Ok(check_rule_file(path, &bytes, config))
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads == 1 || paths.len() < 2 {
        return paths.iter().map(one).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    let results: Vec<Vec<Result<Checked, Error>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.into_iter().flatten().collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_checks_keep_the_order_of_the_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths: Vec<PathBuf> = (0..9)
            .map(|i| {
                let path = dir.path().join(format!("r{i}.yml"));
                let expr = if i == 4 { "sum(" } else { "up" };
                std::fs::write(&path, format!("groups:\n  - name: g{i}\n    rules:\n      - record: r{i}\n        expr: {expr}\n"))
                    .expect("write");
                path
            })
            .collect();
        let checked = check_rule_paths(&paths, &Config::default()).expect("all readable");
        let names: Vec<&str> = checked
            .iter()
            .map(|c| c.file.groups[0].name.value.as_str())
            .collect();
        assert_eq!(
            names,
            ["g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"]
        );
        assert_eq!(checked.iter().position(|c| !c.findings.is_empty()), Some(4));

        let mut with_missing = paths.clone();
        with_missing.insert(3, dir.path().join("missing.yml"));
        let err = check_rule_paths(&with_missing, &Config::default()).expect_err("unreadable");
        assert!(err.to_string().contains("missing.yml"), "{err}");
    }
}
