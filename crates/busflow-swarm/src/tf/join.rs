//! Joining managers: SWARM-TF-004 (the manager join token fetched over
//! SSH), SWARM-TF-005 (`manager_count - 1` joins against manager 0's
//! private IP on 2377) and SWARM-TF-006 (join provisioners fail loudly and
//! print a `journalctl -u docker` tail).

use crate::catalog::{SWARM_TF_004, SWARM_TF_005, SWARM_TF_006};
use std::sync::LazyLock;

use regex::Regex;

use super::contract::TfContract;
use super::eval::{Env, Val};
use super::module::{BlockRef, Module};
use super::{at, cannot_tell, instances, missing};
use crate::Finding;

static JOIN_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"join-token\s+(?:(?:-q|--quiet)\s+)?manager")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

pub(super) fn check(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(join_token(module));
    out.extend(join_managers(module, contract));
    out.extend(join_provisioners(module));
    out
}

fn join_token(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_004;
    let help = "declare `resource \"null_resource\" \"manager_join_token\"` whose SSH provisioner runs `docker swarm join-token -q manager` on manager 0";
    let Some(r) = module.resource("null_resource", "manager_join_token") else {
        return vec![missing(
            rule,
            module,
            "the module has no `null_resource.manager_join_token`",
            help,
        )];
    };
    let src = r.source();
    if !JOIN_TOKEN.is_match(src) {
        return vec![at(
            rule,
            r,
            "`null_resource.manager_join_token` never runs `docker swarm join-token manager`",
            help,
        )];
    }
    let over_ssh = !r.nested("connection").is_empty() || src.contains("ssh ");
    if !over_ssh {
        return vec![at(
            rule,
            r,
            "`null_resource.manager_join_token` has no SSH `connection` (nor an `ssh` command)",
            help,
        )];
    }
    Vec::new()
}

fn join_managers(module: &Module, contract: &TfContract) -> Vec<Finding> {
    let rule = &SWARM_TF_005;
    let port = contract.manager_port;
    let help = format!(
        "declare `null_resource.swarm_join_manager` with `count = var.manager_count - 1` running `docker swarm join --token <manager token> <manager 0's private IP>:{port}`, the private IP written e.g. `one(hcloud_server.manager[0].network).ip`: the public address sends Raft traffic over the internet"
    );
    let Some(r) = module.resource("null_resource", "swarm_join_manager") else {
        return vec![missing(
            rule,
            module,
            "the module has no `null_resource.swarm_join_manager`",
            help,
        )];
    };
    let mut out = Vec::new();
    let env = Env::new(module);
    match (instances(&env, r, 3.0), instances(&env, r, 5.0)) {
        (Ok(2.0), Ok(4.0)) => {}
        (Err(u), _) | (_, Err(u)) => out.push(cannot_tell(rule, &u, "the join count", &help)),
        _ => out.push(at(
            rule,
            r,
            "`null_resource.swarm_join_manager` is not counted `var.manager_count - 1`",
            &help,
        )),
    }
    let src = r.source();
    let Some(join) = src.find("swarm join") else {
        out.push(at(
            rule,
            r,
            "`null_resource.swarm_join_manager` never runs `docker swarm join`",
            &help,
        ));
        return out;
    };
    let tail = &src[join..];
    // The command runs to its address (`…:2377`), or to the end of its string.
    let end = find_port(tail, port)
        .or_else(|| tail.find(['\n', '"', ']']))
        .unwrap_or(tail.len());
    if !tail[..end].contains("--token") {
        out.push(at(rule, r, "the join command has no `--token`", &help));
    }
    let Some(port_at) = find_port(tail, port) else {
        out.push(at(
            rule,
            r,
            format!("the join command does not address port {port}"),
            &help,
        ));
        return out;
    };
    let addr = address_before(&tail[..port_at]);
    let offset = r.block_offset() + join + port_at - addr.len();
    let pos = r.file.pos(offset);
    match classify(module, addr, 0) {
        Address::Private => {}
        Address::Public(why) => out.push(
            Finding::new(
                rule,
                &r.file.path,
                pos,
                format!("managers join manager 0 on {why}, not its private IP"),
            )
            .with_help(&help),
        ),
        Address::Unknown(why) => out.push(
            Finding::new(
                rule,
                &r.file.path,
                pos,
                format!("the join address `{addr}` ({why})"),
            )
            .with_help(&help)
            .cannot_tell(),
        ),
    }
    out
}

