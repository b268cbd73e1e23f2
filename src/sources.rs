//! The text of the files findings point into, read once each.
//!
//! Two rules keep a source line from leaking what it should not (a link in a
//! pull request to `/proc/self/environ`, a secret on a long line):
//!
//! - a file's lines are quoted only when the file is what it claims to be:
//!   text without control characters that parses as its extension says
//!   (YAML, HCL, JSON); a file that does not is named, never shown;
//! - at most [`MAX_QUOTED_CHARS`] characters of a line are quoted, a window
//!   around the finding's span (see [`crate::render`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::finding::Finding;

/// The most characters of one source line the human renderer shows.
pub const MAX_QUOTED_CHARS: usize = 120;

#[derive(Debug, Clone)]
struct File {
    text: String,
    // Columns are bytes: slicing a long line needs no scan.
    ascii: bool,
    // Byte offset of each line's start, built on first use.
    lines: OnceLock<Vec<usize>>,
    // Where the file stops parsing as its extension claims, decided on
    // first use (preflight's BUSFLOW-002 and the renderer share it).
    syntax: OnceLock<Option<SyntaxError>>,
    // Whether the file may be quoted, decided on first use.
    quotable: OnceLock<bool>,
}

/// Where a file stops parsing: 1-based line and column, and why.
pub(crate) type SyntaxError = (u32, u32, String);

impl File {
    fn new(text: String) -> Self {
        Self {
            ascii: text.is_ascii(),
            text,
            lines: OnceLock::new(),
            syntax: OnceLock::new(),
            quotable: OnceLock::new(),
        }
    }
}

/// File texts by the (relative) path findings use. Files that cannot be read
/// are simply absent: a finding is still rendered, without its source line.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: HashMap<PathBuf, File>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads every file that `findings` point into: below `root` (a link out
    /// of it is not followed) or, when `root` is empty, as given on the
    /// command line ([`busflow_fs::read_arg`]). Only regular files up to the
    /// default size cap are read.
    pub fn load(root: &Path, findings: &[Finding]) -> Self {
        let limits = busflow_fs::Limits::default();
        let walker = (!root.as_os_str().is_empty())
            .then(|| busflow_fs::Root::new(root).ok())
            .flatten();
        let mut sources = Self::new();
        for finding in findings {
            if sources.files.contains_key(&finding.file) {
                continue;
            }
            let text = match &walker {
                Some(r) => r.read(&finding.file),
                None if root.as_os_str().is_empty() => busflow_fs::read_arg(&finding.file, &limits),
                None => continue,
            };
            if let Ok(text) = text {
                sources.insert(finding.file.clone(), text);
            }
        }
        sources
    }

    /// Adds a file's text under the path findings use for it.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.insert(path.into(), File::new(text.into()));
    }

    /// The whole text of a file, if known.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|f| f.text.as_str())
    }

    /// Line `line` (1-based) of a file, without its line ending. Looked up
    /// through an index of line starts, so rendering many findings of one
    /// large file stays linear.
    pub fn line(&self, path: &Path, line: u32) -> Option<&str> {
        let file = self.files.get(path)?;
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let starts = file.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', file.text.as_bytes()).map(|i| i + 1))
                .filter(|&i| i < file.text.len())
                .collect()
        });
        let start = *starts.get(index)?;
        let end = starts.get(index + 1).map_or(file.text.len(), |&e| e);
        let l = &file.text[start..end];
        let l = l.strip_suffix('\n').unwrap_or(l);
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// Whether the file is ASCII, so a column (in characters) is a byte
    /// offset: the renderer then cuts a window out of a long line without
    /// scanning it, and many findings on one long line stay linear.
    pub fn is_ascii(&self, path: &Path) -> bool {
        self.files.get(path).is_some_and(|f| f.ascii)
    }

    /// Whether lines of `path` may be shown: the file is known, holds no
    /// control characters but tabs and line endings, and parses as what its
    /// extension claims (YAML, Terraform/HCL, JSON).
    pub fn quotable(&self, path: &Path) -> bool {
        self.files.get(path).is_some_and(|f| {
            *f.quotable
                .get_or_init(|| plain_text(&f.text) && self.syntax_error(path).is_none())
        })
    }

    /// Where `path` stops parsing as its extension claims (YAML,
    /// Terraform/HCL, JSON), parsed once per file.
    pub(crate) fn syntax_error(&self, path: &Path) -> Option<&SyntaxError> {
        let file = self.files.get(path)?;
        file.syntax
            .get_or_init(|| syntax_error(path, &file.text))
            .as_ref()
    }

    /// The files known, with their texts.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files
            .iter()
            .map(|(p, f)| (p.as_path(), f.text.as_str()))
    }
}

fn plain_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Where and why `text` does not parse as what `path`'s extension claims
/// (YAML, Terraform/HCL, JSON): 1-based line and column, and the parser's
/// message. `None` when it parses or the extension claims nothing checked.
fn syntax_error(path: &Path, text: &str) -> Option<SyntaxError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("yml" | "yaml") => busflow_yaml::parse(text)
            .err()
            .map(|e| (e.pos.line, e.pos.column, e.message)),
        Some("tf" | "hcl") => busflow_hcl::TfFile::parse(path, text.to_owned())
            .1
            .map(|e| (e.pos.line, e.pos.column, e.message)),
        Some("json") => serde_json::from_str::<serde_json::Value>(text)
            .err()
            .map(|e| {
                let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
                let column = u32::try_from(e.column()).unwrap_or(u32::MAX);
                (line, column, format!("{:?} error", e.classify()))
            }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_strip_crlf() {
        let mut s = Sources::new();
        s.insert("a.yml", "one\r\ntwo\n");
        assert_eq!(s.line(Path::new("a.yml"), 1), Some("one"));
        assert_eq!(s.line(Path::new("a.yml"), 2), Some("two"));
        assert_eq!(s.line(Path::new("a.yml"), 0), None);
        assert_eq!(s.line(Path::new("a.yml"), 3), None);
        assert_eq!(s.line(Path::new("b.yml"), 1), None);
        s.insert("c.yml", "x\n\ny");
        assert_eq!(s.line(Path::new("c.yml"), 2), Some(""));
        assert_eq!(s.line(Path::new("c.yml"), 3), Some("y"));
    }

    #[test]
    fn only_files_that_are_what_they_claim_are_quoted() {
        let mut s = Sources::new();
        s.insert("ok.yml", "a: 1\n");
        s.insert("environ.yml", "HOME=/root\0SECRET=x\0");
        s.insert("broken.yml", "a: [1\n");
        s.insert("broken.tf", "variable \"x\" {\n");
        s.insert("ok.tf", "variable \"x\" {}\n");
        s.insert("bad.json", "{");
        assert!(s.quotable(Path::new("ok.yml")));
        assert!(s.quotable(Path::new("ok.tf")));
        for p in [
            "environ.yml",
            "broken.yml",
            "broken.tf",
            "bad.json",
            "absent.yml",
        ] {
            assert!(!s.quotable(Path::new(p)), "{p}");
        }
    }
}
