//! The stack file as docker's loader sees it before validation: scalars
//! typed as `yaml.v3` types them into Go values (YAML 1.2 core: `yes` is a
//! string, `1_000` an integer, timestamps stay strings), keys that are not
//! strings refused, strings interpolated, and the values at docker's
//! type-cast paths (`deploy.replicas`, `ports[].published`, …) cast from
//! their interpolated text. Every value keeps the node it was written at.

use std::collections::BTreeMap;

use busflow_yaml::{Node, Value};

use super::interpolate::{Substituted, TemplateError, substitute};

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// Interpolated from an environment not known here: any type.
    Unknown,
    Map(Vec<(&'a Node, String, Doc<'a>)>),
    Seq(Vec<Doc<'a>>),
}

/// A typed value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc<'a> {
    pub(crate) node: &'a Node,
    pub(crate) val: Val<'a>,
    /// The value came out of interpolation: it may hold a secret from the
    /// environment, so no message quotes it.
    pub(crate) from_env: bool,
}

impl<'a> Doc<'a> {
    /// The value of `key`, in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Doc<'a>> {
        match &self.val {
            Val::Map(entries) => entries.iter().find(|(_, k, _)| k == key).map(|(_, _, d)| d),
            _ => None,
        }
    }
}

/// Something docker refuses before it validates: where, what, how to fix.
pub(crate) struct LoadError<'a> {
    pub(crate) node: &'a Node,
    pub(crate) message: String,
    pub(crate) help: String,
}

/// How `yaml.v3` types a plain scalar.
fn plain(s: &str) -> Val<'static> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Val::Null,
        "true" | "True" | "TRUE" => return Val::Bool(true),
        "false" | "False" | "FALSE" => return Val::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Val::Num(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Val::Num(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Val::Num(f64::NAN),
        _ => {}
    }
    if let Some(n) = int(s) {
        return Val::Num(n);
    }
    if is_float(s) {
        return s.parse().map_or_else(|_| Val::Str(s.to_owned()), Val::Num);
    }
    Val::Str(s.to_owned())
}

/// `strconv.ParseInt(s without "_", 0, 64)` (and the unsigned form), as
/// `yaml.v3` resolves integers: decimal, `0x`, `0o`, `0b`, a leading `0`
/// for octal.
#[allow(clippy::cast_precision_loss)]
fn int(s: &str) -> Option<f64> {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, h)
    } else if let Some(o) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, o)
    } else if let Some(b) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, b)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || s.starts_with('_') {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    if neg && v > 1 << 63 {
        return None;
    }
    Some(if neg { -(v as f64) } else { v as f64 })
}

/// `yaml.v3`'s float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i;
    if b.first() == Some(&b'.') {
        i = 1 + digits(&b[1..]);
        if i == 1 {
            return false;
        }
    } else {
        i = digits(b);
        if i == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1 + digits(&b[i + 1..]);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let n = digits(&b[i..]);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

/// A cast docker applies to an interpolated value at a path.
#[derive(Clone, Copy)]
enum Cast {
    Int,
    Float,
    Bool,
}

/// docker/cli's `interpolateTypeCastMapping` (`*` is any key, `[]` a list
/// item).
const CASTS: &[(&[&str], Cast)] = &[
    (&["services", "*", "configs", "[]", "mode"], Cast::Int),
    (&["services", "*", "secrets", "[]", "mode"], Cast::Int),
    (&["services", "*", "healthcheck", "retries"], Cast::Int),
    (&["services", "*", "healthcheck", "disable"], Cast::Bool),
    (&["services", "*", "deploy", "replicas"], Cast::Int),
    (
        &["services", "*", "deploy", "update_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "update_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "rollback_config", "parallelism"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "rollback_config",
            "max_failure_ratio",
        ],
        Cast::Float,
    ),
    (
        &["services", "*", "deploy", "restart_policy", "max_attempts"],
        Cast::Int,
    ),
    (
        &[
            "services",
            "*",
            "deploy",
            "placement",
            "max_replicas_per_node",
        ],
        Cast::Int,
    ),
    (&["services", "*", "ports", "[]", "target"], Cast::Int),
    (&["services", "*", "ports", "[]", "published"], Cast::Int),
    (&["services", "*", "ulimits", "*"], Cast::Int),
    (&["services", "*", "ulimits", "*", "hard"], Cast::Int),
    (&["services", "*", "ulimits", "*", "soft"], Cast::Int),
    (&["services", "*", "privileged"], Cast::Bool),
    (&["services", "*", "oom_score_adj"], Cast::Int),
    (&["services", "*", "read_only"], Cast::Bool),
    (&["services", "*", "stdin_open"], Cast::Bool),
    (&["services", "*", "tty"], Cast::Bool),
    (&["services", "*", "volumes", "[]", "read_only"], Cast::Bool),
    (
        &["services", "*", "volumes", "[]", "volume", "nocopy"],
        Cast::Bool,
    ),
    (&["networks", "*", "external"], Cast::Bool),
    (&["networks", "*", "internal"], Cast::Bool),
    (&["networks", "*", "attachable"], Cast::Bool),
    (&["volumes", "*", "external"], Cast::Bool),
    (&["secrets", "*", "external"], Cast::Bool),
    (&["configs", "*", "external"], Cast::Bool),
];

fn cast_at(path: &[&str]) -> Option<Cast> {
    CASTS.iter().find_map(|(pattern, cast)| {
        (pattern.len() == path.len() && pattern.iter().zip(path).all(|(p, k)| *p == "*" || p == k))
            .then_some(*cast)
    })
}

#[allow(clippy::cast_precision_loss)]
fn cast(text: &str, how: Cast) -> Option<Val<'static>> {
    match how {
        // `strconv.Atoi`: an optional sign and decimal digits.
        Cast::Int => {
            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<i64>().ok().map(|n| Val::Num(n as f64)))
                .flatten()
        }
        Cast::Float => text.parse::<f64>().ok().map(Val::Num),
        Cast::Bool => match text.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "on" => Some(Val::Bool(true)),
            "n" | "no" | "false" | "off" => Some(Val::Bool(false)),
            _ => None,
        },
    }
}

