//! SWARM-TF-001 … 013 on the reference module and on one mutation of it per
//! clause: each mutation produces exactly its rule ID at the expected line.

use std::path::{Path, PathBuf};

use busflow_swarm::{Finding, Module, TfContract, check_module};

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra/terraform/modules/swarm")
}

fn reference() -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(reference_dir())
        .expect("the reference module")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (PathBuf::from(p.file_name().expect("name")), text)
        })
        .collect();
    files.sort();
    files
}

fn check(files: Vec<(PathBuf, String)>) -> Vec<Finding> {
    let module = Module::from_sources(Path::new("swarm"), files, Vec::new());
    check_module(&module, &TfContract::default())
}

/// The reference module with `from` replaced by `to` in `file`.
fn mutated(file: &str, from: &str, to: &str) -> Vec<Finding> {
    let mut files = reference();
    let (_, text) = files
        .iter_mut()
        .find(|(p, _)| p == Path::new(file))
        .unwrap_or_else(|| panic!("no {file}"));
    assert!(text.contains(from), "{file} has no `{from}`");
    *text = text.replacen(from, to, 1);
    check(files)
}

/// The 1-based line of the first `needle` in the reference `file`.
fn line_of(file: &str, needle: &str) -> u32 {
    let text = &reference()
        .into_iter()
        .find(|(p, _)| p == Path::new(file))
        .expect("file")
        .1;
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("no `{needle}` in {file}"));
    u32::try_from(text[..at].lines().count() + usize::from(text[..at].ends_with('\n') || at == 0))
        .expect("small")
}

fn only(findings: &[Finding], rule: &str) -> Vec<(u32, String)> {
    assert!(
        findings.iter().all(|f| f.rule_id == rule),
        "expected only {rule}, got {findings:#?}"
    );
    assert!(!findings.is_empty(), "expected a {rule} finding, got none");
    findings
        .iter()
        .map(|f| (f.start.line, f.message.clone()))
        .collect()
}

