//! How services are wired: SWARM-COMPOSE-003 (Loki logging options), 007
//! (no plaintext secrets in `environment`), 008 (no `MinIO` in production,
//! HTTPS S3 endpoints) and 010 (content-addressed config names).

use crate::catalog::{SWARM_COMPOSE_003, SWARM_COMPOSE_007, SWARM_COMPOSE_008, SWARM_COMPOSE_010};
use std::sync::LazyLock;

use busflow_yaml::Node;
use regex::Regex;

use super::{Role, Stack};
use crate::Finding;

static DSN_WITH_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static VERSIONED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\$\{[A-Za-z0-9_]+[^}]*\}|[0-9a-f]{7,}|[-_.]v[0-9]+(\b|$))")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

pub(super) fn check(stack: &Stack<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &stack.services {
        if s.role == Role::Application {
            out.extend(logging(stack, s.name, s.key, s.node));
        }
        out.extend(environment(stack, s.name, s.node));
        if stack.production {
            let image = s
                .node
                .get("image")
                .and_then(Node::as_str)
                .unwrap_or_default();
            if s.name == "minio"
                || s.name == "minio-init"
                || image.starts_with("minio/")
                || image.contains("/minio/")
            {
                out.push(stack.finding(&SWARM_COMPOSE_008, s.key.pos, format!("the production stack runs MinIO (`{}`)", s.name), "remove it: production objects live in Hetzner Object Storage, reached over https://"));
            }
        }
    }
    out.extend(configs(stack));
    out
}

const LOGGING_HELP: &str = "use `logging: { driver: loki, options: { loki-url: …, loki-batch-size: \"400\", loki-external-labels: \"service={{.Name}},environment=production\" } }`; setting external labels replaces Docker's default `container_name`, so name the service explicitly";

fn logging(stack: &Stack<'_>, name: &str, key: &Node, node: &Node) -> Vec<Finding> {
    let rule = &SWARM_COMPOSE_003;
    let Some(logging) = node.get("logging") else {
        return vec![stack.finding(
            rule,
            key.pos,
            format!("application service `{name}` has no `logging` block"),
            LOGGING_HELP,
        )];
    };
    let driver = logging.get("driver");
    if driver.and_then(Node::as_str) != Some("loki") {
        let at = driver.map_or(logging.pos, |d| d.pos);
        return vec![stack.finding(
            rule,
            at,
            format!("`{name}` does not log with the `loki` driver"),
            LOGGING_HELP,
        )];
    }
    let options = logging.get("options");
    let option = |k: &str| options.and_then(|o| o.get(k));
    let mut problems = Vec::new();
    if option("loki-url")
        .and_then(Node::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push("no `loki-url`".to_owned());
    }
    match option("loki-batch-size").and_then(Node::as_str) {
        Some("400") => {}
        Some(other) => problems.push(format!("`loki-batch-size` is {other}, not \"400\"")),
        None => problems.push("no `loki-batch-size`".into()),
    }
    let labels = option("loki-external-labels")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let pairs: Vec<(&str, &str)> = labels
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    for (k, v) in [("service", "{{.Name}}"), ("environment", "production")] {
        if !pairs.contains(&(k, v)) {
            problems.push(format!("`loki-external-labels` lacks `{k}={v}`"));
        }
    }
    if problems.is_empty() {
        return Vec::new();
    }
    let at = options.map_or(logging.pos, |o| o.pos);
    vec![stack.finding(
        rule,
        at,
        format!("the Loki logging of `{name}`: {}", problems.join("; ")),
        LOGGING_HELP,
    )]
}

fn secret_like(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    if k.ends_with("_FILE") {
        return false;
    }
    ["PASSWORD", "SECRET", "_KEY", "TOKEN"]
        .iter()
        .any(|s| k.ends_with(s) || (*s != "_KEY" && k.contains(&format!("{s}_"))))
        || k == "KEY"
}

fn environment(stack: &Stack<'_>, service: &str, node: &Node) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(env) = node.get("environment") else {
        return out;
    };
    let mut entries: Vec<(String, String, busflow_yaml::Pos)> = Vec::new();
    if let Some(map) = env.as_map() {
        for (k, v) in map {
            entries.push((
                k.as_str().unwrap_or_default().to_owned(),
                v.as_str().unwrap_or_default().to_owned(),
                k.pos,
            ));
        }
    } else if let Some(list) = env.as_seq() {
        for item in list {
            let text = item.as_str().unwrap_or_default();
            let (k, v) = text.split_once('=').unwrap_or((text, ""));
            entries.push((k.to_owned(), v.to_owned(), item.pos));
        }
    }
    let help = "move the value into a Docker secret and point at it: `X_FILE: /run/secrets/x` (or read `/run/secrets/x` directly); an environment variable is visible in `docker service inspect`";
    for (key, value, pos) in entries {
        if stack.production && key == "S3_ENDPOINT" && !value.starts_with("https://") {
            out.push(stack.finding(
                &SWARM_COMPOSE_008,
                pos,
                format!("`S3_ENDPOINT` of `{service}` is `{value}`, not https://"),
                "point it at the Hetzner Object Storage endpoint over https://",
            ));
        }
        if value.is_empty() || value.starts_with("/run/secrets/") {
            continue;
        }
        if secret_like(&key) {
            out.push(stack.finding(
                &SWARM_COMPOSE_007,
                pos,
                format!("`{key}` of `{service}` holds a secret in plain text"),
                help,
            ));
        } else if DSN_WITH_PASSWORD.is_match(&value) {
            out.push(stack.finding(
                &SWARM_COMPOSE_007,
                pos,
                format!("`{key}` of `{service}` is a connection string with a password"),
                help,
            ));
        }
    }
    out
}

fn configs(stack: &Stack<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (k, def) in stack
        .root
        .get("configs")
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        let key = k.as_str().unwrap_or_default();
        if def.get("external").and_then(Node::as_str) == Some("true") {
            continue;
        }
        let name = def.get("name").and_then(Node::as_str);
        if !name.is_some_and(|n| VERSIONED.is_match(n)) {
            let at = def.get("name").map_or(k.pos, |n| n.pos);
            out.push(stack.finding(
                &SWARM_COMPOSE_010,
                at,
                format!("config `{key}` has no versioned name{}", name.map(|n| format!(" (`{n}`)")).unwrap_or_default()),
                format!("name it by its content, e.g. `name: {key}_${{{}_SHA}}` with the variable set to the file's hash at deploy time: a changed config then rotates instead of failing on an in-use config", key.to_ascii_uppercase().replace('-', "_")),
            ));
        }
    }
    out
}
