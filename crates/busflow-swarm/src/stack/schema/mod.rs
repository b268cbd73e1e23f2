//! SWARM-COMPOSE-012: the stack file is one `docker stack deploy` accepts.
//! The file is loaded as docker/cli's loader loads it (`doc`: YAML typed as
//! `yaml.v3` types it, anchors and merges resolved, `${VAR}` interpolated,
//! docker's type casts applied), checked for the keys docker forbids, then
//! validated against docker/cli's whole v3 schema (`v3`, applied by
//! `validate`: unknown keys at every level, types, enums, formats), and the
//! memory sizes docker parses after the schema are read. Every finding
//! points at the line where the mistake was written, inside an anchor too.
//!
//! The environment docker interpolates from is a setting
//! ([`super::StackContract::environment`]); without it a value holding a
//! variable is not judged (its type is not known here), while a malformed
//! `$` is. The declared `version` must be one docker knows (3.0 to 3.13);
//! the keys are judged by the 3.13 schema whatever the version, so a key
//! newer than the declared version passes here where docker refuses it.

mod doc;
mod formats;
mod interpolate;
mod model;
mod v3;
mod validate;

use crate::Rule;
use crate::catalog::SWARM_COMPOSE_012;
use std::collections::BTreeMap;

use super::Stack;
use crate::Finding;

const RULE: &Rule = &SWARM_COMPOSE_012;

/// docker/cli's `ForbiddenProperties`: keys of a service it refuses before
/// anything else, with its own advice.
const FORBIDDEN: [(&str, &str); 8] = [
    (
        "extends",
        "`extends` is not supported by `docker stack deploy`",
    ),
    (
        "volume_driver",
        "define a volume under the top-level `volumes:` with its `driver`, and use it from the service",
    ),
    (
        "volumes_from",
        "define the shared volume under the top-level `volumes:` and list it in each service's `volumes:`",
    ),
    ("cpu_quota", "use deploy.resources.limits.cpus"),
    ("cpu_shares", "use deploy.resources.reservations.cpus"),
    ("cpuset", "nothing: swarm services do not support it"),
    ("mem_limit", "use deploy.resources.limits.memory"),
    ("memswap_limit", "nothing: swarm services do not support it"),
];

/// Compose v2 keys and what replaces them under `deploy.resources`.
fn replacement(key: &str) -> Option<&'static str> {
    if let Some((_, help)) = FORBIDDEN.iter().find(|(k, _)| *k == key) {
        return Some(help);
    }
    Some(match key {
        "mem_reservation" => "use deploy.resources.reservations.memory",
        "cpus" | "cpu_period" | "cpu_count" | "cpu_percent" => "use deploy.resources.limits.cpus",
        "mem_swappiness" | "oom_kill_disable" => "nothing: swarm services do not support it",
        _ => return None,
    })
}

/// The schema versions docker/cli carries.
fn known_version(v: &str) -> bool {
    matches!(v, "" | "3") || (0..=13).any(|minor| v == format!("3.{minor}"))
}

pub(super) fn check(stack: &Stack<'_>, env: Option<&BTreeMap<String, String>>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(top) = stack.root.as_map() else {
        return vec![stack.finding(
            RULE,
            stack.root.pos,
            "the file is not a mapping",
            "a stack file is a mapping with `services:`",
        )];
    };
    // The version picks docker's schema, read as written (before
    // interpolation, numbers as Go prints them).
    if let Some((_, v)) = top.iter().find(|(k, _)| k.as_str() == Some("version"))
        && let Some(text) = v.as_str()
        && !known_version(text)
    {
        out.push(stack.finding(
            RULE,
            v.pos,
            format!("`version: {text}` is not a stack file version docker knows"),
            "write `version: \"3.9\"` (any 3.x up to 3.13), or leave `version` out",
        ));
    }
    // docker refuses these before it interpolates or validates.
    for s in &stack.services {
        for (k, _) in s.node.as_map().unwrap_or_default() {
            let key = k.as_str().unwrap_or_default();
            if let Some((_, help)) = FORBIDDEN.iter().find(|(f, _)| *f == key) {
                out.push(stack.finding(
                    RULE,
                    k.pos,
                    format!(
                        "`{key}` of service `{}` is a key `docker stack deploy` refuses",
                        s.name
                    ),
                    *help,
                ));
            }
        }
    }
    let mut errors = Vec::new();
    let doc = doc::load(stack.root, &mut Vec::new(), env, &mut errors);
    for e in errors {
        out.push(stack.finding(RULE, e.node.pos, e.message, e.help));
    }
    let mut schema_errors = Vec::new();
    validate::validate(&doc, &v3::ROOT, &mut Vec::new(), &mut schema_errors);
    for e in schema_errors {
        if let Some(key) = &e.refused_key
            && FORBIDDEN.iter().any(|(f, _)| f == key)
        {
            continue; // said above, with docker's advice
        }
        let help = e
            .refused_key
            .as_deref()
            .and_then(replacement)
            .map_or(e.help, |r| format!("a compose v2 key: {r}"));
        out.push(stack.finding(RULE, e.node.pos, e.message, help));
    }
    out.extend(memory_sizes(stack, &doc));
    out
}

