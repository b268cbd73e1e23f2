//! The typed model of a rule file, built strictly from the YAML tree.
//!
//! Structure problems (unknown fields, wrong types, missing `groups`) are
//! OBS-001 findings collected in one pass, as promtool's strict YAML decoding
//! rejects them; what can be read is still modelled, so later checks run.

use crate::catalog::OBS_001;
use std::path::{Path, PathBuf};

use crate::Finding;
use busflow_yaml::{self as yaml, Node, Pos, Value};

/// A value with the position it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts.
    pub pos: Pos,
}

/// A rule file: Prometheus `groups:`, or a Kubernetes `PrometheusRule`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleFile {
    /// The file's path, as findings name it.
    pub path: PathBuf,
    /// Its rule groups.
    pub groups: Vec<Group>,
}

/// A rule group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `name`.
    pub name: Spanned<String>,
    /// `interval`, as written.
    pub interval: Option<Spanned<String>>,
    /// `limit`.
    pub limit: Option<Spanned<String>>,
    /// The rules, in order.
    pub rules: Vec<RuleDef>,
    /// Where the group starts.
    pub pos: Pos,
}

/// Recording or alerting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// `record:`
    Recording,
    /// `alert:`
    Alerting,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDef {
    /// Its 1-based index in the group (promtool's "rule N").
    pub index: usize,
    /// `record:` or `alert:` (both may be present: an OBS-001 finding).
    pub record: Option<Spanned<String>>,
    /// `alert:`
    pub alert: Option<Spanned<String>>,
    /// `expr`.
    pub expr: Option<Spanned<String>>,
    /// `for`.
    pub for_: Option<Spanned<String>>,
    /// `keep_firing_for`.
    pub keep_firing_for: Option<Spanned<String>>,
    /// `labels`, in order.
    pub labels: Vec<(Spanned<String>, Spanned<String>)>,
    /// `annotations`, in order.
    pub annotations: Vec<(Spanned<String>, Spanned<String>)>,
    /// Where the rule starts.
    pub pos: Pos,
}

impl RuleDef {
    /// Recording if `record` is set, else alerting.
    pub fn kind(&self) -> RuleKind {
        if self.record.is_some() {
            RuleKind::Recording
        } else {
            RuleKind::Alerting
        }
    }

    /// The rule's name (`record` or `alert`), or "" when neither is set.
    pub fn name(&self) -> &str {
        self.record
            .as_ref()
            .or(self.alert.as_ref())
            .map_or("", |s| s.value.as_str())
    }

    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&Spanned<String>> {
        self.labels
            .iter()
            .find(|(k, _)| k.value == name)
            .map(|(_, v)| v)
    }

    /// The value of annotation `name`.
    pub fn annotation(&self, name: &str) -> Option<&Spanned<String>> {
        self.annotations
            .iter()
            .find(|(k, _)| k.value == name)
            .map(|(_, v)| v)
    }
}

/// Parses `bytes` as a rule file; returns the model and the OBS-001
/// findings of its structure only (syntax errors included, never a panic).
/// For Loki ruler files, whose expressions are LogQL, this is the check to
/// use; [`crate::check_rule_file`] also validates PromQL.
pub fn parse(path: &Path, bytes: &[u8]) -> (RuleFile, Vec<Finding>) {
    let mut b = ModelBuilder {
        path,
        findings: Vec::new(),
    };
    let file = b.file(bytes);
    (file, b.findings)
}

struct ModelBuilder<'a> {
    path: &'a Path,
    findings: Vec<Finding>,
}

const GROUP_FIELDS: &[&str] = &["name", "interval", "limit", "query_offset", "rules"];
const RULE_FIELDS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

