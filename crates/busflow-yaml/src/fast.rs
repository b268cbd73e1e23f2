//! A fast parser for the block-style YAML that rule files are written in.
//!
//! Profiling `promtool`'s 10 002-rule file showed two thirds of the check's
//! time in general YAML scanning. Rule files use a small subset: block
//! mappings and sequences, plain scalars on one line, simple quoted
//! scalars, one-line flow collections of scalars, literal blocks (`|`,
//! `|-`). This parser reads exactly that subset, line by line, and
//! **declines** (returns `None`) on anything else — anchors, aliases, tags,
//! folded or multi-line scalars, escapes beyond the simple ones, tabs,
//! directives, several documents — so that the general parser handles it.
//! Where it accepts, it builds the same tree with the same positions as the
//! general parser; a property test holds it to that.

use crate::{Node, Pos, Value};

/// The tree of `text`, or `None` when `text` leaves the subset.
pub(crate) fn parse(text: &str) -> Option<Vec<Node>> {
    if text.contains(['\t', '\r', '\u{feff}']) {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    if lines
        .iter()
        .any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%'))
    {
        return None;
    }
    let mut p = Fast {
        lines,
        i: 0,
        off: 0,
    };
    p.skip();
    if p.done() {
        return Some(Vec::new());
    }
    if p.indent() != 0 {
        return None;
    }
    let root = p.block_node()?;
    p.skip();
    p.done().then_some(vec![root])
}

struct Fast<'a> {
    lines: Vec<&'a str>,
    /// The current line.
    i: usize,
    /// Where the current line's content starts (after indentation, or after
    /// a sequence item's `- `).
    off: usize,
}

