//! Rendering a report as text for people, JSON for tools, SARIF for code
//! scanning.

mod human;
mod json;
mod sarif;

use std::fmt;
use std::str::FromStr;

use crate::Rule;
use crate::error::Error;
use crate::finding::{Finding, Severity};
use crate::select::Selection;
use crate::sources::Sources;
use crate::suppress;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style text with the source line and a caret.
    #[default]
    Human,
    /// One JSON document with every finding.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "human" | "text" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            _ => Err(Error::unknown_value("format", s, "human, json, sarif")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
        })
    }
}

/// The outcome of a checking run: the findings to show, sorted by place,
/// and how many a suppression comment silenced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    findings: Vec<Finding>,
    suppressed: usize,
}

impl Report {
    /// The report a checking run gives for `findings`: only those of the
    /// selected rules, without those an inline suppression comment in
    /// `sources` silences (they are counted). Preflight and every example
    /// that checks report through this.
    pub fn checked(findings: Vec<Finding>, selection: &Selection, sources: &Sources) -> Self {
        let split = suppress::apply(selection.filter(findings), sources);
        Self::new(split.kept, split.suppressed.len())
    }

    /// A report of `findings` (sorted here by file, line, column, rule).
    pub fn new(mut findings: Vec<Finding>, suppressed: usize) -> Self {
        findings
            .sort_by(|a, b| (&a.file, a.start, &a.rule_id).cmp(&(&b.file, b.start, &b.rule_id)));
        Self {
            findings,
            suppressed,
        }
    }

    /// The findings, sorted.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many findings suppression comments silenced.
    pub fn suppressed(&self) -> usize {
        self.suppressed
    }

    /// How many findings have severity `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Renders the report. `sources` gives the lines shown under each
    /// finding (human format); `catalog` the rule descriptions (SARIF).
    pub fn render(&self, format: Format, sources: &Sources, catalog: &[&'static Rule]) -> String {
        match format {
            Format::Human => human::render(self, sources),
            Format::Json => json::render(self),
            Format::Sarif => sarif::render(self, catalog),
        }
    }
}
