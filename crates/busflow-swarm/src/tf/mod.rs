//! The Terraform module `terraform/modules/swarm`: SWARM-TF-001 … 013.
//!
//! The module is parsed with `hcl-edit` (byte spans kept), and each clause
//! is a function from the module to findings. Values are evaluated where
//! the contract needs them ([`eval`]): variables at their defaults (or at
//! chosen values, to test a validation), locals, `count.index`. What cannot
//! be evaluated is a "cannot tell" warning at the expression, never a
//! guess.

pub mod cluster;
pub mod contract;
use crate::catalog::SWARMX_001;
pub use busflow_hcl::eval;
mod hostkeys;
mod join;
mod lb;
pub use busflow_hcl::module;
pub mod server_types;
mod servers;
mod variables;

use crate::Finding;
use crate::source::Pos;
use contract::TfContract;
use eval::{Env, Unknown, Val};
use module::{BlockRef, Module};

/// Runs every SWARM-TF check over `module`; parse errors come first.
pub fn check_module(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let mut out: Vec<Finding> = module
        .parse_errors
        .iter()
        .map(|e| {
            Finding::new(
                &SWARMX_001,
                &e.path,
                e.pos,
                format!("the file does not parse as HCL: {}", e.message)
).with_help("fix the syntax (`terraform validate` shows the same place); no clause of this file can be checked until it parses")
        })
        .collect();
    out.extend(variables::check(module, contract));
    out.extend(servers::check(module, contract));
    out.extend(join::check(module, contract));
    out.extend(hostkeys::check(module));
    out.extend(lb::check(module, contract));
    out.sort_by(|a, b| {
        (&a.file, a.start.line, a.start.column, a.rule_id).cmp(&(
            &b.file,
            b.start.line,
            b.start.column,
            b.rule_id,
        ))
    });
    out
}

/// A finding at a block.
fn at(
    rule: &'static crate::Rule,
    b: BlockRef<'_>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding::new(rule, &b.file.path, b.pos(), message).with_help(help)
}

/// A finding at the start of the module (something is missing).
fn missing(
    rule: &'static crate::Rule,
    module: &Module,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding::new(rule, module.anchor(), Pos::START, message).with_help(help)
}

/// A "cannot tell" warning at the expression that could not be evaluated.
fn cannot_tell(rule: &'static crate::Rule, u: &Unknown, what: &str, help: &str) -> Finding {
    Finding::new(
        rule,
        &u.file,
        u.pos,
        format!(
            "{what}: `{}` cannot be evaluated here ({})",
            u.source, u.why
        ),
    )
    .with_help(help)
    .cannot_tell()
}

/// How many instances `resource` has for `var.manager_count` = `managers`:
/// its `count`, or 1 without one.
fn instances(env: &Env<'_>, b: BlockRef<'_>, managers: f64) -> Result<f64, Unknown> {
    match b.expr("count") {
        None => Ok(1.0),
        Some(e) => {
            let env = env.clone().with_var("manager_count", Val::Num(managers));
            let v = env.eval(b.file, e)?;
            v.as_num().ok_or_else(|| Unknown {
                file: b.file.path.clone(),
                pos: b.file.pos_of(e),
                source: b.file.source_of(e).to_owned(),
                why: "a count that is not a number".into(),
            })
        }
    }
}

/// The `labels` of a server, evaluated.
fn labels(env: &Env<'_>, b: BlockRef<'_>) -> Option<Result<Val, Unknown>> {
    b.expr("labels")
        .map(|e| env.clone().with_count_index(0).eval(b.file, e))
}

/// Whether a label value equals `want` (`true` and `"true"` alike).
fn label_is(labels: &Val, key: &str, want: &str) -> bool {
    labels
        .get(key)
        .and_then(Val::to_text)
        .is_some_and(|v| v == want)
}
