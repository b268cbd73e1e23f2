//! PII-005 and PII-006: the active rule set as Promtail `replace` stages,
//! Grafana Alloy `stage.replace` blocks, a plain RE2 table, and Loki ruler
//! alerts that detect what leaked anyway.
//!
//! Promtail and Alloy run Go's `regexp` (RE2: no lookaround, no
//! back-references, no code), and their `replace` stage replaces each
//! capture group of a match. The expressions here are the closest RE2 can
//! come to each detector; what it cannot express (checksums, tables,
//! ranges, keyed hashes) is said in the output next to the stage, so no one
//! mistakes the catch-all for the engine.

use std::fmt::Write as _;

use crate::config::RedactorConfig;
use crate::detector::Detector;
use crate::replacement::Replacement;

/// One RE2 stage: the expression (its capture groups are replaced) and the
/// replacement text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The detector it stands for.
    pub detector: Detector,
    /// Go RE2 syntax; every capture group is a value to replace.
    pub expression: String,
    /// What each captured group becomes.
    pub replace: String,
}

const HEX4: &str = "[0-9A-Fa-f]{1,4}";

fn ipv6() -> String {
    let h = HEX4;
    [
        format!("(?:{h}:){{7}}{h}"),
        format!("(?:{h}:){{1,7}}:"),
        format!("(?:{h}:){{1,6}}:{h}"),
        format!("(?:{h}:){{1,5}}(?::{h}){{1,2}}"),
        format!("(?:{h}:){{1,4}}(?::{h}){{1,3}}"),
        format!("(?:{h}:){{1,3}}(?::{h}){{1,4}}"),
        format!("(?:{h}:){{1,2}}(?::{h}){{1,5}}"),
        format!("{h}:(?::{h}){{1,6}}"),
    ]
    .join("|")
}

