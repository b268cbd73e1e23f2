//! What a PromQL expression reads: metric names (from the selector name, or
//! a `__name__` matcher, regex alternations included), label matchers, and
//! the labels its aggregations keep (`by`) or drop (`without`).

use std::collections::HashMap;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{self, Expr, LabelModifier};

/// A metric read by an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricName {
    /// An exact name.
    Exact(String),
    /// A regex over names (`{__name__=~"busflow_.*"}`); its literal prefix
    /// (`busflow_`) tells custom metrics apart.
    Pattern {
        /// The regex as written.
        regex: String,
        /// The literal text every match starts with.
        prefix: String,
    },
}

/// A label matcher of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatch {
    /// The label.
    pub name: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: &'static str,
    /// The value or regex.
    pub value: String,
}

/// One vector selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The metric names it reads (several for `__name__=~"a|b"`).
    pub names: Vec<MetricName>,
    /// Its label matchers, `__name__` excluded.
    pub matchers: Vec<LabelMatch>,
}

/// An aggregation's grouping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    /// `true` for `by (...)`, `false` for `without (...)`.
    pub by: bool,
    /// The labels named.
    pub labels: Vec<String>,
}

/// What an expression reads and groups by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// Every vector selector, in order.
    pub selectors: Vec<Selector>,
    /// Every aggregation's grouping, in order.
    pub groupings: Vec<Grouping>,
}

