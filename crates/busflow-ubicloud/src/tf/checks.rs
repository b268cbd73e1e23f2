//! The checks of UBI-TF-001 … 004.

use crate::catalog::{UBI_CUT_011, UBI_TF_001, UBI_TF_002, UBI_TF_003, UBI_TF_004, UBIX_001};
use busflow_hcl::{BlockRef, Env, Module, Val, hcl_edit};

use super::provider::{self, Attr, Constraint};
use super::{at, missing};
use crate::Finding;
use crate::location::Location;

/// The module's expected variables: name, type, default (`None`: required).
const VARIABLES: [(&str, &str, Option<&str>); 8] = [
    ("environment", "string", None),
    ("ubicloud_project_id", "string", None),
    ("hetzner_location", "string", Some("\"fsn1\"")),
    ("postgres_tier", "string", Some("\"standard-2\"")),
    ("postgres_version", "number", Some("16")),
    ("ha_mode", "string", Some("\"async\"")),
    ("pitr_retention_days", "number", Some("7")),
    ("allowed_cidrs", "list(string)", None),
];

/// UBI-TF-001 … 003 on the module, and UBI-TF-004 on any
/// `required_providers` it declares.
pub fn check_module(module: &Module) -> Vec<Finding> {
    let mut out: Vec<Finding> = module
        .parse_errors
        .iter()
        .map(|e| {
            Finding::new(
                &UBIX_001,
                &e.path,
                e.pos,
                format!("the file does not parse as HCL: {}", e.message),
            )
            .with_help("fix the syntax; no clause of this file can be checked until it parses")
        })
        .collect();
    out.extend(variables(module));
    out.extend(resources(module));
    out.extend(outputs(module));
    out.extend(check_providers(module));
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

fn variables(module: &Module) -> Vec<Finding> {
    let rule = &UBI_TF_001;
    let help = "declare the variables of 000 §6.2 with their types and defaults: environment, ubicloud_project_id, hetzner_location (validated to fsn1), postgres_tier = \"standard-2\", postgres_version = 16, ha_mode = \"async\" (async|sync), pitr_retention_days = 7, allowed_cidrs list(string)";
    let mut out = Vec::new();
    let env = Env::new(module);
    for (name, typ, default) in VARIABLES {
        let Some(v) = module.variable(name) else {
            out.push(missing(
                rule,
                module,
                format!("the module has no `variable \"{name}\"`"),
                help,
            ));
            continue;
        };
        let written_type = v
            .expr("type")
            .map(|e| v.file.source_of(e).replace(char::is_whitespace, ""));
        if written_type.as_deref() != Some(typ) {
            out.push(at(
                rule,
                v,
                format!(
                    "`var.{name}` has type {}, not `{typ}`",
                    written_type.map_or("none".into(), |t| format!("`{t}`"))
                ),
                help,
            ));
        }
        match (default, v.expr("default")) {
            (None, Some(_)) if name == "environment" => {
                out.push(at(
                    rule,
                    v,
                    "`var.environment` has a default: it must be given by the caller",
                    help,
                ));
            }
            (Some(want), got) => {
                let got = got.map(|e| v.file.source_of(e).trim().to_owned());
                if got.as_deref() != Some(want) {
                    out.push(at(
                        rule,
                        v,
                        format!(
                            "`var.{name}` defaults to {}, not {want}",
                            got.unwrap_or_else(|| "nothing".into())
                        ),
                        help,
                    ));
                }
            }
            _ => {}
        }
    }
    out.extend(validations(module, &env, help));
    out
}

/// The validations of `hetzner_location` and `ha_mode`, judged by
/// evaluating them on values they must accept and refuse.
fn validations(module: &Module, env: &Env<'_>, help: &str) -> Vec<Finding> {
    let rule = &UBI_TF_001;
    let mut out = Vec::new();
    for (name, accepted, refused) in [
        (
            "hetzner_location",
            &["fsn1"][..],
            &["nbg1", "hel1", "ash"][..],
        ),
        (
            "ha_mode",
            &["async", "sync"][..],
            &["none", "ASYNC", ""][..],
        ),
    ] {
        let Some(v) = module.variable(name) else {
            continue;
        };
        let validations = v.children("validation");
        if validations.is_empty() {
            out.push(at(rule, v, format!("`var.{name}` has no validation"), help));
            continue;
        }
        let judge = |value: &str| -> Result<bool, String> {
            let env = env.clone().with_var(name, Val::Str(value.into()));
            let mut all = true;
            for val in &validations {
                let Some(cond) = val.expr("condition") else {
                    return Err("a validation without a condition".into());
                };
                match env.eval(val.file, cond) {
                    Ok(Val::Bool(b)) => all &= b,
                    Ok(_) => return Err("a condition that is not a boolean".into()),
                    Err(u) => return Err(format!("cannot tell: `{}` ({})", u.source, u.why)),
                }
            }
            Ok(all)
        };
        let mut wrong = Vec::new();
        for (value, want) in accepted
            .iter()
            .map(|a| (a, true))
            .chain(refused.iter().map(|r| (r, false)))
        {
            match judge(value) {
                Ok(got) if got == want => {}
                Ok(got) => wrong.push(format!(
                    "\"{value}\" {}",
                    if got { "accepted" } else { "refused" }
                )),
                Err(why) => {
                    wrong.push(why);
                    break;
                }
            }
        }
        if !wrong.is_empty() {
            out.push(at(
                rule,
                validations[0],
                format!("the validation of `var.{name}`: {}", wrong.join(", ")),
                help,
            ));
        }
    }
    out
}

fn resources(module: &Module) -> Vec<Finding> {
    let rule = &UBI_TF_002;
    let mut out = Vec::new();
    for r in module.blocks("resource", &[]) {
        let kind = r
            .block
            .labels
            .first()
            .map(busflow_hcl::hcl_edit::structure::BlockLabel::as_str)
            .unwrap_or_default();
        if !kind.starts_with("ubicloud_") {
            continue;
        }
        let Some(schema) = provider::resource(kind) else {
            let instead = if kind.contains("firewall") {
                "busflow-ubicloud's `ensure_firewall(allowed_cidrs)` reconciles the rules through the REST API"
            } else if kind.contains("metric") {
                "busflow-ubicloud's `ensure_metric_destination` adds it through the REST API"
            } else {
                "manage it through busflow-ubicloud's REST client"
            };
            out.push(at(rule, r, format!("`{kind}` is not a resource of the ubicloud/ubicloud provider (it has {}): `terraform validate` refuses it", provider::RESOURCES.iter().map(|s| s.kind).collect::<Vec<_>>().join(", ")), format!("remove it from the module; {instead}")));
            continue;
        };
        for attr in r.block.body.attributes() {
            let key = attr.key.as_str();
            if matches!(
                key,
                "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
            ) {
                continue;
            }
            match schema.attribute(key) {
                Some(Attr::Required | Attr::Optional) => {}
                Some(Attr::Computed) => out.push(
                    Finding::new(
                        rule,
                        &r.file.path,
                        r.file.pos_of(attr),
                        format!("`{key}` of `{kind}` is read-only"),
                    )
                    .with_help("remove it: the provider computes it"),
                ),
                None => {
                    let why = if key == "restrict_by_default" {
                        "the provider never sends `restrict_by_default`: busflow-ubicloud's client creates the database restricted instead"
                    } else {
                        "the provider's schema has no such attribute"
                    };
                    out.push(
                        Finding::new(
                            rule,
                            &r.file.path,
                            r.file.pos_of(attr),
                            format!("`{key}` is not an attribute of `{kind}`"),
                        )
                        .with_help(why),
                    );
                }
            }
        }
        for (name, a) in schema.attributes {
            if *a == Attr::Required && r.attr(name).is_none() {
                out.push(at(
                    rule,
                    r,
                    format!("`{kind}` lacks the required `{name}`"),
                    format!("set `{name}`"),
                ));
            }
        }
    }
    match module.resource("ubicloud_postgres", "primary") {
        None => out.push(missing(rule, module, "the module has no `ubicloud_postgres.primary`", "declare `resource \"ubicloud_postgres\" \"primary\"` with project_id, location, name, size (var.postgres_tier), ha_type (var.ha_mode) and version")),
        Some(p) => {
            // UBI-CUT-011's static half: the instance is in Falkenstein.
            if let Some(e) = p.expr("location") {
                let env = Env::new(module);
                match env.eval(p.file, e) {
                    Ok(v) if v.to_text().as_deref() == Some(Location::FALKENSTEIN.ubicloud) => {}
                    Ok(v) => out.push(Finding::new(&UBI_CUT_011, &p.file.path, p.file.pos_of(e), format!("the instance's location is `{}`, not `{}` (Hetzner's fsn1)", v.to_text().unwrap_or_default(), Location::FALKENSTEIN.ubicloud)).with_help("map the Hetzner location through the table: `{ fsn1 = \"eu-central-h1\" }[var.hetzner_location]`")),
                    Err(u) => out.push(Finding::new(&UBI_CUT_011, &u.file, u.pos, format!("cannot tell the instance's location: `{}` ({})", u.source, u.why)).with_help("write the location so it can be evaluated from the module").cannot_tell()),
                }
            }
        }
    }
    out
}

fn outputs(module: &Module) -> Vec<Finding> {
    let rule = &UBI_TF_003;
    let mut out = Vec::new();
    for (name, sensitive) in [
        ("connection_uri_writer", true),
        ("connection_uri_reader", true),
        ("ca_certificate", true),
        ("instance_fqdn", false),
    ] {
        let Some(o) = module.output(name) else {
            out.push(missing(
                rule,
                module,
                format!("the module has no `output \"{name}\"`"),
                "declare it: secrets-sync.yml feeds the Docker secrets from these outputs",
            ));
            continue;
        };
        if sensitive {
            let set = o
                .expr("sensitive")
                .is_some_and(|e| o.file.source_of(e).trim() == "true");
            if !set {
                out.push(at(rule, o, format!("`output \"{name}\"` is not `sensitive = true`: it would print in plan output and CI logs"), "add `sensitive = true`"));
            }
        }
        if let Some(value) = o.expr("value") {
            out.extend(unreadable(o, value));
        }
    }
    out
}

/// Attributes an output reads that the provider's resource does not have.
fn unreadable(o: BlockRef<'_>, value: &hcl_edit::expr::Expression) -> Vec<Finding> {
    let src = o.file.source_of(value);
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("ubicloud_postgres.") {
        let after = &rest[i + "ubicloud_postgres.".len()..];
        let is_data = rest[..i].ends_with("data.");
        let path: Vec<&str> = after
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .next()
            .unwrap_or_default()
            .split('.')
            .collect();
        if let Some(attr) = path.get(1) {
            let schema = if is_data {
                provider::data_source("ubicloud_postgres")
            } else {
                provider::resource("ubicloud_postgres")
            };
            if schema.is_some_and(|s| s.attribute(attr).is_none()) {
                out.push(Finding::new(
                    &UBI_TF_003,
                    &o.file.path,
                    o.file.pos_of(value),
                    format!("`{}ubicloud_postgres.{}.{attr}` does not exist in the provider", if is_data { "data." } else { "" }, path[0])
).with_help("the provider exposes no connection URIs or CA on the resource: feed these outputs from busflow-ubicloud's client (CA from `ca-certificates`, URIs with sslmode=verify-full) or from `data.ubicloud_postgres.*.connection_string`"));
            }
        }
        rest = after;
    }
    out
}

/// UBI-TF-004 on every `required_providers` entry for ubicloud and every
/// `provider "ubicloud"` block of `module` (the production environment's
/// `providers.tf`, or the module itself).
pub fn check_providers(module: &Module) -> Vec<Finding> {
    let rule = &UBI_TF_004;
    let mut out = Vec::new();
    for t in module.blocks("terraform", &[]) {
        for rp in t.children("required_providers") {
            let Some(entry) = rp.expr("ubicloud") else {
                continue;
            };
            let Val::Map(fields) = Env::new(module).eval(rp.file, entry).unwrap_or(Val::Null)
            else {
                out.push(Finding::new(
                    rule,
                    &rp.file.path,
                    rp.file.pos_of(entry),
                    "the `ubicloud` provider requirement is not an object `{ source, version }`"
).with_help("write `ubicloud = { source = \"ubicloud/ubicloud\", version = \"~> 0.1\" }`"));
                continue;
            };
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.to_text())
            };
            let pos = rp.file.pos_of(entry);
            if get("source").as_deref() != Some("ubicloud/ubicloud") {
                out.push(
                    Finding::new(
                        rule,
                        &rp.file.path,
                        pos,
                        format!(
                            "the provider source is {}, not `ubicloud/ubicloud`",
                            get("source").map_or("missing".into(), |s| format!("`{s}`"))
                        ),
                    )
                    .with_help("use the published provider `ubicloud/ubicloud`"),
                );
            }
            match get("version").map(|v| (Constraint::parse(&v), v)) {
                None => out.push(
                    Finding::new(
                        rule,
                        &rp.file.path,
                        pos,
                        "the ubicloud provider has no version constraint",
                    )
                    .with_help("pin it: `version = \"~> 0.1\"`"),
                ),
                Some((Err(why), _)) => out.push(
                    Finding::new(rule, &rp.file.path, pos, why)
                        .with_help("write a Terraform version constraint such as `~> 0.1`"),
                ),
                Some((Ok(c), text)) => {
                    let known = provider::RELEASES
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ");
                    if c.matching().is_empty() {
                        out.push(Finding::new(rule, &rp.file.path, pos, format!("no published release of ubicloud/ubicloud satisfies `{text}` (known: {known}): `terraform init` fails")).with_help("pin a line that exists: `~> 0.1` (the documented `~> 0.3` was never released)"));
                    } else if !c.is_pessimistic() {
                        out.push(Finding::new(rule, &rp.file.path, pos, format!("`{text}` does not pin with `~>`: a new minor line would be picked up unreviewed")).with_help("use a pessimistic constraint such as `~> 0.1`"));
                    }
                }
            }
        }
    }
    for p in module.blocks("provider", &["ubicloud"]) {
        let ok = p
            .expr("project_id")
            .is_some_and(|e| p.file.source_of(e).trim() == "var.ubicloud_project_id");
        if !ok {
            out.push(at(
                rule,
                p,
                "`provider \"ubicloud\"` does not take `project_id = var.ubicloud_project_id`",
                "set `project_id = var.ubicloud_project_id`",
            ));
        }
    }
    out
}