impl ModelBuilder<'_> {
    fn report(&mut self, pos: Pos, message: impl Into<String>, help: &str) {
        self.findings
            .push(Finding::new(&OBS_001, self.path, pos, message).with_help(help));
    }

    fn file(&mut self, bytes: &[u8]) -> RuleFile {
        let mut file = RuleFile {
            path: self.path.to_path_buf(),
            groups: Vec::new(),
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.split(|b| *b == b'\n').count();
                let column = std::str::from_utf8(good).map_or(1, |g| {
                    g.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1
                });
                let pos = Pos {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                };
                self.report(
                    pos,
                    "the file is not valid UTF-8",
                    "save the rule file as UTF-8",
                );
                return file;
            }
        };
        let docs = match yaml::parse(text) {
            Ok(d) => d,
            Err(e) => {
                self.report(
                    e.pos,
                    format!("YAML syntax error: {}", e.message),
                    "fix the YAML syntax at this place",
                );
                return file;
            }
        };
        if docs.len() > 1 {
            self.report(
                docs[1].pos,
                "a rule file holds one YAML document",
                "split the documents into files",
            );
        }
        let Some(root) = docs.first() else {
            // Empty, or only comments: a valid file with no groups.
            return file;
        };
        if root.is_null() {
            return file;
        }
        let Some(entries) = root.as_map() else {
            self.report(
                root.pos,
                format!("expected a mapping with `groups`, found {}", root.kind()),
                "start the file with `groups:`",
            );
            return file;
        };
        let groups = if root.get("kind").and_then(Node::as_str) == Some("PrometheusRule") {
            let spec = root.get("spec");
            if spec.is_none() {
                self.report(
                    root.pos,
                    "PrometheusRule without `spec`",
                    "put the groups under `spec.groups`",
                );
            }
            spec.and_then(|spec| spec.get("groups"))
        } else {
            for (key, _) in entries {
                if key.as_str() != Some("groups") {
                    self.report(
                        key.pos,
                        format!(
                            "field {} not found in type rulefmt.RuleGroups",
                            key.as_str().unwrap_or("?")
                        ),
                        "a rule file has only `groups` at the top level",
                    );
                }
            }
            root.get("groups")
        };
        if let Some(groups) = groups.filter(|g| !g.is_null()) {
            match groups.as_seq() {
                Some(items) => file.groups = items.iter().filter_map(|g| self.group(g)).collect(),
                None => self.report(
                    groups.pos,
                    format!("`groups` must be a sequence, found {}", groups.kind()),
                    "write each group as `- name: ...`",
                ),
            }
        }
        file
    }

    fn unknown_fields(&mut self, node: &Node, allowed: &[&str], what: &str) {
        for (key, _) in node.as_map().unwrap_or_default() {
            let name = key.as_str().unwrap_or("?");
            if !allowed.contains(&name) {
                self.report(
                    key.pos,
                    format!("field {name} not found in {what}"),
                    &format!("allowed fields: {}", allowed.join(", ")),
                );
            }
        }
    }

    fn scalar(&mut self, node: &Node, field: &str) -> Option<Spanned<String>> {
        let value = node.get(field)?;
        if let Value::Scalar(s, _) = &value.value {
            Some(Spanned {
                value: if value.is_null() {
                    String::new()
                } else {
                    s.clone()
                },
                pos: value.pos,
            })
        } else {
            self.report(
                value.pos,
                format!("`{field}` must be a string, found {}", value.kind()),
                "write a single value",
            );
            None
        }
    }

    fn string_map(&mut self, node: &Node, field: &str) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(map) = node.get(field) else {
            return Vec::new();
        };
        if map.is_null() {
            return Vec::new();
        }
        let Some(entries) = map.as_map() else {
            self.report(
                map.pos,
                format!("`{field}` must be a mapping, found {}", map.kind()),
                "write `name: value` pairs",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            match (&k.value, &v.value) {
                (Value::Scalar(key, _), Value::Scalar(val, _)) => out.push((
                    Spanned {
                        value: key.clone(),
                        pos: k.pos,
                    },
                    Spanned {
                        value: if v.is_null() {
                            String::new()
                        } else {
                            val.clone()
                        },
                        pos: v.pos,
                    },
                )),
                _ => self.report(
                    v.pos,
                    format!("`{field}` values must be strings, found {}", v.kind()),
                    "quote the value",
                ),
            }
        }
        out
    }

    fn group(&mut self, node: &Node) -> Option<Group> {
        if node.as_map().is_none() {
            self.report(
                node.pos,
                format!("a group must be a mapping, found {}", node.kind()),
                "write `- name: ...` with `rules:`",
            );
            return None;
        }
        self.unknown_fields(node, GROUP_FIELDS, "rulefmt.RuleGroup");
        let name = self.scalar(node, "name").unwrap_or(Spanned {
            value: String::new(),
            pos: node.pos,
        });
        let interval = self.scalar(node, "interval");
        let limit = self.scalar(node, "limit");
        let mut rules = Vec::new();
        if let Some(list) = node.get("rules").filter(|r| !r.is_null()) {
            match list.as_seq() {
                Some(items) => {
                    for (i, r) in items.iter().enumerate() {
                        if let Some(rule) = self.rule(r, i + 1) {
                            rules.push(rule);
                        }
                    }
                }
                None => self.report(
                    list.pos,
                    format!("`rules` must be a sequence, found {}", list.kind()),
                    "write each rule as `- record:` or `- alert:`",
                ),
            }
        }
        Some(Group {
            name,
            interval,
            limit,
            rules,
            pos: node.pos,
        })
    }

    fn rule(&mut self, node: &Node, index: usize) -> Option<RuleDef> {
        if node.as_map().is_none() {
            self.report(
                node.pos,
                format!("a rule must be a mapping, found {}", node.kind()),
                "write `- record: ...` or `- alert: ...` with `expr:`",
            );
            return None;
        }
        self.unknown_fields(node, RULE_FIELDS, "rulefmt.Rule");
        Some(RuleDef {
            index,
            record: self.scalar(node, "record"),
            alert: self.scalar(node, "alert"),
            expr: self.scalar(node, "expr"),
            for_: self.scalar(node, "for"),
            keep_firing_for: self.scalar(node, "keep_firing_for"),
            labels: self.string_map(node, "labels"),
            annotations: self.string_map(node, "annotations"),
            pos: node.pos,
        })
    }
}

