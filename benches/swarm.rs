//! busflow-swarm's stack-file checks (SWARM-COMPOSE-001 … 013) on a
//! generated 200-service production stack with anchors, merges, secrets,
//! placement constraints and Loki logging; and the Terraform checks on the
//! reference module.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::path::Path;

use busflow::swarm::{Module, StackContract, TfContract, check_module, check_stack};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A stack of `n` application services sharing anchors, plus Postgres.
fn stack(n: usize) -> String {
    let mut out = String::from(
        "version: \"3.9\"\n\nx-logging: &logging\n  driver: loki\n  options:\n    loki-url: \"http://127.0.0.1:3100/loki/api/v1/push\"\n    loki-batch-size: \"400\"\n    loki-external-labels: \"service={{.Name}},environment=production\"\n\nx-deploy: &deploy\n  replicas: 2\n  resources:\n    limits:\n      memory: 256M\n    reservations:\n      cpus: \"0.1\"\n\nservices:\n",
    );
    for i in 0..n {
        let _ = write!(
            out,
            "  svc-{i}:\n    image: ghcr.io/busflow/svc-{i}:1.0.{i}\n    environment:\n      S3_ENDPOINT: https://fsn1.your-objectstorage.com\n      DATABASE_URL_FILE: /run/secrets/db_{i}\n      LOG_LEVEL: info\n    secrets:\n      - db_{i}\n    logging: *logging\n    deploy:\n      <<: *deploy\n      placement:\n        constraints:\n          - node.role == worker\n          - node.labels.zone != b\n"
        );
    }
    out.push_str("  postgres:\n    image: pgvector/pgvector:pg16\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n    deploy:\n      replicas: 1\n      placement:\n        constraints:\n          - node.labels.tier == stateful\n      resources:\n        limits:\n          memory: 4G\n        reservations:\n          cpus: \"1\"\n\nvolumes:\n  pgdata:\n    driver: hetzner\n\nsecrets:\n");
    for i in 0..n {
        let _ = write!(out, "  db_{i}:\n    external: true\n");
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = stack(200);
    let contract = StackContract::default();
    let path = Path::new("docker-compose.production.yml");
    assert!(
        check_stack(path, &text, true, &contract).is_empty(),
        "the generated stack is clean"
    );
    let mut group = c.benchmark_group("stack_checks");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("200_services", |b| {
        b.iter(|| check_stack(path, &text, true, &contract));
    });
    group.finish();

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra/terraform/modules/swarm");
    let module = Module::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let tf = TfContract::default();
    c.bench_function("tf_checks_reference_module", |b| {
        b.iter(|| check_module(&module, &tf));
    });
    c.bench_function("tf_load_and_check_reference_module", |b| {
        b.iter(|| {
            let m = Module::load(&dir).unwrap_or_else(|e| panic!("{e}"));
            check_module(&m, &tf)
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
