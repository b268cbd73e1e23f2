//! `volume-resize` as a process (SWARM-OPS-003): what it needs and what it
//! refuses, without reaching Hetzner. The job's whole path — a real
//! Prometheus evaluating the documented rule, a real Alertmanager posting to
//! the receiver, the resize against a stub of Hetzner's API, the cooldown
//! read back from the volume's actions — is
//! `crates/busflow-swarm/tests/hetzner.rs`.

#[path = "support/examples.rs"]
mod examples;

use std::process::Command;

fn bin() -> std::path::PathBuf {
    examples::example("volume-resize")
}

fn run(args: &[&str], token: Option<&str>) -> (Option<i32>, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args).env_remove("HCLOUD_TOKEN");
    if let Some(t) = token {
        cmd.env("HCLOUD_TOKEN", t);
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn swarm_ops_003_volume_resize_says_what_it_needs_and_never_prints_the_token() {
    let dir = tempfile::tempdir().expect("dir");
    let quiet = dir.path().join("quiet.json");
    std::fs::write(
        &quiet,
        r#"{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"DiskWarning","mountpoint":"/"}}]}"#,
    )
    .expect("write");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "not json").expect("write");
    let token = "hz-secret-token-0c1d";

    let (code, out) = run(&["--payload", quiet.to_str().expect("utf-8")], None);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("HCLOUD_TOKEN"), "{out}");

    let (code, out) = run(&["--payload", quiet.to_str().expect("utf-8")], Some(token));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no firing VolumeUsageCritical alert"), "{out}");

    let (code, out) = run(&["--payload", bad.to_str().expect("utf-8")], Some(token));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not an Alertmanager webhook payload"), "{out}");

    let (code, out) = run(
        &[
            "--payload",
            quiet.to_str().expect("utf-8"),
            "--hetzner-api",
            "http://api.example.com/v1",
        ],
        Some(token),
    );
    assert_eq!(code, Some(1), "the token never goes over plain http: {out}");
    assert!(!out.contains(token), "{out}");
}
