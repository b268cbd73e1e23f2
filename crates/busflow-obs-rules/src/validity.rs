//! OBS-001: rule files are valid as `promtool check rules` judges them:
//! group names, exactly one of `record`/`alert`, `expr` present and parsing,
//! recording rules without `annotations`/`for`/`keep_firing_for`, valid
//! names, durations, Go templates of alerts, and duplicate rules (a warning,
//! as promtool's lint reports them).

use std::collections::HashSet;
use std::path::Path;

use crate::Finding;
use crate::catalog::OBS_001;
use crate::model::{RuleDef, RuleFile, RuleKind, Spanned};
use crate::names::{is_label_name, is_metric_name, parse_duration};
use crate::promql::Analyses;
use crate::template;
use crate::{Rule, Severity};
use busflow_yaml::Pos;

const RULE: &Rule = &OBS_001;

/// promtool's way of naming a rule in messages (`group "g", rule 2, "Name"`),
/// formatted only when a finding needs it.
pub(crate) struct RuleCtx<'a> {
    group: &'a str,
    rule: &'a RuleDef,
}

impl std::fmt::Display for RuleCtx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "group {:?}, rule {}, {:?}",
            self.group,
            self.rule.index,
            self.rule.name()
        )
    }
}

/// What makes two rules of a group duplicates: kind, name and labels
/// (sorted).
type RuleKey<'a> = (RuleKind, &'a str, Vec<(&'a str, &'a str)>);

/// Every OBS-001 finding of the model's content.
pub fn check(file: &RuleFile, analyses: &Analyses<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let path = file.path.as_path();
    let mut seen_groups = HashSet::new();
    for group in &file.groups {
        let gname = &group.name.value;
        if gname.is_empty() {
            out.push(
                Finding::new(RULE, path, group.name.pos, "Groupname must not be empty")
                    .with_help("give the group a `name`"),
            );
        } else if !seen_groups.insert(gname.as_str()) {
            out.push(
                Finding::new(
                    RULE,
                    path,
                    group.name.pos,
                    format!("groupname: {gname:?} is repeated in the same file"),
                )
                .with_help("group names must be unique within a file; rename or merge the groups"),
            );
        }
        if let Some(iv) = &group.interval
            && parse_duration(&iv.value).is_none()
        {
            out.push(duration_finding(path, iv, "interval"));
        }
        if let Some(limit) = &group.limit
            && limit.value.parse::<u64>().is_err()
        {
            out.push(
                Finding::new(
                    RULE,
                    path,
                    limit.pos,
                    format!("limit {:?} is not a non-negative integer", limit.value),
                )
                .with_help("write a whole number, or remove `limit`"),
            );
        }
        let mut seen_rules: HashSet<RuleKey<'_>> = HashSet::new();
        for rule in &group.rules {
            let ctx = RuleCtx { group: gname, rule };
            check_rule(path, rule, analyses, &ctx, &mut out);
            let mut labels: Vec<(&str, &str)> = rule
                .labels
                .iter()
                .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
                .collect();
            labels.sort_unstable();
            let key = (rule.kind(), rule.name(), labels);
            if !rule.name().is_empty() && !seen_rules.insert(key) {
                out.push(
                    Finding::new(RULE, path, rule.pos, format!("{ctx}: duplicate rule (same name and labels as an earlier rule in the group)"))
                        .with_severity(Severity::Warning)
                        .with_help("remove the duplicate, or tell the rules apart by a label"),
                );
            }
        }
    }
    out
}

fn duration_finding(path: &Path, value: &Spanned<String>, field: &str) -> Finding {
    Finding::new(
        RULE,
        path,
        value.pos,
        format!("`{field}`: not a valid duration string: {:?}", value.value),
    )
    .with_help("write a Prometheus duration such as 30s, 5m, 1h30m or 1d")
}

