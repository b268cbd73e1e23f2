//! OBS-001, differentially: the installed `promtool check rules` and this
//! crate must give the same verdict (accept or reject) on every file of
//! `../shared/testdata/prometheus-rules/` and on our own fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

use busflow_obs_rules::{Config, Severity, check_rule_file};

/// Files where the verdicts differ on purpose, with the reason.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[(
    "good_prometheus_rule.yml",
    "promtool reads plain rule files only; this crate also reads Kubernetes PrometheusRule objects (rules under .spec.groups)",
)];

fn promtool_accepts(path: &Path) -> bool {
    let out = Command::new("promtool")
        .args(["check", "rules"])
        .arg(path)
        .output()
        .expect(
            "promtool must be installed (Debian package `prometheus`; scripts/test installs it)",
        );
    out.status.success()
}

fn ours_accepts(path: &Path) -> (bool, Vec<String>) {
    let bytes = std::fs::read(path).expect("read rule file");
    let checked = check_rule_file(path, &bytes, &Config::default());
    let errors: Vec<String> = checked
        .findings
        .iter()
        .filter(|f| f.rule_id == "OBS-001" && f.severity == Severity::Error)
        .map(|f| format!("{}:{}: {}", f.start.line, f.start.column, f.message))
        .collect();
    (errors.is_empty(), errors)
}

fn rule_files() -> Vec<PathBuf> {
    let shared = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/prometheus-rules");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in [shared.join("promtool"), shared.join("rulefmt"), own] {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn obs_001_verdicts_agree_with_promtool_on_every_file() {
    let files = rule_files();
    assert!(
        files.len() >= 35,
        "expected the shared corpus and our fixtures, found {}",
        files.len()
    );
    let mut disagreements = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let theirs = promtool_accepts(path);
        let (ours, errors) = ours_accepts(path);
        let expected_to_differ = KNOWN_DISAGREEMENTS.iter().any(|(f, _)| *f == name);
        if (theirs != ours) != expected_to_differ {
            disagreements.push(format!(
                "{}: promtool {}, busflow {}{}{}",
                path.display(),
                if theirs { "accepts" } else { "rejects" },
                if ours { "accepts" } else { "rejects" },
                if expected_to_differ {
                    " (a recorded disagreement no longer holds)"
                } else {
                    ""
                },
                if errors.is_empty() {
                    String::new()
                } else {
                    format!("\n    {}", errors.join("\n    "))
                },
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "verdicts differ:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn obs_001_rejections_point_at_the_offending_line() {
    let shared = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/prometheus-rules");
    let cases = [
        (
            shared.join("rulefmt/record_and_for.bad.yaml"),
            "invalid field 'for' in recording rule",
        ),
        (
            shared.join("rulefmt/duplicate_grp.bad.yaml"),
            "is repeated in the same file",
        ),
        (
            shared.join("rulefmt/bad_expr.bad.yaml"),
            "could not parse expression",
        ),
        (
            shared.join("rulefmt/invalid_label_name.bad.yaml"),
            "invalid label name",
        ),
        (shared.join("rulefmt/bad_field.bad.yaml"), "not found in"),
    ];
    for (path, wanted) in cases {
        let text = std::fs::read_to_string(&path).expect("read");
        let checked = check_rule_file(&path, text.as_bytes(), &Config::default());
        let hit = checked
            .findings
            .iter()
            .find(|f| f.message.contains(wanted))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no finding containing {wanted:?}: {:?}",
                    path.display(),
                    checked.findings
                )
            });
        let line = text
            .lines()
            .nth(hit.start.line as usize - 1)
            .unwrap_or_default();
        assert!(
            !line.trim().is_empty(),
            "{}: finding on an empty line {}",
            path.display(),
            hit.start.line
        );
        assert!(!hit.help.is_empty());
    }
}

#[test]
fn obs_001_duplicate_rules_are_a_warning_as_in_promtools_lint() {
    let shared = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/prometheus-rules");
    let path = shared.join("promtool/rules_duplicates.yml");
    let checked = check_rule_file(
        &path,
        &std::fs::read(&path).expect("read"),
        &Config::default(),
    );
    let dups: Vec<u32> = checked
        .findings
        .iter()
        .filter(|f| f.message.contains("duplicate rule"))
        .map(|f| {
            assert_eq!(f.severity, Severity::Warning);
            f.start.line
        })
        .collect();
    assert_eq!(dups.len(), 1, "{:?}", checked.findings);
}
