//! busflow-yaml: a YAML document as a tree of nodes that keep their source
//! positions.
//!
//! `serde_yaml` is deprecated and drops positions; findings need line and
//! column, so the tree is built from `saphyr-parser` events. Anchors and
//! aliases are resolved (an alias node is a copy of its anchor's node, with
//! the anchor's positions), and `<<` merge keys are merged (explicit keys
//! win; merged values keep the positions where they were written).

#![deny(missing_docs)]

mod fast;

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

pub use busflow_diag::Pos;

/// The start of a parser span as a 1-based [`Pos`].
fn pos_of(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX).max(1),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What it holds.
    pub value: Value,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar: its text and whether it was quoted or a block (not plain).
    Scalar(String, bool),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order (duplicate keys kept, for the checks).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a plain scalar YAML reads as null (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s, false) if s.is_empty() || s == "~" || s.eq_ignore_ascii_case("null"))
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The tree as JSON, with YAML 1.2 core typing of plain scalars
    /// (null, integers, floats, `true`/`false`); quoted scalars stay strings.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Scalar(s, true) => serde_json::Value::String(s.clone()),
            Value::Scalar(s, false) => {
                if self.is_null() {
                    serde_json::Value::Null
                } else if let Ok(i) = s.parse::<i64>() {
                    i.into()
                } else if let Some(f) = s.parse::<f64>().ok().filter(|f| f.is_finite()) {
                    f.into()
                } else if s == "true" || s == "false" {
                    (s == "true").into()
                } else {
                    serde_json::Value::String(s.clone())
                }
            }
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// How many nodes this one holds, itself included.
    pub fn count(&self) -> usize {
        match &self.value {
            Value::Scalar(..) => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }

    /// What kind of node this is, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar(..) if self.is_null() => "null",
            Value::Scalar(..) => "a scalar",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it expected.
    pub message: String,
}

/// Parses every document of `text`; an empty stream gives no documents.
/// The block-style subset rule files use goes through a fast path; anything
/// else through the general parser, with the same result.
pub fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    if let Some(docs) = crate::fast::parse(text) {
        return Ok(docs);
    }
    parse_general(text)
}

/// The general parser (`saphyr-parser` events), for everything.
#[doc(hidden)]
pub fn parse_general(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            pos: Pos {
                line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX).max(1),
                column: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
            },
            message: e.info().to_owned(),
        })?;
        builder.push(event, &span)?;
    }
    Ok(builder.documents)
}

/// How far aliases may grow a stream, as `serde_yaml` bounds it: the nodes
/// copied by aliases may not exceed this many times the events parsed (plus
/// [`ALIAS_SLACK`]), nor [`MAX_ALIAS_NODES`] in all. Nine levels of nine
/// aliases (a "billion laughs") would otherwise take gigabytes.
const ALIAS_GROWTH: usize = 100;
/// Expansion every stream may have whatever its size.
const ALIAS_SLACK: usize = 1_000;
/// The most nodes aliases may copy in one stream.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

#[derive(Default)]
struct Builder {
    documents: Vec<Node>,
    // Open collections: the node being filled, its anchor id, and for maps
    // a pending key.
    stack: Vec<(Node, usize, Option<Node>)>,
    // Each anchor's node, how many nodes it holds, and where it was set.
    anchors: HashMap<usize, (Node, usize)>,
    // Events seen and nodes copied by aliases, for the bound.
    events: usize,
    expanded: usize,
}

impl Builder {
    fn push(&mut self, event: Event<'_>, span: &Span) -> Result<(), SyntaxError> {
        let pos = pos_of(span);
        self.events += 1;
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                // A quoted scalar's position is its first character, not
                // the quote, so offsets into the text map to columns.
                let mut pos = pos;
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    pos.column += 1;
                }
                let node = Node {
                    pos,
                    value: Value::Scalar(text.into_owned(), quoted),
                };
                self.finish(node, anchor);
            }
            Event::Alias(id) => {
                let (anchored, size) = self.anchors.get(&id).ok_or_else(|| SyntaxError {
                    pos,
                    message: "alias to an unknown anchor".to_owned(),
                })?;
                self.expanded = self.expanded.saturating_add(*size);
                let bound = ALIAS_SLACK
                    .saturating_add(self.events.saturating_mul(ALIAS_GROWTH))
                    .min(MAX_ALIAS_NODES);
                if self.expanded > bound {
                    // Reported where the anchor was set: that is what to fix.
                    return Err(SyntaxError {
                        pos: anchored.pos,
                        message: format!(
                            "aliases expand this anchor's document past {bound} nodes \
                             (more than {ALIAS_GROWTH} times its size): an alias bomb; \
                             write the repeated parts out or use fewer levels of aliases"
                        ),
                    });
                }
                let node = anchored.clone();
                self.finish(node, 0);
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push((
                    Node {
                        pos,
                        value: Value::Seq(Vec::new()),
                    },
                    anchor,
                    None,
                ));
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push((
                    Node {
                        pos,
                        value: Value::Map(Vec::new()),
                    },
                    anchor,
                    None,
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((mut node, anchor, _)) = self.stack.pop() {
                    merge_keys(&mut node);
                    self.finish(node, anchor);
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Places a complete node into its parent (or as a document).
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let size = node.count();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some((parent, _, pending)) => match &mut parent.value {
                Value::Seq(items) => items.push(node),
                Value::Map(entries) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => entries.push((key, node)),
                },
                Value::Scalar(..) => {}
            },
        }
    }
}

