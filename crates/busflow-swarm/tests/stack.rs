//! SWARM-COMPOSE-001 … 013 on the reference stack files and on one mutation
//! of them per clause; the reference files are also validated against
//! docker/cli's stack schema v3.13, read where it lies.

use std::path::{Path, PathBuf};

use busflow_swarm::{Finding, StackContract, check_stack};

fn infra(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/infra")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("reference stack file");
    (path, text)
}

const PROD: &str = "docker-compose.production.yml";
const OBS: &str = "docker-compose.observability.yml";

fn check(name: &str, text: &str) -> Vec<Finding> {
    check_stack(
        Path::new(name),
        text,
        name == PROD,
        &StackContract::default(),
    )
}

fn mutated(name: &str, from: &str, to: &str) -> (Vec<Finding>, String) {
    let (_, text) = infra(name);
    assert!(text.contains(from), "{name} has no `{from}`");
    let text = text.replacen(from, to, 1);
    (check(name, &text), text)
}

/// The 1-based line of the first `needle` in `text`.
fn line_of(text: &str, needle: &str) -> u32 {
    let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`"));
    u32::try_from(text[..at].matches('\n').count() + 1).expect("small")
}

fn only<'a>(findings: &'a [Finding], rule: &str) -> &'a [Finding] {
    assert!(!findings.is_empty(), "expected {rule}, got nothing");
    assert!(
        findings.iter().all(|f| f.rule_id == rule),
        "expected only {rule}: {findings:#?}"
    );
    findings
}

#[test]
fn the_reference_stack_files_satisfy_every_clause() {
    for name in [PROD, OBS] {
        let (_, text) = infra(name);
        let f = check(name, &text);
        assert!(f.is_empty(), "{name}: {f:#?}");
    }
}

fn schema_errors(text: &str) -> Vec<String> {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata/docker/stack-schema-v3.13.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path).expect("the stack schema in ../shared/testdata"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let doc = busflow_yaml::parse(text).expect("YAML");
    let instance = doc[0].to_json();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn swarm_compose_012_the_reference_files_are_valid_v3_stack_files_by_docker_clis_schema() {
    for name in [PROD, OBS] {
        let (_, text) = infra(name);
        let errors = schema_errors(&text);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn swarm_compose_012_what_the_schema_refuses_is_found_with_its_line() {
    // A numeric cpus, a compose v2 key: the schema refuses both, and so do we.
    let (f, text) = mutated(
        PROD,
        "      cpus: \"0.25\"\n\nservices:",
        "      cpus: 0.25\n\nservices:",
    );
    assert!(!schema_errors(&text).is_empty());
    let f: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule_id == "SWARM-COMPOSE-012")
        .collect();
    assert!(!f.is_empty());
    // The value came in through the `&app-deploy` anchor: the finding is where it was written.
    assert_eq!(f[0].start.line, line_of(&text, "cpus: 0.25"));
    let (f, text) = mutated(
        PROD,
        "    image: redis:7.4\n",
        "    image: redis:7.4\n    mem_limit: 512m\n",
    );
    assert!(!schema_errors(&text).is_empty());
    let f = only(&f, "SWARM-COMPOSE-012");
    assert_eq!(f[0].start.line, line_of(&text, "mem_limit"));
    assert!(f[0].help.contains("deploy.resources.limits.memory"));
    let f = check(PROD, "services:\n  a: [\n");
    assert_eq!(only(&f, "SWARM-COMPOSE-012").len(), 1);
}

#[test]
fn swarm_compose_001_002_a_service_without_limits_is_found_at_its_name() {
    let (f, text) = mutated(
        PROD,
        "      resources:\n        limits:\n          memory: 768M\n        reservations:\n          cpus: \"0.25\"\n",
        "",
    );
    let rules: Vec<&str> = f.iter().map(|f| f.rule_id).collect();
    assert_eq!(rules, ["SWARM-COMPOSE-001", "SWARM-COMPOSE-002"], "{f:#?}");
    assert!(f.iter().all(|x| x.start.line == line_of(&text, "  n8n:")));
    // No valid limit (SWARM-COMPOSE-001), and a size docker cannot read, so
    // the file does not deploy (SWARM-COMPOSE-012), both where it is written.
    let (f, text) = mutated(PROD, "memory: 768M", "memory: 768Q");
    let rules: Vec<&str> = f.iter().map(|f| f.rule_id).collect();
    assert_eq!(rules, ["SWARM-COMPOSE-001", "SWARM-COMPOSE-012"], "{f:#?}");
    assert!(f[0].message.contains("not a size unit"));
    assert!(f.iter().all(|x| x.start.line == line_of(&text, "768Q")));
}

#[test]
fn swarm_compose_003_loki_logging_without_the_documented_labels_is_found() {
    let (f, text) = mutated(
        PROD,
        "service={{.Name}},environment=production",
        "environment=production",
    );
    // Every application service shares the anchor: one finding each, at the anchor's options.
    let f = only(&f, "SWARM-COMPOSE-003");
    assert_eq!(f.len(), 6);
    assert!(
        f.iter()
            .all(|x| x.start.line == line_of(&text, "    loki-url:")),
        "{f:#?}"
    );
    let (f, _) = mutated(
        PROD,
        "    image: hasura/graphql-engine:v2.40.0\n",
        "    image: hasura/graphql-engine:v2.40.0\n    logging:\n      driver: json-file\n",
    );
    let _ = only(&f, "SWARM-COMPOSE-003");
}

#[test]
fn swarm_compose_004_an_unplaced_observability_service_is_found() {
    let (f, text) = mutated(
        OBS,
        "  tempo:\n    image: grafana/tempo:2.6.0\n    deploy:\n      replicas: 1\n      placement: *obs-placement\n",
        "  tempo:\n    image: grafana/tempo:2.6.0\n    deploy:\n      replicas: 1\n",
    );
    let f = only(&f, "SWARM-COMPOSE-004");
    assert_eq!(f[0].start.line, line_of(&text, "  tempo:"));
}

#[test]
fn swarm_compose_005_a_stateful_service_on_managers_is_found() {
    let (f, text) = mutated(
        PROD,
        "          - node.labels.tier == stateful\n      resources:\n        limits:\n          memory: 512M",
        "          - node.role == manager\n      resources:\n        limits:\n          memory: 512M",
    );
    let f = only(&f, "SWARM-COMPOSE-005");
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f.iter().any(|x| x.start.line
        == line_of(
            &text,
            "- node.role == manager\n      resources:\n        limits:\n          memory: 512M"
        )));
}

#[test]
fn swarm_compose_006_the_exporter_runs_only_when_its_secret_exists() {
    let (f, text) = mutated(
        OBS,
        "    deploy:\n      replicas: 0\n",
        "    deploy:\n      replicas: 1\n",
    );
    let f = only(&f, "SWARM-COMPOSE-006");
    assert_eq!(
        f[0].start.line,
        line_of(
            &text,
            "replicas: 1\n      placement: *obs-placement\n      resources:\n        limits:\n          memory: 128M"
        )
    );
    let contract = StackContract {
        existing_secrets: vec!["postgres_exporter_dsn".into()],
        ..StackContract::default()
    };
    assert!(check_stack(Path::new(OBS), &text, false, &contract).is_empty());
}

#[test]
fn swarm_compose_007_plaintext_secrets_and_dsns_in_environment_are_found() {
    let (f, text) = mutated(
        PROD,
        "      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n",
        "      POSTGRES_PASSWORD: hunter2\n",
    );
    let f = only(&f, "SWARM-COMPOSE-007");
    assert_eq!(f[0].start.line, line_of(&text, "POSTGRES_PASSWORD:"));
    assert!(
        !f[0].message.contains("hunter2"),
        "the value never reaches the finding"
    );
    let (f, _) = mutated(
        PROD,
        "      REDIS_URL: redis://redis:6379\n",
        "      REDIS_URL: redis://default:s3cr3t@redis:6379\n",
    );
    let f = only(&f, "SWARM-COMPOSE-007");
    assert!(!f[0].message.contains("s3cr3t"));
    let (f, _) = mutated(
        PROD,
        "      HTTP_ENABLED: \"false\"\n",
        "      - API_TOKEN=abc\n",
    );
    assert!(!f.is_empty());
}

#[test]
fn swarm_compose_008_minio_and_plain_http_s3_in_production_are_found() {
    let (f, text) = mutated(
        PROD,
        "https://fsn1.your-objectstorage.com",
        "http://minio:9000",
    );
    assert_eq!(
        only(&f, "SWARM-COMPOSE-008")[0].start.line,
        line_of(&text, "S3_ENDPOINT")
    );
    let (f, _) = mutated(
        PROD,
        "  frontend:\n",
        "  minio:\n    image: minio/minio\n    logging:\n      driver: loki\n    deploy:\n      resources:\n        limits:\n          memory: 1G\n        reservations:\n          cpus: \"0.1\"\n  frontend:\n",
    );
    let f: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule_id != "SWARM-COMPOSE-003")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "SWARM-COMPOSE-008");
}

#[test]
fn swarm_compose_009_two_loki_writers_one_collector_and_a_replicated_promtail_are_found() {
    let (f, _) = mutated(
        OBS,
        "  loki:\n    image: grafana/loki:3.2.0\n    deploy:\n      replicas: 1",
        "  loki:\n    image: grafana/loki:3.2.0\n    deploy:\n      replicas: 2",
    );
    let _ = only(&f, "SWARM-COMPOSE-009");
    let (f, _) = mutated(OBS, "      replicas: 2\n", "      replicas: 1\n");
    let _ = only(&f, "SWARM-COMPOSE-009");
    let (f, text) = mutated(OBS, "      mode: global\n", "      mode: replicated\n");
    assert_eq!(
        only(&f, "SWARM-COMPOSE-009")[0].start.line,
        line_of(&text, "mode: replicated")
    );
}

#[test]
fn swarm_compose_010_a_config_without_a_versioned_name_is_found() {
    let (f, text) = mutated(
        OBS,
        "    name: otel_config_${OTEL_CONFIG_SHA}\n",
        "    name: otel_config\n",
    );
    assert_eq!(
        only(&f, "SWARM-COMPOSE-010")[0].start.line,
        line_of(&text, "name: otel_config\n")
    );
    for versioned in ["otel_config_v3", "otel_config_5f2a9c1"] {
        let (f, _) = mutated(OBS, "otel_config_${OTEL_CONFIG_SHA}", versioned);
        assert!(f.is_empty(), "{versioned}: {f:#?}");
    }
}

#[test]
fn swarm_compose_011_node_label_singular_never_matches_and_is_found() {
    let (f, text) = mutated(
        PROD,
        "          - node.labels.tier == stateful\n",
        "          - node.label.tier == stateful\n",
    );
    let f: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule_id == "SWARM-COMPOSE-011")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].start.line, line_of(&text, "node.label.tier"));
    assert_eq!(f[0].start.column, 13);
    let (f, _) = mutated(PROD, "node.role == manager", "node.role = manager");
    let _ = only(&f, "SWARM-COMPOSE-011");
}

#[test]
fn swarm_compose_013_a_local_volume_for_postgres_is_found() {
    let (f, text) = mutated(
        PROD,
        "  pgdata:\n    driver: hetzner\n",
        "  pgdata:\n    driver: local\n",
    );
    let f = only(&f, "SWARM-COMPOSE-013");
    assert_eq!(f[0].start.line, line_of(&text, "driver: local"));
    assert!(f[0].message.contains("manual"));
}

#[test]
fn role_labels_override_the_documented_names() {
    // A service named `cache` labelled stateful gets the stateful clauses.
    let (f, _) = mutated(
        PROD,
        "  frontend:\n    image: ghcr.io/busflow/frontend:1.0.0\n",
        "  frontend:\n    image: ghcr.io/busflow/frontend:1.0.0\n    labels:\n      busflow.role: stateful\n",
    );
    let rules: Vec<&str> = f.iter().map(|f| f.rule_id).collect();
    assert!(rules.contains(&"SWARM-COMPOSE-005"), "{f:#?}");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_gives_findings(text in "(services:|deploy:|resources:|limits:|memory:|cpus:|placement:|constraints:|- |  |\n|node\\.labels\\.tier|==|!=|&a|\\*a|<<:|\"|[a-z]{1,6}|[0-9]{1,3}|M|G){0,60}") {
            let _ = check(PROD, &text);
        }
    }
}

#[test]
fn swarm_compose_012_what_docker_refuses_is_found_where_it_was_written() {
    // A misspelt key inside an anchor: found at the anchor's line, once,
    // not only as its consequence (no memory limit) in each service.
    let (f, text) = mutated(
        PROD,
        "      memory: 512M\n    reservations:",
        "      memroy: 512M\n    reservations:",
    );
    let schema: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule_id == "SWARM-COMPOSE-012")
        .collect();
    assert!(!schema.is_empty(), "{f:#?}");
    assert!(
        schema
            .iter()
            .all(|x| x.start.line == line_of(&text, "memroy")),
        "{schema:#?}"
    );
    assert!(
        schema[0].message.contains("`memroy` is not allowed"),
        "{schema:#?}"
    );
    assert!(
        schema[0].help.contains("did you mean `memory`"),
        "{schema:#?}"
    );
    // A count that is a word.
    let (f, text) = mutated(OBS, "replicas: 2", "replicas: two");
    let f: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule_id == "SWARM-COMPOSE-012")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].start.line, line_of(&text, "replicas: two"));
    assert!(
        f[0].message
            .contains("must be an integer, not a string (`two`)"),
        "{f:#?}"
    );
    // Unknown keys at every level, wrong types, formats.
    for (from, to, says) in [
        (
            "image: traefik:v3.1",
            "imag: traefik:v3.1",
            "`imag` is not allowed in `services.traefik`",
        ),
        (
            "      - \"80:80\"",
            "      - \"80:80:80:80\"",
            "is not a port",
        ),
        (
            "version: \"3.9\"",
            "version: 3.9",
            "`version` must be a string",
        ),
        (
            "version: \"3.9\"",
            "version: \"2.4\"",
            "not a stack file version docker knows",
        ),
    ] {
        let (f, _) = mutated(PROD, from, to);
        assert!(
            f.iter()
                .any(|x| x.rule_id == "SWARM-COMPOSE-012" && x.message.contains(says)),
            "{to}: {f:#?}"
        );
    }
}

#[test]
fn swarm_compose_012_values_from_the_environment_are_never_quoted() {
    let secret = "s3cr3t-from-the-environment";
    let contract = StackContract {
        environment: Some(
            [("PASS".to_owned(), secret.to_owned())]
                .into_iter()
                .collect(),
        ),
        ..StackContract::default()
    };
    let (_, text) = infra(OBS);
    for (from, to) in [
        ("replicas: 2", "replicas: ${PASS}"),
        ("memory: 512M", "memory: ${PASS}"),
        ("published: 3100", "published: ${PASS}"),
    ] {
        assert!(text.contains(from), "{from}");
        let mutated = text.replacen(from, to, 1);
        let f = check_stack(Path::new(OBS), &mutated, false, &contract);
        let schema: Vec<&Finding> = f
            .iter()
            .filter(|f| f.rule_id == "SWARM-COMPOSE-012")
            .collect();
        assert!(!schema.is_empty(), "{to}: refused");
        for x in &f {
            assert!(
                !x.message.contains(secret) && !x.help.contains(secret),
                "{x:#?}"
            );
        }
    }
}
