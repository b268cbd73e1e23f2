//! SWARM-COMPOSE-012: the shape `docker stack deploy` accepts (docker/cli's
//! v3 schema, not compose-spec): only the v3 service and deploy keys,
//! `cpus` and `memory` as strings, no compose v2 keys (`mem_limit`,
//! `cpu_quota`, `cpuset`, `memswap_limit`, …).

use busflow_yaml::{Node, Value};

use super::Stack;
use crate::finding::Finding;

const RULE: &str = "SWARM-COMPOSE-012";

/// The properties of a service in docker/cli's stack schema v3.13.
const SERVICE_KEYS: [&str; 52] = [
    "build",
    "cap_add",
    "cap_drop",
    "cgroup_parent",
    "cgroupns_mode",
    "command",
    "configs",
    "container_name",
    "credential_spec",
    "depends_on",
    "deploy",
    "devices",
    "dns",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "external_links",
    "extra_hosts",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "links",
    "logging",
    "mac_address",
    "network_mode",
    "networks",
    "oom_score_adj",
    "pid",
    "ports",
    "privileged",
    "read_only",
    "restart",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "user",
    "userns_mode",
    "volumes",
];

/// `working_dir` completes [`SERVICE_KEYS`] (kept apart for the line length).
const MORE_SERVICE_KEYS: [&str; 1] = ["working_dir"];

const DEPLOY_KEYS: [&str; 9] = [
    "endpoint_mode",
    "labels",
    "mode",
    "placement",
    "replicas",
    "resources",
    "restart_policy",
    "rollback_config",
    "update_config",
];

const TOP_KEYS: [&str; 6] = [
    "configs", "networks", "secrets", "services", "version", "volumes",
];

/// Compose v2 keys and what replaces them under `deploy.resources`.
fn replacement(key: &str) -> Option<&'static str> {
    Some(match key {
        "mem_limit" => "deploy.resources.limits.memory",
        "mem_reservation" => "deploy.resources.reservations.memory",
        "cpus" | "cpu_quota" | "cpu_period" | "cpu_count" | "cpu_percent" => {
            "deploy.resources.limits.cpus"
        }
        "cpu_shares" => "deploy.resources.reservations.cpus",
        "cpuset" | "memswap_limit" | "mem_swappiness" | "oom_kill_disable" => {
            "nothing: swarm services do not support it"
        }
        _ => return None,
    })
}

/// Whether a plain scalar reads as something other than a string in YAML
/// 1.1/1.2 core (a number or a boolean), which the schema's `"type":
/// "string"` refuses.
fn reads_as_non_string(node: &Node) -> bool {
    match &node.value {
        Value::Scalar(s, false) => {
            s.parse::<f64>().is_ok()
                || matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "yes" | "no"
                )
        }
        Value::Scalar(_, true) => false,
        _ => true,
    }
}

fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

pub(super) fn check(stack: &Stack<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let help_keys = "`docker stack deploy` validates against docker/cli's v3 schema: use the v3 keys (resources under `deploy.resources`), or an `x-` extension for anything of your own";
    let Some(top) = stack.root.as_map() else {
        return vec![stack.finding(
            RULE,
            stack.root.pos,
            "the file is not a mapping",
            "a stack file is a mapping with `services:`",
        )];
    };
    for (k, _) in top {
        let key = k.as_str().unwrap_or_default();
        if !TOP_KEYS.contains(&key) && !is_extension(key) {
            out.push(stack.finding(
                RULE,
                k.pos,
                format!("`{key}` is not a top-level key of a stack file"),
                help_keys,
            ));
        }
    }
    if stack.root.get("services").and_then(Node::as_map).is_none() {
        out.push(stack.finding(
            RULE,
            stack.root.pos,
            "the file has no `services:` mapping",
            help_keys,
        ));
    }
    for s in &stack.services {
        let Some(entries) = s.node.as_map() else {
            out.push(stack.finding(
                RULE,
                s.node.pos,
                format!("service `{}` is not a mapping", s.name),
                help_keys,
            ));
            continue;
        };
        for (k, _) in entries {
            let key = k.as_str().unwrap_or_default();
            if let Some(instead) = replacement(key) {
                out.push(stack.finding(
                    RULE,
                    k.pos,
                    format!("`{key}` of service `{}` is a compose v2 key that `docker stack deploy` refuses", s.name),
                    format!("use {instead}"),
                ));
            } else if !SERVICE_KEYS.contains(&key)
                && !MORE_SERVICE_KEYS.contains(&key)
                && !is_extension(key)
            {
                out.push(stack.finding(
                    RULE,
                    k.pos,
                    format!("`{key}` is not a key of a v3 service (`{}`)", s.name),
                    help_keys,
                ));
            }
        }
        if let Some(deploy) = s.node.get("deploy").and_then(Node::as_map) {
            for (k, _) in deploy {
                let key = k.as_str().unwrap_or_default();
                if !DEPLOY_KEYS.contains(&key) && !is_extension(key) {
                    out.push(stack.finding(
                        RULE,
                        k.pos,
                        format!("`deploy.{key}` is not a v3 deploy key (`{}`)", s.name),
                        help_keys,
                    ));
                }
            }
        }
        for part in ["limits", "reservations"] {
            for key in ["cpus", "memory"] {
                if let Some(v) = s.at(&["deploy", "resources", part, key])
                    && reads_as_non_string(v)
                {
                    out.push(stack.finding(
                        RULE,
                        v.pos,
                        format!(
                            "`deploy.resources.{part}.{key}` of `{}` must be a string, not {}",
                            s.name,
                            v.as_str().map_or(v.kind(), |_| "a number")
                        ),
                        format!("quote it: `{key}: \"{}\"`", v.as_str().unwrap_or_default()),
                    ));
                }
            }
        }
    }
    out
}
