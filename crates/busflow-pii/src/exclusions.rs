//! PII-003: `pii-exclusions.yaml`, per rule the matches that are not
//! personal data.
//!
//! ```yaml
//! PII-001:
//!   - literal: "4111 1111 1111 1111"   # compared as the rule normalises
//!     reason: the QA team's card in the staging checkout
//!   - key: order_id                    # JSON key or `key=` / `key:` before it
//!   - preceded_by: order               # the word before the match
//! PII-002:
//!   - regex: '^[a-z0-9._-]+@busflow\.app$'   # matched against the whole value
//!     name: system-senders             # the label in the counters
//! ```
//!
//! Every entry has exactly one of `literal`, `regex`, `key`, `preceded_by`,
//! and may have a `name` (default `<kind>@<line>`) and a `reason`. Any
//! other shape — an unknown rule, an unknown field, two matchers, a regex
//! that does not compile — is an error naming the file, line, column and
//! rule: an exclusion list that does not load must never mean "no
//! exclusions".

use std::path::Path;

use regex::bytes::Regex;

use crate::detector::Detector;
use crate::error::Error;
use crate::replacement::normalise;
use crate::yamlfile;

#[derive(Debug, Clone)]
enum Matcher {
    Literal(Vec<u8>),
    Regex(Regex),
    Key(String),
    PrecededBy(String),
}

/// One exclusion of a rule.
#[derive(Debug, Clone)]
pub struct Exclusion {
    /// Its name, for counters and messages.
    pub name: String,
    /// The line it was written on.
    pub line: u32,
    matcher: Matcher,
}

/// What surrounds a match, for context exclusions.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context<'a> {
    /// The JSON key of the string holding the match, or the `key` of a
    /// `key=value` / `key: value` right before it.
    pub key: Option<&'a [u8]>,
    /// The word before the match.
    pub preceding: Option<&'a [u8]>,
}

/// The exclusions of every rule.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    rules: [Vec<Exclusion>; Detector::ALL.len()],
}

impl Exclusions {
    /// Reads `pii-exclusions.yaml`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = busflow_fs::read_arg(path, &busflow_fs::Limits::default())
            .map_err(busflow_fs::ReadError::into_io)
            .map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Parses the text of an exclusions file; `path` is for messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        let doc = yamlfile::document(path, text)?;
        let mut out = Self::default();
        for (rule, entries) in yamlfile::map(path, &doc, None, "the exclusions file")? {
            let id = yamlfile::scalar(path, rule, None, "a rule ID")?;
            let detector = Detector::parse(id).ok_or_else(|| {
                Error::file(
                    path,
                    rule.pos,
                    Some(id),
                    "a redacting rule (PII-001, PII-002, PII-007, PIIX-001 … PIIX-004)",
                )
            })?;
            let items = if entries.is_null() {
                &[][..]
            } else {
                entries.as_seq().ok_or_else(|| {
                    Error::file(
                        path,
                        entries.pos,
                        Some(id),
                        format!("a list of exclusions, found {}", entries.kind()),
                    )
                })?
            };
            for item in items {
                out.rules[detector.index()].push(parse_entry(path, id, detector, item)?);
            }
        }
        Ok(out)
    }

    /// The exclusions of `detector`'s rule.
    pub fn of(&self, detector: Detector) -> &[Exclusion] {
        &self.rules[detector.index()]
    }

    /// Whether `detector` has exclusions that look at the context.
    pub(crate) fn needs_context(&self, detector: Detector) -> bool {
        self.of(detector)
            .iter()
            .any(|e| matches!(e.matcher, Matcher::Key(_) | Matcher::PrecededBy(_)))
    }

    /// The index of the first exclusion of `detector` that `value` (in
    /// `context`) meets.
    pub(crate) fn first_match(
        &self,
        detector: Detector,
        value: &[u8],
        context: &Context<'_>,
    ) -> Option<usize> {
        self.of(detector).iter().position(|e| match &e.matcher {
            Matcher::Literal(l) => *l == normalise(detector, value),
            Matcher::Regex(r) => r.is_match(value),
            Matcher::Key(k) => context
                .key
                .is_some_and(|c| c.eq_ignore_ascii_case(k.as_bytes())),
            Matcher::PrecededBy(w) => context
                .preceding
                .is_some_and(|c| c.eq_ignore_ascii_case(w.as_bytes())),
        })
    }

    /// Whether there are no exclusions at all.
    pub fn is_empty(&self) -> bool {
        self.rules.iter().all(Vec::is_empty)
    }
}

