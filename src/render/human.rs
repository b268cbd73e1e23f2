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
use crate::sources::{MAX_QUOTED_CHARS, Sources};

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
    if let Some(line) = sources
        .quotable(&f.file)
        .then(|| sources.line(&f.file, f.start.line))
        .flatten()
    {
        let (shown, offset, width) = window(line, sources.is_ascii(&f.file), f);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_no} | {shown}");
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(offset), "^".repeat(width));
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "{pad} = help: {}", f.help);
    }
}

/// What is shown of `line` (at most [`MAX_QUOTED_CHARS`] characters around
/// the span, `…` where it was cut, tabs as four spaces) and the caret's
/// offset and width under it. On an ASCII line the window is cut without
/// scanning the line, so many findings on one long line stay linear.
fn window(line: &str, ascii: bool, f: &Finding) -> (String, usize, usize) {
    let total = if ascii {
        line.len()
    } else {
        line.chars().count()
    };
    if total <= MAX_QUOTED_CHARS {
        let (offset, width) = caret(line, f);
        return (line.replace('\t', TAB), offset, width);
    }
    // Keep some context before the span, then as much as fits.
    let start_col = (f.start.column as usize).saturating_sub(1).min(total);
    let from = start_col.saturating_sub(MAX_QUOTED_CHARS / 3);
    let to = (from + MAX_QUOTED_CHARS).min(total);
    let from = to.saturating_sub(MAX_QUOTED_CHARS).min(from);
    let byte = |ch: usize| {
        if ascii {
            ch.min(line.len())
        } else {
            line.char_indices().nth(ch).map_or(line.len(), |(b, _)| b)
        }
    };
    let part = &line[byte(from)..byte(to)];
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < total { "…" } else { "" };
    let (start, end) = span_columns(f);
    let (offset, width) = caret_columns(
        part,
        start.saturating_sub(from),
        end.map(|e| e.saturating_sub(from)),
    );
    let shown = format!("{lead}{}{tail}", part.replace('\t', TAB));
    (shown, offset + usize::from(from > 0), width)
}

/// The finding's start column and, when it ends on the same line, its end
/// column (1-based, in characters).
fn span_columns(f: &Finding) -> (usize, Option<usize>) {
    let end = f
        .end
        .filter(|e| e.line == f.start.line)
        .map(|e| e.column as usize);
    (f.start.column as usize, end)
}

/// Display offset and width of the caret under `line`: from the start column
/// to the end column when the finding ends on the same line, else to the end
/// of the line; tabs count as four columns as they are shown.
fn caret(line: &str, f: &Finding) -> (usize, usize) {
    let (start, end) = span_columns(f);
    caret_columns(line, start, end)
}

/// [`caret`] for columns (1-based; `end` inclusive, `None` for the end of
/// the line).
fn caret_columns(line: &str, start: usize, end: Option<usize>) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = start.saturating_sub(1).min(chars.len());
    let end = end.map_or(chars.len(), |e| e.min(chars.len()));
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
    use crate::finding::{Pos, test_finding};

    #[test]
    fn shows_the_line_and_a_caret_under_the_span() {
        let mut sources = Sources::new();
        sources.insert("vars.tf", "variable \"a\" {}\n\tcount = 2\n");
        let report = Report::new(
            vec![
                test_finding(
                    "SWARM-TF-001",
                    Severity::Error,
                    "count is even",
                    "vars.tf",
                    2,
                    2,
                )
                .with_end(Pos::new(2, 6))
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
            vec![test_finding(
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
    fn long_lines_are_quoted_in_a_window_around_the_span() {
        let secret = "SECRET".repeat(50);
        let line = format!("key: {}value{secret}", "x".repeat(300));
        let mut sources = Sources::new();
        sources.insert("a.yml", format!("{line}\n"));
        let f =
            test_finding("X-001", Severity::Error, "m", "a.yml", 1, 306).with_end(Pos::new(1, 310));
        let text = render(&Report::new(vec![f], 0), &sources);
        let shown = text.lines().nth(3).expect("source line");
        assert!(shown.chars().count() <= MAX_QUOTED_CHARS + 8, "{shown}");
        assert!(shown.contains("value"), "{shown}");
        let caret_line = text.lines().nth(4).expect("caret line");
        let at = caret_line.find('^').expect("caret");
        let under: String = shown.chars().skip(at).take(5).collect();
        assert_eq!(under, "value", "{shown}\n{caret_line}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_named_not_quoted() {
        let mut sources = Sources::new();
        sources.insert(
            "docker-compose.production.yml",
            "PATH=/bin\0AWS_SECRET=abc\0",
        );
        let f = test_finding(
            "X-001",
            Severity::Error,
            "m",
            "docker-compose.production.yml",
            1,
            1,
        );
        let text = render(&Report::new(vec![f], 0), &sources);
        assert!(!text.contains("AWS_SECRET"), "{text}");
        assert!(text.contains("docker-compose.production.yml:1:1"), "{text}");
    }

    #[test]
    fn a_caret_past_the_end_of_the_line_stays_visible() {
        let f = test_finding("X-001", Severity::Error, "m", "f", 1, 40);
        assert_eq!(caret("short", &f), (5, 1));
        let multi = test_finding("X-001", Severity::Error, "m", "f", 1, 2).with_end(Pos::new(3, 1));
        assert_eq!(caret("abcd", &multi), (1, 3));
        let wide = test_finding("X-001", Severity::Error, "m", "f", 1, 2).with_end(Pos::new(1, 2));
        assert_eq!(caret("é€x", &wide), (1, 1));
    }
}