impl RuleFile {
    /// The rule file as Prometheus YAML (every scalar double-quoted, so
    /// that any text survives); parsing it gives the same model back, but
    /// for positions.
    pub fn to_yaml(&self) -> String {
        use std::fmt::Write as _;
        let q = |s: &str| {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c if c.is_control() => {
                        let _ = write!(out, "\\u{:04x}", u32::from(c));
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        };
        let mut out = String::from("groups:\n");
        for g in &self.groups {
            let _ = writeln!(out, "  - name: {}", q(&g.name.value));
            if let Some(i) = &g.interval {
                let _ = writeln!(out, "    interval: {}", q(&i.value));
            }
            if let Some(l) = &g.limit {
                let _ = writeln!(out, "    limit: {}", q(&l.value));
            }
            out.push_str("    rules:\n");
            for r in &g.rules {
                let mut first = true;
                let mut field = |out: &mut String, key: &str, value: &str| {
                    let _ = writeln!(
                        out,
                        "{}{key}: {}",
                        if first { "      - " } else { "        " },
                        q(value)
                    );
                    first = false;
                };
                for (key, value) in [
                    ("record", &r.record),
                    ("alert", &r.alert),
                    ("expr", &r.expr),
                    ("for", &r.for_),
                    ("keep_firing_for", &r.keep_firing_for),
                ] {
                    if let Some(v) = value {
                        field(&mut out, key, &v.value);
                    }
                }
                for (key, pairs) in [("labels", &r.labels), ("annotations", &r.annotations)] {
                    if !pairs.is_empty() {
                        let _ = writeln!(out, "        {key}:");
                        for (k, v) in pairs {
                            let _ = writeln!(out, "          {}: {}", q(&k.value), q(&v.value));
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> (RuleFile, Vec<String>) {
        let (file, findings) = parse(Path::new("r.yml"), text.as_bytes());
        (
            file,
            findings
                .into_iter()
                .map(|f| format!("{}:{} {}", f.start.line, f.start.column, f.message))
                .collect(),
        )
    }

    #[test]
    fn reads_groups_rules_and_positions() {
        let (file, findings) = model(
            "groups:\n  - name: g\n    interval: 1m\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n        labels: {severity: critical}\n        annotations:\n          runbook_url: https://x\n",
        );
        assert_eq!(findings, Vec::<String>::new());
        let rule = &file.groups[0].rules[0];
        assert_eq!(rule.kind(), RuleKind::Alerting);
        assert_eq!(rule.name(), "A");
        assert_eq!(
            rule.expr.as_ref().map(|e| e.pos),
            Some(Pos {
                line: 6,
                column: 15
            })
        );
        assert_eq!(
            rule.label("severity").map(|v| v.value.as_str()),
            Some("critical")
        );
        assert_eq!(rule.annotation("runbook_url").map(|v| v.pos.line), Some(10));
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_all_reported() {
        let (_, findings) = model(
            "groups:\n  - name: g\n    rulez: []\n    rules:\n      - record: r\n        expr: [1]\n        exprr: x\nextra: 1\n",
        );
        assert_eq!(
            findings,
            vec![
                "8:1 field extra not found in type rulefmt.RuleGroups",
                "3:5 field rulez not found in rulefmt.RuleGroup",
                "7:9 field exprr not found in rulefmt.Rule",
                "6:15 `expr` must be a string, found a sequence",
            ]
        );
    }

    #[test]
    fn empty_comment_only_and_non_utf8_files() {
        assert_eq!(model("").1, Vec::<String>::new());
        assert_eq!(model("# nothing here\n").1, Vec::<String>::new());
        let (_, findings) = parse(Path::new("r.yml"), b"groups:\n  - name: \xff\n");
        assert_eq!(findings[0].message, "the file is not valid UTF-8");
        assert_eq!((findings[0].start.line, findings[0].start.column), (2, 11));
        assert!(model("groups: [\n").1[0].contains("YAML syntax error"));
    }

    #[test]
    fn reads_prometheus_rule_objects() {
        let (file, findings) = model(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\nspec:\n  groups:\n    - name: g\n      rules:\n        - record: r\n          expr: up\n",
        );
        assert_eq!(findings, Vec::<String>::new());
        assert_eq!(file.groups[0].rules[0].name(), "r");
    }
}
