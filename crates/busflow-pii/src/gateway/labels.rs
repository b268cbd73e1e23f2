//! Stream labels and LogQL stream selectors: which streams the gateway
//! reads as JSON lines (`--json-streams '{app=~"api|worker"}'`).
//!
//! A protobuf push names a stream's labels as LogQL text
//! (`{app="api", env="prod"}`, values as Go-quoted strings); a JSON push as
//! an object. Both are read into pairs and matched against a selector of
//! `=`, `!=`, `=~` and `!~` matchers (regexes anchored, as in LogQL).

use regex::Regex;

/// A selector could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stream selector at byte {at}: {what}")]
pub struct SelectorError {
    /// Byte offset in the selector text.
    pub at: usize,
    /// What was expected.
    pub what: String,
}

#[derive(Debug, Clone)]
enum Op {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
}

/// A LogQL stream selector: every matcher must hold.
#[derive(Debug, Clone)]
pub struct Selector {
    text: String,
    matchers: Vec<(String, Op)>,
}

impl Selector {
    /// Reads `{name="v", name=~"re", …}`.
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let pairs = parse_matchers(text)?;
        let mut matchers = Vec::with_capacity(pairs.len());
        for (name, op, value, at) in pairs {
            let regex = |v: &str| {
                Regex::new(&format!("^(?:{v})$")).map_err(|e| SelectorError {
                    at,
                    what: format!("a valid regular expression: {e}"),
                })
            };
            let op = match op {
                "=" => Op::Eq(value),
                "!=" => Op::Ne(value),
                "=~" => Op::Re(regex(&value)?),
                _ => Op::NotRe(regex(&value)?),
            };
            matchers.push((name, op));
        }
        Ok(Self {
            text: text.to_owned(),
            matchers,
        })
    }

    /// The selector as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the labels `get` looks up satisfy every matcher (a missing
    /// label is the empty string, as in LogQL).
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.matchers.iter().all(|(name, op)| {
            let v = get(name).unwrap_or("");
            match op {
                Op::Eq(want) => v == want,
                Op::Ne(want) => v != want,
                Op::Re(re) => re.is_match(v),
                Op::NotRe(re) => !re.is_match(v),
            }
        })
    }

    /// Whether the LogQL label text of a protobuf stream satisfies it; a
    /// label text that does not parse never matches.
    pub fn matches_text(&self, labels: &str) -> bool {
        match parse_matchers(labels) {
            Ok(pairs) => self.matches(|name| {
                pairs
                    .iter()
                    .find(|(n, op, ..)| n == name && *op == "=")
                    .map(|(_, _, v, _)| v.as_str())
            }),
            Err(_) => false,
        }
    }
}

type Matcher = (String, &'static str, String, usize);

/// `{name op "value", …}` as (name, op, unquoted value, offset).
fn parse_matchers(text: &str) -> Result<Vec<Matcher>, SelectorError> {
    let b = text.as_bytes();
    let err = |at: usize, what: &str| SelectorError {
        at,
        what: what.to_owned(),
    };
    let ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return Err(err(i, "`{`"));
    }
    i = ws(i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Ok(out);
    }
    loop {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == start {
            return Err(err(i, "a label name"));
        }
        let name = text[start..i].to_owned();
        i = ws(i);
        let op = match b.get(i..i + 2) {
            Some(b"=~") => "=~",
            Some(b"!=") => "!=",
            Some(b"!~") => "!~",
            _ if b.get(i) == Some(&b'=') => "=",
            _ => return Err(err(i, "one of =, !=, =~, !~")),
        };
        i = ws(i + op.len());
        let (value, end) = quoted(text, i).ok_or_else(|| err(i, "a quoted value"))?;
        out.push((name, op, value, start));
        i = ws(end);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b'}') => {
                if ws(i + 1) != b.len() {
                    return Err(err(i + 1, "the end after `}`"));
                }
                return Ok(out);
            }
            _ => return Err(err(i, "`,` or `}`")),
        }
    }
}

/// A Go-quoted string (`"…"` with escapes, or a back-quoted raw string)
/// at `i`: its value and the offset after it.
fn quoted(text: &str, i: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    match b.get(i)? {
        b'`' => {
            let end = i + 1 + text[i + 1..].find('`')?;
            Some((text[i + 1..end].to_owned(), end + 1))
        }
        b'"' => {
            let mut out = String::new();
            let mut chars = text[i + 1..].char_indices();
            while let Some((k, c)) = chars.next() {
                match c {
                    '"' => return Some((out, i + 1 + k + 1)),
                    '\\' => {
                        let (_, e) = chars.next()?;
                        out.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            other => other,
                        });
                    }
                    c => out.push(c),
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_label_texts_and_objects() {
        let s = Selector::parse(r#"{app=~"api|worker", env!="dev", team!~"x.*"}"#).expect("valid");
        assert!(s.matches_text(r#"{app="api", env="prod"}"#));
        assert!(s.matches_text(r#"{env="prod", app="worker", team="core"}"#));
        assert!(!s.matches_text(r#"{app="apis", env="prod"}"#), "anchored");
        assert!(!s.matches_text(r#"{app="api", env="dev"}"#));
        assert!(!s.matches_text(r#"{app="api", team="xy"}"#));
        assert!(!s.matches_text("not labels"));
        let esc = Selector::parse(r#"{msg="a \"quoted\" word"}"#).expect("valid");
        assert!(esc.matches(|_| Some("a \"quoted\" word")));
    }

    #[test]
    fn bad_selectors_say_where_and_what() {
        for (text, at) in [
            ("app=\"x\"", 0),
            ("{app}", 4),
            ("{app=x}", 5),
            ("{app=\"x\"", 8),
            ("{app=~\"(\"}", 1),
            ("{a=\"b\"} x", 7),
        ] {
            let e = Selector::parse(text).expect_err(text);
            assert_eq!(e.at, at, "{text}: {e}");
        }
    }
}
