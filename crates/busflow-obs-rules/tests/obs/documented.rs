//! OBS-007: the documented alerts, generated and checked.

use std::path::Path;

use busflow_obs_rules::{Config, check_documented, check_rule_file, generate, parse_rule_file};

fn both_files() -> Vec<busflow_obs_rules::RuleFile> {
    let prom = generate("promql");
    let loki = generate("logql");
    let (a, fa) = parse_rule_file(Path::new("rules/documented.yml"), prom.as_bytes());
    let (b, fb) = parse_rule_file(Path::new("loki-rules/pii.yml"), loki.as_bytes());
    assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
    vec![a, b]
}

#[test]
fn obs_007_generated_alerts_pass_promtool_and_our_checks() {
    let text = generate("promql");
    let stdout = super::promtool_accepts(&text);
    assert!(stdout.contains("SUCCESS: 7 rules found"), "{}", stdout);
    let checked = check_rule_file(
        Path::new("documented.yml"),
        text.as_bytes(),
        &Config::default(),
    );
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    assert!(check_documented(&both_files(), Path::new("rules/documented.yml")).is_empty());
}

#[test]
fn obs_007_missing_alerts_and_wrong_thresholds_are_found() {
    let mut files = both_files();
    // Drop PiiDetected; loosen VolumeUsageWarning; shorten TlsCertExpiringSoon's `for`.
    files.truncate(1);
    let prom = generate("promql")
        .replace(
            "HC_Volume.*\\\"}) * 100 > 80",
            "HC_Volume.*\\\"}) * 100 > 85",
        )
        .replace("< 14\"\n        for: 1h", "< 14\"\n        for: 10m");
    let (file, _) = parse_rule_file(Path::new("rules/documented.yml"), prom.as_bytes());
    files[0] = file;
    let found = check_documented(&files, Path::new("rules/documented.yml"));
    let summary: Vec<(&str, u32, String)> = found
        .iter()
        .map(|f| (f.rule_id, f.start.line, f.message.clone()))
        .collect();
    assert_eq!(summary.len(), 3, "{summary:#?}");
    assert!(
        summary[0]
            .2
            .contains("`VolumeUsageWarning` fires on > 85; documented: > 80"),
        "{summary:#?}"
    );
    assert_eq!(summary[0].1, 6, "points at the expression");
    assert!(
        summary[1]
            .2
            .contains("`TlsCertExpiringSoon` waits 10m; documented: for 1h"),
        "{summary:#?}"
    );
    assert!(
        summary[2].2.contains("no `PiiDetected` alert"),
        "{summary:#?}"
    );
    assert!(
        found
            .iter()
            .all(|f| f.rule_id == "OBS-007" && !f.help.is_empty())
    );
}