/// The RE2 expressions of `detector`, with what RE2 cannot check.
fn expressions(detector: Detector, config: &RedactorConfig) -> (Vec<String>, &'static str) {
    match detector {
        Detector::Card => (
            vec![
                r"\b((?:4\d{3}|5[1-5]\d{2}|2[2-7]\d{2}|3[0689]\d{2}|6\d{3})(?:[ -]?\d{4}){2}[ -]?\d{1,7}|3[47]\d{2}[ -]?\d{6}[ -]?\d{5})\b".to_owned(),
            ],
            "the Luhn checksum, the IIN length table, consistent separators, the test-number choice",
        ),
        Detector::Email => (
            vec![r"([A-Za-z0-9.!#$%&*+^_~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}))".to_owned()],
            "label lengths beyond 63 and the local part's 64-byte limit are approximated",
        ),
        Detector::UrlPart => {
            let keys: Vec<String> = config.sensitive_keys().iter().map(|k| regex::escape(k)).collect();
            (
                vec![
                    r#"[A-Za-z0-9]://([^/?#@\s"'<>\\]+)@"#.to_owned(),
                    format!(r#"[?&](?i:{})(?:\[\])?=([^&#;\s"'<>\\]+)"#, keys.join("|")),
                ],
                "nothing: userinfo and sensitive query values are shapes",
            )
        }
        Detector::Iban => (
            vec![r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b".to_owned()],
            "the mod-97 checksum and the per-country length",
        ),
        Detector::Ip => (
            vec![
                r"\b((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})\b".to_owned(),
                format!(r"(?:^|[^0-9A-Za-z_:.])({})(?:$|[^0-9A-Za-z_:.])", ipv6()),
            ],
            "keeping loopback, unspecified, documentation, private, shared, unique-local and link-local ranges (RE2 redacts them too), IPv4-mapped IPv6 and zone ids",
        ),
        Detector::Phone => (
            vec![
                r"(?:^|[^\w+./:-])(\+[1-9](?:[ -]?\d){7,14})\b".to_owned(),
                r"(?:^|[^\w+./:-])(0[1-9]\d{1,4}[ /-]\d{3,8}(?:[ -]\d{1,5})?|01[5-7]\d{8,9})\b".to_owned(),
            ],
            "digit counts across parentheses, the `(0)` trunk prefix and the date and id guards",
        ),
        Detector::Token => (
            vec![
                r"\b(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)".to_owned(),
                r"(?i)\b(?:bearer|basic)[ \t]+([A-Za-z0-9._~+/-]{8,}=*)".to_owned(),
            ],
            "decoding the JWT header to check it is JSON",
        ),
        Detector::Secret => (
            vec![
                r"\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}|whsec_[A-Za-z0-9]{32,128}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}|xox[bpares]-[A-Za-z0-9-]{10,255}|A(?:KIA|SIA|BIA|CCA)[A-Z2-7]{16})\b".to_owned(),
                r"-----(BEGIN [A-Z ]{0,30}PRIVATE KEY-----(?s:.*?)-----END [A-Z ]{0,30}PRIVATE KEY-----)".to_owned(),
            ],
            "that the PEM end marker names the same key type as the begin marker",
        ),
    }
}

/// The stages of every active detector, in rule-ID order. A keyed hash or
/// a mask cannot be expressed in a `replace` stage (Promtail's hash helpers
/// are unkeyed), so those detectors emit their type token.
pub fn stages(config: &RedactorConfig) -> Vec<Stage> {
    config
        .active()
        .flat_map(|d| {
            let replace = format!("[{}]", d.token());
            expressions(d, config)
                .0
                .into_iter()
                .map(move |expression| Stage {
                    detector: d,
                    expression,
                    replace: replace.clone(),
                })
        })
        .collect()
}

fn notes(config: &RedactorConfig) -> String {
    let mut out = String::new();
    for d in config.active() {
        let (_, lost) = expressions(d, config);
        let _ = writeln!(
            out,
            "# {} {}: RE2 cannot express {lost}.",
            d.rule_id(),
            d.name()
        );
        if !matches!(config.setting(d).replacement, Replacement::Token) {
            let _ = writeln!(
                out,
                "# {}: the configured mask or keyed hash cannot be expressed; the stage writes the type token.",
                d.rule_id()
            );
        }
    }
    out
}

fn yaml_single(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn go_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A Promtail `pipeline_stages` block of `replace` stages (PII-005).
pub fn promtail(config: &RedactorConfig) -> String {
    let mut out = String::from(
        "# Generated by busflow-pii (PII-005): the Promtail catch-all for the active rule set.\n# The busflow engine validates what these expressions only shape-match:\n",
    );
    out.push_str(&notes(config));
    out.push_str("pipeline_stages:\n");
    for s in stages(config) {
        let _ = writeln!(
            out,
            "  - replace:\n      # {} {}\n      expression: {}\n      replace: {}",
            s.detector.rule_id(),
            s.detector.name(),
            yaml_single(&s.expression),
            yaml_single(&s.replace)
        );
    }
    out
}

/// The same stages as Grafana Alloy `stage.replace` blocks, to place inside
/// a `loki.process` component (PII-005).
pub fn alloy(config: &RedactorConfig) -> String {
    let mut out = String::from(
        "// Generated by busflow-pii (PII-005): stage.replace blocks for a loki.process component.\n// The busflow engine validates what these expressions only shape-match:\n",
    );
    out.push_str(&notes(config).replace("# ", "// "));
    for s in stages(config) {
        let _ = writeln!(
            out,
            "stage.replace {{\n  // {} {}\n  expression = {}\n  replace    = {}\n}}",
            s.detector.rule_id(),
            s.detector.name(),
            go_string(&s.expression),
            go_string(&s.replace)
        );
    }
    out
}

/// One line per stage, `RULE<TAB>EXPRESSION<TAB>REPLACE`, for other tools
/// (the benchmark's Go baseline reads it).
pub fn re2_table(config: &RedactorConfig) -> String {
    stages(config).iter().fold(String::new(), |mut out, s| {
        let _ = writeln!(
            out,
            "{}\t{}\t{}",
            s.detector.rule_id(),
            s.expression,
            s.replace
        );
        out
    })
}

/// Loki ruler alerting rules that fire when a detector's shape reaches Loki
/// unredacted (PII-006): one alert per active detector, with severity,
/// `for` and a runbook URL under `runbook_base`.
pub fn logql_rules(config: &RedactorConfig, runbook_base: &str) -> String {
    let mut out = String::from(
        "# Generated by busflow-pii (PII-006): alerts on personal data that reached Loki unredacted.\ngroups:\n  - name: busflow-pii-leaks\n    rules:\n",
    );
    for d in config.active() {
        let (exprs, _) = expressions(d, config);
        let alternation = exprs.join("|");
        // Detector names are one lowercase ASCII word: `card` → `Card`.
        let name = d.name()[..1].to_ascii_uppercase() + &d.name()[1..];
        let expr = format!(
            "sum by (service) (count_over_time({{service=~\".+\"}} |~ `{alternation}` [5m])) > 0"
        );
        let _ = write!(
            out,
            "      - alert: PiiLeak{name}\n        expr: {}\n        for: 5m\n        labels:\n          severity: critical\n          rule_id: {}\n        annotations:\n          summary: {}\n          description: {}\n          runbook_url: {}\n",
            yaml_single(&expr),
            d.rule_id(),
            yaml_single(&format!(
                "{} ({}) found unredacted in logs of {{{{ $labels.service }}}}",
                d.name(),
                d.rule_id()
            )),
            yaml_single(
                "A log line matching the catch-all expression reached Loki: find the source, fix its redaction, and delete the affected streams."
            ),
            yaml_single(&format!(
                "{}/pii-leak#{}",
                runbook_base.trim_end_matches('/'),
                d.rule_id().to_ascii_lowercase()
            )),
        );
    }
    out
}