/// The offset just past `…:PORT` in `text` (the end of the address).
fn find_port(text: &str, port: u16) -> Option<usize> {
    let needle = format!(":{port}");
    let mut from = 0;
    while let Some(i) = text[from..].find(&needle) {
        let at = from + i;
        let after = text[at + needle.len()..].chars().next();
        if !after.is_some_and(|c| c.is_ascii_digit()) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// The address written right before `:PORT`: an interpolation `${…}` or a
/// bare host.
fn address_before(text: &str) -> &str {
    if text.ends_with('}') {
        let mut depth = 0usize;
        for (i, c) in text.char_indices().rev() {
            match c {
                '}' => depth += 1,
                '{' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let start = text[..i].strip_suffix('$').map_or(i, str::len);
                        return &text[start..];
                    }
                }
                _ => {}
            }
        }
        return text;
    }
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || *c == '"' || *c == '\'' || *c == '@')
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

enum Address {
    Private,
    Public(String),
    Unknown(String),
}

static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static LOCAL_OR_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\$\{\s*(local|var)\.([A-Za-z0-9_-]+)\s*\}$")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Whether an address (as written) is manager 0's private IP.
fn classify(module: &Module, addr: &str, depth: usize) -> Address {
    let addr = addr.trim();
    if let Some(c) = IPV4.captures(addr) {
        let o: Vec<u8> = (1..=4).filter_map(|i| c[i].parse().ok()).collect();
        return match o.as_slice() {
            [10, ..] | [192, 168, ..] => Address::Private,
            [172, b, ..] if (16..=31).contains(b) => Address::Private,
            [_, _, _, _] => Address::Public(format!("the public address {addr}")),
            _ => Address::Unknown("not an IPv4 address".into()),
        };
    }
    if addr.contains("ipv4_address") || addr.contains("ipv6_address") {
        return Address::Public(format!("`{addr}`, a public address"));
    }
    if let Some(c) = LOCAL_OR_VAR.captures(addr) {
        if depth > 4 {
            return Address::Unknown("references nest too deep".into());
        }
        let name = &c[2];
        if &c[1] == "local" {
            if let Some((file, expr)) = module.locals().get(name) {
                let src = file.source_of(*expr).trim();
                let next = match src.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    Some(literal) => literal.to_owned(),
                    None => format!("${{{src}}}"),
                };
                return classify(module, &next, depth + 1);
            }
        } else if let Ok(Val::Str(ip)) = Env::new(module).eval_var(name) {
            return classify(module, &ip, depth + 1);
        }
        return Address::Unknown(format!("`{}.{name}` cannot be resolved", &c[1]));
    }
    let inner = addr
        .trim_start_matches("${")
        .trim_end_matches('}')
        .replace(char::is_whitespace, "");
    let ends_with_ip = inner.rsplit('.').next() == Some("ip") && inner.contains('.');
    let private_spelling =
        ends_with_ip && (inner.contains(".network") || inner.starts_with("hcloud_server_network."));
    if private_spelling {
        if inner.contains("hcloud_server.manager[0]")
            || inner.contains("hcloud_server.manager.0")
            || inner.starts_with("hcloud_server_network.")
        {
            Address::Private
        } else {
            Address::Public(format!(
                "`{addr}`, a private IP of another server than manager 0"
            ))
        }
    } else if let Some(inner) = inner.strip_prefix('"') {
        classify(module, inner.trim_end_matches('"'), depth + 1)
    } else {
        Address::Unknown("not a spelling of a private IP this check knows".into())
    }
}

fn join_provisioners(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_006;
    let help = "set `on_failure = fail` on the join provisioner and end its script with a triage tail such as `|| (journalctl -u docker --no-pager | tail -n 50; exit 1)`";
    let mut out = Vec::new();
    let joins: Vec<BlockRef<'_>> = module
        .resources("null_resource")
        .into_iter()
        .filter(|r| {
            r.block
                .labels
                .get(1)
                .is_some_and(|l| l.as_str().contains("join") && !l.as_str().contains("token"))
        })
        .collect();
    for r in joins {
        for p in r.children("provisioner") {
            let fails = p
                .expr("on_failure")
                .is_some_and(|e| p.file.source_of(e).trim().trim_matches('"') == "fail");
            if !fails {
                let pos = p
                    .attr("on_failure")
                    .map_or_else(|| p.pos(), |a| p.file.pos_of(a));
                out.push(
                    Finding::new(
                        rule,
                        &p.file.path,
                        pos,
                        format!(
                            "a join provisioner of `{}` does not set `on_failure = fail`",
                            r.address()
                        ),
                    )
                    .with_help(help),
                );
            }
            if !p.source().contains("journalctl -u docker") {
                out.push(at(rule, p, format!("a join provisioner of `{}` prints no `journalctl -u docker` tail for triage", r.address()), help));
            }
        }
    }
    out
}