/// docker reads `deploy.resources.*.memory` with `units.RAMInBytes` after
/// the schema, interpolated (a string the schema passes may still be
/// refused).
fn memory_sizes(stack: &Stack<'_>, doc: &doc::Doc<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(services) = doc.get("services") else {
        return out;
    };
    let doc::Val::Map(services) = &services.val else {
        return out;
    };
    for (_, name, service) in services {
        for part in ["limits", "reservations"] {
            let memory = ["deploy", "resources", part, "memory"]
                .iter()
                .try_fold(service, |d, k| d.get(k));
            if let Some(m) = memory
                && let doc::Val::Str(text) = &m.val
                && super::units::parse_bytes(text).is_err()
            {
                out.push(stack.finding(
                    RULE,
                    m.node.pos,
                    format!(
                        "`deploy.resources.{part}.memory` of `{name}` is not a size docker reads: {}",
                        if m.from_env {
                            "an interpolated value".to_owned()
                        } else {
                            format!("`{text}`")
                        }
                    ),
                    "write a size such as `512M`, `1G` or `1.5GiB`",
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::model::{Additional, Schema};
    use super::v3;

    /// The definitions, for `$ref`.
    fn definitions() -> [(&'static str, &'static Schema); 11] {
        [
            ("service", &v3::SERVICE),
            ("healthcheck", &v3::HEALTHCHECK),
            ("deployment", &v3::DEPLOYMENT),
            ("generic_resources", &v3::GENERIC_RESOURCES),
            ("network", &v3::NETWORK),
            ("volume", &v3::VOLUME),
            ("secret", &v3::SECRET),
            ("config", &v3::CONFIG),
            ("string_or_list", &v3::STRING_OR_LIST),
            ("list_of_strings", &v3::LIST_OF_STRINGS),
            ("list_or_dict", &v3::LIST_OR_DICT),
        ]
    }

    fn to_json(s: &Schema, top: bool) -> Value {
        if !top && let Some((name, _)) = definitions().iter().find(|(_, d)| std::ptr::eq(*d, s)) {
            return json!({ "$ref": format!("#/definitions/{name}") });
        }
        let mut m = Map::new();
        match s.types {
            [] => {}
            [one] => {
                m.insert("type".into(), json!(one.json()));
            }
            many => {
                m.insert(
                    "type".into(),
                    json!(many.iter().map(|t| t.json()).collect::<Vec<_>>()),
                );
            }
        }
        let object = |pairs: Vec<(String, Value)>| Value::Object(pairs.into_iter().collect());
        if !s.properties.is_empty() {
            let pairs = s
                .properties
                .iter()
                .map(|(k, v)| ((*k).to_owned(), to_json(v, false)));
            m.insert("properties".into(), object(pairs.collect()));
        }
        if !s.patterns.is_empty() {
            let pairs = s
                .patterns
                .iter()
                .map(|(p, v)| (p.source().to_owned(), to_json(v, false)));
            m.insert("patternProperties".into(), object(pairs.collect()));
        }
        match s.additional {
            Additional::Any => {}
            Additional::Allowed => {
                m.insert("additionalProperties".into(), json!(true));
            }
            Additional::Refused => {
                m.insert("additionalProperties".into(), json!(false));
            }
        }
        if let Some(items) = s.items {
            m.insert("items".into(), to_json(items, false));
        }
        if s.unique_items {
            m.insert("uniqueItems".into(), json!(true));
        }
        for (key, list) in [("oneOf", s.one_of), ("anyOf", s.any_of)] {
            if !list.is_empty() {
                m.insert(key.into(), list.iter().map(|x| to_json(x, false)).collect());
            }
        }
        if !s.required.is_empty() {
            m.insert("required".into(), json!(s.required));
        }
        if !s.enumeration.is_empty() {
            m.insert("enum".into(), json!(s.enumeration));
        }
        if let Some(f) = s.format {
            m.insert("format".into(), json!(f.json()));
        }
        if let Some(min) = s.minimum {
            m.insert("minimum".into(), json!(min));
        }
        Value::Object(m)
    }

    /// Drops what does not validate (`id`, `$schema`, `default`).
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("id");
                m.remove("$schema");
                m.remove("default");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }

    #[test]
    fn swarm_compose_012_the_schema_is_docker_clis() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/testdata/docker/stack-schema-v3.13.json");
        let text = std::fs::read_to_string(&path)
            .expect("docker/cli's v3.13 schema in ../shared/testdata");
        let mut published: Value = serde_json::from_str(&text).expect("json");
        strip(&mut published);
        let mut defs = published
            .as_object_mut()
            .and_then(|m| m.remove("definitions"))
            .expect("definitions");
        // `constraints` is referenced by nothing: gojsonschema never applies it.
        defs.as_object_mut().expect("map").remove("constraints");
        assert_eq!(to_json(&v3::ROOT, true), published, "the document");
        let ours: Map<String, Value> = definitions()
            .iter()
            .map(|(name, s)| ((*name).to_owned(), to_json(s, true)))
            .collect();
        assert_eq!(Value::Object(ours), defs, "the definitions");
    }
}
