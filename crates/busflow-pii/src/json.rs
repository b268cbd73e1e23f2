//! JSON lines, handled structurally: string values are redacted in their
//! decoded view (`\u0040` is an `@`; a token replaces whole escape
//! sequences, never part of one),
//! keys are never touched and give the context for exclusions, and a number
//! that is entirely a value (a card as a JSON number) becomes a string
//! token. The output is valid JSON whenever the input was.

use crate::engine::{Outcome, Redactor};
use crate::replacement;

/// Nesting deeper than this is handled as text.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    r: &'a Redactor,
    line: &'a [u8],
    base: usize,
    pos: usize,
    copied: usize,
    out: &'a mut Vec<u8>,
    outcome: &'a mut Outcome,
}

/// Redacts the JSON object or array `line` (at `base` in the input) into
/// `out`. `false`, with `out` and `outcome` as they were, if it is not JSON.
pub(crate) fn redact_line(
    r: &Redactor,
    line: &[u8],
    base: usize,
    out: &mut Vec<u8>,
    outcome: &mut Outcome,
) -> bool {
    let start = line.iter().position(|b| !b.is_ascii_whitespace());
    if !start.is_some_and(|s| line[s] == b'{' || line[s] == b'[') {
        return false;
    }
    let (out_len, red_len, sup_len) = (
        out.len(),
        outcome.redactions.len(),
        outcome.suppressed.len(),
    );
    let mut p = Parser {
        r,
        line,
        base,
        pos: 0,
        copied: 0,
        out,
        outcome,
    };
    p.ws();
    let parsed = p.value(None, 0).is_some();
    p.ws();
    let ok = parsed && p.pos == line.len();
    if ok {
        p.out.extend_from_slice(&line[p.copied..]);
    } else {
        p.out.truncate(out_len);
        p.outcome.redactions.truncate(red_len);
        p.outcome.suppressed.truncate(sup_len);
    }
    ok
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.line.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    fn value(&mut self, key: Option<(usize, usize)>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.ws();
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.value(Some(k), depth + 1)?;
                    self.ws();
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.ws();
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.value(key, depth + 1)?;
                    self.ws();
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            b'"' => {
                let (s, e) = self.string()?;
                self.redact_string(s, e, key);
                Some(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => {
                let s = self.pos;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                {
                    self.pos += 1;
                }
                self.redact_number(s, self.pos, key);
                Some(())
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.line[self.pos..]
            .starts_with(word)
            .then(|| self.pos += word.len())
    }

    /// A string token; its content span (without quotes).
    fn string(&mut self) -> Option<(usize, usize)> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            let k = memchr::memchr2(b'"', b'\\', &self.line[self.pos..])?;
            self.pos += k;
            if self.line[self.pos] == b'"' {
                self.pos += 1;
                return Some((start, self.pos - 1));
            }
            self.pos += escape_len(&self.line[self.pos..])?;
        }
    }

    fn key_text(&self, key: Option<(usize, usize)>) -> Option<&[u8]> {
        key.map(|(s, e)| &self.line[s..e])
    }

    fn redact_string(&mut self, s: usize, e: usize, key: Option<(usize, usize)>) {
        let first = self.outcome.redactions.len();
        let line = self.line;
        let key = key.map(|(ks, ke)| &line[ks..ke]);
        // Escapes are decoded by the scan and never split by a match.
        self.r.scan(&line[s..e], self.base + s, key, self.outcome);
        if self.outcome.redactions.len() == first {
            self.r
                .keep_secret_value(&line[s..e], self.base + s, key, self.outcome);
        }
        if self.outcome.redactions.len() > first {
            self.out.extend_from_slice(&line[self.copied..s]);
            self.r.splice(
                &line[s..e],
                self.base + s,
                &self.outcome.redactions[first..],
                self.out,
            );
            self.copied = e;
        }
    }

    fn redact_number(&mut self, s: usize, e: usize, key: Option<(usize, usize)>) {
        if e - s < 8 {
            return;
        }
        let first = self.outcome.redactions.len();
        let key = self.key_text(key).map(<[u8]>::to_vec);
        self.r.scan(
            &self.line[s..e],
            self.base + s,
            key.as_deref(),
            self.outcome,
        );
        let found = &self.outcome.redactions[first..];
        match found {
            [] => {}
            [r] if r.start == self.base + s && r.end == self.base + e => {
                let r = *r;
                self.out.extend_from_slice(&self.line[self.copied..s]);
                self.out.push(b'"');
                replacement::write(
                    &self.r.config().setting(r.detector).replacement,
                    r.detector,
                    &self.line[s..e],
                    self.out,
                );
                self.out.push(b'"');
                self.copied = e;
            }
            // A value inside a number cannot be replaced and stay a number.
            _ => self.outcome.redactions.truncate(first),
        }
    }
}

/// The length of the escape sequence at the start of `text` (which begins
/// with `\`).
fn escape_len(text: &[u8]) -> Option<usize> {
    match text.get(1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' if text.len() >= 6 && text[2..6].iter().all(u8::is_ascii_hexdigit) => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Mode, Outcome, Redactor};

    fn json(line: &str) -> String {
        let mut out = Vec::new();
        Redactor::default().redact_into(
            line.as_bytes(),
            Mode::Json,
            &mut out,
            &mut Outcome::default(),
        );
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn string_values_are_redacted_and_keys_kept() {
        assert_eq!(
            json(r#"{"user":"ann@example.com","ann@example.com":1,"n":[ "+49 30 1234567" ]}"#),
            r#"{"user":"[EMAIL]","ann@example.com":1,"n":[ "[PHONE]" ]}"#
        );
    }

    #[test]
    fn escapes_are_never_split_and_the_line_stays_json() {
        let line = r#"{"msg":"to:\nann@example.com\t\u0041 4012888888881881\"x"}"#;
        let out = json(line);
        assert_eq!(out, r#"{"msg":"to:\n[EMAIL]\t\u0041 [CARD]\"x"}"#);
        serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
    }

    #[test]
    fn a_card_as_a_number_becomes_a_string_token() {
        let out = json(r#"{"pan": 4012888888881881, "amount": 12.5, "ts": 1748503543012}"#);
        assert_eq!(
            out,
            r#"{"pan": "[CARD]", "amount": 12.5, "ts": 1748503543012}"#
        );
    }

    #[test]
    fn pii_007_values_of_secret_keys_are_redacted_whole() {
        assert_eq!(
            json(r#"{"user":"ann","password":"hun\"ter2","api_key":"k-1","code":"200"}"#),
            r#"{"user":"ann","password":"[REDACTED]","api_key":"[REDACTED]","code":"200"}"#
        );
    }

    #[test]
    fn lines_that_are_not_json_are_text() {
        assert_eq!(json("plain ann@example.com {"), "plain [EMAIL] {");
        assert_eq!(json(r#"{"a": "ann@example.com""#), r#"{"a": "[EMAIL]""#);
        assert_eq!(json("{\"a\":1}\nx a@b.io\n"), "{\"a\":1}\nx [EMAIL]\n");
    }
}
