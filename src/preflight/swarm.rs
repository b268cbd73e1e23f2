//! The swarm clauses preflight checks statically: SWARM-TF-001 … 013 on
//! every `terraform/modules/swarm` folder (its `.tf` files, and its YAML
//! templates for SWARM-TF-009), `SWARMX-001` on files that do not parse,
//! and SWARM-COMPOSE-001 … 013 on every `docker-compose.production.yml`
//! and `docker-compose.observability.yml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use busflow_swarm::{Module, StackContract, TfContract, check_module, check_stack};

use crate::finding::Finding;
use crate::sources::Sources;

/// The swarm clauses preflight checks (QUORUM needs tenants and SLA, the
/// operations are live).
pub(super) const STATIC_RULES: [&str; 27] = [
    "SWARM-TF-001",
    "SWARM-TF-002",
    "SWARM-TF-003",
    "SWARM-TF-004",
    "SWARM-TF-005",
    "SWARM-TF-006",
    "SWARM-TF-007",
    "SWARM-TF-008",
    "SWARM-TF-009",
    "SWARM-TF-010",
    "SWARM-TF-011",
    "SWARM-TF-012",
    "SWARM-TF-013",
    "SWARMX-001",
    "SWARM-COMPOSE-001",
    "SWARM-COMPOSE-002",
    "SWARM-COMPOSE-003",
    "SWARM-COMPOSE-004",
    "SWARM-COMPOSE-005",
    "SWARM-COMPOSE-006",
    "SWARM-COMPOSE-007",
    "SWARM-COMPOSE-008",
    "SWARM-COMPOSE-009",
    "SWARM-COMPOSE-010",
    "SWARM-COMPOSE-011",
    "SWARM-COMPOSE-012",
    "SWARM-COMPOSE-013",
];

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
            let name = path.file_name()?.to_str()?;
            let production = matches!(
                name,
                "docker-compose.production.yml" | "docker-compose.production.yaml"
            );
            let observability = matches!(
                name,
                "docker-compose.observability.yml" | "docker-compose.observability.yaml"
            );
            (production || observability)
                .then(|| check_stack(path, text, production, &stack_contract))
        })
        .flatten()
        .map(Finding::from)
        .collect();
    let contract = TfContract::default();
    out.extend(
        modules
            .into_iter()
            .flat_map(|(dir, (tf, scripts))| {
                let module = Module::from_sources(&dir, tf, scripts);
                check_module(&module, &contract)
            })
            .map(Finding::from),
    );
    out
}
