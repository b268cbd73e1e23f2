//! The servers: SWARM-TF-003 (managers counted by `var.manager_count`,
//! `user_data` from the shared install script, `swarm init` on index 0 only),
//! SWARM-TF-010 (the stateful worker and its volume), SWARM-TF-011 (the
//! observability worker and its size) and SWARM-TF-013 (the swarm label on
//! every node).

use super::contract::TfContract;
use super::eval::{Env, Val};
use super::module::{BlockRef, Module};
use super::server_types::ServerType;
use super::{at, cannot_tell, instances, label_is, labels, missing};
use crate::Finding;
use crate::catalog::{SWARM_TF_003, SWARM_TF_010, SWARM_TF_011, SWARM_TF_013};

/// Stands in for the install script in `user_data`, to see where it lands.
const MARK: &str = "\u{1}docker-install-script\u{1}";

pub(super) fn check(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let mut out = Vec::new();
    let env = Env::new(module).with_stand_in(&contract.install_script_local, Val::Str(MARK.into()));
    let has_local = module
        .locals()
        .contains_key(contract.install_script_local.as_str());
    out.extend(managers(module, &env, contract, has_local));
    out.extend(workers_user_data(module, &env, contract, has_local));
    out.extend(tier_worker(
        module,
        &env,
        "stateful_worker",
        "stateful",
        &SWARM_TF_010,
    ));
    out.extend(stateful_volume(module));
    out.extend(tier_worker(
        module,
        &env,
        "observability_worker",
        "observability",
        &SWARM_TF_011,
    ));
    out.extend(observability_size(module, &env, contract));
    out.extend(swarm_labels(module, &env, contract));
    out
}

const TF003_HELP: &str = "write `count = var.manager_count` and `user_data = count.index == 0 ? \"${local.docker_install_script}\\ndocker swarm init …\" : local.docker_install_script`: the join provisioners are the only way other nodes enter the swarm";

fn managers(
    module: &Module,
    env: &Env<'_>,
    contract: &TfContract,
    has_local: bool,
) -> Vec<Finding> {
    let rule = &SWARM_TF_003;
    let Some(m) = module.resource("hcloud_server", "manager") else {
        return vec![missing(
            rule,
            module,
            "the module has no `resource \"hcloud_server\" \"manager\"`",
            TF003_HELP,
        )];
    };
    let mut out = Vec::new();
    match (instances(env, m, 3.0), instances(env, m, 5.0)) {
        (Ok(3.0), Ok(5.0)) if m.expr("count").is_some() => {}
        (Err(u), _) | (_, Err(u)) => {
            out.push(cannot_tell(rule, &u, "the manager count", TF003_HELP));
        }
        _ => out.push(at(
            rule,
            m,
            "`hcloud_server.manager` is not counted by `var.manager_count`",
            TF003_HELP,
        )),
    }
    if !has_local {
        out.push(missing(
            rule,
            module,
            format!(
                "the module has no `local.{}` shared by every node's user_data",
                contract.install_script_local
            ),
            TF003_HELP,
        ));
        return out;
    }
    let Some(ud) = m.expr("user_data") else {
        out.push(at(
            rule,
            m,
            "`hcloud_server.manager` has no `user_data`",
            TF003_HELP,
        ));
        return out;
    };
    let first = env.clone().with_count_index(0).eval(m.file, ud);
    let second = env.clone().with_count_index(1).eval(m.file, ud);
    let pos = m.file.pos_of(ud);
    let wrong =
        |message: String| Finding::new(rule, &m.file.path, pos, message).with_help(TF003_HELP);
    match (first, second) {
        (Err(u), _) | (_, Err(u)) => {
            out.push(cannot_tell(rule, &u, "the managers' user_data", TF003_HELP));
        }
        (Ok(a), Ok(b)) => {
            let (a, b) = (
                a.to_text().unwrap_or_default(),
                b.to_text().unwrap_or_default(),
            );
            let init_after_script = a
                .find(MARK)
                .zip(a.find("swarm init"))
                .is_some_and(|(s, i)| s < i);
            if !a.contains(MARK) || !b.contains(MARK) {
                out.push(wrong(format!(
                    "the managers' user_data is not built from `local.{}`",
                    contract.install_script_local
                )));
            } else if !init_after_script {
                out.push(wrong("manager 0's user_data does not append `docker swarm init` to the install script".into()));
            } else if b.contains("swarm init") {
                out.push(wrong("managers other than index 0 also run `docker swarm init`: they would found swarms of their own".into()));
            }
        }
    }
    out
}

