//! BACKUP-002 and BACKUP-003: restic's golden cases for the independent
//! count, worked cases for the additive count (borg), pins, and the
//! properties every plan has.

use busflow_backup::{ALL, Counting, Pin, Reason, RetentionPolicy, Span, UtcTime};
use proptest::prelude::*;
use serde_json::Value;

/// `2014-08-13 10:20:30.1` (restic's test times) as an instant.
fn restic_time(s: &str) -> UtcTime {
    let (date, time) = s.split_once(' ').expect("date and time");
    let d: Vec<i64> = date
        .split('-')
        .map(|x| x.parse().expect("number"))
        .collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<u32> = hms.split(':').map(|x| x.parse().expect("number")).collect();
    let nanos: u32 = format!("{frac:0<9}").parse().expect("fraction");
    UtcTime::from_civil(busflow_backup::Civil {
        year: d[0],
        month: u32::try_from(d[1]).expect("month"),
        day: u32::try_from(d[2]).expect("day"),
        hour: t[0],
        minute: t[1],
        second: t[2],
        nanos,
    })
    .expect("valid time")
}

fn count(v: &Value) -> u32 {
    match v.as_i64() {
        Some(-1) => ALL,
        Some(n) => u32::try_from(n).expect("count"),
        None => 0,
    }
}

fn span(v: &Value) -> Span {
    v.as_str().map_or_else(Span::default, |s| {
        Span::parse(s).unwrap_or_else(|| panic!("span {s}"))
    })
}

fn policy(p: &Value) -> RetentionPolicy {
    RetentionPolicy {
        last: count(&p["Last"]),
        hourly: count(&p["Hourly"]),
        daily: count(&p["Daily"]),
        weekly: count(&p["Weekly"]),
        monthly: count(&p["Monthly"]),
        yearly: count(&p["Yearly"]),
        within: span(&p["Within"]),
        within_hourly: span(&p["WithinHourly"]),
        within_daily: span(&p["WithinDaily"]),
        within_weekly: span(&p["WithinWeekly"]),
        within_monthly: span(&p["WithinMonthly"]),
        within_yearly: span(&p["WithinYearly"]),
        counting: Counting::Independent,
    }
}

/// restic's reason strings in ours: `daily snapshot` → `daily`.
fn restic_reason(s: &str) -> String {
    s.replace(" snapshot", "")
}

#[test]
fn backup_002_independent_counting_matches_restic_golden_cases() {
    let path = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/restic-forget/cases.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("cases.json")).expect("JSON");
    let snapshots: Vec<(String, UtcTime)> = doc["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = restic_time(s["time"].as_str().expect("time"));
            // Unique keys in input order: restic's stable sort keeps equal
            // times in that order.
            (format!("{t}#{i:03}"), t)
        })
        .collect();
    let now = UtcTime::ymd_hm(2030, 1, 1, 0, 0).expect("now");
    let mut ported = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let p = &case["policy"];
        if p.get("Tags").is_some() {
            continue; // busflow dumps carry no tags or paths
        }
        let index = &case["index"];
        let policy = policy(p);
        if policy.is_empty() {
            // restic keeps nothing for an empty policy; busflow refuses to plan.
            assert!(
                policy.plan_instants(snapshots.clone(), &[], now).is_err(),
                "case {index}"
            );
            continue;
        }
        let plan = policy
            .plan_instants(snapshots.clone(), &[], now)
            .expect("plan");
        let expected: Vec<String> = case["keep"]
            .as_array()
            .expect("keep")
            .iter()
            .map(|k| k.as_str().expect("time").to_owned())
            .collect();
        let got: Vec<String> = plan.keep.iter().map(|k| k.at.to_string()).collect();
        assert_eq!(got, expected, "case {index} {p}");
        for (kept, reason) in plan
            .keep
            .iter()
            .zip(case["reasons"].as_array().expect("reasons"))
        {
            let want: Vec<String> = reason["matches"]
                .as_array()
                .expect("matches")
                .iter()
                .map(|m| restic_reason(m.as_str().expect("match")))
                .collect();
            let ours: Vec<String> = kept.reasons.iter().map(ToString::to_string).collect();
            assert_eq!(ours, want, "case {index}, {}", kept.key);
        }
        assert_eq!(
            plan.keep.len() + plan.delete.len(),
            snapshots.len(),
            "case {index}"
        );
        ported += 1;
    }
    assert_eq!(ported, 36, "every case without tags ported");
}

