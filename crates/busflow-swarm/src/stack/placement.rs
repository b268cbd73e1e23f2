//! Placement: SWARM-COMPOSE-004 (observability on `tier == observability`),
//! 005 (stateful on `tier == stateful`, never on managers), 011 (keys
//! swarm knows) and 013 (stateful data on a Hetzner volume driver).

use crate::catalog::{SWARM_COMPOSE_004, SWARM_COMPOSE_005, SWARM_COMPOSE_011, SWARM_COMPOSE_013};
use busflow_yaml::Node;

use super::constraint::{Constraint, Op};
use super::{Role, Stack, StackContract};
use crate::Finding;

pub(super) fn check(stack: &Stack<'_>, contract: &StackContract) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &stack.services {
        let list = s.at(&["deploy", "placement", "constraints"]);
        let mut parsed: Vec<(Constraint, &Node)> = Vec::new();
        for item in list.and_then(Node::as_seq).unwrap_or_default() {
            let Some(text) = item.as_str() else { continue };
            match Constraint::parse(text) {
                Ok(c) if c.key_is_known() => parsed.push((c, item)),
                Ok(c) => out.push(stack.finding(
                    &SWARM_COMPOSE_011,
                    item.pos,
                    format!("`{}` of `{}`: swarm has no key `{}`, so the constraint never matches and the tasks stay pending", text, s.name, c.key),
                    "use node.id, node.hostname, node.ip, node.role, node.platform.os|arch, node.labels.<name> or engine.labels.<name> (`node.labels`, plural)",
                )),
                Err(why) => out.push(stack.finding(&SWARM_COMPOSE_011, item.pos, format!("`{}`: {why}", s.name), "write `key == value` or `key != value`")),
            }
        }
        let has = |key: &str, op: Op, value: &str| {
            parsed
                .iter()
                .any(|(c, _)| c.key.eq_ignore_ascii_case(key) && c.op == op && c.value == value)
        };
        let at = list.map_or(s.key.pos, |l| l.pos);
        match s.role {
            Role::Observability if !has("node.labels.tier", Op::Eq, "observability") => out.push(stack.finding(
                &SWARM_COMPOSE_004,
                at,
                format!("observability service `{}` is not constrained to `node.labels.tier == observability`", s.name),
                "add `node.labels.tier == observability` to `deploy.placement.constraints`: the LGTM stack does not fit beside the application tier",
            )),
            Role::Stateful => {
                if !has("node.labels.tier", Op::Eq, "stateful") {
                    out.push(stack.finding(
                        &SWARM_COMPOSE_005,
                        at,
                        format!("stateful service `{}` is not constrained to `node.labels.tier == stateful`", s.name),
                        "add `node.labels.tier == stateful`: only the stateful worker holds the data volume",
                    ));
                }
                for (c, node) in &parsed {
                    if c.key.eq_ignore_ascii_case("node.role") && c.op == Op::Eq && c.value == "manager" {
                        out.push(stack.finding(&SWARM_COMPOSE_005, node.pos, format!("stateful service `{}` is placed on managers", s.name), "managers never carry stateful services: constrain to `node.labels.tier == stateful`"));
                    }
                }
                out.extend(volumes(stack, s.name, s.node, contract));
            }
            _ => {}
        }
    }
    out
}

/// SWARM-COMPOSE-013: the named volumes a stateful service mounts use a
/// Hetzner volume plugin driver.
fn volumes(
    stack: &Stack<'_>,
    service: &str,
    node: &Node,
    contract: &StackContract,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let top = stack.root.get("volumes");
    for mount in node
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let source = if let Some(short) = mount.as_str() {
            short.split(':').next().map(str::to_owned)
        } else {
            let typ = mount.get("type").and_then(Node::as_str).unwrap_or("volume");
            (typ == "volume")
                .then(|| {
                    mount
                        .get("source")
                        .and_then(Node::as_str)
                        .map(str::to_owned)
                })
                .flatten()
        };
        let Some(name) = source else { continue };
        if name.starts_with('/') || name.starts_with('.') || name.starts_with('~') {
            out.push(stack.finding(&SWARM_COMPOSE_013, mount.pos, format!("`{service}` keeps its data in a bind mount `{name}`: it is lost with the node"), "mount a named volume whose driver is a Hetzner volume plugin (e.g. costela/docker-volume-hetzner's `hetzner`)"));
            continue;
        }
        let def = top.and_then(|t| t.get(&name));
        let driver = def
            .and_then(|d| d.get("driver"))
            .and_then(Node::as_str)
            .unwrap_or("local");
        let external = def.and_then(|d| d.get("external")).and_then(Node::as_str) == Some("true");
        if external {
            continue; // created outside the stack, with whatever driver the operator chose
        }
        if !contract
            .volume_drivers
            .iter()
            .any(|d| driver.contains(d.as_str()))
        {
            let at = def
                .and_then(|d| d.get("driver"))
                .map_or(mount.pos, |d| d.pos);
            out.push(stack.finding(
                &SWARM_COMPOSE_013,
                at,
                format!("volume `{name}` of stateful service `{service}` uses the `{driver}` driver: when its node fails, recovering the data takes a manual Hetzner API or Terraform intervention"),
                "declare the volume with a Hetzner volume plugin driver (`driver: hetzner` from costela/docker-volume-hetzner) so swarm detaches and re-attaches it",
            ));
        }
    }
    out
}
