//! SWARM-TF-001 (`manager_count` validated odd) and SWARM-TF-002
//! (`hetzner_location` validated to `fsn1`): each validation's condition is
//! evaluated for sample values, so any spelling that refuses what it must
//! passes, and one that lets a wrong value through fails.

use super::contract::TfContract;
use super::eval::{Env, Val, whole};
use super::module::{BlockRef, Module};
use super::{at, cannot_tell, missing};
use crate::Finding;
use crate::catalog::{SWARM_TF_001, SWARM_TF_002};

pub(super) fn check(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let mut out = Vec::new();
    let env = Env::new(module);
    // SWARM-TF-001
    let odd_help = "add `validation { condition = var.manager_count % 2 == 1 … }` so that an even manager count (no Raft majority after one loss) is refused at plan time";
    match module.variable("manager_count") {
        None => out.push(missing(
            &SWARM_TF_001,
            module,
            "the module has no `variable \"manager_count\"`",
            odd_help,
        )),
        Some(v) => {
            let samples: Vec<(Val, bool)> = (0..=7)
                .map(|n| (Val::Num(f64::from(n)), n % 2 == 1))
                .collect();
            out.extend(validated(
                &env,
                v,
                "manager_count",
                &samples,
                &SWARM_TF_001,
                odd_help,
                |accepted| {
                    let evens: Vec<String> = accepted
                        .iter()
                        .filter(|(v, _)| v.as_num().and_then(whole).is_some_and(|n| n % 2 == 0))
                        .filter(|&(_v, ok)| *ok)
                        .map(|(v, _ok)| v.to_text().unwrap_or_default())
                        .collect();
                    let any_odd = accepted.iter().any(|(v, ok)| {
                        *ok && v.as_num().and_then(whole).is_some_and(|n| n % 2 == 1)
                    });
                    if !evens.is_empty() {
                        Some(format!(
                            "the validation of `manager_count` accepts even counts ({})",
                            evens.join(", ")
                        ))
                    } else if !any_odd {
                        Some("the validation of `manager_count` accepts no odd count at all".into())
                    } else {
                        None
                    }
                },
            ));
        }
    }
    // SWARM-TF-002
    let loc_help = format!(
        "add `validation {{ condition = contains([\"{}\"], var.hetzner_location) … }}`: every node in one location keeps Raft latency low and the data in Germany",
        contract.location
    );
    match module.variable("hetzner_location") {
        None => out.push(missing(
            &SWARM_TF_002,
            module,
            "the module has no `variable \"hetzner_location\"`",
            &loc_help,
        )),
        Some(v) => {
            let mut samples = vec![(Val::Str(contract.location.clone()), true)];
            samples.extend(
                contract
                    .other_locations
                    .iter()
                    .map(|l| (Val::Str(l.clone()), false)),
            );
            let location = contract.location.clone();
            out.extend(validated(&env, v, "hetzner_location", &samples, &SWARM_TF_002, &loc_help, |accepted| {
                let wrong: Vec<String> = accepted
                    .iter()
                    .filter(|(v, ok)| *ok != (v.to_text().as_deref() == Some(location.as_str())))
                    .map(|(v, ok)| format!("{} {}", v.to_text().unwrap_or_default(), if *ok { "accepted" } else { "refused" }))
                    .collect();
                (!wrong.is_empty()).then(|| {
                    format!("the validation of `hetzner_location` does not restrict it to `{location}`: {}", wrong.join(", "))
                })
            }));
        }
    }
    out
}

/// Evaluates every `validation` of variable `v` for each sample; `judge`
/// gets (sample, accepted by all validations) and says what is wrong.
fn validated(
    env: &Env<'_>,
    v: BlockRef<'_>,
    name: &str,
    samples: &[(Val, bool)],
    rule: &'static crate::Rule,
    help: &str,
    judge: impl Fn(&[(Val, bool)]) -> Option<String>,
) -> Vec<Finding> {
    let validations = v.children("validation");
    if validations.is_empty() {
        return vec![at(
            rule,
            v,
            format!("`variable \"{name}\"` has no `validation` block"),
            help,
        )];
    }
    let mut accepted = Vec::new();
    for (sample, _) in samples {
        let env = env.clone().with_var(name, sample.clone());
        let mut all = true;
        for val in &validations {
            let Some(cond) = val.expr("condition") else {
                return vec![at(rule, *val, "a `validation` without a `condition`", help)];
            };
            match env.eval(val.file, cond) {
                Ok(Val::Bool(b)) => all &= b,
                Ok(_) => {
                    return vec![
                        Finding::new(
                            rule,
                            &val.file.path,
                            val.file.pos_of(cond),
                            format!("the condition of `{name}`'s validation is not a boolean"),
                        )
                        .with_help(help),
                    ];
                }
                Err(u) => {
                    return vec![cannot_tell(
                        rule,
                        &u,
                        &format!("the validation of `{name}`"),
                        help,
                    )];
                }
            }
        }
        accepted.push((sample.clone(), all));
    }
    match judge(&accepted) {
        None => Vec::new(),
        Some(message) => {
            let first = validations[0];
            let pos = first
                .expr("condition")
                .map_or_else(|| first.pos(), |c| first.file.pos_of(c));
            vec![Finding::new(rule, &first.file.path, pos, message).with_help(help)]
        }
    }
}
