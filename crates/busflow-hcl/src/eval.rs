//! A small evaluator of Terraform expressions: literals, templates,
//! `var.*` (defaults or given values), `local.*`, `count.index`,
//! operators, conditionals, `for` expressions and the functions the
//! module contract needs. Anything else (resource attributes known after
//! apply, `file()`, unknown functions) is [`Unknown`], with the position of
//! the expression that stopped it: a check says "cannot tell", never
//! guesses.

use std::collections::HashMap;

use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};

use super::module::{Module, TfFile};
use crate::source::Pos;

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list, tuple or set.
    List(Vec<Val>),
    /// A map or object, in source order.
    Map(Vec<(String, Val)>),
}

impl Val {
    /// The value as a string, the way Terraform converts primitives.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(num_text(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as a number (strings of digits convert).
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A count or index as a number.
pub fn num(i: usize) -> f64 {
    u32::try_from(i).map_or(f64::from(u32::MAX), f64::from)
}

/// A number as a count or index, when it is a whole number in range.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn whole(n: f64) -> Option<u32> {
    // In range and without a fraction: the cast is exact.
    (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)).then_some(n as u32)
}

fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// Why an expression could not be evaluated, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The file of the expression.
    pub file: std::path::PathBuf,
    /// Where it starts.
    pub pos: Pos,
    /// Its source text, shortened.
    pub source: String,
    /// Why.
    pub why: String,
}

/// The evaluation context: the module, values for variables that override
/// their defaults, `count.index`, and stand-ins for locals.
#[derive(Debug, Clone)]
pub struct Env<'m> {
    module: &'m Module,
    locals: HashMap<&'m str, (&'m TfFile, &'m Expression)>,
    vars: HashMap<String, Val>,
    stand_ins: HashMap<String, Val>,
    count_index: Option<u32>,
    scope: Vec<(String, Val)>,
    depth: usize,
}

type Res = Result<Val, Unknown>;

impl<'m> Env<'m> {
    /// A context over `module` with every variable at its default.
    pub fn new(module: &'m Module) -> Self {
        Self {
            module,
            locals: module.locals(),
            vars: HashMap::new(),
            stand_ins: HashMap::new(),
            count_index: None,
            scope: Vec::new(),
            depth: 0,
        }
    }

    /// The same context with `var.name` = `value`.
    #[must_use]
    pub fn with_var(mut self, name: &str, value: Val) -> Self {
        self.vars.insert(name.to_owned(), value);
        self
    }

    /// The same context with `count.index` = `index`.
    #[must_use]
    pub fn with_count_index(mut self, index: u32) -> Self {
        self.count_index = Some(index);
        self
    }

    /// The same context where `local.name` evaluates to `value` (a marker
    /// to follow where a local ends up).
    #[must_use]
    pub fn with_stand_in(mut self, local: &str, value: Val) -> Self {
        self.stand_ins.insert(local.to_owned(), value);
        self
    }

    /// The same context with the iteration variable `name` = `value`.
    #[must_use]
    pub fn with_scope(mut self, name: &str, value: Val) -> Self {
        self.scope.push((name.to_owned(), value));
        self
    }

    /// `var.name`: its given value or its default.
    pub fn eval_var(&self, name: &str) -> Res {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        let Some(block) = self.module.variable(name) else {
            return Err(Unknown {
                file: self.module.anchor(),
                pos: Pos::START,
                source: format!("var.{name}"),
                why: format!("no `variable \"{name}\"` in the module"),
            });
        };
        let Some(default) = block.expr("default") else {
            return Err(Unknown {
                file: block.file.path.clone(),
                pos: block.pos(),
                source: format!("var.{name}"),
                why: "no default: its value comes from the caller".into(),
            });
        };
        self.deeper().eval(block.file, default)
    }

