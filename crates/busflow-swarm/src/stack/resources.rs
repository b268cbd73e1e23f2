//! Resources and replicas: SWARM-COMPOSE-001 (memory limit), 002 (CPU
//! reservation), 006 (the exporter gated on its DSN secret) and 009
//! (single-writer ingesters, two collectors, global promtail).

use crate::catalog::{SWARM_COMPOSE_001, SWARM_COMPOSE_002, SWARM_COMPOSE_006, SWARM_COMPOSE_009};
use busflow_yaml::Node;

use super::units::{parse_bytes, parse_cpus};
use super::{Stack, StackContract, named};
use crate::Finding;

pub(super) fn check(stack: &Stack<'_>, contract: &StackContract) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &stack.services {
        // SWARM-COMPOSE-001
        let help = "set `deploy.resources.limits.memory` (e.g. \"512M\", from load profiling): without a limit a runaway container makes the kernel's OOM killer pick the largest process, possibly Postgres";
        match s.at(&["deploy", "resources", "limits", "memory"]) {
            None => out.push(stack.finding(
                &SWARM_COMPOSE_001,
                s.key.pos,
                format!("service `{}` has no memory limit", s.name),
                help,
            )),
            Some(v) => {
                if let Err(why) = v
                    .as_str()
                    .map_or_else(|| Err(format!("{} is not a size", v.kind())), parse_bytes)
                {
                    out.push(stack.finding(
                        &SWARM_COMPOSE_001,
                        v.pos,
                        format!("the memory limit of `{}`: {why}", s.name),
                        help,
                    ));
                }
            }
        }
        // SWARM-COMPOSE-002
        let help = "set `deploy.resources.reservations.cpus` (a string such as \"0.25\"): the scheduler places services by their reservations";
        match s.at(&["deploy", "resources", "reservations", "cpus"]) {
            None => out.push(stack.finding(
                &SWARM_COMPOSE_002,
                s.key.pos,
                format!("service `{}` reserves no CPU", s.name),
                help,
            )),
            Some(v) => {
                if let Err(why) = v.as_str().map_or_else(
                    || Err(format!("{} is not a CPU count", v.kind())),
                    parse_cpus,
                ) {
                    out.push(stack.finding(
                        &SWARM_COMPOSE_002,
                        v.pos,
                        format!("the CPU reservation of `{}`: {why}", s.name),
                        help,
                    ));
                }
            }
        }
        let replicas = s.at(&["deploy", "replicas"]);
        let count = replicas
            .and_then(Node::as_str)
            .and_then(|r| r.parse::<u64>().ok());
        let mode = s
            .at(&["deploy", "mode"])
            .and_then(Node::as_str)
            .unwrap_or("replicated");
        let place = replicas.map_or(s.key.pos, |r| r.pos);
        // SWARM-COMPOSE-006 (static half)
        let (exporter, secret) = &contract.gated_exporter;
        if s.name == exporter && !contract.existing_secrets.contains(secret) && count != Some(0) {
            out.push(stack.finding(
                &SWARM_COMPOSE_006,
                place,
                format!("`{}` must run `replicas: 0` until the `{secret}` secret exists", s.name),
                format!("set `deploy.replicas: 0`, create the secret (`docker secret create {secret} -`), then scale up; check the live swarm with busflow-swarm's `missing_references` before deploying"),
            ));
        }
        // SWARM-COMPOSE-009
        let rule = &SWARM_COMPOSE_009;
        if contract.single_writers.iter().any(|w| named(s.name, w))
            && (mode != "replicated" || count != Some(1))
        {
            out.push(stack.finding(rule, place, format!("`{}` must run exactly `replicas: 1` (a single-writer ring without Consul)", s.name), "set `deploy.replicas: 1`: two ingesters without a shared ring write the same streams twice or lose them"));
        }
        let (collector, want) = &contract.collector;
        if s.name == collector && (mode != "replicated" || count != Some(*want)) {
            out.push(stack.finding(rule, place, format!("`{}` must run `replicas: {want}`", s.name), format!("set `deploy.replicas: {want}` so that one collector can restart while the other receives")));
        }
        if contract.global.iter().any(|g| named(s.name, g)) && mode != "global" {
            let at = s.at(&["deploy", "mode"]).map_or(s.key.pos, |m| m.pos);
            out.push(stack.finding(
                rule,
                at,
                format!(
                    "`{}` must run `mode: global` (one per node, to read every node's logs)",
                    s.name
                ),
                "set `deploy.mode: global`",
            ));
        }
    }
    out
}
