//! The generated files of `examples/infra` are what the crates generate
//! today. `BUSFLOW_BLESS=1 cargo test --test infra_snapshots` rewrites them.

use std::path::Path;

fn snapshot(relative: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/infra")
        .join(relative);
    if std::env::var_os("BUSFLOW_BLESS").is_some() {
        std::fs::write(&path, generated).expect("write snapshot");
    }
    let on_disk =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        on_disk,
        generated,
        "{} is stale; rerun with BUSFLOW_BLESS=1",
        path.display()
    );
}

#[cfg(feature = "obs-rules")]
#[test]
fn obs_007_documented_alerts_in_the_reference_repository_are_current() {
    snapshot(
        "observability/prometheus-rules/documented.yml",
        &busflow::obs_rules::generate("promql"),
    );
    snapshot(
        "observability/loki-rules/pii.yml",
        &busflow::obs_rules::generate("logql"),
    );
}

#[cfg(feature = "pii")]
#[test]
fn pii_005_pii_006_the_emitted_rule_set_in_the_reference_repository_is_current() {
    let config = busflow::pii::RedactorConfig::default();
    snapshot(
        "observability/promtail-pii-stages.yaml",
        &busflow::pii::emit::promtail(&config),
    );
    snapshot(
        "observability/loki-rules/pii-leaks.yml",
        &busflow::pii::emit::logql_rules(&config, "https://docs.busflow.app/protocols"),
    );
}
