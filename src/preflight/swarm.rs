//! The swarm clauses preflight checks statically: SWARM-TF-001 … 013 on
//! every `terraform/modules/swarm` folder (its `.tf` files, and its YAML
//! templates for SWARM-TF-009), `SWARMX-001` on files that do not parse,
//! and SWARM-COMPOSE-001 … 013 on every `docker-compose.production.yml`
//! and `docker-compose.observability.yml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use busflow_swarm::{Module, StackContract, StackFile, TfContract, check_module, check_stack};

use crate::finding::Finding;
use crate::sources::Sources;

fn module_dir(path: &Path) -> Option<PathBuf> {
    let parts: Vec<&str> = path.iter().filter_map(|c| c.to_str()).collect();
    let at = parts
        .windows(3)
        .position(|w| w == ["terraform", "modules", "swarm"])?;
    Some(parts[..at + 3].iter().collect())
}

pub(super) fn check(sources: &Sources) -> Vec<Finding> {
    type Files = Vec<(PathBuf, String)>;
    let mut modules: BTreeMap<PathBuf, (Files, Files)> = BTreeMap::new();
    for (path, text) in sources.iter() {
        let Some(dir) = module_dir(path) else {
            continue;
        };
        let entry = modules.entry(dir.clone()).or_default();
        let top_level_tf =
            path.parent() == Some(dir.as_path()) && path.extension().is_some_and(|e| e == "tf");
        if top_level_tf {
            entry.0.push((path.to_path_buf(), text.to_owned()));
        } else {
            entry.1.push((path.to_path_buf(), text.to_owned()));
        }
    }
    let stack_contract = StackContract::default();
    let mut out: Vec<Finding> = sources
        .iter()
        .filter_map(|(path, text)| {
            let kind = StackFile::of(path)?;
            Some(check_stack(
                path,
                text,
                kind == StackFile::Production,
                &stack_contract,
            ))
        })
        .flatten()
        .collect();
    let contract = TfContract::default();
    out.extend(modules.into_iter().flat_map(|(dir, (tf, scripts))| {
        let module = Module::from_sources(&dir, tf, scripts);
        check_module(&module, &contract)
    }));
    out
}
