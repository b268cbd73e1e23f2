//! The `preflight` example, run as a process: the README's main job.

use std::path::PathBuf;
use std::process::{Command, Output};

/// `cargo test` builds the examples before it runs the tests; the binary
/// sits in `target/<profile>/examples/`, beside this test's `deps/`.
fn preflight(args: &[&str]) -> Output {
    let exe = std::env::current_exe().expect("test exe");
    let bin: PathBuf = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples/preflight"))
        .expect("target layout");
    assert!(
        bin.is_file(),
        "{} not built; run through `cargo test`",
        bin.display()
    );
    Command::new(bin)
        .args(args)
        .output()
        .expect("preflight runs")
}

#[test]
fn the_reference_infrastructure_passes() {
    let out = preflight(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 errors"));
}

#[test]
fn a_suppression_of_an_unknown_rule_is_reported_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("terraform")).expect("mkdir");
    std::fs::write(
        dir.path().join("terraform/main.tf"),
        "locals {\n  a = 1 # busflow-ignore: SWARM-TF-999\n}\n",
    )
    .expect("write");
    let root = dir.path().to_str().expect("utf-8");

    let out = preflight(&[root, "--format", "json", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let f = &doc["findings"][0];
    assert_eq!(
        (
            f["rule_id"].as_str(),
            f["file"].as_str(),
            f["line"].as_u64(),
            f["column"].as_u64()
        ),
        (
            Some("BUSFLOW-001"),
            Some("terraform/main.tf"),
            Some(2),
            Some(11)
        )
    );

    // A warning does not fail the default (error) threshold.
    assert_eq!(preflight(&[root]).status.code(), Some(0));
    // Ignored by ID: nothing left.
    let out = preflight(&[
        root,
        "--ignore",
        "BUSFLOW",
        "--format",
        "sarif",
        "--fail-on",
        "info",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF output");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn bad_options_and_paths_cannot_run() {
    assert_eq!(preflight(&["--select", "NOPE-001"]).status.code(), Some(1));
    let out = preflight(&["/no/such/dir"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/dir: not a directory"));
}