fn workers_user_data(
    module: &Module,
    env: &Env<'_>,
    contract: &TfContract,
    has_local: bool,
) -> Vec<Finding> {
    let rule = &SWARM_TF_003;
    let mut out = Vec::new();
    if !has_local {
        return out;
    }
    for w in module.resources("hcloud_server") {
        if w.block
            .labels
            .get(1)
            .is_some_and(|l| l.as_str() == "manager")
        {
            continue;
        }
        let Some(ud) = w.expr("user_data") else {
            out.push(at(
                rule,
                w,
                format!(
                    "`{}` has no user_data: Docker is never installed on it",
                    w.address()
                ),
                TF003_HELP,
            ));
            continue;
        };
        match env.clone().with_count_index(0).eval(w.file, ud) {
            Err(u) => out.push(cannot_tell(
                rule,
                &u,
                &format!("the user_data of `{}`", w.address()),
                TF003_HELP,
            )),
            Ok(v) => {
                let text = v.to_text().unwrap_or_default();
                let message = if !text.contains(MARK) {
                    Some(format!(
                        "`{}`'s user_data is not `local.{}`",
                        w.address(),
                        contract.install_script_local
                    ))
                } else if text.contains("swarm init") {
                    Some(format!(
                        "`{}` runs `docker swarm init`: only manager 0 may",
                        w.address()
                    ))
                } else {
                    None
                };
                if let Some(m) = message {
                    out.push(
                        Finding::new(rule, &w.file.path, w.file.pos_of(ud), m)
                            .with_help(TF003_HELP),
                    );
                }
            }
        }
    }
    out
}

/// SWARM-TF-010 / 011: the worker exists once and carries its tier label.
fn tier_worker(
    module: &Module,
    env: &Env<'_>,
    name: &str,
    tier: &str,
    rule: &'static crate::Rule,
) -> Vec<Finding> {
    let help = format!(
        "declare `resource \"hcloud_server\" \"{name}\"` with `count = 1` and `labels = {{ tier = \"{tier}\", … }}`: placement constraints `node.labels.tier == {tier}` need exactly this node"
    );
    let Some(w) = module.resource("hcloud_server", name) else {
        return vec![missing(
            rule,
            module,
            format!("the module has no `resource \"hcloud_server\" \"{name}\"`"),
            help,
        )];
    };
    let mut out = Vec::new();
    match instances(env, w, 1.0) {
        Ok(n) if super::eval::whole(n) == Some(1) => {}
        Ok(n) => out.push(at(
            rule,
            w,
            format!("`hcloud_server.{name}` has {n} instances, not 1"),
            &help,
        )),
        Err(u) => out.push(cannot_tell(
            rule,
            &u,
            &format!("the count of `hcloud_server.{name}`"),
            &help,
        )),
    }
    match labels(env, w) {
        None => out.push(at(
            rule,
            w,
            format!("`hcloud_server.{name}` has no labels"),
            &help,
        )),
        Some(Err(u)) => out.push(cannot_tell(
            rule,
            &u,
            &format!("the labels of `hcloud_server.{name}`"),
            &help,
        )),
        Some(Ok(l)) if !label_is(&l, "tier", tier) => {
            let e = w
                .expr("labels")
                .map_or_else(|| w.pos(), |e| w.file.pos_of(e));
            out.push(
                Finding::new(
                    rule,
                    &w.file.path,
                    e,
                    format!("`hcloud_server.{name}` is not labelled `tier = \"{tier}\"`"),
                )
                .with_help(help),
            );
        }
        Some(Ok(_)) => {}
    }
    out
}