fn check_rule(
    path: &Path,
    rule: &RuleDef,
    analyses: &Analyses<'_>,
    ctx: &RuleCtx<'_>,
    out: &mut Vec<Finding>,
) {
    let record = rule.record.as_ref().filter(|r| !r.value.is_empty());
    let alert = rule.alert.as_ref().filter(|a| !a.value.is_empty());
    let push = |out: &mut Vec<Finding>, pos, message: String, help: &str| {
        out.push(Finding::new(RULE, path, pos, message).with_help(help));
    };
    match (record, alert) {
        (Some(_), Some(_)) => push(
            out,
            rule.pos,
            format!("{ctx}: only one of 'record' and 'alert' must be set"),
            "split it into a recording rule and an alerting rule",
        ),
        (None, None) => push(
            out,
            rule.pos,
            format!("{ctx}: one of 'record' or 'alert' must be set"),
            "name the rule with `record:` or `alert:`",
        ),
        _ => {}
    }
    match rule.expr.as_ref().filter(|e| !e.value.trim().is_empty()) {
        None => push(
            out,
            rule.expr.as_ref().map_or(rule.pos, |e| e.pos),
            format!("{ctx}: field 'expr' must be set in rule"),
            "add the PromQL expression under `expr:`",
        ),
        Some(expr) => {
            if let Err(e) = analyses.get(&expr.value).as_ref() {
                push(
                    out,
                    expr.pos,
                    format!("{ctx}: could not parse expression: {e}"),
                    "fix the PromQL syntax (try it in the Prometheus UI)",
                );
            }
        }
    }
    if let Some(r) = record {
        check_recording(path, rule, r, ctx, out);
    }
    check_names(path, rule, ctx, out);
    if rule.kind() == RuleKind::Alerting {
        check_templates(path, rule, ctx, out);
    }
}

/// Recording rules: a metric name, and nothing only alerts have.
fn check_recording(
    path: &Path,
    rule: &RuleDef,
    name: &Spanned<String>,
    ctx: &RuleCtx<'_>,
    out: &mut Vec<Finding>,
) {
    if !is_metric_name(&name.value) {
        out.push(
            Finding::new(RULE, path, name.pos, format!("{ctx}: invalid recording rule name: {}", name.value))
                .with_help("recording rule names are metric names: [a-zA-Z_:][a-zA-Z0-9_:]*, conventionally level:metric:operations"),
        );
    }
    for (field, value) in [
        ("for", &rule.for_),
        ("keep_firing_for", &rule.keep_firing_for),
    ] {
        if let Some(v) = value {
            out.push(
                Finding::new(
                    RULE,
                    path,
                    v.pos,
                    format!("{ctx}: invalid field '{field}' in recording rule"),
                )
                .with_help(format!("remove `{field}`: only alerting rules wait")),
            );
        }
    }
    if let Some((k, _)) = rule.annotations.first() {
        out.push(
            Finding::new(
                RULE,
                path,
                k.pos,
                format!("{ctx}: invalid field 'annotations' in recording rule"),
            )
            .with_help("remove `annotations`: only alerts carry them"),
        );
    }
}

/// Durations, label names and annotation names.
fn check_names(path: &Path, rule: &RuleDef, ctx: &RuleCtx<'_>, out: &mut Vec<Finding>) {
    for (field, value) in [
        ("for", &rule.for_),
        ("keep_firing_for", &rule.keep_firing_for),
    ] {
        if let Some(v) = value
            && parse_duration(&v.value).is_none()
        {
            out.push(duration_finding(path, v, field));
        }
    }
    for (k, _) in &rule.labels {
        if !is_label_name(&k.value) || k.value == "__name__" {
            out.push(
                Finding::new(
                    RULE,
                    path,
                    k.pos,
                    format!("{ctx}: invalid label name: {}", k.value),
                )
                .with_help("label names match [a-zA-Z_][a-zA-Z0-9_]* and are not __name__"),
            );
        }
    }
    for (k, _) in &rule.annotations {
        if !is_label_name(&k.value) {
            out.push(
                Finding::new(
                    RULE,
                    path,
                    k.pos,
                    format!("{ctx}: invalid annotation name: {}", k.value),
                )
                .with_help("annotation names match [a-zA-Z_][a-zA-Z0-9_]*"),
            );
        }
    }
}

/// Alert labels and annotations are Go templates.
fn check_templates(path: &Path, rule: &RuleDef, ctx: &RuleCtx<'_>, out: &mut Vec<Finding>) {
    for (what, pairs) in [("label", &rule.labels), ("annotation", &rule.annotations)] {
        for (k, v) in pairs {
            if let Err(e) = template::check(&v.value) {
                out.push(
                    Finding::new(
                        RULE,
                        path,
                        template_pos(v, e.offset),
                        format!("{ctx}: {what} {:?}: template: {}", k.value, e.message),
                    )
                    .with_help("fix the Go template; Prometheus defines $labels, $value, $externalLabels and $externalURL"),
                );
            }
        }
    }
}

/// The position of byte `offset` of a scalar's text, when the scalar sits on
/// one line as written (plain or quoted on its key's line); else the
/// scalar's start.
fn template_pos(value: &Spanned<String>, offset: usize) -> Pos {
    let before = &value.value[..offset.min(value.value.len())];
    if before.contains('\n') {
        return value.pos;
    }
    Pos {
        line: value.pos.line,
        column: value.pos.column + u32::try_from(before.chars().count()).unwrap_or(0),
    }
}
