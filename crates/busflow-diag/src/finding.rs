//! What a check found.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{Pos, Rule, Severity, Span};

/// One finding: a rule broken (or not decidable) at a place in a file, and
/// how to fix it. Serialized as JSON with `line` and `column` of the start
/// beside the rest, and `end` when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's ID (`SWARM-TF-001`).
    pub rule_id: &'static str,
    /// How serious it is: the rule's default unless a check or the user
    /// said otherwise.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The file.
    #[serde(serialize_with = "serialize_path")]
    pub file: PathBuf,
    /// Where it starts.
    #[serde(flatten)]
    pub start: Pos,
    /// Where it ends (inclusive), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Pos>,
    /// How to fix it.
    pub help: String,
}

impl Finding {
    /// A finding of `rule` at `at` in `file`, with the rule's default
    /// severity and no help text yet.
    pub fn new(
        rule: &Rule,
        file: impl Into<PathBuf>,
        at: impl Into<Span>,
        message: impl Into<String>,
    ) -> Self {
        let span = at.into();
        let start = Pos::new(span.start.line, span.start.column);
        Self {
            rule_id: rule.id,
            severity: rule.severity,
            message: message.into(),
            file: file.into(),
            start,
            end: span.end.filter(|e| *e >= start),
            help: String::new(),
        }
    }

    /// Sets the help text: how to fix it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Sets where the finding ends (inclusive); an end before the start is
    /// ignored.
    #[must_use]
    pub fn with_end(mut self, end: Pos) -> Self {
        self.end = (end >= self.start).then_some(end);
        self
    }

    /// Overrides the severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same finding as a warning: the check could not decide.
    #[must_use]
    pub fn cannot_tell(mut self) -> Self {
        self.severity = Severity::Warning;
        self.message = format!("cannot tell: {}", self.message);
        self
    }

    /// Where it starts and ends.
    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    /// The file as a URI-style relative path (forward slashes).
    pub fn file_uri(&self) -> String {
        path_string(&self.file)
    }
}

fn path_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

fn serialize_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path_string(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleKind;

    const R: Rule = Rule::new("X-001", "x", Severity::Warning, RuleKind::Static, "test");

    #[test]
    fn a_finding_takes_its_rules_id_and_severity_and_keeps_its_span() {
        let f = Finding::new(&R, "a/b.tf", Pos::new(0, 0), "m").with_end(Pos::new(1, 3));
        assert_eq!((f.rule_id, f.severity), ("X-001", Severity::Warning));
        assert_eq!(f.span(), Span::new(Pos::START, Pos::new(1, 3)));
        assert_eq!(f.file_uri(), "a/b.tf");
        let json = serde_json::to_value(&f).expect("json");
        assert_eq!(json["line"], 1);
        assert_eq!(json["end"]["column"], 3);
        assert_eq!(json["severity"], "warning");
        let f = f.cannot_tell();
        assert!(f.message.starts_with("cannot tell: "));
    }
}
