//! The static entry point: one rule file in, every finding out.

use std::path::{Path, PathBuf};

use crate::Finding;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
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
    findings.sort_by_key(|f| (f.start.line, f.start.column));
    Checked { file, findings }
}

/// Checks every rule file (`*.yml`, `*.yaml`) below `dir`, in path order.
/// A file that cannot be read is an error; a file that does not parse is a
/// [`Checked`] with OBS-001 findings.
///
/// Only regular files inside `dir` are read: links that lead out of it,
/// links to folders (no loop can form), FIFOs and devices are passed over.
pub fn check_rule_dir(dir: &Path, config: &Config) -> Result<Vec<Checked>, Error> {
    let root = busflow_fs::Root::new(dir).map_err(|e| Error::from_kind(ErrorKind::Read(e)))?;
    let walk = root
        .walk(&|_| true, &|p| {
            matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
        })
        .map_err(|e| Error::from_kind(ErrorKind::Read(e)))?;
    for s in &walk.skipped {
        tracing::warn!(file = %dir.join(&s.path).display(), reason = %s.reason, "rule file skipped");
    }
    let paths: Vec<PathBuf> = walk.files.iter().map(|p| dir.join(p)).collect();
    check_rule_paths(&paths, config)
}

/// Reads and checks `paths`, spread over the machine's cores; the result
/// keeps the order of `paths`. The first file that cannot be read is the
/// error: only regular files are read, up to busflow-fs's size cap, and a
/// relative path that is a link leading out of the current folder is
/// refused ([`busflow_fs::read_arg`]).
pub fn check_rule_paths(paths: &[PathBuf], config: &Config) -> Result<Vec<Checked>, Error> {
    let limits = busflow_fs::Limits::default();
    let one = |path: &PathBuf| -> Result<Checked, Error> {
        let bytes = busflow_fs::read_arg_bytes(path, &limits)
            .map_err(|e| Error::from_kind(ErrorKind::Read(e)))?;
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