/// Replaces `<<: {…}` and `<<: [{…}, {…}]` entries of a mapping by the
/// entries they bring that the mapping does not set itself.
fn merge_keys(node: &mut Node) {
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    if !entries
        .iter()
        .any(|(k, _)| matches!(&k.value, Value::Scalar(s, false) if s == "<<"))
    {
        return;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = std::mem::take(entries)
        .into_iter()
        .partition(|(k, _)| matches!(&k.value, Value::Scalar(s, false) if s == "<<"));
    for (_, source) in merges {
        let sources = match source.value {
            Value::Map(m) => vec![m],
            Value::Seq(items) => items
                .into_iter()
                .filter_map(|i| match i.value {
                    Value::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            Value::Scalar(..) => Vec::new(),
        };
        for map in sources {
            for (k, v) in map {
                if !own
                    .iter()
                    .any(|(o, _)| o.as_str().is_some() && o.as_str() == k.as_str())
                {
                    own.push((k, v));
                }
            }
        }
    }
    *entries = own;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let docs = parse("groups:\n  - name: a\n    rules: []\n").expect("valid");
        let groups = docs[0].get("groups").expect("groups");
        let first = &groups.as_seq().expect("seq")[0];
        let name = first.get("name").expect("name");
        assert_eq!(name.as_str(), Some("a"));
        assert_eq!(
            name.pos,
            Pos {
                line: 2,
                column: 11
            }
        );
        let (key, _) = &first.as_map().expect("map")[1];
        assert_eq!(key.pos, Pos { line: 3, column: 5 });
    }

    #[test]
    fn quoted_scalars_point_at_their_first_character() {
        let docs = parse("a: \"{{ $x }}\"\nb: 'y'\n").expect("valid");
        assert_eq!(docs[0].get("a").expect("a").pos, Pos { line: 1, column: 5 });
        assert_eq!(docs[0].get("b").expect("b").pos, Pos { line: 2, column: 5 });
    }

    #[test]
    fn an_alias_bomb_is_refused_at_the_anchor() {
        use std::fmt::Write as _;
        // Nine levels of nine aliases: 9^9 scalars if expanded.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = level - 1;
            let refs = vec![format!("*a{prev}"); 9].join(", ");
            let _ = writeln!(text, "a{level}: &a{level} [{refs}]");
        }
        let err = parse(&text).expect_err("refused");
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        // On the line of an anchor, not somewhere past the end.
        assert!((1..=9).contains(&err.pos.line), "{:?}", err.pos);
        // Ordinary reuse stays fine: a compose file's anchor used 50 times.
        let mut ok = String::from("x: &d {a: 1, b: 2, c: [1, 2, 3]}\ns:\n");
        for i in 0..50 {
            let _ = writeln!(ok, "  s{i}: *d");
        }
        assert_eq!(parse(&ok).expect("parses")[0].count(), 564);
    }

    #[test]
    fn resolves_aliases_and_keeps_duplicate_keys() {
        let docs = parse("a: &x {k: 1}\nb: *x\na: 2\n").expect("valid");
        let map = docs[0].as_map().expect("map");
        assert_eq!(map.len(), 3);
        assert_eq!(
            docs[0]
                .get("b")
                .and_then(|b| b.get("k"))
                .and_then(Node::as_str),
            Some("1")
        );
    }

    #[test]
    fn merge_keys_bring_entries_the_mapping_lacks() {
        let docs =
            parse("base: &b {expr: up, for: 5m}\nrule:\n  <<: *b\n  for: 10m\n").expect("valid");
        let rule = docs[0].get("rule").expect("rule");
        assert_eq!(rule.get("for").and_then(Node::as_str), Some("10m"));
        let expr = rule.get("expr").expect("merged");
        assert_eq!((expr.as_str(), expr.pos.line), (Some("up"), 1));
        assert!(rule.get("<<").is_none());
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("groups:\n  - name: [unclosed\n").expect_err("invalid");
        assert!(err.pos.line >= 2, "{err:?}");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn null_and_quoting() {
        let docs = parse("a:\nb: ~\nc: 'null'\nd: \"\"\n").expect("valid");
        assert!(docs[0].get("a").expect("a").is_null());
        assert!(docs[0].get("b").expect("b").is_null());
        assert!(!docs[0].get("c").expect("c").is_null());
        assert!(!docs[0].get("d").expect("d").is_null());
        assert!(parse("").expect("empty").is_empty());
        assert!(parse("# only a comment\n").expect("comment").is_empty());
    }
}

#[cfg(all(test, feature = "json"))]
mod json_tests {
    #[test]
    fn plain_scalars_are_typed_and_quoted_ones_stay_strings() {
        let doc =
            &crate::parse("a: 1\nb: \"1\"\nc: 0.5\nd: true\ne: ~\nf: [x, 'y']\n").expect("YAML")[0];
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": 1, "b": "1", "c": 0.5, "d": true, "e": null, "f": ["x", "y"]})
        );
    }
}
