//! rustc-style text:
//!
//! ```text
//! error[SWARM-TF-001]: manager_count is not validated to be odd
//!   --> terraform/modules/swarm/variables.tf:1:1
//!    |
//!  1 | variable "manager_count" {
//!    | ^^^^^^^^^^^^^^^^^^^^^^^^
//!    = help: add a validation block: condition = var.manager_count % 2 == 1
//! ```

use std::fmt::Write as _;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::sources::Sources;

const TAB: &str = "    ";

pub(super) fn render(report: &Report, sources: &Sources) -> String {
    let mut out = String::new();
    for finding in report.findings() {
        render_one(&mut out, finding, sources);
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary(report));
    out
}

fn render_one(out: &mut String, f: &Finding, sources: &Sources) {
    let line_no = f.start.line.to_string();
    let pad = " ".repeat(line_no.len());
    let _ = writeln!(out, "{}[{}]: {}", f.severity, f.rule_id, f.message);
    let _ = writeln!(
        out,
        "{pad}--> {}:{}:{}",
        f.file_uri(),
        f.start.line,
        f.start.column
    );
    if let Some(line) = sources.line(&f.file, f.start.line) {
        let shown = line.replace('\t', TAB);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_no} | {shown}");
        let (offset, width) = caret(line, f);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(offset), "^".repeat(width));
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "{pad} = help: {}", f.help);
    }
}

/// Display offset and width of the caret under `line`: from the start column
/// to the end column when the finding ends on the same line, else to the end
/// of the line; tabs count as four columns as they are shown.
fn caret(line: &str, f: &Finding) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = (f.start.column as usize).saturating_sub(1).min(chars.len());
    let end = match f.end {
        Some(end) if end.line == f.start.line => (end.column as usize).min(chars.len()),
        _ => chars.len(),
    };
    let end = end.max(start + 1);
    let width_of = |cs: &[char]| {
        cs.iter()
            .map(|c| if *c == '\t' { TAB.len() } else { 1 })
            .sum::<usize>()
    };
    let offset = width_of(&chars[..start]);
    let width = width_of(&chars[start..end.min(chars.len())]).max(1);
    (offset, width)
}

fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!(
        "{}, {}, {}",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "info finding"),
    );
    if report.suppressed() > 0 {
        let _ = write!(text, " ({} suppressed)", report.suppressed());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn shows_the_line_and_a_caret_under_the_span() {
        let mut sources = Sources::new();
        sources.insert("vars.tf", "variable \"a\" {}\n\tcount = 2\n");
        let report = Report::new(
            vec![
                Finding::new(
                    "SWARM-TF-001",
                    Severity::Error,
                    "count is even",
                    "vars.tf",
                    2,
                    2,
                )
                .with_end(2, 6)
                .with_help("make it odd"),
            ],
            1,
        );
        let text = render(&report, &sources);
        let expected = "\
error[SWARM-TF-001]: count is even
 --> vars.tf:2:2
  |
2 |     count = 2
  |     ^^^^^
  = help: make it odd

1 error, 0 warnings, 0 info findings (1 suppressed)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn without_source_the_location_still_shows() {
        let report = Report::new(
            vec![Finding::new(
                "OBS-005",
                Severity::Warning,
                "no runbook_url",
                "gone.yml",
                12,
                4,
            )],
            0,
        );
        let text = render(&report, &Sources::new());
        assert!(
            text.starts_with("warning[OBS-005]: no runbook_url\n  --> gone.yml:12:4\n\n"),
            "{text}"
        );
        assert!(text.ends_with("0 errors, 1 warning, 0 info findings\n"));
    }

    #[test]
    fn a_caret_past_the_end_of_the_line_stays_visible() {
        let f = Finding::new("X-001", Severity::Error, "m", "f", 1, 40);
        assert_eq!(caret("short", &f), (5, 1));
        let multi = Finding::new("X-001", Severity::Error, "m", "f", 1, 2).with_end(3, 1);
        assert_eq!(caret("abcd", &multi), (1, 3));
        let wide = Finding::new("X-001", Severity::Error, "m", "f", 1, 2).with_end(1, 2);
        assert_eq!(caret("é€x", &wide), (1, 1));
    }
}
