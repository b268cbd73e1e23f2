//! SSH host keys: SWARM-TF-007 (one key per manager, by `count.index`),
//! SWARM-TF-008 (the `manager_host_keys` output) and SWARM-TF-009 (no
//! spelling of disabled host-key checking anywhere; every SSH `connection`
//! pins `host_key` to the published manager keys).

use crate::catalog::{SWARM_TF_007, SWARM_TF_008, SWARM_TF_009};
use std::sync::LazyLock;

use busflow_hcl::hcl_edit::expr::Expression;
use regex::Regex;

use super::eval::{Env, Val};
use super::module::{BlockRef, Module};
use super::{at, cannot_tell, instances, missing};
use crate::Finding;
use crate::source::LineIndex;

static INDEXED_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"tls_private_key\.host_key_manager\s*\[\s*count\.index\s*\]")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
/// `StrictHostKeyChecking=no`, `-oStrictHostKeyChecking=no`,
/// `StrictHostKeyChecking no`, in any case and quoting.
static NO_CHECKING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)StrictHostKeyChecking["']?\s*(?:=|\s)\s*["']?(?:no|off)\b"#)
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static NULL_KNOWN_HOSTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)UserKnownHostsFile["']?\s*(?:=|\s)\s*["']?/dev/null"#)
        .unwrap_or_else(|e| unreachable!("{e}"))
});

pub(super) fn check(module: &Module) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(per_manager_keys(module));
    out.extend(published_keys(module));
    out.extend(no_disabled_checking(module));
    out.extend(connections_pin_keys(module));
    out
}

fn per_manager_keys(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_007;
    let help = "declare `resource \"tls_private_key\" \"host_key_manager\"` with `count = var.manager_count` and give manager N the key `tls_private_key.host_key_manager[count.index]` (in its user_data or ssh_keys setup)";
    let Some(k) = module.resource("tls_private_key", "host_key_manager") else {
        return vec![missing(
            rule,
            module,
            "the module has no `tls_private_key.host_key_manager`",
            help,
        )];
    };
    let mut out = Vec::new();
    let env = Env::new(module);
    match (instances(&env, k, 3.0), instances(&env, k, 5.0)) {
        (Ok(3.0), Ok(5.0)) if k.expr("count").is_some() => {}
        (Err(u), _) | (_, Err(u)) => out.push(cannot_tell(rule, &u, "the host key count", help)),
        _ => out.push(at(rule, k, "`tls_private_key.host_key_manager` is not counted by `var.manager_count`: managers would share a host key", help)),
    }
    let indexed = module
        .resource("hcloud_server", "manager")
        .is_some_and(|m| INDEXED_KEY.is_match(m.source()))
        || module
            .locals()
            .values()
            .any(|(f, e)| INDEXED_KEY.is_match(f.source_of(*e)));
    if !indexed {
        let anchor = module.resource("hcloud_server", "manager").unwrap_or(k);
        out.push(at(
            rule,
            anchor,
            "no manager takes its key by `tls_private_key.host_key_manager[count.index]`",
            help,
        ));
    }
    out
}