fn parse_entry(
    path: &Path,
    id: &str,
    detector: Detector,
    item: &busflow_yaml::Node,
) -> Result<Exclusion, Error> {
    let mut matcher = None;
    let mut name = None;
    for (k, v) in yamlfile::map(path, item, Some(id), "an exclusion")? {
        let field = k.as_str().unwrap_or_default();
        let kind = match field {
            "name" => {
                name = Some(yamlfile::scalar(path, v, Some(id), "name")?.to_owned());
                continue;
            }
            "reason" => {
                yamlfile::scalar(path, v, Some(id), "reason")?;
                continue;
            }
            "literal" | "regex" | "key" | "preceded_by" => field,
            other => {
                return Err(Error::file(
                    path,
                    k.pos,
                    Some(id),
                    format!(
                        "one of literal, regex, key, preceded_by, name, reason; found `{other}`"
                    ),
                ));
            }
        };
        if matcher.is_some() {
            return Err(Error::file(
                path,
                k.pos,
                Some(id),
                "one matcher per exclusion (literal, regex, key or preceded_by)",
            ));
        }
        let text = yamlfile::scalar(path, v, Some(id), kind)?;
        if text.is_empty() {
            return Err(Error::file(
                path,
                v.pos,
                Some(id),
                format!("{kind}: a non-empty value"),
            ));
        }
        matcher = Some((
            kind,
            match kind {
                "literal" => Matcher::Literal(normalise(detector, text.as_bytes())),
                "regex" => Matcher::Regex(Regex::new(&format!("^(?:{text})$")).map_err(|e| {
                    let why = e.to_string();
                    let why = why
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim()
                        .trim_start_matches("error: ");
                    Error::file(
                        path,
                        v.pos,
                        Some(id),
                        format!("regex: a valid regular expression ({why})"),
                    )
                })?),
                "key" => Matcher::Key(text.to_owned()),
                _ => Matcher::PrecededBy(text.to_owned()),
            },
        ));
    }
    let Some((kind, matcher)) = matcher else {
        return Err(Error::file(
            path,
            item.pos,
            Some(id),
            "an exclusion needs one of literal, regex, key, preceded_by",
        ));
    };
    Ok(Exclusion {
        name: name.unwrap_or_else(|| format!("{kind}@{}", item.pos.line)),
        line: item.pos.line,
        matcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Exclusions, Error> {
        Exclusions::parse(Path::new("pii-exclusions.yaml"), text)
    }

    #[test]
    fn pii_003_a_valid_file_loads_every_kind() {
        let ex = parse(
            "PII-001:\n  - literal: \"4111 1111 1111 1111\"\n    reason: QA card\n  - key: order_id\nPII-002:\n  - regex: '^[a-z]+@busflow\\.app$'\n    name: system-senders\n  - preceded_by: from\n",
        )
        .expect("valid");
        assert_eq!(ex.of(Detector::Card).len(), 2);
        assert_eq!(ex.of(Detector::Card)[0].name, "literal@2");
        assert_eq!(ex.of(Detector::Email)[0].name, "system-senders");
        let none = Context::default();
        assert_eq!(
            ex.first_match(Detector::Card, b"4111-1111-1111-1111", &none),
            Some(0)
        );
        assert_eq!(
            ex.first_match(Detector::Email, b"noreply@busflow.app", &none),
            Some(0)
        );
        assert_eq!(
            ex.first_match(Detector::Email, b"x.noreply@busflow.app.evil.io", &none),
            None
        );
        let ctx = Context {
            key: Some(b"Order_Id"),
            preceding: None,
        };
        assert_eq!(
            ex.first_match(Detector::Card, b"4012888888881881", &ctx),
            Some(1)
        );
        assert!(parse("").expect("empty").is_empty());
    }

    #[test]
    fn pii_003_a_bad_file_is_an_error_with_rule_and_line() {
        let cases = [
            (
                "PII-002:\n  - regex: '([a-z'\n",
                "pii-exclusions.yaml:2:13: PII-002: regex: a valid regular expression",
            ),
            (
                "PII-001:\n  - literl: 4111\n",
                "pii-exclusions.yaml:2:5: PII-001: one of literal",
            ),
            (
                "PII-009:\n  - literal: x\n",
                "pii-exclusions.yaml:1:1: PII-009: a redacting rule",
            ),
            (
                "PII-001:\n  - literal: a\n    key: b\n",
                "pii-exclusions.yaml:3:5: PII-001: one matcher per exclusion",
            ),
            (
                "PII-001:\n  - reason: nothing\n",
                "pii-exclusions.yaml:2:5: PII-001: an exclusion needs",
            ),
            (
                "PII-001: 4111\n",
                "pii-exclusions.yaml:1:10: PII-001: a list of exclusions",
            ),
            (
                "PII-001:\n  - literal: \"\"\n",
                "pii-exclusions.yaml:2:15: PII-001: literal: a non-empty value",
            ),
            ("PII-001:\n  - [\n", "pii-exclusions.yaml:"),
        ];
        for (text, expected) in cases {
            let err = parse(text).expect_err(text);
            assert!(
                err.to_string().starts_with(expected),
                "{text:?}\n got: {err}\nwant: {expected}"
            );
        }
    }
}
