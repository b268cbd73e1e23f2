//! OBS-009: Loki retention is the compactor's job: `loki.yaml` enables
//! retention with a 336 h period and a delete-request store, and no bucket
//! lifecycle rule deletes chunks behind Loki's back ("chunk not found").

use crate::catalog::OBS_009;
use std::path::Path;

use crate::Finding;
use crate::names::parse_duration;
use busflow_yaml::{self as yaml, Node, Pos};

/// The documented retention period: 14 days.
pub const RETENTION_PERIOD: &str = "336h";

/// OBS-009 findings of a `loki.yaml`.
pub fn check_loki_config(path: &Path, text: &str) -> Vec<Finding> {
    let top = Pos::START;
    let docs = match yaml::parse(text) {
        Ok(d) => d,
        Err(e) => {
            return vec![
                Finding::new(
                    &OBS_009,
                    path,
                    e.pos,
                    format!("YAML syntax error: {}", e.message),
                )
                .with_help("fix the YAML syntax"),
            ];
        }
    };
    let Some(root) = docs.first().filter(|r| r.as_map().is_some()) else {
        return vec![
            Finding::new(&OBS_009, path, top, "loki.yaml is empty or not a mapping")
                .with_help("configure compactor and limits_config"),
        ];
    };
    let mut out = Vec::new();
    let compactor = root.get("compactor");
    let at = |n: Option<&Node>| n.map_or(top, |n| n.pos);
    match compactor.and_then(|c| c.get("retention_enabled")) {
        Some(v) if v.as_str() == Some("true") => {}
        other => out.push(
            Finding::new(
                &OBS_009,
                path,
                at(other.or(compactor)),
                "compactor.retention_enabled is not true: Loki never deletes old chunks",
            )
            .with_help("set compactor.retention_enabled: true"),
        ),
    }
    match compactor.and_then(|c| c.get("delete_request_store")) {
        Some(v) if v.as_str().is_some_and(|s| !s.trim().is_empty()) => {}
        other => out.push(
            Finding::new(
                &OBS_009,
                path,
                at(other.or(compactor)),
                "compactor.delete_request_store is not set: retention (and deletes) need it",
            )
            .with_help("set compactor.delete_request_store to the object store (e.g. s3)"),
        ),
    }
    let limits = root.get("limits_config");
    let wanted = parse_duration(RETENTION_PERIOD);
    match limits.and_then(|l| l.get("retention_period")) {
        Some(v) if v.as_str().and_then(parse_duration) == wanted => {}
        other => out.push(
            Finding::new(
                &OBS_009,
                path,
                at(other.or(limits)),
                format!("limits_config.retention_period is {}; documented: {RETENTION_PERIOD} (14 days)", other.and_then(Node::as_str).unwrap_or("unset")),
            )
            .with_help(format!("set limits_config.retention_period: {RETENTION_PERIOD}")),
        ),
    }
    out
}

/// OBS-009 findings of an S3 bucket lifecycle configuration (the JSON of
/// `aws s3api get-bucket-lifecycle-configuration`, or the XML of the S3
/// API): an enabled rule that expires objects under Loki's prefix (or the
/// whole bucket) deletes chunks the index still references.
pub fn check_lifecycle(path: &Path, text: &str, chunk_prefix: &str) -> Vec<Finding> {
    let rules = if text.trim_start().starts_with('<') {
        xml_rules(text)
    } else {
        json_rules(text)
    };
    let rules = match rules {
        Ok(r) => r,
        Err(message) => {
            return vec![
                Finding::new(&OBS_009, path, Pos::START, message)
                    .with_help("give the lifecycle configuration as S3 JSON or XML"),
            ];
        }
    };
    rules
        .into_iter()
        .filter(|r| r.enabled && r.expires && (r.prefix.is_empty() || chunk_prefix.starts_with(&r.prefix) || r.prefix.starts_with(chunk_prefix)))
        .map(|r| {
            Finding::new(&OBS_009, path, r.pos, format!(
                "lifecycle rule {:?} expires objects under {:?}, which holds Loki chunks: queries will hit \"chunk not found\"",
                r.id,
                if r.prefix.is_empty() { "the whole bucket" } else { r.prefix.as_str() }
            ))
            .with_help("remove the rule; Loki's compactor deletes chunks (retention_enabled, retention_period)")
        })
        .collect()
}

struct LifecycleRule {
    id: String,
    prefix: String,
    enabled: bool,
    expires: bool,
    pos: Pos,
}

