//! The verify's settings file as `examples/infra` ships it.

use std::path::Path;

use busflow_backup::{VerifySettings, find_program};

#[test]
fn backup_006_014_the_reference_settings_name_both_remotes_and_load_the_allowlist() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/infra/config/backup-verify/verify.yaml");
    let s = VerifySettings::load(&path).expect("settings");
    assert_eq!(s.source.name, "hetzner-s3");
    assert_eq!(
        s.fallback.as_ref().map(|f| f.name.as_str()),
        Some("minio-inswarm")
    );
    assert!(s.source.endpoint.starts_with("https://"));
    let c = s
        .verify_config(
            "postgres://verify@localhost/postgres",
            find_program("pg_restore").expect("pg_restore"),
        )
        .expect("config with the allow-list");
    assert_eq!(c.allowlist.entries.len(), 2);
    assert_eq!(c.size_ceiling, 10_000_000_000);
    assert_eq!(c.deadline, std::time::Duration::from_hours(1));
    // The fallback's keys are its own variables, never in the file.
    let fb = s.fallback.expect("fallback");
    let e = fb.remote_config(|_| None).expect_err("keys are not set");
    assert!(e.to_string().contains("BUSFLOW_MINIO_ACCESS_KEY"), "{e}");
}
