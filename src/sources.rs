//! The text of the files findings point into, read once each.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::finding::Finding;

/// File texts by the (relative) path findings use. Files that cannot be read
/// are simply absent: a finding is still rendered, without its source line.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: HashMap<PathBuf, String>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads, below `root`, every file that `findings` point into.
    pub fn load(root: &Path, findings: &[Finding]) -> Self {
        let mut sources = Self::new();
        for finding in findings {
            if !sources.files.contains_key(&finding.file)
                && let Ok(text) = std::fs::read_to_string(root.join(&finding.file))
            {
                sources.files.insert(finding.file.clone(), text);
            }
        }
        sources
    }

    /// Adds a file's text under the path findings use for it.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// The whole text of a file, if known.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Line `line` (1-based) of a file, without its line ending.
    pub fn line(&self, path: &Path, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.text(path)?
            .lines()
            .nth(index)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// The files known, with their texts.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().map(|(p, t)| (p.as_path(), t.as_str()))
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
    }
}
