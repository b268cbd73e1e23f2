//! No input panics the parsers; generated rule sets round-trip.

use std::fmt::Write as _;
use std::path::Path;

use busflow_obs_rules::{
    Config, RuleFile, analyze, check_rule_file, check_template, parse_rule_file, threshold,
};
use proptest::prelude::*;

/// A group without positions: name, interval, and each rule's fields.
type GroupShape = (String, Option<String>, Vec<Vec<(String, String)>>);

/// A model without positions, for comparing round trips.
fn shape(f: &RuleFile) -> Vec<GroupShape> {
    f.groups
        .iter()
        .map(|g| {
            let rules = g
                .rules
                .iter()
                .map(|r| {
                    let mut fields = Vec::new();
                    for (k, v) in [
                        ("record", &r.record),
                        ("alert", &r.alert),
                        ("expr", &r.expr),
                        ("for", &r.for_),
                    ] {
                        if let Some(v) = v {
                            fields.push((k.to_owned(), v.value.clone()));
                        }
                    }
                    for (k, v) in r.labels.iter().chain(&r.annotations) {
                        fields.push((k.value.clone(), v.value.clone()));
                    }
                    fields
                })
                .collect();
            (
                g.name.value.clone(),
                g.interval.as_ref().map(|i| i.value.clone()),
                rules,
            )
        })
        .collect()
}

fn valid_rule_file() -> impl Strategy<Value = String> {
    let expr = prop_oneof![
        Just("up == 0".to_owned()),
        "[a-z_]{1,12}".prop_map(|m| format!("sum by (job) (rate({m}_total[5m])) > 1")),
        "[a-z_]{1,12}".prop_map(|m| format!("histogram_quantile(0.99, rate({m}_bucket[5m]))")),
    ];
    let rule = (
        any::<bool>(),
        "[A-Za-z_][A-Za-z0-9_]{0,15}",
        expr,
        "[a-z ]{0,20}",
        "[0-9]{1,3}[smh]",
    );
    let group = ("[a-z][a-z0-9-]{0,10}", prop::collection::vec(rule, 1..6));
    prop::collection::vec(group, 1..4).prop_map(|groups| {
        let mut out = String::from("groups:\n");
        for (gi, (name, rules)) in groups.iter().enumerate() {
            let _ = write!(out, "  - name: \"{name}-{gi}\"\n    interval: 1m\n    rules:\n");
            for (alert, rname, expr, summary, for_) in rules {
                if *alert {
                    let _ = write!(
                        out,
                        "      - alert: {rname}\n        expr: \"{expr}\"\n        for: {for_}\n        labels: {{severity: warning}}\n        annotations:\n          summary: \"{summary} {{{{ $value }}}}\"\n"
                    );
                } else {
                    let _ = write!(out, "      - record: {rname}\n        expr: \"{expr}\"\n");
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn obs_001_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check_rule_file(Path::new("fuzz.yml"), &bytes, &Config::default());
    }

    #[test]
    fn obs_001_yaml_like_text_never_panics(text in "[a-z:{}\\[\\]\\- #\n'\"&*<|>$.0-9!%@`,?]{0,400}") {
        let checked = check_rule_file(Path::new("fuzz.yml"), text.as_bytes(), &Config::default());
        for f in &checked.findings {
            prop_assert!(f.start.line >= 1 && f.start.column >= 1);
        }
    }

    #[test]
    fn obs_001_promql_like_text_never_panics(text in "[a-z_(){}\\[\\]=~!\"0-9 .+*/<>,:@^%-]{0,160}") {
        let _ = analyze(&text);
        let _ = threshold(&text);
    }

    #[test]
    fn obs_001_template_like_text_never_panics(text in "[{}$. a-zA-Z|()\"`'/*=:,0-9\\-é€\n]{0,160}") {
        if let Err(e) = check_template(&text) {
            prop_assert!(e.offset <= text.len());
        }
    }

    #[test]
    fn obs_001_generated_rule_sets_round_trip(text in valid_rule_file()) {
        let (first, findings) = parse_rule_file(Path::new("gen.yml"), text.as_bytes());
        prop_assert!(findings.is_empty(), "{:?}", findings);
        let yaml = first.to_yaml();
        let (second, findings) = parse_rule_file(Path::new("gen.yml"), yaml.as_bytes());
        prop_assert!(findings.is_empty(), "{:?}\n{}", findings, yaml);
        prop_assert_eq!(shape(&first), shape(&second));
        // And the generated sets are valid as promtool would judge them.
        let checked = check_rule_file(Path::new("gen.yml"), text.as_bytes(), &Config::default());
        prop_assert!(checked.findings.iter().all(|f| f.rule_id != "OBS-001" || f.message.contains("duplicate")), "{:?}", checked.findings);
    }
}
