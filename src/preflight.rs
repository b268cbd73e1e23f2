//! The CI gate: every static check over an infrastructure repository.
//!
//! The checks of each crate join [`run`] as they land; today it reads every
//! Terraform and YAML file below the root and checks their suppression
//! comments (`BUSFLOW-001`).

use std::path::{Path, PathBuf};

use crate::catalog::RuleInfo;
use crate::error::Error;
use crate::render::Report;
use crate::select::Selection;
use crate::sources::Sources;
use crate::suppress;

/// The outcome of a preflight run.
#[derive(Debug, Clone)]
pub struct Preflight {
    /// The findings left after selection and suppression comments.
    pub report: Report,
    /// The files read (relative to the root), for rendering source lines.
    pub sources: Sources,
    /// The rule IDs whose checks ran.
    pub checks_run: Vec<&'static str>,
}

/// Whether the checks read a file: Terraform and YAML.
fn is_checked(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("tf" | "hcl" | "yml" | "yaml")
    )
}

/// Reads every checked file below `root` (hidden folders and `target`
/// skipped), keyed by its path relative to `root`.
pub fn read_sources(root: &Path) -> Result<Sources, Error> {
    fn walk(root: &Path, dir: &Path, sources: &mut Sources) -> Result<(), Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .collect::<Result<_, _>>()
            .map_err(io(dir))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name();
            if entry.file_type().map_err(io(&path))?.is_dir() {
                if !name.to_string_lossy().starts_with('.') && name != "target" {
                    walk(root, &path, sources)?;
                }
            } else if is_checked(&path) {
                let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                let relative: PathBuf = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                sources.insert(relative, text);
            }
        }
        Ok(())
    }
    if !root.is_dir() {
        return Err(Error::NotADirectory(root.to_path_buf()));
    }
    let mut sources = Sources::new();
    walk(root, root, &mut sources)?;
    Ok(sources)
}

/// Runs every static check over the repository at `root`.
pub fn run(root: &Path, selection: &Selection, catalog: &[RuleInfo]) -> Result<Preflight, Error> {
    let sources = read_sources(root)?;
    let findings = suppress::unknown_rules(&sources, catalog);
    let split = suppress::apply(selection.filter(findings), &sources);
    Ok(Preflight {
        report: Report::new(split.kept, split.suppressed.len()),
        sources,
        checks_run: vec![crate::catalog::UNKNOWN_SUPPRESSION.id],
    })
}
