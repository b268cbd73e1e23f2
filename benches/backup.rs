//! busflow-backup's retention plan over 100 000 dump keys (hourly dumps for
//! about eleven years), with the documented policy and a restic-style one,
//! in both counting modes.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use busflow::backup::{Counting, DumpName, RetentionPolicy, UtcTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let newest = UtcTime::ymd_hm(2026, 11, 23, 3, 0).unwrap_or_else(|| unreachable!());
    let keys: Vec<String> = (0..100_000)
        .map(|h| {
            DumpName::for_instant("", newest.add_seconds(-3600 * h))
                .key()
                .to_owned()
        })
        .collect();
    let mut group = c.benchmark_group("retention_plan");
    group.sample_size(10);
    group.throughput(Throughput::Elements(keys.len() as u64));
    let restic_style = RetentionPolicy {
        daily: 7,
        weekly: 4,
        monthly: 12,
        yearly: 5,
        ..RetentionPolicy::default()
    };
    for (name, policy) in [
        ("documented_additive", RetentionPolicy::documented()),
        (
            "7d4w12m5y_independent",
            RetentionPolicy {
                counting: Counting::Independent,
                ..restic_style
            },
        ),
        ("7d4w12m5y_additive", restic_style),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                policy
                    .plan(keys.iter().map(String::as_str), &[], newest)
                    .map(|p| p.keep.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