    /// Evaluates `expr`, written in `file`.
    pub fn eval(&self, file: &TfFile, expr: &Expression) -> Res {
        if self.depth > 64 {
            return Err(unknown(file, expr, "references nest too deep (a cycle?)"));
        }
        match expr {
            Expression::Null(_) => Ok(Val::Null),
            Expression::Bool(b) => Ok(Val::Bool(*b.value())),
            Expression::Number(n) => n
                .value()
                .as_f64()
                .map(Val::Num)
                .ok_or_else(|| unknown(file, expr, "a number out of range")),
            Expression::String(s) => Ok(Val::Str(s.value().clone())),
            Expression::Array(items) => items
                .iter()
                .map(|e| self.eval(file, e))
                .collect::<Result<_, _>>()
                .map(Val::List),
            Expression::Object(obj) => self.object(file, obj),
            Expression::StringTemplate(t) => self.template(file, t),
            Expression::HeredocTemplate(h) => self.template(file, &h.template),
            Expression::Parenthesis(p) => self.eval(file, p.inner()),
            Expression::Variable(id) => self
                .scope
                .iter()
                .rev()
                .find(|(n, _)| n == id.as_str())
                .map(|(_, v)| v.clone())
                .ok_or_else(|| unknown(file, expr, "a name that is not in scope")),
            Expression::Conditional(c) => match self.eval(file, &c.cond_expr)? {
                Val::Bool(true) => self.eval(file, &c.true_expr),
                Val::Bool(false) => self.eval(file, &c.false_expr),
                _ => Err(unknown(
                    file,
                    &c.cond_expr,
                    "a condition that is not a boolean",
                )),
            },
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                self.call(file, expr, name, &args, call.args.expand_final())
            }
            Expression::Traversal(t) => self.traversal(file, expr, &t.expr, &t.operators),
            Expression::UnaryOp(op) => {
                let v = self.eval(file, &op.expr)?;
                match (op.operator.value(), v) {
                    (UnaryOperator::Neg, Val::Num(n)) => Ok(Val::Num(-n)),
                    (UnaryOperator::Not, Val::Bool(b)) => Ok(Val::Bool(!b)),
                    _ => Err(unknown(
                        file,
                        expr,
                        "an operator on a value of the wrong type",
                    )),
                }
            }
            Expression::BinaryOp(op) => {
                self.binary(file, expr, &op.lhs_expr, *op.operator.value(), &op.rhs_expr)
            }
            Expression::ForExpr(f) => self.for_expr(file, f),
        }
    }

    fn object(&self, file: &TfFile, obj: &hcl_edit::expr::Object) -> Res {
        let mut out = Vec::new();
        for (k, v) in obj {
            let key = match k {
                ObjectKey::Ident(id) | ObjectKey::Expression(Expression::Variable(id)) => {
                    id.as_str().to_owned()
                }
                ObjectKey::Expression(e) => self
                    .eval(file, e)?
                    .to_text()
                    .ok_or_else(|| unknown(file, e, "an object key that is not a string"))?,
            };
            out.push((key, self.eval(file, v.expr())?));
        }
        Ok(Val::Map(out))
    }

    fn for_expr(&self, file: &TfFile, f: &hcl_edit::expr::ForExpr) -> Res {
        let collection = self.eval(file, &f.intro.collection_expr)?;
        let items: Vec<(Val, Val)> = match collection {
            Val::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::Num(num(i)), v))
                .collect(),
            Val::Map(entries) => entries.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
            _ => {
                return Err(unknown(
                    file,
                    &f.intro.collection_expr,
                    "a for over something that is not a collection",
                ));
            }
        };
        let mut list = Vec::new();
        let mut map = Vec::new();
        for (k, v) in items {
            let mut inner = self.clone();
            if let Some(kv) = &f.intro.key_var {
                inner.scope.push((kv.as_str().to_owned(), k));
            }
            inner.scope.push((f.intro.value_var.as_str().to_owned(), v));
            if let Some(cond) = &f.cond {
                match inner.eval(file, &cond.expr)? {
                    Val::Bool(true) => {}
                    Val::Bool(false) => continue,
                    _ => {
                        return Err(unknown(
                            file,
                            &cond.expr,
                            "a for condition that is not a boolean",
                        ));
                    }
                }
            }
            let value = inner.eval(file, &f.value_expr)?;
            match &f.key_expr {
                Some(key) => {
                    let key_val = inner.eval(file, key)?;
                    let key_text = key_val
                        .to_text()
                        .ok_or_else(|| unknown(file, key, "a for key that is not a string"))?;
                    map.push((key_text, value));
                }
                None => list.push(value),
            }
        }
        Ok(if f.key_expr.is_some() {
            Val::Map(map)
        } else {
            Val::List(list)
        })
    }

    fn template(&self, file: &TfFile, template: &Template) -> Res {
        let mut out = String::new();
        for element in template {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(file, &i.expr)?;
                    out.push_str(&v.to_text().ok_or_else(|| {
                        unknown(
                            file,
                            &i.expr,
                            "an interpolation of a value that is not a string",
                        )
                    })?);
                }
                Element::Directive(d) => {
                    return Err(Unknown {
                        file: file.path.clone(),
                        pos: file.pos_of(d.as_ref()),
                        source: short(file.source_of(d.as_ref())),
                        why: "a template directive (%{if}/%{for})".into(),
                    });
                }
            }
        }
        Ok(Val::Str(out))
    }

    fn traversal(
        &self,
        file: &TfFile,
        whole: &Expression,
        base: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Res {
        let attr = |i: usize| match ops.get(i).map(hcl_edit::Decorated::value) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let (mut value, rest) = match base {
            Expression::Variable(root) if root.as_str() == "var" => {
                let name = attr(0).ok_or_else(|| unknown(file, whole, "`var` without a name"))?;
                (self.var(file, whole, name)?, 1)
            }
            Expression::Variable(root) if root.as_str() == "local" => {
                let name = attr(0).ok_or_else(|| unknown(file, whole, "`local` without a name"))?;
                (self.local(file, whole, name)?, 1)
            }
            Expression::Variable(root) if root.as_str() == "count" => {
                match (attr(0), self.count_index) {
                    (Some("index"), Some(i)) => (Val::Num(f64::from(i)), 1),
                    _ => {
                        return Err(unknown(
                            file,
                            whole,
                            "`count.index` outside a counted resource",
                        ));
                    }
                }
            }
            Expression::Variable(root) if self.scope.iter().any(|(n, _)| n == root.as_str()) => {
                (self.eval(file, base)?, 0)
            }
            Expression::Variable(_) => {
                return Err(unknown(
                    file,
                    whole,
                    "a resource or data attribute, known only after apply",
                ));
            }
            other => (self.eval(file, other)?, 0),
        };
        for op in &ops[rest..] {
            value = match (op.value(), value) {
                (TraversalOperator::GetAttr(id), v @ Val::Map(_)) => {
                    v.get(id.as_str()).cloned().ok_or_else(|| {
                        unknown(file, whole, &format!("no attribute `{}`", id.as_str()))
                    })?
                }
                (TraversalOperator::Index(e), v) => {
                    let key = self.eval(file, e)?;
                    index(&v, &key)
                        .ok_or_else(|| unknown(file, whole, "an index that is not there"))?
                }
                (TraversalOperator::LegacyIndex(i), v) => index(
                    &v,
                    &Val::Num(u32::try_from(*i.value()).map_or(f64::NAN, f64::from)),
                )
                .ok_or_else(|| unknown(file, whole, "an index that is not there"))?,
                _ => {
                    return Err(unknown(
                        file,
                        whole,
                        "a traversal this evaluator does not follow",
                    ));
                }
            };
        }
        Ok(value)
    }

    fn var(&self, file: &TfFile, whole: &Expression, name: &str) -> Res {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        let Some(block) = self.module.variable(name) else {
            return Err(unknown(
                file,
                whole,
                &format!("no `variable \"{name}\"` in the module"),
            ));
        };
        let Some(default) = block.expr("default") else {
            return Err(unknown(
                file,
                whole,
                &format!("`var.{name}` has no default: its value comes from the caller"),
            ));
        };
        self.deeper().eval(block.file, default)
    }

    fn local(&self, file: &TfFile, whole: &Expression, name: &str) -> Res {
        if let Some(v) = self.stand_ins.get(name) {
            return Ok(v.clone());
        }
        let Some((lfile, lexpr)) = self.locals.get(name) else {
            return Err(unknown(file, whole, &format!("no local `{name}`")));
        };
        let mut inner = self.deeper();
        inner.scope.clear();
        inner.count_index = None;
        inner.eval(lfile, lexpr)
    }

    fn deeper(&self) -> Self {
        let mut d = self.clone();
        d.depth += 1;
        d
    }

    fn binary(
        &self,
        file: &TfFile,
        whole: &Expression,
        l: &Expression,
        op: BinaryOperator,
        r: &Expression,
    ) -> Res {
        use BinaryOperator as B;
        let lv = self.eval(file, l)?;
        // && and || short-circuit, as Terraform's do not, but the result is the same.
        if matches!(op, B::And | B::Or) {
            let Val::Bool(a) = lv else {
                return Err(unknown(file, l, "a logical operand that is not a boolean"));
            };
            if (op == B::And && !a) || (op == B::Or && a) {
                return Ok(Val::Bool(a));
            }
            return match self.eval(file, r)? {
                Val::Bool(b) => Ok(Val::Bool(b)),
                _ => Err(unknown(file, r, "a logical operand that is not a boolean")),
            };
        }
        let rv = self.eval(file, r)?;
        match op {
            B::Eq => return Ok(Val::Bool(loose_eq(&lv, &rv))),
            B::NotEq => return Ok(Val::Bool(!loose_eq(&lv, &rv))),
            _ => {}
        }
        let (Some(a), Some(b)) = (lv.as_num(), rv.as_num()) else {
            return Err(unknown(
                file,
                whole,
                "arithmetic on values that are not numbers",
            ));
        };
        Ok(match op {
            B::Plus => Val::Num(a + b),
            B::Minus => Val::Num(a - b),
            B::Mul => Val::Num(a * b),
            B::Div if b != 0.0 => Val::Num(a / b),
            B::Mod if b != 0.0 => Val::Num(a % b),
            B::Less => Val::Bool(a < b),
            B::LessEq => Val::Bool(a <= b),
            B::Greater => Val::Bool(a > b),
            B::GreaterEq => Val::Bool(a >= b),
            _ => return Err(unknown(file, whole, "a division by zero")),
        })
    }

    fn call(
        &self,
        file: &TfFile,
        whole: &Expression,
        name: &str,
        args: &[&Expression],
        expand: bool,
    ) -> Res {
        if expand {
            return Err(unknown(
                file,
                whole,
                "a call with an expanded final argument (`...`)",
            ));
        }
        if !FUNCTIONS.contains(&name) {
            return Err(unknown(
                file,
                whole,
                &format!("the function `{name}` is not evaluated here"),
            ));
        }
        let vals: Vec<Val> = args
            .iter()
            .map(|a| self.eval(file, a))
            .collect::<Result<_, _>>()?;
        let result = if COLLECTION_FUNCTIONS.contains(&name) {
            collection_function(name, &vals)
        } else {
            scalar_function(name, &vals)
        };
        result.map_err(|why| unknown(file, whole, &why))
    }
}

