//! SARIF output validated against the official SARIF 2.1.0 JSON schema.
//!
//! The schema is read in place from the `serde-sarif` package (MIT), which
//! ships the OASIS schema it generates its types from: cargo unpacked it
//! under `$CARGO_HOME/registry/src/` to compile this test, at the version
//! `Cargo.lock` names.

use std::path::PathBuf;

use busflow::obs_rules::catalog::OBS_002;
use busflow::swarm::catalog::SWARM_TF_009;
use busflow::{Finding, Format, Pos, Report, Severity, Sources, catalog};

fn sarif_schema() -> serde_json::Value {
    let path = serde_sarif_source().join("src/schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut schema: serde_json::Value = serde_json::from_str(&text).expect("schema JSON");
    // Erratum in the published schema: the `language` patterns (of `run` and
    // `toolComponent`) have a stray `]` that strict regex engines reject, so
    // the schema fails its own meta-schema (`format: regex`). Use the pattern
    // the spec's prose means (`en`, `en-US`); nothing we emit uses `language`.
    let fixed = replace_strings(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    assert!(fixed > 0, "the erratum moved: review this workaround");
    schema
}

/// Where cargo unpacked the locked `serde-sarif` to build this test.
fn serde_sarif_source() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"serde-sarif\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_owned())
        .expect("serde-sarif in Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"),
        PathBuf::from,
    );
    let registries = cargo_home.join("registry/src");
    std::fs::read_dir(&registries)
        .unwrap_or_else(|e| panic!("{}: {e}", registries.display()))
        .flatten()
        .map(|index| index.path().join(format!("serde-sarif-{version}")))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "serde-sarif {version} not unpacked under {}",
                registries.display()
            )
        })
}

fn replace_strings(value: &mut serde_json::Value, from: &str, to: &str) -> usize {
    match value {
        serde_json::Value::String(s) if s == from => {
            to.clone_into(s);
            1
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().map(|v| replace_strings(v, from, to)).sum()
        }
        serde_json::Value::Object(map) => {
            map.values_mut().map(|v| replace_strings(v, from, to)).sum()
        }
        _ => 0,
    }
}

busflow::diag::catalog! {
    /// A rule outside busflow's catalogs, as an embedding service declares
    /// its own.
    static LOCAL: "local";
    LOCAL_001 = "LOCAL-001", Info, Static, "a rule of the embedding service";
}

fn sample_report() -> Report {
    Report::new(
        vec![
            Finding::new(
                &SWARM_TF_009,
                "terraform/modules/swarm/main.tf",
                Pos::new(42, 7),
                "StrictHostKeyChecking=no",
            )
            .with_end(Pos::new(42, 31))
            .with_help("remove the option and set host_key in the connection block"),
            Finding::new(
                &OBS_002,
                "rules/llm.yml",
                Pos::new(3, 1),
                "no cardinality_budget on ‘LlmTokens’",
            )
            .with_severity(Severity::Warning),
            Finding::new(
                &LOCAL_001,
                "x/ü.yml",
                Pos::START,
                "a rule outside the catalog",
            )
            .with_end(Pos::new(4, 2)),
        ],
        1,
    )
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let text = sample_report().render(Format::Sarif, &Sources::new(), &catalog());
    let doc: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );

    // A document that breaks the schema is caught (the validator is live).
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_output_reads_back_through_typed_sarif() {
    let text = sample_report().render(Format::Sarif, &Sources::new(), &catalog());
    let sarif: serde_sarif::sarif::Sarif = serde_json::from_str(&text).expect("typed SARIF");
    let run = &sarif.runs[0];
    assert_eq!(run.results.as_ref().map(Vec::len), Some(3));
    assert_eq!(sarif.version.to_string().trim_matches('"'), "2.1.0");
}

#[test]
fn an_empty_report_is_still_valid_sarif() {
    let validator = jsonschema::validator_for(&sarif_schema()).expect("the schema compiles");
    let text = Report::new(Vec::new(), 0).render(Format::Sarif, &Sources::new(), &catalog());
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(validator.is_valid(&doc));
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}
