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

#[cfg(feature = "obs-rules")]
#[test]
fn obs_rules_checks_run_in_preflight_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("observability/prometheus-rules");
    std::fs::create_dir_all(&rules).expect("mkdir");
    std::fs::write(
        rules.join("api.yml"),
        "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up{job=\"api\"} == 0\n        for: 5 minutes\n        labels: {severity: page}\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("observability/loki.yaml"),
        "compactor:\n  retention_enabled: false\n",
    )
    .expect("write");
    let catalog = catalog();
    let run = preflight::run(dir.path(), &Selection::default(), &catalog).expect("runs");
    let found: Vec<(&str, String, u32)> = run
        .report
        .findings()
        .iter()
        .map(|f| (f.rule_id, f.file_uri(), f.start.line))
        .collect();
    let api = "observability/prometheus-rules/api.yml".to_owned();
    for expected in [
        ("OBS-001", api.clone(), 6),
        ("OBS-005", api.clone(), 4),
        ("OBS-005", api.clone(), 7),
        ("OBS-007", api.clone(), 1),
        ("OBS-009", "observability/loki.yaml".to_owned(), 2),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:#?}");
    }
    let human = run.report.render(Format::Human, &run.sources, &catalog);
    assert!(human.contains("6 |         for: 5 minutes"), "{human}");
}

#[cfg(feature = "pii")]
#[test]
fn pii_003_pii_005_a_broken_exclusions_file_and_an_incomplete_promtail_pipeline_are_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("pii-exclusions.yaml"),
        "PII-001:\n  - key: booking_ref\nPII-002:\n  - regex: '(noreply'\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("promtail.yaml"),
        "scrape_configs:\n  - job_name: app\n    pipeline_stages:\n      - docker: {}\n",
    )
    .expect("write");
    let rules = catalog();
    let run = preflight::run(dir.path(), &Selection::default(), &rules).expect("runs");
    let found: Vec<(&str, String, u32)> = run
        .report
        .findings()
        .iter()
        .map(|f| (f.rule_id, f.file.display().to_string(), f.start.line))
        .collect();
    assert_eq!(found[0], ("PII-003", "pii-exclusions.yaml".to_owned(), 4));
    assert!(
        found[1..]
            .iter()
            .all(|f| f.0 == "PII-005" && f.1 == "promtail.yaml" && f.2 == 4),
        "{found:?}"
    );
    assert_eq!(
        found.len(),
        1 + busflow::pii::emit::stages(&busflow::pii::RedactorConfig::default()).len()
    );
    assert!(run.checks_run.contains(&"PII-003") && run.checks_run.contains(&"PII-005"));
}

#[test]
fn backup_014_015_the_verify_settings_and_the_allow_list_are_checked_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let verify = dir.path().join("config/backup-verify");
    std::fs::create_dir_all(&verify).expect("dirs");
    std::fs::write(
        verify.join("verify.yaml"),
        "source:\n  name: minio-inswarm\n  endpoint: http://minio:9000\n  bucket: backups\n",
    )
    .expect("write");
    std::fs::write(
        verify.join("soft-fk-allowlist.yaml"),
        "- from: commerce.refunds(order_id)\n  to: commerce.orders\n  reason: r\n",
    )
    .expect("write");
    let other = dir.path().join("other/backup-verify");
    std::fs::create_dir_all(&other).expect("dirs");
    std::fs::write(
        other.join("verify.yaml"),
        "source:\n  name: hetzner-s3\n  endpoint: https://fsn1.example\n  bucket: b\nallowlist: missing.yaml\n",
    )
    .expect("write");
    let rules = catalog();
    let run = preflight::run(dir.path(), &Selection::default(), &rules).expect("runs");
    let found: Vec<(&str, String, u32, u32)> = run
        .report
        .findings()
        .iter()
        .map(|f| {
            (
                f.rule_id,
                f.file.display().to_string(),
                f.start.line,
                f.start.column,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "BACKUP-014",
                "config/backup-verify/soft-fk-allowlist.yaml".to_owned(),
                2,
                7
            ),
            (
                "BACKUP-015",
                "config/backup-verify/verify.yaml".to_owned(),
                3,
                13
            ),
            (
                "BACKUP-014",
                "other/backup-verify/verify.yaml".to_owned(),
                5,
                12
            ),
        ]
    );
    assert!(run.report.findings().iter().all(|f| !f.help.is_empty()));
}

/// The reference file `path` (below `examples/infra`) with `from`
/// replaced by `to`, once.
fn mutated_reference(path: &str, from: &str, to: &str) -> String {
    let text = reference(path);
    assert!(text.contains(from), "{path} has no `{from}`");
    text.replacen(from, to, 1)
}

