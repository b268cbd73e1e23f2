//! SWARM-COMPOSE-006, the live half: every secret and config a stack file
//! references must exist on the swarm before `docker stack deploy`, which
//! fails on a missing one whatever the replica count.

use crate::catalog::SWARM_COMPOSE_006;
use std::path::Path;

use busflow_yaml::Node;

use super::SwarmApi;
use crate::Finding;
use crate::error::Error;
use crate::source::Pos;

/// The secrets and configs the stack at `path` references that the swarm
/// does not have, as SWARM-COMPOSE-006 findings at the reference. A stack
/// deploy names non-external ones `<stack>_<key>`; `stack` gives that
/// prefix. A file that does not parse gives no finding here (the static
/// checks report it).
pub async fn missing_references(
    api: &dyn SwarmApi,
    path: &Path,
    text: &str,
    stack: &str,
) -> Result<Vec<Finding>, Error> {
    let Ok(docs) = busflow_yaml::parse(text) else {
        return Ok(Vec::new());
    };
    let Some(root) = docs.first() else {
        return Ok(Vec::new());
    };
    let secrets: Vec<String> = api.secrets().await?.into_iter().map(|s| s.name).collect();
    let configs: Vec<String> = api.configs().await?.into_iter().map(|c| c.name).collect();
    let mut out = Vec::new();
    let services = root
        .get("services")
        .and_then(Node::as_map)
        .unwrap_or_default();
    for (kind, existing) in [("secrets", &secrets), ("configs", &configs)] {
        let top = root.get(kind);
        for (service, def) in services {
            let service = service.as_str().unwrap_or_default();
            for item in def.get(kind).and_then(Node::as_seq).unwrap_or_default() {
                let key = item
                    .as_str()
                    .or_else(|| item.get("source").and_then(Node::as_str))
                    .unwrap_or_default();
                let decl = top.and_then(|t| t.get(key));
                let external =
                    decl.and_then(|d| d.get("external")).and_then(Node::as_str) == Some("true");
                let explicit = decl.and_then(|d| d.get("name")).and_then(Node::as_str);
                // A `${VAR}` name is resolved at deploy time: it cannot be looked up here.
                if explicit.is_some_and(|n| n.contains("${")) {
                    continue;
                }
                let file_backed = decl.is_some_and(|d| d.get("file").is_some());
                let name = match (explicit, external) {
                    (Some(n), _) => n.to_owned(),
                    (None, true) => key.to_owned(),
                    (None, false) if file_backed => continue, // the deploy creates it from the file
                    (None, false) => format!("{stack}_{key}"),
                };
                if !existing.contains(&name) {
                    let singular = kind.trim_end_matches('s');
                    out.push(Finding::new(
                        &SWARM_COMPOSE_006,
                        path,
                        Pos {
                            line: item.pos.line,
                            column: item.pos.column,
                        },
                        format!("service `{service}` references {singular} `{name}`, which the swarm does not have: `docker stack deploy` would fail")
).with_help(format!("create it first (`docker {singular} create {name} -`), or keep the service out of the stack until it exists")));
                }
            }
        }
    }
    Ok(out)
}
