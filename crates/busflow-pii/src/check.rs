//! Static checks for preflight: the exclusions file (PII-003) and a
//! Promtail configuration's redaction stages against the rule set (PII-005).

use crate::catalog::{PII_003, PII_005};
use std::path::Path;

use busflow_yaml::Node;

use busflow_yaml::Pos;

use crate::Finding;
use crate::config::RedactorConfig;
use crate::emit;
use crate::error::ErrorKind;
use crate::exclusions::Exclusions;

/// PII-003: `pii-exclusions.yaml` must load; a file that does not is one
/// finding at the entry that broke it.
pub fn check_exclusions(path: &Path, text: &str) -> Vec<Finding> {
    match Exclusions::parse(path, text) {
        Ok(_) => Vec::new(),
        Err(e) => {
            let (line, column) = match e.kind() {
                ErrorKind::File { line, column, .. } => (*line, *column),
                _ => (1, 1),
            };
            vec![Finding::new(&PII_003, path, Pos::new(line, column), format!("the exclusions file does not load: {e}")).with_help("each entry is a list item under a rule ID with exactly one of `literal`, `regex`, `key`, `preceded_by` (and optionally `name`, `reason`); regexes use Rust `regex` syntax and match the whole value")]
        }
    }
}

fn pipelines<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    if let Some(map) = node.as_map() {
        for (k, v) in map {
            if k.as_str() == Some("pipeline_stages") && v.as_seq().is_some() {
                out.push(v);
            } else {
                pipelines(v, out);
            }
        }
    } else if let Some(seq) = node.as_seq() {
        for item in seq {
            pipelines(item, out);
        }
    }
}

/// PII-005: every `pipeline_stages` block of a Promtail configuration holds
/// the `replace` stage of each active rule, as [`emit::promtail`] writes
/// it. Files without `pipeline_stages` are not Promtail configurations and
/// give nothing; one that does not parse cannot be shown to redact, and is
/// a finding at the syntax error.
pub fn check_promtail(path: &Path, text: &str, config: &RedactorConfig) -> Vec<Finding> {
    let docs = match busflow_yaml::parse(text) {
        Ok(docs) => docs,
        Err(e) => {
            return vec![Finding::new(&PII_005, path, e.pos, format!("this Promtail configuration is not valid YAML ({}), so its redaction stages cannot be checked", e.message)).with_help("fix the YAML syntax; the redaction stages come from `pii-redact --emit promtail`")];
        }
    };
    let mut blocks = Vec::new();
    for doc in &docs {
        pipelines(doc, &mut blocks);
    }
    let mut out = Vec::new();
    for block in blocks {
        let have: Vec<&str> = block
            .as_seq()
            .unwrap_or_default()
            .iter()
            .filter_map(|stage| stage.get("replace")?.get("expression")?.as_str())
            .collect();
        for stage in emit::stages(config) {
            if have.contains(&stage.expression.as_str()) {
                continue;
            }
            out.push(Finding::new(&PII_005, path, block.pos, format!(
                    "this pipeline lacks the redaction stage of {} ({}): its values reach Loki unredacted",
                    stage.detector.rule_id(),
                    stage.detector.name()
                )).with_help(format!(
                    "add `- replace: {{expression: '{}', replace: '{}'}}`, or regenerate the block with `pii-redact --emit promtail`",
                    stage.expression.replace('\'', "''"),
                    stage.replace
                )));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pii_003_a_broken_exclusions_file_is_a_finding_at_its_entry() {
        let found = check_exclusions(
            Path::new("pii-exclusions.yaml"),
            "PII-002:\n  - regex: '[a-'\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].rule_id, found[0].start.line, found[0].start.column),
            ("PII-003", 2, 13)
        );
        assert!(
            found[0].message.contains("PII-002: regex"),
            "{}",
            found[0].message
        );
        assert!(check_exclusions(Path::new("x.yaml"), "PII-001:\n  - key: order_ref\n").is_empty());
    }

    #[test]
    fn pii_005_a_promtail_pipeline_must_hold_every_stage() {
        let config = RedactorConfig::default();
        // The emitted block itself, and the block nested in a scrape config.
        assert!(
            check_promtail(
                Path::new("promtail.yaml"),
                &emit::promtail(&config),
                &config
            )
            .is_empty()
        );
        let nested = emit::promtail(&config).lines().fold(
            String::from("scrape_configs:\n  - job_name: app\n"),
            |mut out, l| {
                out.push_str("    ");
                out.push_str(l);
                out.push('\n');
                out
            },
        );
        assert!(
            check_promtail(Path::new("promtail.yaml"), &nested, &config).is_empty(),
            "{nested}"
        );
        let partial =
            "scrape_configs:\n  - job_name: app\n    pipeline_stages:\n      - docker: {}\n";
        let found = check_promtail(Path::new("promtail.yaml"), partial, &config);
        assert_eq!(found.len(), emit::stages(&config).len());
        assert_eq!(
            (found[0].rule_id, found[0].start.line, found[0].start.column),
            ("PII-005", 4, 7)
        );
        assert!(check_promtail(Path::new("other.yaml"), "a: 1\n", &config).is_empty());
        let broken = check_promtail(
            Path::new("promtail.yaml"),
            "pipeline_stages:\n  - replace: {expression: [\n",
            &config,
        );
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].rule_id, "PII-005");
    }
}