/// The functions [`Env::eval`] evaluates.
const FUNCTIONS: &[&str] = &[
    "contains",
    "length",
    "merge",
    "concat",
    "join",
    "format",
    "lower",
    "upper",
    "trimspace",
    "tostring",
    "chomp",
    "tonumber",
    "tolist",
    "toset",
    "tomap",
    "replace",
    "min",
    "max",
    "abs",
    "floor",
    "ceil",
    "coalesce",
    "lookup",
    "keys",
    "values",
    "range",
    "one",
];

/// Those of [`FUNCTIONS`] over collections.
const COLLECTION_FUNCTIONS: &[&str] = &[
    "contains", "length", "merge", "concat", "tolist", "toset", "tomap", "lookup", "keys",
    "values", "range", "one",
];

fn wrong(name: &str) -> String {
    format!("`{name}` with arguments of the wrong kind")
}

fn collection_function(name: &str, vals: &[Val]) -> Result<Val, String> {
    match name {
        "contains" => match vals {
            [Val::List(items), v] => Ok(Val::Bool(items.iter().any(|i| loose_eq(i, v)))),
            _ => Err(wrong(name)),
        },
        "length" => match vals {
            [Val::List(items)] => Ok(Val::Num(num(items.len()))),
            [Val::Map(items)] => Ok(Val::Num(num(items.len()))),
            [Val::Str(s)] => Ok(Val::Num(num(s.chars().count()))),
            _ => Err(wrong(name)),
        },
        "merge" => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for v in vals.iter().cloned() {
                match v {
                    Val::Map(entries) => {
                        for (k, v) in entries {
                            out.retain(|(o, _)| *o != k);
                            out.push((k, v));
                        }
                    }
                    Val::Null => {}
                    _ => return Err(wrong(name)),
                }
            }
            Ok(Val::Map(out))
        }
        "concat" => {
            let mut out = Vec::new();
            for v in vals.iter().cloned() {
                match v {
                    Val::List(items) => out.extend(items),
                    _ => return Err(wrong(name)),
                }
            }
            Ok(Val::List(out))
        }
        "tolist" | "toset" => match vals {
            [Val::List(items)] => {
                let mut items = items.clone();
                if name == "toset" {
                    let mut seen = Vec::new();
                    items.retain(|i| {
                        let new = !seen.contains(i);
                        seen.push(i.clone());
                        new
                    });
                }
                Ok(Val::List(items))
            }
            _ => Err(wrong(name)),
        },
        "tomap" => match vals {
            [v @ Val::Map(_)] => Ok(v.clone()),
            _ => Err(wrong(name)),
        },
        "lookup" => match vals {
            [m @ Val::Map(_), key, rest @ ..] if rest.len() <= 1 => {
                let key = key.to_text().ok_or_else(|| wrong(name))?;
                m.get(&key)
                    .or(rest.first())
                    .cloned()
                    .ok_or_else(|| wrong(name))
            }
            _ => Err(wrong(name)),
        },
        "keys" | "values" => match vals {
            [Val::Map(entries)] => {
                let mut entries = entries.clone();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(Val::List(
                    entries
                        .into_iter()
                        .map(|(k, v)| if name == "keys" { Val::Str(k) } else { v })
                        .collect(),
                ))
            }
            _ => Err(wrong(name)),
        },
        "range" => range(name, vals),
        "one" => match vals {
            [Val::List(items)] if items.len() <= 1 => {
                Ok(items.first().cloned().unwrap_or(Val::Null))
            }
            _ => Err(wrong(name)),
        },
        _ => Err(wrong(name)),
    }
}

