//! Go `text/template` checks of alert labels and annotations, as promtool
//! makes them: the text must parse, every `$variable` must be declared in
//! scope, and every function must exist (Go's built-ins plus Prometheus'
//! template functions). Prometheus predeclares `$labels`, `$externalLabels`,
//! `$externalURL` and `$value` before the text.
//!
//! This is a parser for errors, not an evaluator: it follows Go's grammar
//! (actions, pipelines, declarations, `if`/`with`/`range`/`else`/`end`,
//! `define`/`block`/`template`, comments, trim markers) and reports the first
//! error with its offset in the text.

/// Go's built-in template functions.
const GO_FUNCS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Prometheus' template functions (`template/template.go`).
const PROMETHEUS_FUNCS: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
];

/// Variables Prometheus declares before an alert's templates.
const PREDECLARED: &[&str] = &["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// A template error: the byte offset in the text and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the offending token in the template text.
    pub offset: usize,
    /// Go's wording where it has one (`undefined variable "$x"`).
    pub message: String,
}

/// Checks one label or annotation value.
pub fn check(text: &str) -> Result<(), TemplateError> {
    let tokens = lex(text)?;
    let mut p = Checker {
        tokens,
        at: 0,
        vars: PREDECLARED.iter().map(|v| (*v).to_owned()).collect(),
        end: text.len(),
    };
    p.list(&[])?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text,
    Open,
    Close,
    Var(String),
    Field,
    Ident(String),
    Literal,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
}

fn err(offset: usize, message: impl Into<String>) -> TemplateError {
    TemplateError {
        offset,
        message: message.into(),
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, TemplateError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some(open) = text[i..].find("{{").map(|o| o + i) else {
            out.push((Tok::Text, i));
            break;
        };
        if open > i {
            out.push((Tok::Text, i));
        }
        let mut j = open + 2;
        if b.get(j) == Some(&b'-') && b.get(j + 1).is_some_and(u8::is_ascii_whitespace) {
            j += 2;
        }
        // Comment: must close right after `*/`.
        let after_ws = j + text[j..].len() - text[j..].trim_start().len();
        if text[j..].starts_with("/*")
            || (after_ws != j && text[after_ws..].starts_with("/*") && j != open + 2)
        {
            let start = if text[j..].starts_with("/*") {
                j
            } else {
                after_ws
            };
            let Some(close) = text[start + 2..].find("*/").map(|c| c + start + 2) else {
                return Err(err(open, "unclosed comment"));
            };
            let mut k = close + 2;
            if text[k..].starts_with(" -}}") {
                k += 4;
            } else if text[k..].starts_with("}}") {
                k += 2;
            } else {
                return Err(err(close, "comment ends before closing delimiter"));
            }
            i = k;
            continue;
        }
        out.push((Tok::Open, open));
        i = lex_action(text, j, &mut out)?;
    }
    Ok(out)
}