fn nightly(last: UtcTime, days: i64) -> Vec<String> {
    (0..days)
        .map(|d| {
            busflow_backup::DumpName::for_instant("", last.add_date(0, 0, -d))
                .key()
                .to_owned()
        })
        .collect()
}

#[test]
fn backup_002_the_documented_policy_keeps_14_plus_4_additively_and_15_independently() {
    // Wednesday 2026-11-18 03:00, nightly dumps for 90 days.
    let last = UtcTime::ymd_hm(2026, 11, 18, 3, 0).expect("t");
    let keys = nightly(last, 90);
    let additive = RetentionPolicy::documented();
    let plan = additive
        .plan(keys.iter().map(String::as_str), &[], last)
        .expect("plan");
    assert_eq!(plan.keep.len(), 18, "14 daily + 4 weekly, additive");
    let weekly: Vec<String> = plan
        .keep
        .iter()
        .filter(|k| k.reasons.iter().any(|r| r.to_string() == "weekly"))
        .map(|k| k.at.to_string())
        .collect();
    // The four ISO weeks before the daily window, each by its Sunday dump.
    assert_eq!(
        weekly,
        [
            "2026-11-01T03:00:00Z",
            "2026-10-25T03:00:00Z",
            "2026-10-18T03:00:00Z",
            "2026-10-11T03:00:00Z"
        ]
    );
    let independent = RetentionPolicy {
        counting: Counting::Independent,
        ..additive
    };
    let plan = independent
        .plan(keys.iter().map(String::as_str), &[], last)
        .expect("plan");
    assert_eq!(
        plan.keep.len(),
        15,
        "restic: two weekly slots fall on daily dumps"
    );
    // With the newest dump on a Sunday, restic keeps 16.
    let sunday = UtcTime::ymd_hm(2026, 11, 22, 3, 0).expect("t");
    let keys = nightly(sunday, 90);
    assert_eq!(
        independent
            .plan(keys.iter().map(String::as_str), &[], sunday)
            .expect("plan")
            .keep
            .len(),
        16
    );
    assert_eq!(
        additive
            .plan(keys.iter().map(String::as_str), &[], sunday)
            .expect("plan")
            .keep
            .len(),
        18
    );
}

#[test]
fn backup_002_weeks_cross_the_iso_week_year() {
    // 2024-12-30 (Monday) and 2025-01-01 are both in ISO week 1 of 2025:
    // one weekly slot, held by the newer; 2024-12-29 is week 52 of 2024.
    let keys = [
        "pg_dump_20241229_0300.dump",
        "pg_dump_20241230_0300.dump",
        "pg_dump_20250101_0300.dump",
    ];
    let policy = RetentionPolicy {
        weekly: 2,
        ..RetentionPolicy::default()
    };
    let now = UtcTime::ymd_hm(2025, 1, 2, 0, 0).expect("t");
    let plan = policy.plan(keys, &[], now).expect("plan");
    let kept: Vec<&str> = plan.keep.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(
        kept,
        ["pg_dump_20250101_0300.dump", "pg_dump_20241229_0300.dump"]
    );
    assert_eq!(plan.delete, ["pg_dump_20241230_0300.dump"]);
}