fn is_blank(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t.is_empty() || t.starts_with('#')
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether `c` may start a plain scalar or key here.
fn plain_start(c: char) -> bool {
    !matches!(
        c,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    )
}

impl<'a> Fast<'a> {
    fn done(&self) -> bool {
        self.i >= self.lines.len()
    }

    fn line(&self) -> &'a str {
        self.lines[self.i]
    }

    fn indent(&self) -> usize {
        indent_of(self.line())
    }

    fn pos(&self, byte: usize) -> Pos {
        let line = self.line();
        Pos {
            line: u32::try_from(self.i + 1).unwrap_or(u32::MAX),
            column: u32::try_from(line[..byte.min(line.len())].chars().count() + 1)
                .unwrap_or(u32::MAX),
        }
    }

    /// Moves to the next line that holds content.
    fn next_line(&mut self) {
        self.i += 1;
        self.skip();
    }

    /// Skips blank and comment lines from the current one.
    fn skip(&mut self) {
        while !self.done() && is_blank(self.line()) {
            self.i += 1;
        }
        if !self.done() {
            self.off = self.indent();
        }
    }

    /// A block sequence or mapping starting at the cursor.
    fn block_node(&mut self) -> Option<Node> {
        let text = &self.line()[self.off..];
        if text == "-" || text.starts_with("- ") {
            self.sequence(false)
        } else if key_end(text).is_some() {
            self.mapping()
        } else {
            None
        }
    }

    /// A block sequence whose dashes stand at the cursor's column. An
    /// indentless one (a mapping value at its key's column) starts, as the
    /// general parser has it, at its first item's content.
    fn sequence(&mut self, indentless: bool) -> Option<Node> {
        let n = self.off;
        let mut pos = self.pos(n);
        let mut items = Vec::new();
        loop {
            let text = &self.line()[n..];
            let spaces = text[1..].len() - text[1..].trim_start_matches(' ').len();
            let item_off = n + 1 + spaces;
            let rest = &self.line()[item_off..];
            if spaces == 0 || rest.is_empty() || rest.starts_with('#') || rest.starts_with('-') {
                return None; // empty or nested-inline items: leave them to the general parser
            }
            if indentless && items.is_empty() {
                pos = self.pos(item_off);
            }
            self.off = item_off;
            let item = if key_end(rest).is_some() {
                self.mapping()?
            } else {
                let v = self.inline_value(item_off, n)?;
                self.next_line();
                v
            };
            items.push(item);
            if self.done() {
                break;
            }
            let ind = self.indent();
            let text = &self.line()[ind..];
            if ind == n && (text == "-" || text.starts_with("- ")) {
                self.off = n;
                continue;
            }
            if ind > n {
                return None;
            }
            break;
        }
        Some(Node {
            pos,
            value: Value::Seq(items),
        })
    }

    /// A block mapping whose keys stand at the cursor's column.
    fn mapping(&mut self) -> Option<Node> {
        let n = self.off;
        let start = self.i;
        let pos = self.pos(n);
        let mut entries = Vec::new();
        loop {
            let text = &self.line()[n..];
            let colon = key_end(text)?;
            let key = self.key(n, &text[..colon])?;
            let after = n + colon + 1;
            let rest = &self.line()[after..];
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            let value_off = after + spaces;
            let value = if self.line()[value_off..].is_empty()
                || self.line()[value_off..].starts_with('#')
            {
                if spaces == 0 && !self.line()[value_off..].is_empty() {
                    return None; // `key:#x`
                }
                let colon_pos = self.pos(n + colon);
                self.next_line();
                if self.done() {
                    Node::null(colon_pos)
                } else {
                    let ind = self.indent();
                    let t = &self.line()[ind..];
                    if ind > n {
                        self.off = ind;
                        self.block_node()?
                    } else if ind == n && (t == "-" || t.starts_with("- ")) {
                        self.off = n;
                        self.sequence(true)?
                    } else {
                        Node::null(colon_pos)
                    }
                }
            } else {
                if spaces == 0 {
                    return None; // `key:value` is a plain scalar in YAML, not an entry
                }
                let v = self.inline_value(value_off, n)?;
                self.next_line();
                v
            };
            entries.push((key, value));
            if self.done() {
                break;
            }
            let ind = self.indent();
            if ind < n || (ind == n && self.line()[ind..].starts_with('-')) {
                if ind == n && self.i > start {
                    return None; // a dash at the keys' column after the entries
                }
                break;
            }
            if ind > n {
                return None; // a continuation line: a multi-line scalar
            }
            self.off = n;
        }
        Some(Node {
            pos,
            value: Value::Map(entries),
        })
    }

    /// A key: plain, or quoted without escapes.
    fn key(&self, off: usize, raw: &str) -> Option<Node> {
        let pos = self.pos(off);
        let first = raw.chars().next()?;
        if first == '"' || first == '\'' {
            let (text, len) = quoted(raw, first)?;
            (len == raw.len()).then(|| Node {
                pos: Pos {
                    column: pos.column + 1,
                    ..pos
                },
                value: Value::Scalar(text, true),
            })
        } else if plain_start(first) && !raw.ends_with(' ') && raw != "<<" {
            Some(Node {
                pos,
                value: Value::Scalar(raw.to_owned(), false),
            })
        } else {
            None
        }
    }

    /// A value that starts on the current line at `off`: quoted, flow,
    /// literal block, or plain. `parent` is the indentation of its key or
    /// dash. Leaves the cursor on the value's last line.
    fn inline_value(&mut self, off: usize, parent: usize) -> Option<Node> {
        let text = &self.line()[off..];
        let pos = self.pos(off);
        let first = text.chars().next()?;
        match first {
            '"' | '\'' => {
                let (value, len) = quoted(text, first)?;
                trailing_ok(&text[len..]).then(|| Node {
                    pos: Pos {
                        column: pos.column + 1,
                        ..pos
                    },
                    value: Value::Scalar(value, true),
                })
            }
            '{' | '[' => self.flow(off),
            '|' => self.literal(text, parent),
            c if plain_start(c) || (c == '-' && text.len() > 1 && !text[1..].starts_with(' ')) => {
                let end = text.find(" #").unwrap_or(text.len());
                let value = text[..end].trim_end_matches(' ');
                if value.contains(": ") || value.ends_with(':') {
                    return None;
                }
                Some(Node {
                    pos,
                    value: Value::Scalar(value.to_owned(), false),
                })
            }
            _ => None,
        }
    }

    /// `|` or `|-` followed by lines indented deeper than `parent`.
    fn literal(&mut self, header: &str, parent: usize) -> Option<Node> {
        let strip = match header.split(" #").next().map(|h| h.trim_end_matches(' ')) {
            Some("|") => false,
            Some("|-") => true,
            _ => return None,
        };
        let first = self.i + 1;
        let mut j = first;
        while j < self.lines.len() && self.lines[j].trim_start_matches(' ').is_empty() {
            j += 1;
        }
        if j >= self.lines.len() {
            return None;
        }
        let block = indent_of(self.lines[j]);
        if block <= parent || (first..j).any(|k| self.lines[k].len() > block) {
            return None;
        }
        let content_start = j;
        let mut body = String::new();
        let mut last = j;
        while j < self.lines.len() {
            let line = self.lines[j];
            if line.trim_start_matches(' ').is_empty() {
                if line.len() > block {
                    return None; // whitespace that a literal would keep
                }
                body.push('\n');
            } else if indent_of(line) >= block {
                body.push_str(&line[block..]);
                body.push('\n');
                last = j;
            } else {
                break;
            }
            j += 1;
        }
        // Trailing blank lines belong to the chomping, not the content.
        let kept = body.trim_end_matches('\n').len();
        body.truncate(kept);
        if !strip {
            body.push('\n');
        }
        self.i = content_start;
        let pos = self.pos(block);
        self.i = last;
        Some(Node {
            pos,
            value: Value::Scalar(body, true),
        })
    }

    /// A one-line flow mapping of scalars or flow sequence of scalars.
    fn flow(&self, off: usize) -> Option<Node> {
        let line = self.line();
        let open = line[off..].chars().next()?;
        let close = if open == '{' { '}' } else { ']' };
        let mut entries = Vec::new();
        let mut items = Vec::new();
        let mut at = off + 1;
        loop {
            at += line[at..].len() - line[at..].trim_start_matches(' ').len();
            if line[at..].starts_with(close) && entries.is_empty() && items.is_empty() {
                at += 1;
                break;
            }
            let (scalar, next) = self.flow_scalar(at)?;
            at = next + line[next..].len() - line[next..].trim_start_matches(' ').len();
            if open == '{' {
                if !line[at..].starts_with(": ") {
                    return None;
                }
                at += 2;
                at += line[at..].len() - line[at..].trim_start_matches(' ').len();
                let (value, next) = self.flow_scalar(at)?;
                at = next + line[next..].len() - line[next..].trim_start_matches(' ').len();
                entries.push((scalar, value));
            } else {
                items.push(scalar);
            }
            match line[at..].chars().next() {
                Some(',') => at += 1,
                Some(c) if c == close => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
        if !trailing_ok(&line[at..]) {
            return None;
        }
        let value = if open == '{' {
            Value::Map(entries)
        } else {
            Value::Seq(items)
        };
        Some(Node {
            pos: self.pos(off),
            value,
        })
    }

    /// A scalar inside a flow collection: quoted, or plain up to `,`, `:`
    /// followed by a space, or the closing bracket.
    fn flow_scalar(&self, at: usize) -> Option<(Node, usize)> {
        let line = self.line();
        let text = &line[at..];
        let first = text.chars().next()?;
        let pos = self.pos(at);
        if first == '"' || first == '\'' {
            let (value, len) = quoted(text, first)?;
            let node = Node {
                pos: Pos {
                    column: pos.column + 1,
                    ..pos
                },
                value: Value::Scalar(value, true),
            };
            return Some((node, at + len));
        }
        if !plain_start(first) {
            return None;
        }
        let mut end = 0;
        for (k, c) in text.char_indices() {
            if matches!(c, ',' | '[' | ']' | '{' | '}' | '#')
                || (c == ':' && text[k + 1..].starts_with(' '))
            {
                break;
            }
            end = k + c.len_utf8();
        }
        let value = text[..end].trim_end_matches(' ');
        if value.is_empty() || value.ends_with(':') {
            return None;
        }
        Some((
            Node {
                pos,
                value: Value::Scalar(value.to_owned(), false),
            },
            at + value.len(),
        ))
    }
}

impl Node {
    /// An empty plain scalar (YAML null) at `pos`.
    fn null(pos: Pos) -> Self {
        Node {
            pos,
            value: Value::Scalar(String::new(), false),
        }
    }
}

/// The byte index of the colon that ends a plain or quoted key, if `text`
/// starts with a key (`key: value` or `key:` at the end of the line).
fn key_end(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if first == '"' || first == '\'' {
        let (_, len) = quoted(text, first)?;
        return text[len..].starts_with(':').then_some(len);
    }
    if !plain_start(first) {
        return None;
    }
    let bytes = text.as_bytes();
    for (k, &b) in bytes.iter().enumerate() {
        match b {
            b'#' if k > 0 && bytes[k - 1] == b' ' => return None,
            b':' if bytes.get(k + 1).is_none_or(|n| *n == b' ') => return Some(k),
            _ => {}
        }
    }
    None
}

/// A quoted scalar at the start of `text` (quote `q`): its value and its
/// length in bytes, quotes included. Double quotes allow the escapes
/// `\"`, `\\`, `\/`, `\n`, `\t`; anything else is declined.
fn quoted(text: &str, q: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((k, c)) = chars.next() {
        match c {
            '\'' if q == '\'' => {
                if text[k + 1..].starts_with('\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    return Some((out, k + 1));
                }
            }
            '"' if q == '"' => return Some((out, k + 1)),
            '\\' if q == '"' => match chars.next()?.1 {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// After a quoted or flow value: nothing, or spaces and a comment.
fn trailing_ok(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_general;

    /// Where the fast path accepts, it must agree with the general parser.
    fn agrees(text: &str) -> bool {
        match parse(text) {
            None => false,
            Some(fast) => {
                let general = parse_general(text)
                    .expect("the general parser accepts what the fast path accepts");
                assert_eq!(fast, general, "fast path differs on:\n{text}");
                true
            }
        }
    }

    #[test]
    fn agrees_on_the_constructs_rule_files_use() {
        let accepted = [
            "groups:\n  - name: g # c\n    rules:\n    - alert: A\n      expr: |\n        up\n          == 0\n\n      labels: {severity: warning, team: \"x y\"}\n      x: [a, 'b']\n      empty:\n      q: \"a\\\"b\"\n",
            "a:   # c\nb:\n  c: 1\nd:\n- x\n- 'y'\ne: 'it''s'\nf: \"t\\tq\\\\\"\ng: -1\nh: a:b # x\ni:\n",
            "- a\n- b: 1\n  c: 2\n",
            "groups:\n- name: x\n  rules:\n  - record: r\n    expr: |-\n      sum(x)\n    labels: {}\n",
            "",
            "# only a comment\n\n",
            "k: \"ü{{ $labels.x }}\"\nü: 1\n",
        ];
        for text in accepted {
            assert!(agrees(text), "declined:\n{text}");
        }
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: >\n  folded\n",
            "a: b\n  continued\n",
            "a:\n\t- tab\n",
            "--- \na: 1\n",
            "a: \"\\u00e9\"\n",
            "a: {b: {c: 1}}\n",
            "a: |2\n   x\n",
            "plain scalar document\n",
            "- - nested\n",
        ] {
            assert!(parse(text).is_none(), "accepted:\n{text}");
        }
    }

    #[test]
    fn agrees_on_every_yaml_file_of_the_corpus_and_reads_most() {
        let shared = testkit::shared_dir()
            .expect("shared dir")
            .join("testdata/prometheus-rules");
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [
            shared.join("promtool"),
            shared.join("rulefmt"),
            manifest.join("../busflow-obs-rules/tests/fixtures"),
            manifest.join("../../examples/infra/observability/prometheus-rules"),
            manifest.join("../../examples/infra/observability/loki-rules"),
        ];
        let (mut total, mut fast) = (0, 0);
        for dir in dirs {
            for entry in
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            {
                let path = entry.expect("entry").path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if parse_general(&text).is_err() {
                    assert!(
                        parse(&text).is_none(),
                        "{}: fast path accepts what YAML rejects",
                        path.display()
                    );
                    continue;
                }
                total += 1;
                if agrees(&text) {
                    fast += 1;
                }
            }
        }
        eprintln!("fast path read {fast} of {total} corpus files");
        // rules_large.yml and the reference repository must take the fast path.
        assert!(
            fast * 10 >= total * 7,
            "fast path read only {fast} of {total} files"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use std::fmt::Write as _;

        fn scalar() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z_][a-z0-9_:./{}=~\\\"() -]{0,20}",
                "'[a-z :#\\\"{}-]{0,12}'",
                "\"[a-z :#'{}-]{0,12}\"",
                "[{\\[][a-z, :'\"]{0,16}[}\\]]",
                "-?[0-9]{1,4}",
                Just(String::new()),
                "[&*!|>%@`?][a-z ]{0,6}",
                "[a-z]{1,5} #[a-z ]{0,6}",
            ]
        }

        fn document() -> impl Strategy<Value = String> {
            let entry = (
                "[a-z_]{1,8}",
                scalar(),
                0usize..4,
                any::<bool>(),
                prop::collection::vec(scalar(), 0..3),
            );
            prop::collection::vec(entry, 1..8).prop_map(|entries| {
                let mut out = String::from("groups:\n");
                for (key, value, shape, dash, items) in entries {
                    let lead = if dash { "  - " } else { "    " };
                    match shape {
                        0 => {
                            let _ = writeln!(out, "{lead}{key}: {value}");
                        }
                        1 => {
                            let _ = writeln!(out, "{lead}{key}:");
                            for item in &items {
                                let _ = writeln!(out, "      - {item}");
                            }
                        }
                        2 => {
                            let _ = write!(out, "{lead}{key}: |\n      {value}\n\n      {value}\n");
                        }
                        _ => {
                            let _ = write!(out, "{lead}{key}:\n      nested: {value}\n");
                        }
                    }
                }
                out
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn the_fast_path_agrees_or_declines(text in document()) {
                if let Some(fast) = parse(&text) {
                    let general = parse_general(&text);
                    prop_assert!(general.is_ok(), "fast path accepts what YAML rejects:\n{}", text);
                    prop_assert_eq!(fast, general.unwrap_or_default(), "on:\n{}", text);
                }
            }

            #[test]
            fn arbitrary_text_never_panics_the_fast_path(text in "[a-z:{}\\[\\]\\- #\n'\"&*|>.,0-9]{0,200}") {
                if let Some(fast) = parse(&text) {
                    prop_assert_eq!(Ok(fast), parse_general(&text), "on:\n{}", text);
                }
            }
        }
    }
}
