//! `${VAR}` interpolation as docker/cli's stack loader does it
//! (`cli/compose/template`): `$$` is a `$`; `$NAME` and `${NAME}` take the
//! variable (empty when unset); `${NAME:-d}` (unset or empty) and
//! `${NAME-d}` (unset) take a default; `${NAME:?e}` and `${NAME?e}` are
//! errors when the variable is unset (or empty); any other `$` is an invalid
//! template. The modifiers are tried in docker's order on the text between
//! the braces, quirks included (`$NAME-x y` reads `-x y` as a default up to a
//! `}` or the end).

use std::collections::BTreeMap;

/// What a string becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Substituted {
    /// The text is unchanged (no `$` in it), or changed to this.
    Text(String),
    /// It holds a variable and the environment is not known here.
    Unknown,
}

/// Why a string cannot be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// A `$` that starts nothing docker reads.
    Invalid,
    /// `${NAME:?message}` or `${NAME?message}` with the variable unset.
    Required { name: String, message: String },
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// The length of `subst` at the start of `s`: a name, then optionally
/// `:`? and `-` or `?` and anything up to a `}`.
fn subst_len(s: &[u8]) -> Option<usize> {
    if !s.first().copied().is_some_and(is_name_start) {
        return None;
    }
    let mut i = 1;
    while i < s.len() && is_name(s[i]) {
        i += 1;
    }
    let mut j = i;
    if s.get(j) == Some(&b':') {
        j += 1;
    }
    if matches!(s.get(j), Some(b'-' | b'?')) {
        j += 1;
        while j < s.len() && s[j] != b'}' {
            j += 1;
        }
        i = j;
    }
    Some(i)
}

/// Substitutes `template` with `env` (`None`: not known here).
pub(crate) fn substitute(
    template: &str,
    env: Option<&BTreeMap<String, String>>,
) -> Result<Substituted, TemplateError> {
    if !template.contains('$') {
        return Ok(Substituted::Text(template.to_owned()));
    }
    let bytes = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let mut unknown = false;
    let mut i = 0;
    while let Some(k) = template[i..].find('$') {
        let at = i + k;
        out.push_str(&template[i..at]);
        let rest = &bytes[at + 1..];
        let (subst, len) = if rest.first() == Some(&b'$') {
            out.push('$');
            i = at + 2;
            continue;
        } else if let Some(n) = subst_len(rest) {
            (&template[at + 1..at + 1 + n], 1 + n)
        } else if rest.first() == Some(&b'{')
            && let Some(n) = subst_len(&rest[1..])
            && rest.get(1 + n) == Some(&b'}')
        {
            (&template[at + 2..at + 2 + n], 3 + n)
        } else {
            return Err(TemplateError::Invalid);
        };
        match env {
            Some(env) => out.push_str(&apply(subst, env)?),
            None => unknown = true,
        }
        i = at + len;
    }
    out.push_str(&template[i..]);
    Ok(if unknown {
        Substituted::Unknown
    } else {
        Substituted::Text(out)
    })
}

fn partition<'s>(s: &'s str, sep: &str) -> (&'s str, &'s str) {
    s.split_once(sep).unwrap_or((s, ""))
}

/// docker's substitution functions, in its order: soft default, hard
/// default, required non-empty, required; else the variable.
fn apply(subst: &str, env: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    let get = |name: &str| env.get(name).map(String::as_str);
    if subst.contains(":-") {
        let (name, default) = partition(subst, ":-");
        return Ok(match get(name) {
            Some(v) if !v.is_empty() => v.to_owned(),
            _ => default.to_owned(),
        });
    }
    if subst.contains('-') {
        let (name, default) = partition(subst, "-");
        return Ok(get(name).unwrap_or(default).to_owned());
    }
    if subst.contains(":?") {
        let (name, message) = partition(subst, ":?");
        return match get(name) {
            Some(v) if !v.is_empty() => Ok(v.to_owned()),
            _ => Err(TemplateError::Required {
                name: name.to_owned(),
                message: message.to_owned(),
            }),
        };
    }
    if subst.contains('?') {
        let (name, message) = partition(subst, "?");
        return get(name).map(str::to_owned).ok_or(TemplateError::Required {
            name: name.to_owned(),
            message: message.to_owned(),
        });
    }
    Ok(get(subst).unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> BTreeMap<String, String> {
        [("SET", "v"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn sub(t: &str) -> Result<Substituted, TemplateError> {
        substitute(t, Some(&env()))
    }

    fn text(t: &str) -> String {
        match sub(t) {
            Ok(Substituted::Text(s)) => s,
            other => panic!("{t}: {other:?}"),
        }
    }

    #[test]
    fn swarm_compose_012_interpolates_as_docker_does() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("$$SET"), "$SET");
        assert_eq!(text("a $SET b"), "a v b");
        assert_eq!(text("${SET}x"), "vx");
        assert_eq!(text("${UNSET}"), "");
        assert_eq!(text("${UNSET:-d}"), "d");
        assert_eq!(text("${EMPTY:-d}"), "d");
        assert_eq!(text("${EMPTY-d}"), "");
        assert_eq!(text("${UNSET-d}"), "d");
        assert_eq!(
            text("$UNSET-x y"),
            "x y",
            "docker's named form takes a default"
        );
        assert_eq!(text("${SET:?no}"), "v");
        assert!(matches!(
            sub("${EMPTY:?no}"),
            Err(TemplateError::Required { .. })
        ));
        assert_eq!(text("${EMPTY?no}"), "");
        assert!(matches!(
            sub("${UNSET?no}"),
            Err(TemplateError::Required { .. })
        ));
        for bad in ["$", "a $ b", "${", "${SET", "${1}", "$1", "${ SET}"] {
            assert_eq!(sub(bad), Err(TemplateError::Invalid), "{bad}");
        }
        assert_eq!(substitute("${X:-1}", None), Ok(Substituted::Unknown));
        assert_eq!(substitute("$$", None), Ok(Substituted::Text("$".into())));
        assert_eq!(substitute("${", None), Err(TemplateError::Invalid));
    }
}