fn json_rules(text: &str) -> Result<Vec<LifecycleRule>, String> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("lifecycle JSON: {e}"))?;
    let rules = doc["Rules"]
        .as_array()
        .ok_or("lifecycle JSON has no `Rules` array")?;
    Ok(rules
        .iter()
        .map(|r| {
            let id = r["ID"].as_str().unwrap_or_default().to_owned();
            // Find the rule's line by its ID, for the finding's position.
            let line = text
                .lines()
                .position(|l| !id.is_empty() && l.contains(&format!("\"{id}\"")))
                .map_or(1, |i| i + 1);
            LifecycleRule {
                prefix: r["Filter"]["Prefix"]
                    .as_str()
                    .or(r["Prefix"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
                enabled: r["Status"] == "Enabled",
                expires: r.get("Expiration").is_some()
                    || r.get("NoncurrentVersionExpiration").is_some(),
                pos: Pos {
                    line: u32::try_from(line).unwrap_or(1),
                    column: 1,
                },
                id,
            }
        })
        .collect())
}

fn xml_rules(text: &str) -> Result<Vec<LifecycleRule>, String> {
    let tag = |body: &str, name: &str| -> Option<String> {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_owned())
    };
    let mut rules = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(start) = rest.find("<Rule>") {
        let end = rest[start..]
            .find("</Rule>")
            .ok_or("lifecycle XML: <Rule> without </Rule>")?
            + start;
        let body = &rest[start..end];
        let line = text[..consumed + start].matches('\n').count() + 1;
        rules.push(LifecycleRule {
            id: tag(body, "ID").unwrap_or_default(),
            prefix: tag(body, "Prefix").unwrap_or_default(),
            enabled: tag(body, "Status").as_deref() == Some("Enabled"),
            expires: body.contains("<Expiration>")
                || body.contains("<NoncurrentVersionExpiration>"),
            pos: Pos {
                line: u32::try_from(line).unwrap_or(1),
                column: 1,
            },
        });
        consumed += end + "</Rule>".len();
        rest = &text[consumed..];
    }
    if rules.is_empty() && !text.contains("LifecycleConfiguration") {
        return Err("lifecycle XML has no <LifecycleConfiguration>".to_owned());
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOKI: &str = "compactor:\n  working_directory: /data/loki/compactor\n  retention_enabled: true\n  delete_request_store: s3\nlimits_config:\n  retention_period: 336h\n";

    #[test]
    fn obs_009_the_documented_loki_yaml_passes() {
        assert!(check_loki_config(Path::new("loki.yaml"), LOKI).is_empty());
        let as_days = LOKI.replace("336h", "14d");
        assert!(
            check_loki_config(Path::new("loki.yaml"), &as_days).is_empty(),
            "14d is 336h"
        );
    }

    #[test]
    fn obs_009_missing_retention_settings_are_found_where_they_are() {
        let bad = LOKI
            .replace("retention_enabled: true", "retention_enabled: false")
            .replace("  delete_request_store: s3\n", "")
            .replace("336h", "744h");
        let found = check_loki_config(Path::new("loki.yaml"), &bad);
        let lines: Vec<u32> = found.iter().map(|f| f.start.line).collect();
        // A missing key is reported where its block starts (the first key under `compactor:`).
        assert_eq!(lines, vec![3, 2, 5], "{found:?}");
        assert!(found[2].message.contains("744h"));
        assert_eq!(check_loki_config(Path::new("loki.yaml"), "").len(), 1);
        assert_eq!(check_loki_config(Path::new("loki.yaml"), "a: [").len(), 1);
    }

    #[test]
    fn obs_009_lifecycle_rules_must_not_expire_chunks() {
        let json = r#"{"Rules": [
  {"ID": "tmp-cleanup", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}},
  {"ID": "loki-ttl", "Status": "Enabled", "Filter": {"Prefix": "loki/chunks/"}, "Expiration": {"Days": 14}},
  {"ID": "old", "Status": "Disabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
]}"#;
        let found = check_lifecycle(Path::new("lifecycle.json"), json, "loki/");
        assert_eq!(
            found.iter().map(|f| f.start.line).collect::<Vec<_>>(),
            vec![3]
        );
        let xml = "<LifecycleConfiguration>\n<Rule>\n<ID>all</ID>\n<Filter><Prefix></Prefix></Filter>\n<Status>Enabled</Status>\n<Expiration><Days>14</Days></Expiration>\n</Rule>\n</LifecycleConfiguration>\n";
        let found = check_lifecycle(Path::new("lifecycle.xml"), xml, "loki/");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].start.line, 2);
        assert!(found[0].message.contains("the whole bucket"));
        assert!(
            check_lifecycle(
                Path::new("x"),
                "<LifecycleConfiguration></LifecycleConfiguration>",
                "loki/"
            )
            .is_empty()
        );
        assert_eq!(check_lifecycle(Path::new("x"), "{", "loki/").len(), 1);
        assert_eq!(check_lifecycle(Path::new("x"), "<Rule>", "loki/").len(), 1);
    }
}
