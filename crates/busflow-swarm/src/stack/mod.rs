//! The stack files `docker-compose.production.yml` and
//! `docker-compose.observability.yml`: SWARM-COMPOSE-001 … 013.
//!
//! The file is read into a YAML tree that keeps positions, with anchors and
//! `<<:` merges resolved first (`busflow-yaml`), so every finding points at
//! the line where the offending value was written. Each service has a role
//! (application, observability, stateful) from [`StackContract`]'s names,
//! overridden by a `busflow.role` label on the service.

pub mod constraint;
mod placement;
mod resources;
mod schema;
pub mod units;
mod wiring;

use crate::catalog::SWARM_COMPOSE_012;
use std::collections::BTreeMap;
use std::path::Path;

use busflow_yaml::Node;

use crate::Finding;
use crate::source::Pos;

/// What a service is, for the clauses that differ by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The application tier (logs to Loki, SWARM-COMPOSE-003).
    Application,
    /// The LGTM stack and its helpers (placed on `tier == observability`).
    Observability,
    /// Databases and queues (placed on `tier == stateful`).
    Stateful,
    /// A per-node agent (`mode: global`, such as promtail): runs everywhere,
    /// so it has no tier constraint, and ships logs rather than emitting them
    /// to Loki through the driver.
    Agent,
}

/// The names and numbers the stack clauses use, with the documented values
/// as defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackContract {
    /// Services of the observability tier (by name, or name prefix before `-`).
    pub observability: Vec<String>,
    /// Services of the stateful tier.
    pub stateful: Vec<String>,
    /// Per-node agents.
    pub agents: Vec<String>,
    /// The label that overrides a service's role (`application`,
    /// `observability`, `stateful`, `agent`).
    pub role_label: String,
    /// Single-writer ingesters: `replicas: 1`.
    pub single_writers: Vec<String>,
    /// The OpenTelemetry collector and its replica count.
    pub collector: (String, u64),
    /// Services that run once per node (`mode: global`).
    pub global: Vec<String>,
    /// The exporter gated on its DSN secret, and the secret.
    pub gated_exporter: (String, String),
    /// Secrets known to exist (the exporter may run when its DSN is here).
    pub existing_secrets: Vec<String>,
    /// Substrings of a volume driver that is a Hetzner volume plugin.
    pub volume_drivers: Vec<String>,
    /// The environment `docker stack deploy` interpolates `${VAR}` from
    /// (SWARM-COMPOSE-012). `None` (the default): not known here, so a
    /// value holding a variable is not judged; a malformed `$` still is.
    pub environment: Option<BTreeMap<String, String>>,
}

impl Default for StackContract {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Self {
            observability: s(&[
                "otel-collector",
                "loki",
                "tempo",
                "mimir",
                "grafana",
                "cadvisor",
                "prometheus-postgres-exporter",
                "alertmanager",
            ]),
            stateful: s(&["postgres", "redis"]),
            agents: s(&["promtail"]),
            role_label: "busflow.role".into(),
            single_writers: s(&["loki", "tempo", "mimir"]),
            collector: ("otel-collector".into(), 2),
            global: s(&["promtail"]),
            gated_exporter: (
                "prometheus-postgres-exporter".into(),
                "postgres_exporter_dsn".into(),
            ),
            existing_secrets: Vec::new(),
            volume_drivers: s(&["hetzner"]),
            environment: None,
        }
    }
}

/// Whether `name` is `wanted` or `wanted-…` (`loki-write` is a `loki`).
pub(crate) fn named(name: &str, wanted: &str) -> bool {
    name == wanted
        || name
            .strip_prefix(wanted)
            .is_some_and(|r| r.starts_with('-'))
}

/// One service of a stack file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Service<'a> {
    pub(crate) name: &'a str,
    pub(crate) key: &'a Node,
    pub(crate) node: &'a Node,
    pub(crate) role: Role,
}

impl<'a> Service<'a> {
    /// The node at `path` below the service.
    pub(crate) fn at(&self, path: &[&str]) -> Option<&'a Node> {
        path.iter().try_fold(self.node, |n, k| n.get(k))
    }
}