fn scalar_function(name: &str, vals: &[Val]) -> Result<Val, String> {
    let text = |v: &Val| v.to_text();
    match name {
        "join" => match vals {
            [sep, rest @ ..] if !rest.is_empty() => {
                let sep = text(sep).ok_or_else(|| wrong(name))?;
                let mut parts = Vec::new();
                for list in rest {
                    let Val::List(items) = list else {
                        return Err(wrong(name));
                    };
                    for i in items {
                        parts.push(text(i).ok_or_else(|| wrong(name))?);
                    }
                }
                Ok(Val::Str(parts.join(&sep)))
            }
            _ => Err(wrong(name)),
        },
        "format" => {
            let (Some(spec), rest) = (
                vals.first().and_then(text),
                vals.get(1..).unwrap_or_default(),
            ) else {
                return Err(wrong(name));
            };
            format(&spec, rest).map(Val::Str).ok_or_else(|| wrong(name))
        }
        "lower" | "upper" | "trimspace" | "tostring" | "chomp" => match vals {
            [v] => {
                let s = text(v).ok_or_else(|| wrong(name))?;
                Ok(Val::Str(match name {
                    "lower" => s.to_lowercase(),
                    "upper" => s.to_uppercase(),
                    "trimspace" => s.trim().to_owned(),
                    "chomp" => s.trim_end_matches(['\n', '\r']).to_owned(),
                    _ => s,
                }))
            }
            _ => Err(wrong(name)),
        },
        "tonumber" => match vals {
            [v] => v.as_num().map(Val::Num).ok_or_else(|| wrong(name)),
            _ => Err(wrong(name)),
        },
        "replace" => match vals {
            [s, from, to] => {
                let (s, from, to) = (
                    text(s).ok_or_else(|| wrong(name))?,
                    text(from).ok_or_else(|| wrong(name))?,
                    text(to).ok_or_else(|| wrong(name))?,
                );
                if from.starts_with('/') && from.ends_with('/') && from.len() > 1 {
                    return Err("`replace` with a regular expression".into());
                }
                Ok(Val::Str(s.replace(&from, &to)))
            }
            _ => Err(wrong(name)),
        },
        "min" | "max" => {
            let nums: Option<Vec<f64>> = vals.iter().map(Val::as_num).collect();
            let nums = nums.filter(|n| !n.is_empty()).ok_or_else(|| wrong(name))?;
            let pick = if name == "min" { f64::min } else { f64::max };
            Ok(Val::Num(nums.into_iter().reduce(pick).unwrap_or_default()))
        }
        "abs" | "floor" | "ceil" => match vals {
            [v] => {
                let n = v.as_num().ok_or_else(|| wrong(name))?;
                Ok(Val::Num(match name {
                    "abs" => n.abs(),
                    "floor" => n.floor(),
                    _ => n.ceil(),
                }))
            }
            _ => Err(wrong(name)),
        },
        "coalesce" => vals
            .iter()
            .find(|v| !matches!(v, Val::Null) && **v != Val::Str(String::new()))
            .cloned()
            .ok_or_else(|| wrong(name)),
        _ => Err(wrong(name)),
    }
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`, at most 1024 items.
fn range(name: &str, vals: &[Val]) -> Result<Val, String> {
    let nums: Option<Vec<f64>> = vals.iter().map(Val::as_num).collect();
    let (start, end, step) = match nums.as_deref() {
        Some([end]) => (0.0, *end, 1.0),
        Some([start, end]) => (*start, *end, 1.0),
        Some([start, end, step]) if *step != 0.0 => (*start, *end, *step),
        _ => return Err(wrong(name)),
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0.0 && i < end) || (step < 0.0 && i > end) {
        out.push(Val::Num(i));
        i += step;
        if out.len() > 1024 {
            return Err(wrong(name));
        }
    }
    Ok(Val::List(out))
}

/// `format` with `%s`, `%d`, `%v` and `%%`.
fn format(spec: &str, args: &[Val]) -> Option<String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(&args.next()?.to_text()?),
            'd' => out.push_str(&num_text(args.next()?.as_num()?.trunc())),
            _ => return None,
        }
    }
    Some(out)
}

fn index(v: &Val, key: &Val) -> Option<Val> {
    match v {
        Val::List(items) => {
            let i = whole(key.as_num()?)?;
            items.get(usize::try_from(i).ok()?).cloned()
        }
        Val::Map(_) => v.get(&key.to_text()?).cloned(),
        _ => None,
    }
}

/// Equality with Terraform's number/string conversion for primitives.
fn loose_eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        _ => a == b,
    }
}

fn short(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(79).collect::<String>())
    } else {
        one_line
    }
}

fn unknown(file: &TfFile, expr: &impl Span, why: &str) -> Unknown {
    Unknown {
        file: file.path.clone(),
        pos: file.pos_of(expr),
        source: short(file.source_of(expr)),
        why: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn module(tf: &str) -> Module {
        Module::from_sources(
            Path::new("m"),
            vec![(PathBuf::from("main.tf"), tf.into())],
            vec![],
        )
    }

    fn local(m: &Module, name: &str) -> Res {
        let (file, expr) = m.locals()[name];
        Env::new(m).eval(file, expr)
    }

    #[test]
    fn functions_for_expressions_and_templates_evaluate() {
        let m = module(concat!(
            "variable \"names\" {\n  default = [\"a\", \"b\"]\n}\n",
            "locals {\n",
            "  joined = join(\",\", [for i, n in var.names : \"${n}-${i + 1}\"])\n",
            "  merged = merge({ a = 1 }, { b = \"x\", a = 2 })\n",
            "  picked = lookup(local.merged, \"b\", \"none\")\n",
            "  fmt    = format(\"%s:%d\", \"p\", 5432)\n",
            "  cond   = length(var.names) > 1 ? upper(\"yes\") : \"no\"\n",
            "}\n"
        ));
        assert_eq!(local(&m, "joined"), Ok(Val::Str("a-1,b-2".into())));
        assert_eq!(
            local(&m, "merged"),
            Ok(Val::Map(vec![
                ("b".into(), Val::Str("x".into())),
                ("a".into(), Val::Num(2.0))
            ]))
        );
        assert_eq!(local(&m, "picked"), Ok(Val::Str("x".into())));
        assert_eq!(local(&m, "fmt"), Ok(Val::Str("p:5432".into())));
        assert_eq!(local(&m, "cond"), Ok(Val::Str("YES".into())));
    }

    #[test]
    fn what_cannot_be_evaluated_says_where_and_why() {
        let m = module(
            "locals {\n  ip = hcloud_server.x.ipv4_address\n  f  = file(\"x\")\n  cycle = local.cycle\n}\n",
        );
        let u = local(&m, "ip").expect_err("known after apply");
        assert_eq!((u.pos.line, u.pos.column), (2, 8));
        assert!(u.why.contains("after apply"), "{}", u.why);
        let u = local(&m, "f").expect_err("file()");
        assert!(u.why.contains("`file`"), "{}", u.why);
        assert!(
            local(&m, "cycle")
                .expect_err("a cycle")
                .why
                .contains("too deep")
        );
    }
}
