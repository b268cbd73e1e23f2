//! busflow-obs-rules' full static check (OBS-001..003, 005, 006) on
//! promtool's `rules_large.yml` (10 002 rules), and on 1 000 files of 100
//! rules. The whole-process comparison with `promtool check rules` on the
//! same file is `scripts/bench-obs-rules` (hyperfine, same session).

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::path::Path;

use busflow::obs_rules::{Config, check_rule_file};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn rules_large() -> Vec<u8> {
    let path = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/prometheus-rules/promtool/rules_large.yml");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file of 100 rules in the style of a real rule set: recording rules
/// with aggregations, alerts with templates, labels and annotations.
fn hundred_rules(file: usize) -> Vec<u8> {
    let mut out = format!("groups:\n  - name: service-{file}\n    interval: 1m\n    rules:\n");
    for i in 0..50 {
        let _ = write!(
            out,
            "      - record: job:busflow_requests_{i}:rate5m\n        expr: sum by (job, status) (rate(busflow_requests_{i}_total{{env=\"prod\"}}[5m]))\n      - alert: Requests{i}Failing\n        expr: sum(rate(busflow_requests_{i}_total{{status=~\"5..\"}}[5m])) / sum(rate(busflow_requests_{i}_total[5m])) > 0.01\n        for: 5m\n        labels:\n          severity: warning\n        annotations:\n          summary: \"{{{{ $labels.job }}}} fails {{{{ $value | humanizePercentage }}}}\"\n          runbook_url: https://runbooks.example/{i}\n          cardinality_budget: \"2000\"\n"
        );
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let config = Config::default();
    let large = rules_large();
    let mut group = c.benchmark_group("obs_rules_check");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_002));
    group.bench_function("rules_large.yml (10 002 rules)", |b| {
        b.iter(|| {
            let checked = check_rule_file(Path::new("rules_large.yml"), &large, &config);
            // promtool's lint finds the same two duplicate rules (warnings).
            assert!(
                checked
                    .findings
                    .iter()
                    .all(|f| f.severity != busflow::obs_rules::Severity::Error)
            );
            checked.findings.len()
        });
    });
    let files: Vec<Vec<u8>> = (0..1_000).map(hundred_rules).collect();
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("1 000 files × 100 rules", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| {
                    check_rule_file(Path::new("f.yml"), f, &config)
                        .findings
                        .len()
                })
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
