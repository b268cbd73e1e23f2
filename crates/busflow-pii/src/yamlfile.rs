//! Reading the crate's YAML files (rules, exclusions) into positioned nodes.

use std::path::Path;

use busflow_yaml::{Node, Pos};

use crate::error::Error;

/// The single document of `text`; an empty file is an empty mapping.
pub(crate) fn document(path: &Path, text: &str) -> Result<Node, Error> {
    let docs = busflow_yaml::parse(text)
        .map_err(|e| Error::file(path, e.pos, None, format!("YAML syntax: {}", e.message)))?;
    match docs.len() {
        0 => Ok(Node {
            pos: Pos::START,
            value: busflow_yaml::Value::Map(Vec::new()),
        }),
        1 => Ok(docs.into_iter().next().unwrap_or_else(|| unreachable!())),
        _ => Err(Error::file(
            path,
            docs[1].pos,
            None,
            "one YAML document, found several",
        )),
    }
}

/// The entries of `node`, which must be a mapping.
pub(crate) fn map<'a>(
    path: &Path,
    node: &'a Node,
    rule: Option<&str>,
    what: &str,
) -> Result<&'a [(Node, Node)], Error> {
    if node.is_null() {
        return Ok(&[]);
    }
    node.as_map().ok_or_else(|| {
        Error::file(
            path,
            node.pos,
            rule,
            format!("{what}: expected a mapping, found {}", node.kind()),
        )
    })
}

/// The text of `node`, which must be a scalar.
pub(crate) fn scalar<'a>(
    path: &Path,
    node: &'a Node,
    rule: Option<&str>,
    what: &str,
) -> Result<&'a str, Error> {
    node.as_str().ok_or_else(|| {
        Error::file(
            path,
            node.pos,
            rule,
            format!("{what}: expected a string, found {}", node.kind()),
        )
    })
}

/// `true` or `false`.
pub(crate) fn boolean(
    path: &Path,
    node: &Node,
    rule: Option<&str>,
    what: &str,
) -> Result<bool, Error> {
    match scalar(path, node, rule, what)? {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::file(
            path,
            node.pos,
            rule,
            format!("{what}: expected true or false"),
        )),
    }
}
