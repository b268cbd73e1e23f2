//! busflow-pii's engine on generated log corpora (`benches/corpus/pii.rs`):
//! clean lines (no personal data, every shape that fools detectors), dense
//! lines (values of every detector on every line) and the realistic mix of
//! this stack's twelve log families (half of them with values), as text and as
//! JSON lines, next to the practical ceiling — a plain `memchr` newline
//! count over the same bytes. The whole-process comparison with Go's
//! `regexp` doing the Promtail `replace` stages is `scripts/bench-pii`.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

#[path = "corpus/pii.rs"]
mod corpus;

use busflow::pii::{Mode, Outcome, Redactor};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const BYTES: usize = 16 << 20;

fn bench(c: &mut Criterion) {
    let redactor = Redactor::default();
    let clean = corpus::corpus(BYTES, 1, corpus::clean_line);
    let dense = corpus::corpus(BYTES, 2, corpus::dense_line);
    let realistic = corpus::corpus(BYTES, 3, corpus::realistic_line);
    let mut group = c.benchmark_group("pii");
    group.sample_size(10);
    for (name, data) in [
        ("clean", &clean),
        ("dense", &dense),
        ("realistic", &realistic),
    ] {
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(format!("memchr_newlines/{name}"), |b| {
            b.iter(|| memchr::memchr_iter(b'\n', std::hint::black_box(data)).count());
        });
        for (mode_name, mode) in [("text", Mode::Text), ("json", Mode::Json)] {
            let mut out = Vec::with_capacity(data.len() * 2);
            let mut outcome = Outcome::default();
            group.bench_function(format!("redact_{mode_name}/{name}"), |b| {
                b.iter(|| {
                    out.clear();
                    outcome.clear();
                    redactor.redact_into(std::hint::black_box(data), mode, &mut out, &mut outcome);
                    outcome.redactions.len()
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