/// SWARM-TF-010: the data volume attaches to the stateful worker, never to
/// a manager.
fn stateful_volume(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_010;
    let help = "attach the data volume with `server_id = hcloud_server.stateful_worker[0].id` (on `hcloud_volume` or an `hcloud_volume_attachment`): managers never carry stateful services";
    let mut out = Vec::new();
    let mut attached = false;
    let holders: Vec<BlockRef<'_>> = module
        .resources("hcloud_volume")
        .into_iter()
        .chain(module.resources("hcloud_volume_attachment"))
        .collect();
    for v in &holders {
        let Some(server) = v.expr("server_id") else {
            continue;
        };
        let src = v.file.source_of(server);
        if src.contains("hcloud_server.stateful_worker") {
            attached = true;
        } else if src.contains("hcloud_server.manager") {
            out.push(
                Finding::new(
                    rule,
                    &v.file.path,
                    v.file.pos_of(server),
                    format!("`{}` attaches to a manager", v.address()),
                )
                .with_help(help),
            );
        }
    }
    if !attached
        && module
            .resource("hcloud_server", "stateful_worker")
            .is_some()
    {
        let anchor = holders
            .first()
            .copied()
            .or_else(|| module.resource("hcloud_server", "stateful_worker"));
        if let Some(b) = anchor {
            out.push(at(
                rule,
                b,
                "no volume attaches to `hcloud_server.stateful_worker`",
                help,
            ));
        }
    }
    out
}

/// SWARM-TF-011: the observability worker is at least the contract's type,
/// judged by (vCPU, RAM).
fn observability_size(module: &Module, env: &Env<'_>, contract: &TfContract) -> Vec<Finding> {
    let rule = &SWARM_TF_011;
    let Some(w) = module.resource("hcloud_server", "observability_worker") else {
        return Vec::new();
    };
    let min = ServerType::find(&contract.min_observability_type);
    let help = format!(
        "use `{}` or a type with at least its cores and memory ({}): the LGTM stack does not fit in less",
        contract.min_observability_type,
        min.map_or_else(String::new, |t| format!(
            "{} vCPU, {} GB",
            t.vcpus, t.ram_gb
        ))
    );
    let Some(e) = w.expr("server_type") else {
        return vec![at(
            rule,
            w,
            "`hcloud_server.observability_worker` has no `server_type`",
            help,
        )];
    };
    let pos = w.file.pos_of(e);
    let name = match env.clone().with_count_index(0).eval(w.file, e) {
        Ok(v) => v.to_text().unwrap_or_default(),
        Err(u) => {
            return vec![cannot_tell(
                rule,
                &u,
                "the observability worker's server type",
                &help,
            )];
        }
    };
    match (ServerType::find(&name), min) {
        (None, _) => vec![
            Finding::new(
                rule,
                &w.file.path,
                pos,
                format!("server type `{name}` is unknown: its size cannot be judged"),
            )
            .with_help(help)
            .cannot_tell(),
        ],
        (Some(t), Some(min)) if !t.at_least(min) => vec![
            Finding::new(
                rule,
                &w.file.path,
                pos,
                format!(
                    "server type `{}` ({} vCPU, {} GB) is smaller than `{}` ({} vCPU, {} GB)",
                    t.name, t.vcpus, t.ram_gb, min.name, min.vcpus, min.ram_gb
                ),
            )
            .with_help(help),
        ],
        (Some(t), _) if t.deprecated => vec![{
            let mut f = Finding::new(
                rule,
                &w.file.path,
                pos,
                format!(
                    "server type `{}` is deprecated by Hetzner: new servers of it cannot be ordered",
                    t.name
                )
).with_help(help);
            f.severity = crate::Severity::Warning;
            f
        }],
        _ => Vec::new(),
    }
}

/// SWARM-TF-013: every server carries the swarm label.
fn swarm_labels(module: &Module, env: &Env<'_>, contract: &TfContract) -> Vec<Finding> {
    let rule = &SWARM_TF_013;
    let (key, value) = &contract.swarm_label;
    let help = format!(
        "add `\"{key}\" = \"{value}\"` to the server's labels: the load balancer's label selector attaches exactly these nodes"
    );
    let mut out = Vec::new();
    for s in module.resources("hcloud_server") {
        match labels(env, s) {
            None => out.push(at(
                rule,
                s,
                format!("`{}` has no labels", s.address()),
                &help,
            )),
            Some(Err(u)) => out.push(cannot_tell(
                rule,
                &u,
                &format!("the labels of `{}`", s.address()),
                &help,
            )),
            Some(Ok(l)) if !label_is(&l, key, value) => {
                let pos = s
                    .expr("labels")
                    .map_or_else(|| s.pos(), |e| s.file.pos_of(e));
                out.push(
                    Finding::new(
                        rule,
                        &s.file.path,
                        pos,
                        format!("`{}` is not labelled `{key} = \"{value}\"`", s.address()),
                    )
                    .with_help(&help),
                );
            }
            Some(Ok(_)) => {}
        }
    }
    out
}
