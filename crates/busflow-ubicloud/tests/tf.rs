//! UBI-TF-001 … 004 (and UBI-CUT-011's static half) on the reference module
//! and production providers, and on one mutation per clause.

use std::path::{Path, PathBuf};

use busflow_ubicloud::{Finding, GAPS, Module, check_module, check_providers};

fn infra() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra/terraform")
}

fn files(dir: &str) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(infra().join(dir))
        .expect("reference folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| {
            (
                PathBuf::from(p.file_name().expect("name")),
                std::fs::read_to_string(&p).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

const MODULE: &str = "modules/postgres-ubicloud";
const PROVIDERS: &str = "environments/production";

fn mutated(dir: &str, file: &str, from: &str, to: &str) -> (Vec<Finding>, String) {
    let mut fs = files(dir);
    let (_, text) = fs
        .iter_mut()
        .find(|(p, _)| p == Path::new(file))
        .unwrap_or_else(|| panic!("no {file}"));
    assert!(text.contains(from), "{file} has no `{from}`");
    *text = text.replacen(from, to, 1);
    let text = text.clone();
    let module = Module::from_sources(Path::new(dir), fs, Vec::new());
    let found = if dir == MODULE {
        check_module(&module)
    } else {
        check_providers(&module)
    };
    (found, text)
}

fn line_of(text: &str, needle: &str) -> u32 {
    let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`"));
    u32::try_from(text[..at].matches('\n').count() + 1).expect("small")
}

fn only<'a>(f: &'a [Finding], rule: &str) -> &'a [Finding] {
    assert!(!f.is_empty(), "expected {rule}, got nothing");
    assert!(
        f.iter().all(|x| x.rule_id == rule),
        "expected only {rule}: {f:#?}"
    );
    f
}

#[test]
fn the_reference_module_and_providers_satisfy_every_clause() {
    let module = Module::load(&infra().join(MODULE)).expect("loads");
    assert!(
        check_module(&module).is_empty(),
        "{:#?}",
        check_module(&module)
    );
    let env = Module::load(&infra().join(PROVIDERS)).expect("loads");
    assert!(
        check_providers(&env).is_empty(),
        "{:#?}",
        check_providers(&env)
    );
}

#[test]
fn ubi_tf_001_a_wrong_default_a_missing_type_and_a_loose_validation_are_found() {
    let (f, text) = mutated(
        MODULE,
        "variables.tf",
        "  default     = \"standard-2\"",
        "  default     = \"standard-4\"",
    );
    assert_eq!(
        only(&f, "UBI-TF-001")[0].start.line,
        line_of(&text, "variable \"postgres_tier\"")
    );
    let (f, _) = mutated(MODULE, "variables.tf", "  type        = list(string)\n", "");
    assert!(only(&f, "UBI-TF-001")[0].message.contains("type none"));
    let (f, _) = mutated(
        MODULE,
        "variables.tf",
        "contains([\"async\", \"sync\"], var.ha_mode)",
        "var.ha_mode != \"\"",
    );
    assert!(
        only(&f, "UBI-TF-001")[0]
            .message
            .contains("\"none\" accepted"),
        "{f:#?}"
    );
    let (f, _) = mutated(
        MODULE,
        "variables.tf",
        "  type        = string\n}\n\nvariable \"ubicloud_project_id\"",
        "  type        = string\n  default     = \"production\"\n}\n\nvariable \"ubicloud_project_id\"",
    );
    assert!(
        only(&f, "UBI-TF-001")[0]
            .message
            .contains("must be given by the caller")
    );
}

#[test]
fn ubi_tf_002_resources_the_provider_does_not_have_are_found_with_what_covers_them() {
    let extra = "\nresource \"ubicloud_postgres_firewall_rule\" \"swarm\" {\n  for_each = toset(var.allowed_cidrs)\n  cidr     = each.value\n}\n";
    let (f, text) = mutated(
        MODULE,
        "main.tf",
        "data \"ubicloud_postgres\"",
        &format!("{extra}\ndata \"ubicloud_postgres\""),
    );
    let f = only(&f, "UBI-TF-002");
    assert_eq!(
        f[0].start.line,
        line_of(&text, "resource \"ubicloud_postgres_firewall_rule\"")
    );
    assert!(f[0].help.contains("ensure_firewall"));
    let (f, _) = mutated(
        MODULE,
        "main.tf",
        "  version    = tostring(var.postgres_version)\n",
        "  version    = tostring(var.postgres_version)\n  restrict_by_default = true\n",
    );
    assert!(only(&f, "UBI-TF-002")[0].help.contains("never sends"));
    let (f, _) = mutated(MODULE, "main.tf", "  size       = var.postgres_tier\n", "");
    assert!(
        only(&f, "UBI-TF-002")[0]
            .message
            .contains("required `size`")
    );
    assert!(GAPS.iter().filter(|g| g.clause == "UBI-TF-002").count() >= 3);
}

#[test]
fn ubi_cut_011_an_instance_outside_falkenstein_is_found() {
    let (f, text) = mutated(
        MODULE,
        "main.tf",
        "    fsn1 = \"eu-central-h1\"",
        "    fsn1 = \"eu-north-h1\"",
    );
    let f = only(&f, "UBI-CUT-011");
    assert_eq!(
        f[0].start.line,
        line_of(&text, "location   = local.ubicloud_location")
    );
}

#[test]
fn ubi_tf_003_outputs_must_be_sensitive_and_readable_from_the_provider() {
    let (f, text) = mutated(
        MODULE,
        "outputs.tf",
        "  value     = var.ca_certificate_pem\n  sensitive = true\n",
        "  value     = var.ca_certificate_pem\n",
    );
    assert_eq!(
        only(&f, "UBI-TF-003")[0].start.line,
        line_of(&text, "output \"ca_certificate\"")
    );
    let (f, _) = mutated(
        MODULE,
        "outputs.tf",
        "data.ubicloud_postgres.primary.connection_string",
        "ubicloud_postgres.primary.connection_string",
    );
    assert!(
        only(&f, "UBI-TF-003")[0]
            .message
            .contains("does not exist in the provider")
    );
    let (f, _) = mutated(
        MODULE,
        "outputs.tf",
        "output \"instance_fqdn\"",
        "output \"fqdn\"",
    );
    let _ = only(&f, "UBI-TF-003");
}

#[test]
fn ubi_tf_004_the_documented_0_3_line_was_never_released() {
    let (f, text) = mutated(
        PROVIDERS,
        "providers.tf",
        "version = \"~> 0.1\"",
        "version = \"~> 0.3\"",
    );
    let f = only(&f, "UBI-TF-004");
    assert_eq!(f[0].start.line, line_of(&text, "ubicloud = {"));
    assert!(
        f[0].message.contains("no published release"),
        "{}",
        f[0].message
    );
    let (f, _) = mutated(
        PROVIDERS,
        "providers.tf",
        "version = \"~> 0.1\"",
        "version = \">= 0.1\"",
    );
    assert!(only(&f, "UBI-TF-004")[0].message.contains("does not pin"));
    let (f, _) = mutated(
        PROVIDERS,
        "providers.tf",
        "project_id = var.ubicloud_project_id",
        "project_id = \"pj123\"",
    );
    let _ = only(&f, "UBI-TF-004");
    let (f, _) = mutated(
        PROVIDERS,
        "providers.tf",
        "ubicloud/ubicloud",
        "someone/ubicloud",
    );
    let _ = only(&f, "UBI-TF-004");
}

#[test]
fn ubix_001_a_file_that_does_not_parse_is_a_finding() {
    let (f, _) = mutated(
        MODULE,
        "main.tf",
        "resource \"ubicloud_postgres\" \"primary\" {",
        "resource \"ubicloud_postgres\" \"primary\" {{",
    );
    assert!(f.iter().any(|x| x.rule_id == "UBIX-001"), "{f:#?}");
}
