//! SWARM-OPS-002: reading `terraform plan -detailed-exitcode`. The outputs
//! below were produced by Terraform 1.x `plan -no-color` on small modules.

use busflow_swarm::ops::{DriftReport, DriftStatus};

const DRIFT: &str = "\nTerraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  + create\n  ~ update in-place\n\nTerraform will perform the following actions:\n\n  # hcloud_server.manager[0] will be updated in-place\n  ~ resource \"hcloud_server\" \"manager\" {\n      ~ server_type = \"cpx31\" -> \"cpx21\"\n    }\n\n  # terraform_data.manager will be created\n  + resource \"terraform_data\" \"manager\" {\n      + id     = (known after apply)\n    }\n\nPlan: 1 to add, 1 to change, 0 to destroy.\n";
const CLEAN: &str = "\nNo changes. Your infrastructure matches the configuration.\n\nTerraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n";
const FAILED: &str = "\nError: Reference to undeclared input variable\n\n  on bad.tf line 1, in resource \"terraform_data\" \"x\":\n   1: resource \"terraform_data\" \"x\" { input = var.nope }\n\nAn input variable with the name \"nope\" has not been declared.\n";

#[test]
fn swarm_ops_002_exit_2_is_drift_with_the_changed_resources() {
    let r = DriftReport::from_plan(2, DRIFT);
    assert_eq!(r.status, DriftStatus::Drift);
    assert_eq!(
        r.changes,
        [
            "hcloud_server.manager[0] will be updated in-place",
            "terraform_data.manager will be created"
        ]
    );
    assert_eq!(
        r.summary.as_deref(),
        Some("Plan: 1 to add, 1 to change, 0 to destroy.")
    );
    assert_eq!(
        r.issue_title("2026-W48"),
        "Terraform drift detected (2026-W48)"
    );
    assert!(
        r.issue_body()
            .contains("- `hcloud_server.manager[0] will be updated in-place`")
    );
    assert!(r.issue_body().contains("Nothing was applied"));
}

#[test]
fn swarm_ops_002_drift_is_one_finding_per_changed_resource() {
    let at = std::path::Path::new("terraform/production");
    let f = DriftReport::from_plan(2, DRIFT).findings(at);
    let got: Vec<_> = f.iter().map(|f| (f.rule_id, f.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                "SWARM-OPS-002",
                "drift: hcloud_server.manager[0] will be updated in-place"
            ),
            (
                "SWARM-OPS-002",
                "drift: terraform_data.manager will be created"
            ),
        ]
    );
    assert!(
        f.iter()
            .all(|f| f.severity == busflow_swarm::Severity::Error
                && f.file == at
                && f.help.contains("nothing was applied"))
    );
    // A drift whose resources the output does not name is still one.
    let f = DriftReport::from_plan(2, "Plan: 1 to add, 0 to change, 0 to destroy.\n").findings(at);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message
            .ends_with("Plan: 1 to add, 0 to change, 0 to destroy.")
    );
    // Clean and failed plans have none.
    assert!(DriftReport::from_plan(0, CLEAN).findings(at).is_empty());
    assert!(DriftReport::from_plan(1, FAILED).findings(at).is_empty());
}

#[test]
fn swarm_ops_002_exit_0_is_clean_and_exit_1_a_failure_not_drift() {
    let r = DriftReport::from_plan(0, CLEAN);
    assert_eq!(r.status, DriftStatus::Clean);
    assert!(r.changes.is_empty());
    let r = DriftReport::from_plan(1, FAILED);
    assert_eq!(r.status, DriftStatus::Failed);
    assert_eq!(r.errors, ["Error: Reference to undeclared input variable"]);
    // Colours are stripped.
    let r = DriftReport::from_plan(
        2,
        "\u{1b}[1m  # hcloud_volume.data\u{1b}[0m will be updated in-place\n",
    );
    assert_eq!(r.changes, ["hcloud_volume.data will be updated in-place"]);
}

#[test]
fn swarm_ops_002_run_only_ever_plans() {
    // A stand-in for terraform that records its arguments and answers as a drifted plan.
    let dir = tempfile::tempdir().expect("temp dir");
    let args = dir.path().join("args");
    let fake = dir.path().join("terraform");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" >> {}\ncat <<'EOF'\n{DRIFT}EOF\nexit 2\n",
            args.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let r = DriftReport::run(&fake, dir.path()).expect("runs");
    assert_eq!(r.status, DriftStatus::Drift);
    let called = std::fs::read_to_string(&args).expect("args");
    assert_eq!(
        called.trim(),
        "plan -detailed-exitcode -input=false -no-color -lock=false"
    );
    assert!(!called.contains("apply"));
    // No terraform at all is an error, never a clean report.
    assert!(DriftReport::run(&dir.path().join("missing"), dir.path()).is_err());
}