/// Reads `node` (at `path`) as docker's loader would hand it to the schema.
pub(crate) fn load<'a>(
    node: &'a Node,
    path: &mut Vec<String>,
    env: Option<&BTreeMap<String, String>>,
    errors: &mut Vec<LoadError<'a>>,
) -> Doc<'a> {
    let mut from_env = false;
    let val = match &node.value {
        Value::Scalar(s, quoted) => {
            let typed = if *quoted {
                Val::Str(s.clone())
            } else {
                plain(s)
            };
            match typed {
                Val::Str(text) => {
                    from_env = text.contains('$');
                    interpolate(node, text, path, env, errors)
                }
                other => other,
            }
        }
        Value::Seq(items) => Val::Seq(
            items
                .iter()
                .map(|item| {
                    path.push("[]".into());
                    let d = load(item, path, env, errors);
                    path.pop();
                    d
                })
                .collect(),
        ),
        Value::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match &k.value {
                    Value::Scalar(s, true) => s.clone(),
                    Value::Scalar(s, false) if matches!(plain(s), Val::Str(_)) => s.clone(),
                    _ => {
                        errors.push(LoadError {
                            node: k,
                            message: format!(
                                "a key in `{}` is not a string: `{}`",
                                dotted(path),
                                k.as_str().unwrap_or(k.kind())
                            ),
                            help: "quote the key: docker reads keys as strings only".into(),
                        });
                        continue;
                    }
                };
                path.push(key.clone());
                let d = load(v, path, env, errors);
                path.pop();
                out.push((k, key, d));
            }
            Val::Map(out)
        }
    };
    Doc {
        node,
        val,
        from_env,
    }
}

fn interpolate<'a>(
    node: &'a Node,
    text: String,
    path: &[String],
    env: Option<&BTreeMap<String, String>>,
    errors: &mut Vec<LoadError<'a>>,
) -> Val<'a> {
    match substitute(&text, env) {
        Ok(Substituted::Text(new)) if new == text => Val::Str(text),
        Ok(Substituted::Text(new)) => {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            match cast_at(&keys) {
                None => Val::Str(new),
                Some(how) => cast(&new, how).unwrap_or_else(|| {
                    errors.push(LoadError {
                        node,
                        message: format!(
                            "`{}` is not {} after interpolation (docker casts it)",
                            dotted(path),
                            match how {
                                Cast::Int => "an integer",
                                Cast::Float => "a number",
                                Cast::Bool => "a boolean",
                            }
                        ),
                        help: "set the variable to a value of that type, or give a default (`${VAR:-1}`)".into(),
                    });
                    Val::Unknown
                }),
            }
        }
        Ok(Substituted::Unknown) => Val::Unknown,
        Err(TemplateError::Invalid) => {
            errors.push(LoadError {
                node,
                message: format!(
                    "invalid interpolation format for `{}`: `{text}`",
                    dotted(path)
                ),
                help: "write a literal `$` as `$$`; a variable is `$NAME` or `${NAME}`".into(),
            });
            Val::Unknown
        }
        Err(TemplateError::Required { name, message }) => {
            errors.push(LoadError {
                node,
                message: format!(
                    "`{}` requires the variable `{name}`, which is not set: {message}",
                    dotted(path)
                ),
                help: format!("set `{name}` in the environment of `docker stack deploy`"),
            });
            Val::Unknown
        }
    }
}

/// `services.web.deploy` (list items as `[]`).
pub(crate) fn dotted(path: &[String]) -> String {
    if path.is_empty() {
        return "the file".into();
    }
    path.join(".").replace(".[]", "[]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_compose_012_scalars_are_typed_as_yaml_v3_types_them() {
        assert_eq!(plain("2"), Val::Num(2.0));
        assert_eq!(plain("1_000"), Val::Num(1000.0));
        assert_eq!(plain("0x1f"), Val::Num(31.0));
        assert_eq!(plain("3.9"), Val::Num(3.9));
        assert_eq!(plain("1e3"), Val::Num(1000.0));
        assert_eq!(
            plain("yes"),
            Val::Str("yes".into()),
            "YAML 1.2: yes is a string"
        );
        assert_eq!(plain("True"), Val::Bool(true));
        assert_eq!(plain("~"), Val::Null);
        assert_eq!(plain("2026-12-03"), Val::Str("2026-12-03".into()));
        assert_eq!(plain("512M"), Val::Str("512M".into()));
        assert_eq!(plain("1.2.3"), Val::Str("1.2.3".into()));
        assert_eq!(plain("0.5"), Val::Num(0.5));
    }
}
