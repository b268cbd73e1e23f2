//! BACKUP-014's soft-FK allow-list, `config/backup-verify/soft-fk-allowlist.yaml`.
//!
//! Each entry names a reference by columns, `schema.table(column)`, from
//! the referencing side to the referenced side:
//!
//! ```yaml
//! # Orphans tolerated by the verify, each with its reason.
//! - from: commerce.refunds(order_id)
//!   to: commerce.orders(id)
//!   reason: refunds outlive purged orders (10-year retention for tax)
//! - from: communications.mails(user_id)   # a soft reference: no constraint
//!   to: backoffice.users(id)
//!   reason: mails to deleted users are kept for the audit trail
//! ```
//!
//! Orphaned rows of a listed reference are reported as a warning with
//! their count; the verify probes listed soft references (no constraint in
//! the schema) as well as every `NOT VALID` foreign key, and orphans of an
//! unlisted `NOT VALID` key fail the verify. Every field is required; any
//! other shape is an error with file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use busflow_yaml::{Node, Pos};

use crate::error::Error;

/// `schema.table(column)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnRef {
    /// The schema.
    pub schema: String,
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
}

impl ColumnRef {
    /// Parses `schema.table(column)`.
    pub fn parse(s: &str) -> Option<Self> {
        let (rel, rest) = s.trim().split_once('(')?;
        let column = rest.strip_suffix(')')?.trim();
        let (schema, table) = rel.trim().split_once('.')?;
        let ok = |p: &str| !p.is_empty() && !p.contains(['.', '(', ')', '"']);
        (ok(schema) && ok(table) && ok(column)).then(|| Self {
            schema: schema.to_owned(),
            table: table.to_owned(),
            column: column.to_owned(),
        })
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}({})", self.schema, self.table, self.column)
    }
}

/// One allowed reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftReference {
    /// The referencing column.
    pub from: ColumnRef,
    /// The referenced column.
    pub to: ColumnRef,
    /// Why orphans are tolerated.
    pub reason: String,
    /// Where it was written.
    pub line: u32,
}

/// The allow-list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoftFkAllowlist {
    /// The entries.
    pub entries: Vec<SoftReference>,
}

fn err(path: &Path, pos: Pos, expected: impl Into<String>) -> Error {
    Error::allowlist(PathBuf::from(path), pos.line, pos.column, expected.into())
}

impl SoftFkAllowlist {
    /// Reads the allow-list file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = busflow_fs::read_arg(path, &busflow_fs::Limits::default())
            .map_err(busflow_fs::ReadError::into_io)
            .map_err(|e| err(path, Pos::START, format!("a readable file ({e})")))?;
        Self::parse(path, &text)
    }

    /// Parses the allow-list's text; `path` is for messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        let docs = busflow_yaml::parse(text)
            .map_err(|e| err(path, e.pos, format!("YAML ({})", e.message)))?;
        let Some(doc) = docs.first() else {
            return Ok(Self::default());
        };
        if doc.is_null() {
            return Ok(Self::default());
        }
        let items = doc.as_seq().ok_or_else(|| {
            err(
                path,
                doc.pos,
                format!("a list of references, found {}", doc.kind()),
            )
        })?;
        let mut entries = Vec::new();
        for item in items {
            entries.push(entry(path, item)?);
        }
        Ok(Self { entries })
    }

    /// The entry for the reference `from` → `to`, if listed.
    pub fn find(&self, from: &ColumnRef, to: &ColumnRef) -> Option<&SoftReference> {
        self.entries.iter().find(|e| &e.from == from && &e.to == to)
    }
}

fn entry(path: &Path, item: &Node) -> Result<SoftReference, Error> {
    let map = item.as_map().ok_or_else(|| {
        err(
            path,
            item.pos,
            format!("a mapping with from, to and reason, found {}", item.kind()),
        )
    })?;
    let (mut from, mut to, mut reason) = (None, None, None);
    for (k, v) in map {
        let text = v
            .as_str()
            .ok_or_else(|| err(path, v.pos, format!("a string, found {}", v.kind())))?;
        match k.as_str().unwrap_or_default() {
            "from" => {
                from = Some(
                    ColumnRef::parse(text)
                        .ok_or_else(|| err(path, v.pos, "`schema.table(column)`"))?,
                );
            }
            "to" => {
                to = Some(
                    ColumnRef::parse(text)
                        .ok_or_else(|| err(path, v.pos, "`schema.table(column)`"))?,
                );
            }
            "reason" if !text.trim().is_empty() => reason = Some(text.to_owned()),
            "reason" => {
                return Err(err(
                    path,
                    v.pos,
                    "a reason that says why orphans are tolerated",
                ));
            }
            other => {
                return Err(err(
                    path,
                    k.pos,
                    format!("one of from, to, reason; found `{other}`"),
                ));
            }
        }
    }
    match (from, to, reason) {
        (Some(from), Some(to), Some(reason)) => Ok(SoftReference {
            from,
            to,
            reason,
            line: item.pos.line,
        }),
        _ => Err(err(path, item.pos, "all of from, to and reason")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SoftFkAllowlist, Error> {
        SoftFkAllowlist::parse(Path::new("soft-fk-allowlist.yaml"), text)
    }

    #[test]
    fn backup_014_the_allowlist_format() {
        let list = parse("- from: commerce.refunds(order_id)\n  to: commerce.orders(id)\n  reason: kept for tax\n").expect("valid");
        assert_eq!(
            list.entries[0].from.to_string(),
            "commerce.refunds(order_id)"
        );
        assert!(
            list.find(&list.entries[0].from, &list.entries[0].to)
                .is_some()
        );
        assert!(parse("").expect("empty").entries.is_empty());
        for (text, at) in [
            (
                "- from: commerce.refunds\n  to: commerce.orders(id)\n  reason: r\n",
                "soft-fk-allowlist.yaml:1:9:",
            ),
            (
                "- from: a.b(c)\n  to: d.e(f)\n",
                "soft-fk-allowlist.yaml:1:3:",
            ),
            (
                "- from: a.b(c)\n  to: d.e(f)\n  reason: r\n  why: x\n",
                "soft-fk-allowlist.yaml:4:3:",
            ),
            ("from: a.b(c)\n", "soft-fk-allowlist.yaml:1:1:"),
        ] {
            let e = parse(text).expect_err(text);
            assert!(e.to_string().starts_with(at), "{e}");
        }
    }
}
