//! The ubicloud clauses preflight checks statically: UBI-TF-001 … 003 (and
//! the location half of UBI-CUT-011) on every
//! `terraform/modules/postgres-ubicloud` folder, UBI-TF-004 there and on
//! every `terraform/environments/production` folder, `UBIX-001` on files
//! that do not parse, and UBI-CUT-007 on the GitHub workflows that apply
//! Terraform to production.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use busflow_ubicloud::{Module, check_module, check_providers, check_workflow};

use crate::finding::Finding;
use crate::sources::Sources;

fn folder(path: &Path, tail: [&str; 3]) -> Option<PathBuf> {
    let parts: Vec<&str> = path.iter().filter_map(|c| c.to_str()).collect();
    let at = parts.windows(3).position(|w| w == tail)?;
    let dir: PathBuf = parts[..at + 3].iter().collect();
    (path.parent() == Some(dir.as_path()) && path.extension().is_some_and(|e| e == "tf"))
        .then_some(dir)
}

pub(super) fn check(sources: &Sources) -> Vec<Finding> {
    let mut modules: BTreeMap<PathBuf, Vec<(PathBuf, String)>> = BTreeMap::new();
    let mut environments: BTreeMap<PathBuf, Vec<(PathBuf, String)>> = BTreeMap::new();
    for (path, text) in sources.iter() {
        if let Some(dir) = folder(path, ["terraform", "modules", "postgres-ubicloud"]) {
            modules
                .entry(dir)
                .or_default()
                .push((path.to_path_buf(), text.to_owned()));
        } else if let Some(dir) = folder(path, ["terraform", "environments", "production"]) {
            environments
                .entry(dir)
                .or_default()
                .push((path.to_path_buf(), text.to_owned()));
        }
    }
    let mut out = Vec::new();
    for (path, text) in sources.iter() {
        let in_workflows = path
            .parent()
            .is_some_and(|p| p.ends_with(".github/workflows"));
        if in_workflows {
            out.extend(check_workflow(path, text));
        }
    }
    for (dir, files) in modules {
        out.extend(check_module(&Module::from_sources(&dir, files, Vec::new())));
    }
    for (dir, files) in environments {
        out.extend(check_providers(&Module::from_sources(
            &dir,
            files,
            Vec::new(),
        )));
    }
    out.into_iter().collect()
}