impl Analysis {
    /// The exact metric names read, deduplicated, in order.
    pub fn metric_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.selectors {
            for n in &s.names {
                if let MetricName::Exact(name) = n
                    && !out.contains(&name.as_str())
                {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// Every expression of a rule file, parsed once (the checks all read it).
#[derive(Debug, Default)]
pub(crate) struct Analyses<'a> {
    by_expr: HashMap<&'a str, Result<Analysis, String>>,
}

impl<'a> Analyses<'a> {
    /// Parses each distinct expression of `file` once.
    pub(crate) fn of(file: &'a crate::model::RuleFile) -> Self {
        let mut by_expr = HashMap::new();
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            if let Some(e) = &rule.expr {
                by_expr
                    .entry(e.value.as_str())
                    .or_insert_with(|| analyze(&e.value));
            }
        }
        Self { by_expr }
    }

    /// The analysis of `expr` (parsed by [`Analyses::of`], or now).
    pub(crate) fn get(&self, expr: &str) -> std::borrow::Cow<'_, Result<Analysis, String>> {
        match self.by_expr.get(expr) {
            Some(r) => std::borrow::Cow::Borrowed(r),
            None => std::borrow::Cow::Owned(analyze(expr)),
        }
    }
}

/// Parses `expr`; the error is the parser's message.
pub fn analyze(expr: &str) -> Result<Analysis, String> {
    let ast = parser::parse(expr)?;
    let mut out = Analysis::default();
    walk(&ast, &mut out);
    Ok(out)
}

/// The comparison an alert fires on: the outermost comparison of the
/// expression with a number on one side (`… > 80` gives `(">", 80.0)`;
/// `14 > …` is read as `… < 14`).
pub fn threshold(expr: &str) -> Option<(String, f64)> {
    let mut e = parser::parse(expr).ok()?;
    loop {
        match e {
            Expr::Paren(p) => e = *p.expr,
            Expr::Binary(b) if b.op.is_comparison_operator() => {
                let op = b.op.to_string();
                return match (*b.lhs, *b.rhs) {
                    (_, Expr::NumberLiteral(n)) => Some((op, n.val)),
                    (Expr::NumberLiteral(n), _) => Some((flip(&op).to_owned(), n.val)),
                    _ => None,
                };
            }
            Expr::Binary(b) if b.op.to_string() == "and" || b.op.to_string() == "unless" => {
                e = *b.lhs;
            }
            _ => return None,
        }
    }
}

fn flip(op: &str) -> &str {
    match op {
        ">" => "<",
        "<" => ">",
        ">=" => "<=",
        "<=" => ">=",
        other => other,
    }
}

fn walk(e: &Expr, out: &mut Analysis) {
    match e {
        Expr::Aggregate(a) => {
            if let Some(m) = &a.modifier {
                let (by, labels) = match m {
                    LabelModifier::Include(l) => (true, &l.labels),
                    LabelModifier::Exclude(l) => (false, &l.labels),
                };
                out.groupings.push(Grouping {
                    by,
                    labels: labels.clone(),
                });
            }
            walk(&a.expr, out);
            if let Some(p) = &a.param {
                walk(p, out);
            }
        }
        Expr::Unary(u) => walk(&u.expr, out),
        Expr::Binary(b) => {
            walk(&b.lhs, out);
            walk(&b.rhs, out);
        }
        Expr::Paren(p) => walk(&p.expr, out),
        Expr::Subquery(s) => walk(&s.expr, out),
        Expr::VectorSelector(v) => out.selectors.push(selector(
            v.name.as_deref(),
            &v.matchers.matchers,
            &v.matchers.or_matchers,
        )),
        Expr::MatrixSelector(m) => out.selectors.push(selector(
            m.vs.name.as_deref(),
            &m.vs.matchers.matchers,
            &m.vs.matchers.or_matchers,
        )),
        Expr::Call(c) => {
            for arg in &c.args.args {
                walk(arg, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn op_str(op: &MatchOp) -> &'static str {
    match op {
        MatchOp::Equal => "=",
        MatchOp::NotEqual => "!=",
        MatchOp::Re(_) => "=~",
        MatchOp::NotRe(_) => "!~",
    }
}

fn selector(name: Option<&str>, matchers: &[Matcher], or_matchers: &[Vec<Matcher>]) -> Selector {
    let mut names = Vec::new();
    if let Some(n) = name {
        names.push(MetricName::Exact(n.to_owned()));
    }
    let mut label_matches = Vec::new();
    for m in matchers.iter().chain(or_matchers.iter().flatten()) {
        if m.name == "__name__" {
            match &m.op {
                MatchOp::Equal => names.push(MetricName::Exact(m.value.clone())),
                MatchOp::Re(_) => names.extend(regex_names(&m.value)),
                MatchOp::NotEqual | MatchOp::NotRe(_) => {}
            }
        } else {
            label_matches.push(LabelMatch {
                name: m.name.clone(),
                op: op_str(&m.op),
                value: m.value.clone(),
            });
        }
    }
    Selector {
        names,
        matchers: label_matches,
    }
}

/// `a|b|c` gives three exact names; any alternative with regex syntax is a
/// pattern with its literal prefix.
fn regex_names(regex: &str) -> Vec<MetricName> {
    let is_literal = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
    };
    if regex.split('|').all(is_literal) {
        return regex
            .split('|')
            .map(|s| MetricName::Exact(s.to_owned()))
            .collect();
    }
    let prefix: String = regex
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    vec![MetricName::Pattern {
        regex: regex.to_owned(),
        prefix,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_matchers_and_groupings() {
        let a = analyze(
            r#"sum by (tenant_id) (rate(busflow_llm_tokens_total{model="x"}[5m])) / ignoring(a) count without (pod) ({__name__=~"node_a|node_b", job!="j"})"#,
        )
        .expect("valid");
        assert_eq!(
            a.metric_names(),
            vec!["busflow_llm_tokens_total", "node_a", "node_b"]
        );
        assert_eq!(
            a.selectors[0].matchers,
            vec![LabelMatch {
                name: "model".into(),
                op: "=",
                value: "x".into()
            }]
        );
        assert_eq!(
            a.groupings,
            vec![
                Grouping {
                    by: true,
                    labels: vec!["tenant_id".into()]
                },
                Grouping {
                    by: false,
                    labels: vec!["pod".into()]
                },
            ]
        );
    }

    #[test]
    fn reads_the_alert_threshold() {
        assert_eq!(
            threshold("(1 - a / b) * 100 > 80"),
            Some((">".into(), 80.0))
        );
        assert_eq!(
            threshold("(x - time()) / 86400 < 14"),
            Some(("<".into(), 14.0))
        );
        assert_eq!(
            threshold("14 > (x - time()) / 86400"),
            Some(("<".into(), 14.0))
        );
        assert_eq!(
            threshold("rate(x[5m]) > 1 and on() y"),
            Some((">".into(), 1.0))
        );
        assert_eq!(threshold("up"), None);
    }

    #[test]
    fn regex_names_keep_their_prefix() {
        let a = analyze(r#"count({__name__=~"busflow_.*"})"#).expect("valid");
        assert_eq!(
            a.selectors[0].names,
            vec![MetricName::Pattern {
                regex: "busflow_.*".into(),
                prefix: "busflow_".into()
            }]
        );
        assert!(analyze("sum(").is_err());
    }
}