#[test]
fn backup_001_backup_003_rejected_keys_are_left_alone_and_pins_hold_until_they_expire() {
    let last = UtcTime::ymd_hm(2026, 11, 18, 3, 0).expect("t");
    let mut keys = nightly(last, 90);
    keys.push("pg_dump_latest.dump".to_owned());
    keys.push("pg_dump_20260230_0300.dump".to_owned());
    let pinned = "pg_dump_20260920_0300.dump";
    let pins = [
        Pin {
            key: pinned.to_owned(),
            until: last.add_date(0, 0, 30),
        },
        Pin {
            key: "pg_dump_20260919_0300.dump".to_owned(),
            until: last.add_date(0, 0, -1),
        },
    ];
    let plan = RetentionPolicy::documented()
        .plan(keys.iter().map(String::as_str), &pins, last)
        .expect("plan");
    let rejected: Vec<&str> = plan.rejected.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        rejected,
        ["pg_dump_latest.dump", "pg_dump_20260230_0300.dump"]
    );
    assert!(plan.delete.iter().all(|k| !rejected.contains(&k.as_str())));
    let kept = plan
        .keep
        .iter()
        .find(|k| k.key == pinned)
        .expect("the pinned dump is kept");
    assert!(matches!(kept.reasons[..], [Reason::Pinned(_)]));
    assert!(
        plan.delete
            .contains(&"pg_dump_20260919_0300.dump".to_owned()),
        "an expired pin no longer holds"
    );
}

fn dump_keys() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (2020i64..2027, 1u32..13, 1u32..29, 0u32..24, 0u32..60),
        1..80,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(y, mo, d, h, mi)| format!("pg_dump_{y:04}{mo:02}{d:02}_{h:02}{mi:02}.dump"))
            .collect()
    })
}

fn policies() -> impl Strategy<Value = RetentionPolicy> {
    (
        0u32..5,
        0u32..5,
        0u32..20,
        0u32..6,
        0u32..4,
        0u32..3,
        0u32..10,
        any::<bool>(),
    )
        .prop_map(|(l, h, d, w, m, y, within, add)| RetentionPolicy {
            last: l,
            hourly: h,
            daily: d,
            weekly: w,
            monthly: m,
            yearly: y,
            within: Span::days(within),
            counting: if add {
                Counting::Additive
            } else {
                Counting::Independent
            },
            ..RetentionPolicy::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn backup_002_plans_partition_the_listing_keep_the_newest_and_are_stable(
        keys in dump_keys(),
        junk in prop::collection::btree_set("[a-z_0-9./]{1,30}", 0..5),
        policy in policies(),
        pinned in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!policy.is_empty());
        let now = UtcTime::ymd_hm(2027, 1, 1, 0, 0).expect("t");
        let pin = Pin { key: pinned.get(&keys).clone(), until: now.add_date(0, 0, 1) };
        let mut listing: Vec<&str> = keys.iter().chain(&junk).map(String::as_str).collect();
        // A bucket listing has each key once.
        listing.sort_unstable();
        listing.dedup();
        let plan = policy.plan(listing.iter().copied(), std::slice::from_ref(&pin), now).expect("plan");
        // keep ∪ delete ∪ rejected is the listing, and they are disjoint.
        let mut all: Vec<String> = plan.keep.iter().map(|k| k.key.clone()).chain(plan.delete.clone()).chain(plan.rejected.iter().map(|r| r.key.clone())).collect();
        all.sort();
        let mut expected: Vec<String> = listing.iter().map(|s| (*s).to_owned()).collect();
        expected.sort();
        expected.dedup();
        all.dedup();
        prop_assert_eq!(&all, &expected);
        prop_assert_eq!(plan.keep.len() + plan.delete.len() + plan.rejected.len(), expected.len());
        // Never deletes a pinned or rejected key; keeps the newest dump.
        prop_assert!(!plan.delete.contains(&pin.key));
        prop_assert!(plan.rejected.iter().all(|r| !plan.delete.contains(&r.key)));
        let newest = keys.iter().max_by_key(|k| busflow_backup::DumpName::parse(k).map(|n| (n.at(), std::cmp::Reverse((*k).clone()))).ok()).expect("a key");
        prop_assert!(plan.keep.iter().any(|k| &k.key == newest), "newest {} not kept", newest);
        // Planning again over what is kept deletes nothing more.
        let again = policy.plan(plan.keep.iter().map(|k| k.key.as_str()), std::slice::from_ref(&pin), now).expect("plan");
        prop_assert!(again.delete.is_empty(), "{:?}", again.delete);
    }
}
