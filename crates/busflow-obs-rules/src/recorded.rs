//! Recorded series resolved to the metrics they are computed from, so that
//! an alert on `job:busflow_x:rate5m` counts as an alert on `busflow_x`.

use std::collections::HashMap;

use crate::model::{RuleFile, RuleKind};
use crate::promql::{Analyses, MetricName};

/// The metrics each recording rule of a rule set reads.
#[derive(Debug, Clone, Default)]
pub struct Recordings {
    reads: HashMap<String, Vec<MetricName>>,
}

impl Recordings {
    /// The recording rules of `files`.
    pub fn new<'a>(files: impl IntoIterator<Item = &'a RuleFile>) -> Self {
        Self::with_analyses(files, &Analyses::default())
    }

    /// The recording rules of `files`, reusing parsed expressions.
    pub(crate) fn with_analyses<'a>(
        files: impl IntoIterator<Item = &'a RuleFile>,
        analyses: &Analyses<'_>,
    ) -> Self {
        let mut reads: HashMap<String, Vec<MetricName>> = HashMap::new();
        for rule in files
            .into_iter()
            .flat_map(|f| f.groups.iter().flat_map(|g| &g.rules))
        {
            if rule.kind() != RuleKind::Recording || rule.name().is_empty() {
                continue;
            }
            let parsed = rule.expr.as_ref().map(|e| analyses.get(&e.value));
            if let Some(Ok(a)) = parsed.as_deref() {
                reads
                    .entry(rule.name().to_owned())
                    .or_default()
                    .extend(a.selectors.iter().flat_map(|s| s.names.iter().cloned()));
            }
        }
        Self { reads }
    }

    /// `names` with every recorded series replaced, transitively, by what
    /// its recording rule reads (cycles and depth beyond 16 stop the walk).
    pub fn resolve(&self, names: &[MetricName]) -> Vec<MetricName> {
        let mut out = Vec::new();
        let mut stack: Vec<(MetricName, usize)> = names.iter().cloned().map(|n| (n, 0)).collect();
        let mut seen: Vec<String> = Vec::new();
        while let Some((name, depth)) = stack.pop() {
            match &name {
                MetricName::Exact(n) if depth < 16 && self.reads.contains_key(n) => {
                    if !seen.contains(n) {
                        seen.push(n.clone());
                        stack.extend(self.reads[n].iter().cloned().map(|m| (m, depth + 1)));
                    }
                }
                _ => {
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn resolves_chains_and_survives_cycles() {
        let yaml = "groups:\n  - name: r\n    rules:\n      - record: a:x:rate5m\n        expr: rate(busflow_x_total[5m])\n      - record: b:x:sum\n        expr: sum(a:x:rate5m) + node_load1\n      - record: loop\n        expr: loop\n";
        let (file, _) = crate::model::parse(Path::new("r.yml"), yaml.as_bytes());
        let rec = Recordings::new([&file]);
        let mut got = rec.resolve(&[
            MetricName::Exact("b:x:sum".into()),
            MetricName::Exact("up".into()),
        ]);
        got.sort_by_key(|n| format!("{n:?}"));
        assert_eq!(
            got,
            vec![
                MetricName::Exact("busflow_x_total".into()),
                MetricName::Exact("node_load1".into()),
                MetricName::Exact("up".into()),
            ]
        );
        assert!(rec.resolve(&[MetricName::Exact("loop".into())]).is_empty());
    }
}