/// The reference file `path` (below `examples/infra`).
fn reference(path: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/infra")
            .join(path),
    )
    .expect("reference file")
}

/// Preflight over a fresh repository holding `files` (relative path, text).
fn preflight_on(files: &[(&str, String)]) -> preflight::Preflight {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("dirs");
        std::fs::write(path, text).expect("write");
    }
    preflight::run(dir.path(), &Selection::default(), &catalog()).expect("runs")
}

/// Each finding's rule, line and column.
fn positions(run: &preflight::Preflight) -> Vec<(&str, u32, u32)> {
    run.report
        .findings()
        .iter()
        .map(|f| (f.rule_id, f.start.line, f.start.column))
        .collect()
}

/// The 1-based line of the first `needle` in `text`.
fn line_of(text: &str, needle: &str) -> u32 {
    let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`"));
    u32::try_from(text[..at].matches('\n').count() + 1).expect("small")
}

#[test]
fn swarm_tf_005_009_preflight_checks_a_copied_swarm_module_with_positions_and_suppressions() {
    let module = "terraform/modules/swarm";
    let mut files = Vec::new();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/infra")
        .join(module);
    for entry in std::fs::read_dir(folder).expect("reference module") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let path = format!("{module}/{name}");
        let text = match name.as_str() {
            "join.tf" => mutated_reference(
                &path,
                "${one(hcloud_server.manager[0].network).ip}:2377",
                "${hcloud_server.manager[0].ipv4_address}:2377",
            ),
            "main.tf" => mutated_reference(
                &path,
                "    inline = [\"cloud-init status --wait\"]",
                "    # busflow-ignore: SWARM-TF-009 (a throwaway lab host)\n    inline = [\"ssh -o StrictHostKeyChecking=no lab true\"]",
            ),
            _ => reference(&path),
        };
        files.push((format!("infra/{path}"), text));
    }
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let run = preflight_on(&files);
    assert_eq!(
        positions(&run),
        [("SWARM-TF-005", 34, 103)],
        "{:#?}",
        run.report.findings()
    );
    let f = &run.report.findings()[0];
    assert!(f.file.ends_with("join.tf"), "{}", f.file.display());
    assert!(f.message.contains("ipv4_address"), "{}", f.message);
    assert!(run.checks_run.contains(&"SWARM-TF-009"));
}

#[test]
fn swarm_compose_011_preflight_checks_stack_files_with_positions() {
    let text = mutated_reference(
        "docker-compose.production.yml",
        "          - node.labels.tier == stateful\n",
        "          - node.label.tier == stateful\n",
    );
    // With the observability stack beside it: the gateway its logs go
    // through is there (PIIX-006).
    let run = preflight_on(&[
        ("docker-compose.production.yml", text.clone()),
        (
            "docker-compose.observability.yml",
            reference("docker-compose.observability.yml"),
        ),
    ]);
    let line = line_of(&text, "node.label.tier");
    // The unknown key, and the stateful service left without its tier constraint.
    assert_eq!(
        positions(&run),
        [
            ("SWARM-COMPOSE-005", line, 11),
            ("SWARM-COMPOSE-011", line, 13)
        ],
        "{:#?}",
        run.report.findings()
    );
}

#[test]
fn ubi_tf_004_preflight_refuses_the_documented_provider_pin_with_its_position() {
    let path = "terraform/environments/production/providers.tf";
    let text = mutated_reference(path, "~> 0.1", "~> 0.3");
    let run = preflight_on(&[(path, text.clone())]);
    let line = line_of(&text, "ubicloud = {");
    let found: Vec<(&str, u32)> = positions(&run)
        .into_iter()
        .map(|(r, l, _)| (r, l))
        .collect();
    assert_eq!(
        found,
        [("UBI-TF-004", line)],
        "{:#?}",
        run.report.findings()
    );
    assert!(run.checks_run.contains(&"UBI-TF-001"));
}

#[test]
fn ubi_cut_007_preflight_reads_the_github_workflows() {
    let path = ".github/workflows/terraform-production.yml";
    let text = mutated_reference(
        path,
        "cancel-in-progress: false",
        "cancel-in-progress: true",
    );
    let run = preflight_on(&[(path, text.clone())]);
    let line = line_of(&text, "  group: terraform-prod");
    // A repository with this one workflow also lacks the documented jobs
    // (BUSFLOW-003, tests/workflows.rs): only the apply's findings here.
    let found: Vec<(&str, u32)> = positions(&run)
        .into_iter()
        .filter(|(r, _, _)| *r != "BUSFLOW-003")
        .map(|(r, l, _)| (r, l))
        .collect();
    assert_eq!(
        found,
        [("UBI-CUT-007", line)],
        "{:#?}",
        run.report.findings()
    );
}