/// Lexes an action's inside from `i`; returns the offset after `}}`.
// One match over the next byte reads best whole, as in Go's lexer.
#[allow(clippy::too_many_lines)]
fn lex_action(
    text: &str,
    mut i: usize,
    out: &mut Vec<(Tok, usize)>,
) -> Result<usize, TemplateError> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(err(i, "unclosed action"));
        };
        if text[i..].starts_with("}}")
            || (c.is_ascii_whitespace() && text[i..].trim_start().starts_with("-}}"))
        {
            if depth > 0 {
                return Err(err(i, "unclosed left paren"));
            }
            let close = if text[i..].starts_with("}}") {
                i
            } else {
                i + text[i..].find("-}}").unwrap_or(0)
            };
            out.push((Tok::Close, close));
            return Ok(close + if text[close..].starts_with('-') { 3 } else { 2 });
        }
        match c {
            _ if c.is_ascii_whitespace() => i += 1,
            b'|' => {
                out.push((Tok::Pipe, i));
                i += 1;
            }
            b'(' => {
                depth += 1;
                out.push((Tok::LParen, i));
                i += 1;
            }
            b')' => {
                if depth == 0 {
                    return Err(err(i, "unexpected right paren"));
                }
                depth -= 1;
                out.push((Tok::RParen, i));
                i += 1;
            }
            b',' => {
                out.push((Tok::Comma, i));
                i += 1;
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                out.push((Tok::Declare, i));
                i += 2;
            }
            b'=' => {
                out.push((Tok::Assign, i));
                i += 1;
            }
            b'"' | b'`' | b'\'' => {
                let end = quoted_end(text, i)?;
                out.push((Tok::Literal, i));
                i = end;
            }
            b'$' => {
                let end = ident_end(b, i + 1);
                out.push((Tok::Var(text[i..end].to_owned()), i));
                i = field_chain_end(b, end);
            }
            b'.' => {
                out.push((Tok::Field, i));
                let end = if b
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
                {
                    ident_end(b, i + 1)
                } else {
                    i + 1
                };
                i = field_chain_end(b, end);
            }
            b'0'..=b'9' | b'+' | b'-' => {
                let mut end = i + 1;
                while b.get(end).is_some_and(|c| {
                    c.is_ascii_alphanumeric()
                        || *c == b'.'
                        || *c == b'_'
                        || ((*c == b'+' || *c == b'-')
                            && matches!(b[end - 1], b'e' | b'E' | b'p' | b'P'))
                }) {
                    end += 1;
                }
                if !b[i..end].iter().any(u8::is_ascii_digit) {
                    return Err(err(i, format!("bad number syntax: {:?}", &text[i..end])));
                }
                out.push((Tok::Literal, i));
                i = end;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let end = ident_end(b, i);
                out.push((Tok::Ident(text[i..end].to_owned()), i));
                i = field_chain_end(b, end);
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(err(i, format!("unrecognized character in action: {ch:?}")));
            }
        }
    }
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80)
    {
        i += 1;
    }
    i
}

/// Skips `.Field.Other` after a term.
fn field_chain_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b'.')
        && b.get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        i = ident_end(b, i + 1);
    }
    i
}

fn quoted_end(text: &str, start: usize) -> Result<usize, TemplateError> {
    let b = text.as_bytes();
    let q = b[start];
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        if c == b'\\' && q != b'`' {
            i += 2;
            continue;
        }
        if c == b'\n' && q != b'`' {
            break;
        }
        if c == q {
            return Ok(i + 1);
        }
        i += 1;
    }
    Err(err(
        start,
        if q == b'`' {
            "unterminated raw quoted string"
        } else {
            "unterminated quoted string"
        },
    ))
}

struct Checker {
    tokens: Vec<(Tok, usize)>,
    at: usize,
    vars: Vec<String>,
    end: usize,
}

