//! busflow-obs-rules against real peers: promtool and Prometheus.

mod differential;
mod documented;
mod live;
mod policy;
mod robustness;
mod slo;
mod slo_live;

/// Runs `promtool check rules` on `text` written to a temp file; panics with
/// promtool's output when it rejects it, and returns its stdout.
pub fn promtool_accepts(text: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yml");
    std::fs::write(&path, text).expect("write");
    let out = std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&path)
        .output()
        .expect("promtool must be installed (Debian package `prometheus`)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "promtool rejects:\n{stdout}{}\n--- file ---\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