#[test]
fn the_reference_module_satisfies_every_clause() {
    let findings = check(reference());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn swarm_tf_001_an_even_count_that_passes_validation_is_found() {
    let f = mutated(
        "variables.tf",
        "var.manager_count % 2 == 1",
        "var.manager_count >= 1",
    );
    let got = only(&f, "SWARM-TF-001");
    assert_eq!(
        got[0].0,
        line_of("variables.tf", "var.manager_count % 2 == 1")
    );
    assert!(got[0].1.contains("even counts (2, 4, 6)"), "{got:?}");
    // Any spelling that refuses even counts passes.
    let f = mutated(
        "variables.tf",
        "var.manager_count % 2 == 1",
        "var.manager_count % 2 != 0 && var.manager_count <= 5",
    );
    assert!(f.is_empty(), "{f:#?}");
    let f = mutated(
        "variables.tf",
        "condition     = var.manager_count % 2 == 1",
        "condition     = contains([1, 3, 5], var.manager_count)",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn swarm_tf_001_no_validation_is_found_at_the_variable() {
    let f = mutated(
        "variables.tf",
        "  validation {\n    condition     = var.manager_count % 2 == 1\n    error_message = \"manager_count must be odd (1, 3 or 5) to keep a Raft majority.\"\n  }\n",
        "",
    );
    let got = only(&f, "SWARM-TF-001");
    assert_eq!(
        got[0].0,
        line_of("variables.tf", "variable \"manager_count\"")
    );
}

#[test]
fn swarm_tf_002_a_location_validation_that_lets_nbg1_through_is_found() {
    let f = mutated(
        "variables.tf",
        "contains([\"fsn1\"], var.hetzner_location)",
        "contains([\"fsn1\", \"nbg1\"], var.hetzner_location)",
    );
    let got = only(&f, "SWARM-TF-002");
    assert_eq!(got[0].0, line_of("variables.tf", "contains([\"fsn1\"]"));
    assert!(got[0].1.contains("nbg1 accepted"), "{got:?}");
    let f = mutated(
        "variables.tf",
        "contains([\"fsn1\"], var.hetzner_location)",
        "var.hetzner_location == \"fsn1\"",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn swarm_tf_003_swarm_init_on_every_manager_is_found() {
    let f = mutated(
        "main.tf",
        "count.index == 0 ? \"${local.docker_install_script}\\ndocker swarm init --advertise-addr ${local.manager_private_ip}\\n\" : local.docker_install_script",
        "\"${local.docker_install_script}\\ndocker swarm init\\n\"",
    );
    let got = only(&f, "SWARM-TF-003");
    assert_eq!(got[0].0, line_of("main.tf", "user_data = count.index == 0"));
    assert!(got[0].1.contains("other than index 0"), "{got:?}");
}

#[test]
fn swarm_tf_003_a_worker_with_its_own_script_and_a_fixed_manager_count_are_found() {
    let f = mutated(
        "main.tf",
        "  user_data   = local.docker_install_script\n",
        "  user_data   = \"#!/bin/sh\\ncurl get.docker.com | sh\"\n",
    );
    let got = only(&f, "SWARM-TF-003");
    assert!(got[0].1.contains("stateful_worker"), "{got:?}");
    let f = mutated(
        "main.tf",
        "  count       = var.manager_count\n  name        = \"manager-",
        "  count       = 3\n  name        = \"manager-",
    );
    let got = only(&f, "SWARM-TF-003");
    assert!(
        got[0].1.contains("not counted by `var.manager_count`"),
        "{got:?}"
    );
}

#[test]
fn swarm_tf_003_user_data_from_a_file_cannot_be_told() {
    let f = mutated(
        "main.tf",
        "user_data   = local.docker_install_script",
        "user_data   = file(\"install.sh\")",
    );
    let got = only(&f, "SWARM-TF-003");
    assert!(got[0].1.starts_with("cannot tell"), "{got:?}");
    assert_eq!(f[0].severity, busflow_swarm::Severity::Warning);
}

#[test]
fn swarm_tf_004_a_missing_join_token_resource_is_found() {
    let f = mutated("join.tf", "\"manager_join_token\" {", "\"join_token\" {");
    let got = only(&f, "SWARM-TF-004");
    assert!(got[0].1.contains("manager_join_token"), "{got:?}");
    let f = mutated("join.tf", "join-token -q manager", "join-token -q worker");
    only(&f, "SWARM-TF-004");
}

#[test]
fn swarm_tf_005_joining_on_the_public_address_is_found_at_the_address() {
    let f = mutated(
        "join.tf",
        "${one(hcloud_server.manager[0].network).ip}:2377",
        "${hcloud_server.manager[0].ipv4_address}:2377",
    );
    let got = only(&f, "SWARM-TF-005");
    assert_eq!(got[0].0, line_of("join.tf", "docker swarm join --token"));
    assert!(got[0].1.contains("ipv4_address"), "{got:?}");
    // Every spelling of the private IP counts.
    for spelling in [
        "${tolist(hcloud_server.manager[0].network)[0].ip}:2377",
        "${hcloud_server_network.manager0.ip}:2377",
        "10.0.1.1:2377",
        "${local.manager_private_ip}:2377",
    ] {
        let f = mutated(
            "join.tf",
            "${one(hcloud_server.manager[0].network).ip}:2377",
            spelling,
        );
        assert!(f.is_empty(), "{spelling}: {f:#?}");
    }
    let f = mutated(
        "join.tf",
        "${one(hcloud_server.manager[0].network).ip}:2377",
        "${one(hcloud_server.manager[0].network).ip}:2376",
    );
    only(&f, "SWARM-TF-005");
    let f = mutated(
        "join.tf",
        "count      = var.manager_count - 1",
        "count      = var.manager_count",
    );
    only(&f, "SWARM-TF-005");
    let f = mutated("join.tf", "docker swarm join --token", "docker swarm join");
    assert!(only(&f, "SWARM-TF-005")[0].1.contains("no `--token`"));
}

#[test]
fn swarm_tf_006_a_join_that_continues_on_failure_or_prints_nothing_is_found() {
    let f = mutated("join.tf", "on_failure = fail", "on_failure = continue");
    let got = only(&f, "SWARM-TF-006");
    assert_eq!(got[0].0, line_of("join.tf", "on_failure = fail"));
    let f = mutated(
        "join.tf",
        " || (journalctl -u docker --no-pager | tail -n 50; exit 1)",
        "",
    );
    only(&f, "SWARM-TF-006");
}

#[test]
fn swarm_tf_007_a_shared_host_key_is_found() {
    let f = mutated(
        "main.tf",
        "  count     = var.manager_count\n  algorithm",
        "  algorithm",
    );
    let got = only(&f, "SWARM-TF-007");
    assert_eq!(got[0].0, line_of("main.tf", "resource \"tls_private_key\""));
}

#[test]
fn swarm_tf_008_host_keys_keyed_by_index_are_found() {
    let f = mutated("outputs.tf", "\"manager-${i + 1}\"", "\"manager-${i}\"");
    let got = only(&f, "SWARM-TF-008");
    assert!(got[0].1.contains("manager-0"), "{got:?}");
    let f = mutated("outputs.tf", "value       = {", "value2      = {");
    only(&f, "SWARM-TF-008");
}

#[test]
fn swarm_tf_009_every_spelling_of_disabled_checking_is_found() {
    for (spelling, col) in [
        // Columns count from the line start: `    inline = ["` is 15 characters.
        ("ssh -o StrictHostKeyChecking=no root@x", 23),
        ("ssh -oStrictHostKeyChecking=no root@x", 22),
        ("ssh -o 'stricthostkeychecking no' root@x", 24),
        ("ssh -o UserKnownHostsFile=/dev/null root@x", 23),
    ] {
        let f = mutated(
            "main.tf",
            "\"cloud-init status --wait\"",
            &format!("\"{spelling}\""),
        );
        let got = only(&f, "SWARM-TF-009");
        assert_eq!(got.len(), 1, "{spelling}: {got:?}");
        assert_eq!(
            f[0].start.line,
            line_of("main.tf", "cloud-init status --wait"),
            "{spelling}"
        );
        assert_eq!(f[0].start.column, col, "{spelling}");
    }
    // In a heredoc local too; but a comment is not a command.
    let f = mutated(
        "main.tf",
        "    apt-get update\n",
        "    apt-get update\n    ssh -o StrictHostKeyChecking=No git@example.com true\n",
    );
    only(&f, "SWARM-TF-009");
    let f = mutated(
        "main.tf",
        "    apt-get update\n",
        "    # never: ssh -o StrictHostKeyChecking=no\n    apt-get update\n",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn swarm_tf_009_a_connection_without_host_key_is_found() {
    let f = mutated(
        "join.tf",
        "    host_key    = tls_private_key.host_key_manager[0].public_key_openssh\n",
        "",
    );
    let got = only(&f, "SWARM-TF-009");
    assert_eq!(got[0].0, line_of("join.tf", "connection {"));
}

#[test]
fn swarm_tf_010_a_volume_on_a_manager_is_found() {
    let f = mutated(
        "main.tf",
        "server_id = hcloud_server.stateful_worker[0].id",
        "server_id = hcloud_server.manager[0].id",
    );
    let got = only(&f, "SWARM-TF-010");
    let line = line_of("main.tf", "server_id = hcloud_server.stateful_worker");
    assert!(
        got.iter()
            .any(|(l, m)| *l == line && m.contains("attaches to a manager")),
        "{got:?}"
    );
    assert!(
        got.iter().any(|(_, m)| m.contains("no volume attaches")),
        "{got:?}"
    );
    let f = mutated("main.tf", "{ tier = \"stateful\" }", "{ tier = \"data\" }");
    only(&f, "SWARM-TF-010");
}

#[test]
fn swarm_tf_011_cpx22_is_smaller_than_cpx21_and_unknown_types_are_unknown() {
    let f = mutated(
        "variables.tf",
        "default     = \"cpx31\"\n}\n\nvariable \"image\"",
        "default     = \"cpx22\"\n}\n\nvariable \"image\"",
    );
    let got = only(&f, "SWARM-TF-011");
    assert!(
        got[0].1.contains("cpx22") && got[0].1.contains("smaller"),
        "{got:?}"
    );
    assert_eq!(
        got[0].0,
        line_of("main.tf", "server_type = var.observability_type")
    );
    let f = mutated(
        "variables.tf",
        "default     = \"cpx31\"\n}\n\nvariable \"image\"",
        "default     = \"cpx99\"\n}\n\nvariable \"image\"",
    );
    let got = only(&f, "SWARM-TF-011");
    assert!(got[0].1.starts_with("cannot tell"), "{got:?}");
    let f = mutated(
        "main.tf",
        "{ tier = \"observability\" }",
        "{ tier = \"monitoring\" }",
    );
    only(&f, "SWARM-TF-011");
}

#[test]
fn swarm_tf_012_a_wrong_health_check_and_a_missing_port_are_found() {
    let f = mutated("lb.tf", "    interval = 15\n", "    interval = 30\n");
    let got = only(&f, "SWARM-TF-012");
    assert!(got[0].1.contains("`interval` is 30, not 15"), "{got:?}");
    assert_eq!(got[0].0, line_of("lb.tf", "health_check {"));
    let f = mutated("lb.tf", "listen_port      = 443", "listen_port      = 8443");
    let got = only(&f, "SWARM-TF-012");
    assert!(got[0].1.contains("[443]"), "{got:?}");
    let f = mutated("lb.tf", "\"busflow-swarm=true\"", "\"role=web\"");
    only(&f, "SWARM-TF-012");
}

#[test]
fn swarm_tf_013_a_node_without_the_swarm_label_is_found() {
    let f = mutated(
        "main.tf",
        "labels      = merge(local.swarm_labels, { tier = \"observability\" })",
        "labels      = { tier = \"observability\" }",
    );
    let got = only(&f, "SWARM-TF-013");
    assert!(got[0].1.contains("observability_worker"), "{got:?}");
}

#[test]
fn swarmx_001_a_file_that_does_not_parse_is_a_finding_with_its_position() {
    let mut files = reference();
    files.push((
        PathBuf::from("broken.tf"),
        "resource \"x\" \"y\" {\n  a = \n".into(),
    ));
    let f = check(files);
    let broken: Vec<&Finding> = f.iter().filter(|f| f.rule_id == "SWARMX-001").collect();
    assert_eq!(broken.len(), 1, "{f:#?}");
    assert_eq!(broken[0].file, Path::new("broken.tf"));
    assert_eq!(broken[0].start.line, 2);
}

#[test]
fn the_reference_module_loads_from_disk() {
    let module = Module::load(&reference_dir()).expect("loads");
    assert!(module.files.len() >= 5);
    assert!(check_module(&module, &TfContract::default()).is_empty());
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text, HCL-looking or not, gives findings, never a panic.
        #[test]
        fn any_module_text_gives_findings(text in "(resource|variable|locals|output|count|var\\.|local\\.|\\{|\\}|\\[|\\]|\"|=|\\$\\{|%|2377|:|[a-z_]{1,8}| |\n|0|1|-|\\+|\\?|<<EOT\n|EOT\n){0,80}") {
            let _ = check(vec![(PathBuf::from("x.tf"), text)]);
        }

        /// Mutating one byte of the reference module never panics.
        #[test]
        fn a_mangled_reference_module_gives_findings(file in 0usize..6, at in 0usize..4000, byte in any::<u8>()) {
            let mut files = reference();
            let i = file % files.len();
            let mut bytes = files[i].1.clone().into_bytes();
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            files[i].1 = String::from_utf8_lossy(&bytes).into_owned();
            let _ = check(files);
        }
    }
}

#[test]
fn the_cluster_model_reads_the_reference_module_with_positions() {
    let module = Module::load(&reference_dir()).expect("loads");
    let cluster = busflow_swarm::Cluster::from_module(&module);
    let managers = cluster.server("manager").expect("managers");
    assert_eq!(managers.count, Ok(1));
    assert_eq!(managers.server_type.as_deref(), Ok("cpx21"));
    assert_eq!(managers.location.as_deref(), Ok("fsn1"));
    assert_eq!(managers.initialises_swarm, Ok(true));
    assert!(managers.private_network);
    assert!(
        managers
            .labels
            .as_ref()
            .expect("labels")
            .contains(&("busflow-swarm".to_owned(), "true".to_owned()))
    );
    assert_eq!(
        managers.pos.line,
        line_of("main.tf", "resource \"hcloud_server\" \"manager\"")
    );
    let stateful = cluster.server("stateful_worker").expect("stateful");
    assert_eq!(stateful.initialises_swarm, Ok(false));
    assert_eq!(cluster.volumes[0].size_gb, Ok(20));
    assert_eq!(
        cluster.volumes[0].server.as_deref(),
        Some("hcloud_server.stateful_worker[0].id")
    );
    let ports: Vec<Option<u32>> = cluster
        .lb_services
        .iter()
        .map(|s| s.listen_port.clone().expect("port"))
        .collect();
    assert_eq!(ports, [Some(80), Some(443)]);
    assert_eq!(cluster.lb_selectors, [Ok("busflow-swarm=true".to_owned())]);
    assert_eq!(cluster.host_keys, Some(Ok(1)));
    let join = cluster
        .provisioners
        .iter()
        .find(|p| p.resource == "null_resource.swarm_join_manager")
        .expect("join");
    assert_eq!(join.on_failure.as_deref(), Some("fail"));
    assert!(
        cluster.provisioners.iter().all(|p| p.pins_host_key),
        "{:#?}",
        cluster.provisioners
    );
    // What cannot be evaluated says where.
    let module = Module::from_sources(
        Path::new("swarm"),
        vec![(
            PathBuf::from("main.tf"),
            "resource \"hcloud_server\" \"manager\" {\n  server_type = file(\"type.txt\")\n}\n"
                .into(),
        )],
        Vec::new(),
    );
    let cluster = busflow_swarm::Cluster::from_module(&module);
    let unknown = cluster.servers[0]
        .server_type
        .clone()
        .expect_err("a file() call");
    assert_eq!((unknown.pos.line, unknown.pos.column), (2, 17));
}
