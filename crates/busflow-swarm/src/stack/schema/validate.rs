//! JSON Schema (draft-04, the keywords docker/cli's stack schema uses)
//! applied to a loaded stack file, as gojsonschema applies it for docker:
//! every error found, each at the node where the value or key was written.

use busflow_yaml::Node;

use super::doc::{Doc, Val, dotted};
use super::formats::{is_duration, is_port_spec};
use super::model::{Additional, Format, Schema, Ty};

/// One schema error.
pub(crate) struct SchemaError<'a> {
    pub(crate) node: &'a Node,
    pub(crate) message: String,
    pub(crate) help: String,
    /// The key, for a key the schema does not allow.
    pub(crate) refused_key: Option<String>,
}

fn type_of(val: &Val<'_>) -> Option<Ty> {
    Some(match val {
        Val::Null => Ty::Null,
        Val::Bool(_) => Ty::Boolean,
        Val::Num(n) if n.is_finite() && n.fract() == 0.0 => Ty::Integer,
        Val::Num(_) => Ty::Number,
        Val::Str(_) => Ty::String,
        Val::Map(_) => Ty::Object,
        Val::Seq(_) => Ty::Array,
        Val::Unknown => return None,
    })
}

fn type_ok(types: &[Ty], val: &Val<'_>) -> bool {
    let Some(t) = type_of(val) else {
        return true;
    };
    types.is_empty() || types.contains(&t) || (t == Ty::Integer && types.contains(&Ty::Number))
}

fn describe(doc: &Doc<'_>) -> String {
    if doc.from_env {
        // Never quote what the environment gave: it may be a secret.
        return format!(
            "{} (interpolated)",
            type_of(&doc.val).map_or("a value", Ty::human)
        );
    }
    match &doc.val {
        Val::Str(s) => format!("a string (`{}`)", clip(s)),
        Val::Num(n) => format!("a number (`{n}`)"),
        Val::Bool(b) => format!("a boolean (`{b}`)"),
        other => type_of(other).map_or("a value", Ty::human).to_owned(),
    }
}

/// A value for a message: quoted, or not shown when it came from the
/// environment.
fn shown(doc: &Doc<'_>, text: &str) -> String {
    if doc.from_env {
        "an interpolated value".to_owned()
    } else {
        format!("`{}`", clip(text))
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_owned()
    }
}