fn published_keys(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_008;
    let help = "publish `output \"manager_host_keys\" { value = { for i, k in tls_private_key.host_key_manager : \"manager-${i + 1}\" => k.public_key_fingerprint_sha256 } }` so CI can pin every manager's fingerprint";
    let Some(o) = module.output("manager_host_keys") else {
        return vec![missing(
            rule,
            module,
            "the module has no `output \"manager_host_keys\"`",
            help,
        )];
    };
    let Some(value) = o.expr("value") else {
        return vec![at(
            rule,
            o,
            "`output \"manager_host_keys\"` has no value",
            help,
        )];
    };
    let wrong = |m: &str| {
        vec![Finding::new(rule, &o.file.path, o.file.pos_of(value), m.to_owned()).with_help(help)]
    };
    match value {
        Expression::ForExpr(f) => {
            if !o
                .file
                .source_of(&f.intro.collection_expr)
                .contains("tls_private_key.host_key_manager")
            {
                return wrong(
                    "`manager_host_keys` does not iterate over `tls_private_key.host_key_manager`",
                );
            }
            let Some(key) = &f.key_expr else {
                return wrong("`manager_host_keys` is a list, not a map `{ manager-1 = …, … }`");
            };
            if !o.file.source_of(&f.value_expr).contains("fingerprint") {
                return wrong("the values of `manager_host_keys` are not fingerprints");
            }
            let key_var = f.intro.key_var.as_ref().map_or("", |k| k.as_str());
            let env = Env::new(module);
            let mut names = Vec::new();
            for i in 0..3 {
                match env
                    .clone()
                    .with_scope(key_var, Val::Num(f64::from(i)))
                    .eval(o.file, key)
                {
                    Ok(v) => names.push(v.to_text().unwrap_or_default()),
                    Err(u) => {
                        return vec![cannot_tell(
                            rule,
                            &u,
                            "the keys of `manager_host_keys`",
                            help,
                        )];
                    }
                }
            }
            if names != ["manager-1", "manager-2", "manager-3"] {
                return wrong(&format!(
                    "the keys of `manager_host_keys` are {names:?}, not manager-1, manager-2, …"
                ));
            }
            Vec::new()
        }
        Expression::Object(obj) => {
            let default = module
                .variable("manager_count")
                .and_then(|v| v.expr("default").map(|e| (v, e)))
                .and_then(|(v, e)| Env::new(module).eval(v.file, e).ok())
                .and_then(|v| v.as_num())
                .unwrap_or(1.0);
            let keys: Vec<String> = obj
                .iter()
                .map(|(k, _)| o.file.source_of(k).trim().trim_matches('"').to_owned())
                .collect();
            let want: Vec<String> = (1..=super::eval::whole(default).unwrap_or(1))
                .map(|i| format!("manager-{i}"))
                .collect();
            if keys != want {
                return wrong(&format!(
                    "`manager_host_keys` lists {keys:?} but the module has {default} managers: write it as a `for` over the keys so that it follows `manager_count`"
                ));
            }
            Vec::new()
        }
        _ => wrong("`manager_host_keys` is not a map of manager names to fingerprints"),
    }
}

fn no_disabled_checking(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_009;
    let help = "remove it and pin the host instead: `host_key = tls_private_key.host_key_manager[N].public_key_openssh` in the connection, or a known_hosts line from the `manager_host_keys` output for ssh commands (ADR-025)";
    let mut out = Vec::new();
    let mut scan = |path: &std::path::Path, text: &str| {
        let index = LineIndex::new(text);
        for re in [&*NO_CHECKING, &*NULL_KNOWN_HOSTS] {
            for m in re.find_iter(text) {
                let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
                let before = text[line_start..m.start()].trim_start();
                if before.starts_with('#') || before.starts_with("//") {
                    continue; // a comment, not a command
                }
                let what = if re.as_str().contains("Strict") {
                    "disables host-key checking"
                } else {
                    "throws known hosts away"
                };
                out.push(
                    Finding::new(
                        rule,
                        path,
                        index.pos(text, m.start()),
                        format!("`{}` {what}", m.as_str()),
                    )
                    .with_help(help),
                );
            }
        }
    };
    for f in &module.files {
        scan(&f.path, &f.text);
    }
    for (path, text) in &module.scripts {
        scan(path, text);
    }
    out
}

fn connections_pin_keys(module: &Module) -> Vec<Finding> {
    let rule = &SWARM_TF_009;
    let help = "set `host_key = tls_private_key.host_key_manager[N].public_key_openssh` in the connection: without it Terraform skips host-key checking";
    let mut out = Vec::new();
    for f in &module.files {
        let Some(body) = f.body() else { continue };
        for block in body.blocks() {
            let b = BlockRef { file: f, block };
            let mut connections = b.nested("connection");
            if block.ident.as_str() == "connection" {
                connections.push(b);
            }
            for c in connections {
                let winrm = c
                    .expr("type")
                    .is_some_and(|t| f.source_of(t).contains("winrm"));
                if winrm {
                    continue;
                }
                match c.expr("host_key") {
                    None => out.push(at(rule, c, "an SSH `connection` without `host_key`: Terraform does not check the host key", help)),
                    Some(e) => {
                        let src = f.source_of(e);
                        if !(src.contains("host_key_manager") || src.contains("manager_host_keys")) {
                            out.push(Finding::new(rule, &f.path, f.pos_of(e), "`host_key` does not point at the published manager keys").with_help(help));
                        }
                    }
                }
            }
        }
    }
    out
}