impl Checker {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(_, o)| *o)
    }

    fn next(&mut self) -> Option<(Tok, usize)> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    /// Parses items until one of `stops` (`end`, `else`) opens an action;
    /// returns which one (consumed up to the keyword), or `None` at EOF.
    fn list(&mut self, stops: &[&str]) -> Result<Option<String>, TemplateError> {
        while let Some((tok, off)) = self.next() {
            match tok {
                Tok::Text => {}
                Tok::Open => {
                    if let Some(Tok::Ident(word)) = self.peek().cloned() {
                        if stops.contains(&word.as_str()) {
                            self.at += 1;
                            return Ok(Some(word));
                        }
                        match word.as_str() {
                            "end" | "else" => {
                                return Err(err(
                                    self.offset(),
                                    format!("unexpected {{{{{word}}}}}"),
                                ));
                            }
                            "if" | "with" | "range" => {
                                self.at += 1;
                                self.control(&word)?;
                                continue;
                            }
                            "define" | "block" => {
                                self.at += 1;
                                self.define(word == "block")?;
                                continue;
                            }
                            "template" => {
                                self.at += 1;
                                self.template_call()?;
                                continue;
                            }
                            "break" | "continue" => {
                                self.at += 1;
                                self.close()?;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    self.pipeline(true)?;
                    self.close()?;
                }
                _ => return Err(err(off, "unexpected token outside an action")),
            }
        }
        if stops.is_empty() {
            Ok(None)
        } else {
            Err(err(self.end, "unexpected EOF"))
        }
    }

    fn close(&mut self) -> Result<(), TemplateError> {
        match self.next() {
            Some((Tok::Close, _)) => Ok(()),
            Some((_, off)) => Err(err(off, "unexpected token in action; expected }}")),
            None => Err(err(self.end, "unclosed action")),
        }
    }

    /// `if`/`with`/`range` PIPELINE }} LIST [{{else [if|with] ...}} LIST] {{end}}
    fn control(&mut self, word: &str) -> Result<(), TemplateError> {
        let scope = self.vars.len();
        if self.peek() == Some(&Tok::Close) {
            return Err(err(self.offset(), format!("missing value for {word}")));
        }
        self.pipeline(true)?;
        self.close()?;
        loop {
            if self.list(&["end", "else"])?.as_deref() == Some("else") {
                // `{{else if ...}}` / `{{else with ...}}` chain on.
                if let Some(Tok::Ident(w)) = self.peek().cloned()
                    && (w == "if" || w == "with")
                {
                    self.at += 1;
                    self.pipeline(true)?;
                }
                self.close()?;
            } else {
                self.close()?;
                break;
            }
        }
        self.vars.truncate(scope);
        Ok(())
    }

    /// `define "name" }} LIST {{end}}` (fresh variables) or `block "name" PIPELINE }} ...`.
    fn define(&mut self, block: bool) -> Result<(), TemplateError> {
        match self.next() {
            Some((Tok::Literal, _)) => {}
            Some((_, off)) => return Err(err(off, "expected template name")),
            None => return Err(err(self.end, "unexpected EOF")),
        }
        if block {
            self.pipeline(false)?;
        }
        self.close()?;
        let outer = std::mem::replace(&mut self.vars, vec!["$".to_owned()]);
        self.list(&["end"])?;
        self.vars = outer;
        self.close()
    }

    fn template_call(&mut self) -> Result<(), TemplateError> {
        match self.next() {
            Some((Tok::Literal, _)) => {}
            Some((_, off)) => return Err(err(off, "expected template name")),
            None => return Err(err(self.end, "unexpected EOF")),
        }
        if self.peek() != Some(&Tok::Close) {
            self.pipeline(false)?;
        }
        self.close()
    }

    /// [`$x :=` | `$x, $y :=` | `$x =`] COMMAND { `|` COMMAND }, up to `}}` or `)`.
    fn pipeline(&mut self, allow_decl: bool) -> Result<(), TemplateError> {
        if allow_decl {
            self.declaration()?;
        }
        loop {
            self.command()?;
            if self.peek() == Some(&Tok::Pipe) {
                self.at += 1;
            } else {
                return Ok(());
            }
        }
    }

    fn declaration(&mut self) -> Result<(), TemplateError> {
        let start = self.at;
        let mut names = Vec::new();
        while let Some(Tok::Var(name)) = self.peek().cloned() {
            names.push((name, self.offset()));
            self.at += 1;
            if self.peek() == Some(&Tok::Comma) {
                self.at += 1;
            } else {
                break;
            }
        }
        match self.peek() {
            Some(Tok::Declare) if !names.is_empty() => {
                self.at += 1;
                self.vars.extend(names.into_iter().map(|(n, _)| n));
            }
            Some(Tok::Assign) if names.len() == 1 => {
                self.at += 1;
                let (name, off) = &names[0];
                if !self.vars.contains(name) {
                    return Err(err(*off, format!("undefined variable {name:?}")));
                }
            }
            _ => self.at = start,
        }
        Ok(())
    }

    /// One command: operands up to `|`, `)` or `}}`.
    fn command(&mut self) -> Result<(), TemplateError> {
        let start = self.offset();
        let mut operands = 0;
        loop {
            match self.peek().cloned() {
                Some(Tok::Pipe | Tok::RParen | Tok::Close) | None => break,
                Some(Tok::LParen) => {
                    self.at += 1;
                    self.pipeline(true)?;
                    match self.next() {
                        Some((Tok::RParen, _)) => {}
                        Some((_, off)) => return Err(err(off, "unclosed left paren")),
                        None => return Err(err(self.end, "unclosed left paren")),
                    }
                }
                Some(Tok::Var(name)) => {
                    if !self.vars.contains(&name) {
                        return Err(err(self.offset(), format!("undefined variable {name:?}")));
                    }
                    self.at += 1;
                }
                Some(Tok::Ident(name)) => {
                    match name.as_str() {
                        "true" | "false" | "nil" => {}
                        _ if GO_FUNCS.contains(&name.as_str())
                            || PROMETHEUS_FUNCS.contains(&name.as_str()) => {}
                        "if" | "else" | "end" | "range" | "with" | "define" | "block"
                        | "template" | "break" | "continue" => {
                            return Err(err(
                                self.offset(),
                                format!("unexpected <{name}> in command"),
                            ));
                        }
                        _ => {
                            return Err(err(
                                self.offset(),
                                format!("function {name:?} not defined"),
                            ));
                        }
                    }
                    self.at += 1;
                }
                Some(Tok::Field | Tok::Literal) => self.at += 1,
                Some(_) => return Err(err(self.offset(), "unexpected token in operand")),
            }
            operands += 1;
        }
        if operands == 0 {
            return Err(err(start, "missing value for command"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(text: &str) -> String {
        check(text).expect_err(text).message
    }

    #[test]
    fn accepts_what_prometheus_accepts() {
        for ok in [
            "plain text",
            "{{ $labels.instance }} is down",
            "{{ $value | humanizePercentage }}",
            "{{- $labels.job -}}",
            "{{ printf \"%.2f\" $value }}",
            "{{ if gt $value 0.9 }}high{{ else if gt $value 0.5 }}mid{{ else }}low{{ end }}",
            "{{ range $i, $s := query \"up\" }}{{ $s.Labels.job }}{{ $i }}{{ end }}",
            "{{ with $x := $labels.a }}{{ $x }}{{ end }}",
            "{{/* a comment */}}x{{- /* trimmed */ -}}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
            "{{ define \"t\" }}{{ . }}{{ end }}{{ template \"t\" $value }}",
            "{{ (query `up`) | first | value | humanize }}",
            "{{ $externalURL }}/alerts {{ $externalLabels.cluster }}",
            "{{ 1e3 }} {{ -1 }} {{ 'x' }} {{ nil | print }}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_what_promtool_rejects() {
        assert_eq!(bad("{{ $nope }}"), "undefined variable \"$nope\"");
        assert_eq!(
            bad("{{ humanise $value }}"),
            "function \"humanise\" not defined"
        );
        assert_eq!(bad("{{ $labels.job "), "unclosed action");
        assert_eq!(bad("{{ if $value }}x"), "unexpected EOF");
        assert_eq!(bad("x {{ end }}"), "unexpected {{end}}");
        assert_eq!(bad("{{ }}"), "missing value for command");
        assert_eq!(bad("{{ \"open }}"), "unterminated quoted string");
        assert_eq!(bad("{{ $x = 1 }}"), "undefined variable \"$x\"");
        assert_eq!(
            bad("{{ with $y := 1 }}{{ end }}{{ $y }}"),
            "undefined variable \"$y\""
        );
        assert_eq!(bad("{{ (len $value }}"), "unclosed left paren");
        assert_eq!(
            bad("{{ define \"t\" }}{{ $labels }}{{ end }}"),
            "undefined variable \"$labels\""
        );
        assert_eq!(bad("{{ # }}"), "unrecognized character in action: '#'");
    }

    #[test]
    fn reports_the_offset_of_the_error() {
        let e = check("ok {{ $labels.a }} then {{ $bad }}").expect_err("undefined");
        assert_eq!(e.offset, 27);
    }
}
