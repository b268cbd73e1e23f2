//! The preflight gate (the README's main job) end to end, on the reference
//! repository and on a repository made for the test.

use std::path::Path;

use busflow::{ExitStatus, Format, Selection, Severity, catalog, preflight};

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn the_reference_infrastructure_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra");
    let rules = catalog();
    let run = preflight::run(&root, &Selection::default(), &rules).expect("runs");
    assert!(
        run.sources.iter().count() > 0,
        "no files read under {}",
        root.display()
    );
    assert_eq!(
        run.report.findings(),
        &[],
        "the reference repository must be clean"
    );
    assert_eq!(
        ExitStatus::for_findings(run.report.findings(), Severity::Info),
        ExitStatus::Clean
    );
}

#[test]
fn a_suppression_of_an_unknown_rule_is_reported_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("terraform")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    std::fs::write(
        dir.path().join("terraform/main.tf"),
        "locals {\n  a = 1 # busflow-ignore: SWARM-TF-999\n}\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join(".git/x.yml"),
        "# busflow-ignore: NOPE-001\n",
    )
    .expect("write");
    let rules = catalog();

    let run = preflight::run(dir.path(), &Selection::default(), &rules).expect("runs");
    let doc: serde_json::Value =
        serde_json::from_str(&run.report.render(Format::Json, &run.sources, &rules)).expect("JSON");
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
    assert_eq!(
        doc["findings"].as_array().map(Vec::len),
        Some(1),
        "hidden folders are skipped"
    );
    assert_eq!(
        ExitStatus::for_findings(run.report.findings(), Severity::Warning).code(),
        2
    );
    assert_eq!(
        ExitStatus::for_findings(run.report.findings(), Severity::Error).code(),
        0
    );

    let ignore = Selection::new(&[], &ids(&["BUSFLOW"]), &rules).expect("valid");
    let run = preflight::run(dir.path(), &ignore, &rules).expect("runs");
    assert!(run.report.findings().is_empty());
}

#[test]
fn a_missing_root_cannot_run() {
    let err = preflight::run(Path::new("/no/such/dir"), &Selection::default(), &catalog())
        .expect_err("no dir");
    assert_eq!(err.to_string(), "/no/such/dir: not a directory");
}
