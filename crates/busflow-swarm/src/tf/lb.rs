//! SWARM-TF-012: the ingress load balancer. Services and targets are
//! separate resources joined by `load_balancer_id`; `listen_port` defaults
//! by protocol (http 80, https 443).

use super::contract::TfContract;
use super::eval::{Env, Val};
use super::module::{BlockRef, Module};
use super::{at, cannot_tell, missing};
use crate::Finding;
use crate::Rule;
use crate::catalog::SWARM_TF_012;

const RULE: &Rule = &SWARM_TF_012;

pub(super) fn check(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let help = format!(
        "declare `hcloud_load_balancer.ingress`, one `hcloud_load_balancer_service` per port {:?} with `health_check {{ protocol = \"http\", interval = {}, timeout = {}, retries = {}, http {{ path = \"{}\" }} }}`, and an `hcloud_load_balancer_target` of `type = \"label_selector\"`, `label_selector = \"{}\"`",
        contract.lb_ports,
        contract.health_interval,
        contract.health_timeout,
        contract.health_retries,
        contract.health_path,
        contract.selector()
    );
    let Some(lb) = module.resource("hcloud_load_balancer", "ingress") else {
        return vec![missing(
            RULE,
            module,
            "the module has no `hcloud_load_balancer.ingress`",
            help,
        )];
    };
    let env = Env::new(module);
    let joined = |b: &BlockRef<'_>| {
        b.expr("load_balancer_id")
            .is_some_and(|e| b.file.source_of(e).contains("hcloud_load_balancer.ingress"))
    };
    let mut out = Vec::new();
    let mut ports = Vec::new();
    for s in module
        .resources("hcloud_load_balancer_service")
        .iter()
        .filter(|s| joined(s))
    {
        let protocol = match s.expr("protocol").map(|e| env.eval(s.file, e)) {
            Some(Ok(v)) => v.to_text().unwrap_or_default(),
            Some(Err(u)) => {
                out.push(cannot_tell(
                    RULE,
                    &u,
                    "a load balancer service's protocol",
                    &help,
                ));
                continue;
            }
            None => {
                out.push(at(
                    RULE,
                    *s,
                    format!("`{}` has no protocol", s.address()),
                    &help,
                ));
                continue;
            }
        };
        let port = match s.expr("listen_port").map(|e| env.eval(s.file, e)) {
            Some(Ok(v)) => v.as_num(),
            Some(Err(u)) => {
                out.push(cannot_tell(
                    RULE,
                    &u,
                    "a load balancer service's port",
                    &help,
                ));
                continue;
            }
            None => match protocol.as_str() {
                "http" => Some(80.0),
                "https" => Some(443.0),
                _ => None,
            },
        };
        if let Some(p) = port {
            ports.push(p);
        }
        out.extend(health_check(&env, *s, contract, &help));
    }
    let missing_ports: Vec<u16> = contract
        .lb_ports
        .iter()
        .copied()
        .filter(|p| !ports.contains(&f64::from(*p)))
        .collect();
    if !missing_ports.is_empty() {
        out.push(at(
            RULE,
            lb,
            format!("the ingress load balancer serves no port {missing_ports:?}"),
            &help,
        ));
    }
    out.extend(label_target(module, &env, lb, contract, &help));
    out
}

/// The target that selects every swarm node by label.
fn label_target(
    module: &Module,
    env: &Env<'_>,
    lb: BlockRef<'_>,
    contract: &TfContract,
    help: &str,
) -> Option<Finding> {
    let joined = |b: &BlockRef<'_>| {
        b.expr("load_balancer_id")
            .is_some_and(|e| b.file.source_of(e).contains("hcloud_load_balancer.ingress"))
    };
    let selector = contract.selector();
    let targets: Vec<BlockRef<'_>> = module
        .resources("hcloud_load_balancer_target")
        .into_iter()
        .filter(|t| joined(t))
        .chain(lb.children("target"))
        .collect();
    let selects = targets.iter().any(|t| {
        let text = |k: &str| {
            t.expr(k)
                .and_then(|e| env.eval(t.file, e).ok())
                .and_then(|v| v.to_text())
        };
        text("type").as_deref() == Some("label_selector")
            && text("label_selector").as_deref() == Some(selector.as_str())
    });
    if !selects {
        let anchor = targets.first().copied().unwrap_or(lb);
        return Some(at(
            RULE,
            anchor,
            format!(
                "no target of the ingress load balancer selects `{selector}`: new nodes would not attach"
            ),
            help,
        ));
    }
    None
}

fn health_check(env: &Env<'_>, s: BlockRef<'_>, contract: &TfContract, help: &str) -> Vec<Finding> {
    let Some(hc) = s.children("health_check").into_iter().next() else {
        return vec![at(
            RULE,
            s,
            format!("`{}` has no health_check", s.address()),
            help,
        )];
    };
    let mut problems = Vec::new();
    let value = |b: &BlockRef<'_>, k: &str| b.expr(k).map(|e| env.eval(b.file, e));
    let mut expect = |b: &BlockRef<'_>, key: &str, want: Val| match value(b, key) {
        None => problems.push(format!("no `{key}`")),
        Some(Err(u)) => problems.push(format!("`{key}` cannot be evaluated ({})", u.why)),
        Some(Ok(v)) if v.to_text() != want.to_text() => {
            problems.push(format!(
                "`{key}` is {}, not {}",
                v.to_text().unwrap_or_default(),
                want.to_text().unwrap_or_default()
            ));
        }
        Some(Ok(_)) => {}
    };
    expect(&hc, "protocol", Val::Str("http".into()));
    expect(
        &hc,
        "interval",
        Val::Num(f64::from(contract.health_interval)),
    );
    expect(&hc, "timeout", Val::Num(f64::from(contract.health_timeout)));
    expect(&hc, "retries", Val::Num(f64::from(contract.health_retries)));
    match hc.children("http").into_iter().next() {
        None => problems.push("no `http { path = … }`".into()),
        Some(http) => expect(&http, "path", Val::Str(contract.health_path.clone())),
    }
    if problems.is_empty() {
        Vec::new()
    } else {
        vec![at(
            RULE,
            hc,
            format!(
                "the health check of `{}`: {}",
                s.address(),
                problems.join("; ")
            ),
            help,
        )]
    }
}