fn types_human(types: &[Ty]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.human()).collect();
    match names.as_slice() {
        [] => "anything".into(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The closest of `candidates` to `key` (edit distance at most 2).
fn closest<'c>(key: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    candidates
        .map(|c| (distance(key, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

/// A value's JSON form, for `uniqueItems`.
fn canonical(val: &Val<'_>) -> Option<String> {
    Some(match val {
        Val::Null => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => format!("{n}"),
        Val::Str(s) => format!("{s:?}"),
        Val::Unknown => return None,
        Val::Seq(items) => {
            let parts: Option<Vec<String>> = items.iter().map(|d| canonical(&d.val)).collect();
            format!("[{}]", parts?.join(","))
        }
        Val::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(_, k, d)| canonical(&d.val).map(|v| format!("{k:?}:{v}")))
                .collect::<Option<_>>()?;
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
    })
}

/// Validates `doc` at `path` against `schema`, pushing every error.
#[allow(clippy::too_many_lines)]
pub(crate) fn validate<'a>(
    doc: &Doc<'a>,
    schema: &Schema,
    path: &mut Vec<String>,
    out: &mut Vec<SchemaError<'a>>,
) {
    if matches!(doc.val, Val::Unknown) {
        return;
    }
    let err = |message: String, help: &str| SchemaError {
        node: doc.node,
        message,
        help: help.to_owned(),
        refused_key: None,
    };
    if !type_ok(schema.types, &doc.val) {
        out.push(err(
            format!(
                "`{}` must be {}, not {}",
                dotted(path),
                types_human(schema.types),
                describe(doc)
            ),
            "write a value of that type (quote a string; write a number or `true`/`false` without quotes)",
        ));
        return;
    }
    if !schema.one_of.is_empty() {
        one_of(doc, schema.one_of, path, out);
    }
    if !schema.any_of.is_empty()
        && !schema.any_of.iter().any(|s| {
            let mut scratch = Vec::new();
            validate(doc, s, path, &mut scratch);
            scratch.is_empty()
        })
    {
        out.push(err(
            format!(
                "`{}` matches none of the forms docker accepts",
                dotted(path)
            ),
            "see docker/cli's v3 schema for this key",
        ));
    }
    if !schema.enumeration.is_empty()
        && let Val::Str(s) = &doc.val
        && !schema.enumeration.contains(&s.as_str())
    {
        out.push(err(
            format!(
                "`{}` must be one of {}, not {}",
                dotted(path),
                schema
                    .enumeration
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                shown(doc, s)
            ),
            "use one of the listed values",
        ));
    }
    if let Some(min) = schema.minimum
        && let Val::Num(n) = doc.val
    {
        #[allow(clippy::cast_precision_loss)]
        let below = n < min as f64;
        if below {
            out.push(err(
                format!("`{}` must be at least {min}", dotted(path)),
                "use a value in range",
            ));
        }
    }
    match (schema.format, &doc.val) {
        (Some(Format::Duration), Val::Str(s)) if !is_duration(s) => out.push(err(
            format!("`{}` is not a duration: {}", dotted(path), shown(doc, s)),
            "write a Go duration such as `10s`, `1m30s` or `500ms`",
        )),
        (Some(Format::Ports), Val::Str(s)) if !is_port_spec(s) => out.push(err(
            format!("`{}` is not a port: {}", dotted(path), shown(doc, s)),
            "write `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, such as `8080:80` or `53:53/udp`",
        )),
        (Some(Format::Ports), Val::Num(n)) if !is_port_spec(&format!("{}", n.trunc())) => {
            out.push(err(
                format!(
                    "`{}` is not a port: {}",
                    dotted(path),
                    shown(doc, &n.to_string())
                ),
                "a port is between 0 and 65535",
            ));
        }
        _ => {}
    }
    match &doc.val {
        Val::Map(entries) => {
            for required in schema.required {
                if !entries.iter().any(|(_, k, _)| k == required) {
                    out.push(err(
                        format!("`{}` lacks the required key `{required}`", dotted(path)),
                        "add it",
                    ));
                }
            }
            for (key_node, key, value) in entries {
                let named = schema.properties.iter().find(|(k, _)| k == key);
                let patterned: Vec<&Schema> = schema
                    .patterns
                    .iter()
                    .filter(|(p, _)| p.matches(key))
                    .map(|(_, s)| *s)
                    .collect();
                path.push(key.clone());
                if let Some((_, s)) = named {
                    validate(value, s, path, out);
                }
                for s in &patterned {
                    validate(value, s, path, out);
                }
                if named.is_none() && patterned.is_empty() {
                    match schema.additional {
                        Additional::Any | Additional::Allowed => {}
                        Additional::Refused => {
                            path.pop();
                            let help = match closest(key, schema.properties.iter().map(|(k, _)| *k))
                            {
                                Some(near) => format!(
                                    "did you mean `{near}`? `docker stack deploy` refuses keys outside docker/cli's v3 schema; use an `x-` key for anything of your own"
                                ),
                                None => "`docker stack deploy` refuses keys outside docker/cli's v3 schema; use an `x-` key for anything of your own".to_owned(),
                            };
                            out.push(SchemaError {
                                node: key_node,
                                message: format!("`{key}` is not allowed in `{}`", dotted(path)),
                                help,
                                refused_key: Some(key.clone()),
                            });
                            path.push(key.clone());
                        }
                    }
                }
                path.pop();
            }
        }
        Val::Seq(items) => {
            if let Some(item_schema) = schema.items {
                for item in items {
                    path.push("[]".into());
                    validate(item, item_schema, path, out);
                    path.pop();
                }
            }
            if schema.unique_items {
                let mut seen: Vec<String> = Vec::new();
                for item in items {
                    let Some(c) = canonical(&item.val) else {
                        continue;
                    };
                    if seen.contains(&c) {
                        out.push(SchemaError {
                            node: item.node,
                            message: format!("`{}` holds this item twice", dotted(path)),
                            help: "remove the duplicate".into(),
                            refused_key: None,
                        });
                    } else {
                        seen.push(c);
                    }
                }
            }
        }
        _ => {}
    }
}

/// `oneOf`: exactly one alternative. When none fits, the errors of the one
/// alternative whose type fits are the precise ones.
fn one_of<'a>(
    doc: &Doc<'a>,
    alternatives: &[&Schema],
    path: &mut Vec<String>,
    out: &mut Vec<SchemaError<'a>>,
) {
    let mut results: Vec<Vec<SchemaError<'a>>> = Vec::with_capacity(alternatives.len());
    for s in alternatives {
        let mut scratch = Vec::new();
        validate(doc, s, path, &mut scratch);
        results.push(scratch);
    }
    let valid = results.iter().filter(|r| r.is_empty()).count();
    if valid == 1 {
        return;
    }
    if valid > 1 {
        out.push(SchemaError {
            node: doc.node,
            message: format!(
                "`{}` matches more than one form docker accepts",
                dotted(path)
            ),
            help: "write it in one unambiguous form".into(),
            refused_key: None,
        });
        return;
    }
    let fitting: Vec<usize> = (0..alternatives.len())
        .filter(|&k| type_ok(alternatives[k].types, &doc.val) && !alternatives[k].types.is_empty())
        .collect();
    if let [k] = fitting.as_slice() {
        out.append(&mut results[*k]);
        return;
    }
    let mut types: Vec<Ty> = alternatives
        .iter()
        .flat_map(|s| s.types.iter().copied())
        .collect();
    types.dedup();
    out.push(SchemaError {
        node: doc.node,
        message: format!(
            "`{}` must be {}, not {}",
            dotted(path),
            if types.is_empty() {
                "one of the forms docker accepts".to_owned()
            } else {
                types_human(&types)
            },
            describe(doc)
        ),
        help: "write it in one of the forms of docker/cli's v3 schema".into(),
        refused_key: None,
    });
}
