//! Inline suppression comments, the way tflint's `tflint-ignore` works.
//!
//! `# busflow-ignore: SWARM-TF-009` (or `//` / `/*` in HCL) silences that
//! rule's findings that start on the comment's own line or on the line right
//! below it. Several IDs are separated by commas; `all` silences every rule;
//! text after the IDs is a free-form reason.

use std::path::{Path, PathBuf};

use crate::Rule;
use crate::catalog::BUSFLOW_001;
use crate::finding::{Finding, Pos};
use crate::sources::Sources;

const DIRECTIVE: &str = "busflow-ignore:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The file it is in.
    pub file: PathBuf,
    /// Its line (1-based).
    pub line: u32,
    /// The column of `busflow-ignore:` (1-based, in characters).
    pub column: u32,
    /// The rule IDs it names (`all` for every rule).
    pub rules: Vec<String>,
}

impl Suppression {
    /// Whether it silences `finding`.
    pub fn covers(&self, finding: &Finding) -> bool {
        finding.file == self.file
            && (finding.start.line == self.line || finding.start.line == self.line + 1)
            && self
                .rules
                .iter()
                .any(|r| r == "all" || *r == finding.rule_id)
    }
}

/// Every suppression comment in `text`.
pub fn parse_suppressions(file: &Path, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find(DIRECTIVE) else {
            continue;
        };
        let before = line[..at].trim_end();
        if !(before.ends_with('#') || before.ends_with("//") || before.ends_with("/*")) {
            continue;
        }
        let rules: Vec<String> = line[at + DIRECTIVE.len()..]
            .split([',', ' ', '\t'])
            .filter(|t| !t.is_empty())
            .take_while(|t| *t == "all" || looks_like_rule_id(t))
            .map(str::to_owned)
            .collect();
        out.push(Suppression {
            file: file.to_path_buf(),
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(line[..at].chars().count() + 1).unwrap_or(u32::MAX),
            rules,
        });
    }
    out
}

/// `ABC-001`, `SWARM-TF-001`: upper-case words and digits joined by dashes.
fn looks_like_rule_id(token: &str) -> bool {
    token.contains('-')
        && token.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// Findings split by whether a suppression comment covers them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// Findings to report.
    pub kept: Vec<Finding>,
    /// Findings a comment silenced.
    pub suppressed: Vec<Finding>,
}

/// Applies the suppression comments found in `sources` to `findings`.
pub fn apply(findings: Vec<Finding>, sources: &Sources) -> Suppressed {
    let comments: Vec<Suppression> = sources
        .iter()
        .flat_map(|(path, text)| parse_suppressions(path, text))
        .collect();
    let (suppressed, kept) = findings
        .into_iter()
        .partition(|f| comments.iter().any(|c| c.covers(f)));
    Suppressed { kept, suppressed }
}

/// `BUSFLOW-001` findings for suppression comments that name no known rule
/// (a typo would otherwise silence nothing, silently), or name none at all.
pub fn unknown_rules(sources: &Sources, catalog: &[&'static Rule]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, text) in sources.iter() {
        for comment in parse_suppressions(path, text) {
            if comment.rules.is_empty() {
                out.push(suppression_finding(
                    &comment,
                    "suppression comment names no rule".to_owned(),
                ));
            }
            for rule in &comment.rules {
                if rule != "all" && !catalog.iter().any(|r| r.id == rule) {
                    out.push(suppression_finding(
                        &comment,
                        format!("suppression comment names unknown rule `{rule}`"),
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.file, a.start).cmp(&(&b.file, b.start)));
    out
}

fn suppression_finding(comment: &Suppression, message: String) -> Finding {
    Finding::new(
        &BUSFLOW_001,
        comment.file.clone(),
        Pos::new(comment.line, comment.column),
        message,
    )
    .with_end(Pos::new(
        comment.line,
        comment.column + u32::try_from(DIRECTIVE.len()).unwrap_or(0) - 1,
    ))
    .with_help("name rule IDs from the catalog (`busflow rules`), separated by commas, or `all`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;
    use crate::finding::Severity;
    use crate::finding::test_finding;

    const TF: &str = "\
resource \"null_resource\" \"join\" { # busflow-ignore: SWARM-TF-006 legacy module
  # busflow-ignore: SWARM-TF-009, SWARM-TF-005
  command = \"ssh -o StrictHostKeyChecking=no\"
  other = 1
  note = \"busflow-ignore: SWARM-TF-001\"
  // busflow-ignore: all
  x = 2
}
";

    fn finding(rule: &'static str, line: u32) -> Finding {
        test_finding(rule, Severity::Error, "m", "main.tf", line, 3)
    }

    #[test]
    fn parses_ids_reasons_and_comment_styles() {
        let found = parse_suppressions(Path::new("main.tf"), TF);
        let rules: Vec<(u32, Vec<String>)> =
            found.iter().map(|s| (s.line, s.rules.clone())).collect();
        assert_eq!(
            rules,
            vec![
                (1, vec!["SWARM-TF-006".to_owned()]),
                (
                    2,
                    vec!["SWARM-TF-009".to_owned(), "SWARM-TF-005".to_owned()]
                ),
                (6, vec!["all".to_owned()]),
            ]
        );
        assert_eq!(found[1].column, 5);
    }

    #[test]
    fn covers_the_same_line_and_the_next_only() {
        let mut sources = Sources::new();
        sources.insert("main.tf", TF);
        let out = apply(
            vec![
                finding("SWARM-TF-006", 1),
                finding("SWARM-TF-009", 3),
                finding("SWARM-TF-009", 4),
                finding("SWARM-TF-001", 5),
                finding("OBS-001", 7),
                test_finding("SWARM-TF-009", Severity::Error, "m", "other.tf", 3, 1),
            ],
            &sources,
        );
        let kept: Vec<(&str, u32)> = out.kept.iter().map(|f| (f.rule_id, f.start.line)).collect();
        assert_eq!(
            kept,
            vec![
                ("SWARM-TF-009", 4),
                ("SWARM-TF-001", 5),
                ("SWARM-TF-009", 3)
            ]
        );
        assert_eq!(out.suppressed.len(), 3);
    }

    #[test]
    fn unknown_or_missing_ids_are_findings() {
        let mut sources = Sources::new();
        sources.insert(
            "a.yml",
            "x: 1 # busflow-ignore: SWARM-TF-999\n# busflow-ignore:\n# busflow-ignore: OBS-001\n",
        );
        let found = unknown_rules(&sources, &catalog());
        let lines: Vec<(u32, &str)> = found
            .iter()
            .map(|f| (f.start.line, f.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, "suppression comment names unknown rule `SWARM-TF-999`"),
                (2, "suppression comment names no rule"),
            ]
        );
        assert!(
            found
                .iter()
                .all(|f| f.rule_id == "BUSFLOW-001" && !f.help.is_empty())
        );
        assert_eq!(found[0].start.column, 8);
    }
}