/// A parsed stack file.
pub(crate) struct Stack<'a> {
    pub(crate) path: &'a Path,
    pub(crate) root: &'a Node,
    pub(crate) services: Vec<Service<'a>>,
    pub(crate) production: bool,
}

impl Stack<'_> {
    pub(crate) fn finding(
        &self,
        rule: &'static crate::Rule,
        pos: busflow_yaml::Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(
            rule,
            self.path,
            Pos {
                line: pos.line,
                column: pos.column,
            },
            message,
        )
        .with_help(help)
    }
}

fn role_of(name: &str, node: &Node, contract: &StackContract) -> Role {
    let label = |labels: Option<&Node>| -> Option<String> {
        let labels = labels?;
        if let Some(v) = labels.get(&contract.role_label) {
            return v.as_str().map(str::to_owned);
        }
        // The list form: `- busflow.role=stateful`.
        labels
            .as_seq()?
            .iter()
            .filter_map(Node::as_str)
            .find_map(|l| {
                l.strip_prefix(contract.role_label.as_str())
                    .and_then(|r| r.strip_prefix('='))
                    .map(str::to_owned)
            })
    };
    let given = label(node.get("deploy").and_then(|d| d.get("labels")))
        .or_else(|| label(node.get("labels")));
    match given.as_deref() {
        Some("application") => return Role::Application,
        Some("observability") => return Role::Observability,
        Some("stateful") => return Role::Stateful,
        Some("agent") => return Role::Agent,
        _ => {}
    }
    if contract.stateful.iter().any(|s| named(name, s)) {
        Role::Stateful
    } else if contract.observability.iter().any(|s| named(name, s)) {
        Role::Observability
    } else if contract.agents.iter().any(|s| named(name, s)) {
        Role::Agent
    } else {
        Role::Application
    }
}

/// Which of the platform's stack files a path is, by its exact file name:
/// preflight and `check-swarm` decide it here, the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StackFile {
    /// `docker-compose.production.yml` (or `.yaml`): SWARM-COMPOSE-008
    /// applies to it alone.
    Production,
    /// `docker-compose.observability.yml` (or `.yaml`).
    Observability,
}

impl StackFile {
    /// The stack file `path` names, if it is one of the platform's.
    pub fn of(path: &Path) -> Option<Self> {
        match path.file_name()?.to_str()? {
            "docker-compose.production.yml" | "docker-compose.production.yaml" => {
                Some(Self::Production)
            }
            "docker-compose.observability.yml" | "docker-compose.observability.yaml" => {
                Some(Self::Observability)
            }
            _ => None,
        }
    }
}

/// Checks one stack file. `production` marks `docker-compose.production.yml`
/// (SWARM-COMPOSE-008 applies to it alone; [`StackFile::of`] tells it).
pub fn check_stack(
    path: &Path,
    text: &str,
    production: bool,
    contract: &StackContract,
) -> Vec<Finding> {
    let docs = match busflow_yaml::parse(text) {
        Ok(docs) => docs,
        Err(e) => {
            return vec![
                Finding::new(
                    &SWARM_COMPOSE_012,
                    path,
                    Pos {
                        line: e.pos.line,
                        column: e.pos.column,
                    },
                    format!("the file is not YAML: {}", e.message),
                )
                .with_help("fix the syntax: `docker stack deploy` cannot read the file at all"),
            ];
        }
    };
    let Some(root) = docs.first() else {
        return vec![
            Finding::new(&SWARM_COMPOSE_012, path, Pos::START, "the file is empty")
                .with_help("a stack file declares `services:`"),
        ];
    };
    let services: Vec<Service<'_>> = root
        .get("services")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| {
            let name = k.as_str()?;
            Some(Service {
                name,
                key: k,
                node: v,
                role: role_of(name, v, contract),
            })
        })
        .collect();
    let stack = Stack {
        path,
        root,
        services,
        production,
    };
    let mut out = schema::check(&stack, contract.environment.as_ref());
    out.extend(resources::check(&stack, contract));
    out.extend(placement::check(&stack, contract));
    out.extend(wiring::check(&stack));
    out.sort_by(|a, b| {
        (a.start.line, a.start.column, a.rule_id).cmp(&(b.start.line, b.start.column, b.rule_id))
    });
    out
}
