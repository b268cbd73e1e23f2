//! Hostile inputs against every binary (issue 14): links out of the
//! repository, special files, alias bombs, files that are not what they
//! claim, credentials over plain http, servers that never answer, a closed
//! output pipe, usage errors. Every binary runs as a process under an
//! address-space limit (`prlimit --as`) and a time limit, with a secret in
//! its environment that must never appear in what it prints.
//!
//! The examples are built by `cargo test --all-targets` (the README's test
//! command); run alone, `cargo build --examples` first.

#[path = "support/examples.rs"]
mod examples;

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What every child has in its environment and must never print.
const SECRET: &str = "hostile-secret-7f3a9c2e";
/// Address space per process: a 6 GB alias bomb or a 4 GB read of
/// `/dev/zero` cannot fit.
const ADDRESS_SPACE: u64 = 3 << 30;
/// A hang, not a slow run: generous for a loaded 2-core machine.
const TIME_LIMIT: Duration = Duration::from_mins(2);

fn bin(name: &str) -> PathBuf {
    examples::example(name)
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs example `name` under the limits, in `cwd`, with `input` on stdin.
fn run_in(cwd: &Path, name: &str, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Ran {
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={ADDRESS_SPACE}"))
        .arg("--")
        .arg(bin(name))
        .args(args)
        .current_dir(cwd)
        .env("BUSFLOW_HOSTILE_SECRET", SECRET)
        .env("BUSFLOW_GITHUB_TOKEN", SECRET)
        .env("UBICLOUD_TOKEN", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("prlimit runs (util-linux)");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let ereader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("{name} {args:?} did not end within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = feeder.join();
    let ran = Ran {
        code: status.code(),
        stdout: String::from_utf8_lossy(&reader.join().expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&ereader.join().expect("stderr")).into_owned(),
    };
    assert!(
        !ran.all().contains(SECRET),
        "{name} {args:?} printed a secret from its environment:\n{}",
        ran.all()
    );
    ran
}

fn run(cwd: &Path, name: &str, args: &[&str]) -> Ran {
    run_in(cwd, name, args, &[], b"")
}

fn fifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok);
}

/// Nine levels of nine aliases: 9^9 nodes if expanded.
fn alias_bomb() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        let _ = writeln!(text, "a{level}: &a{level} [{refs}]");
    }
    text
}

#[test]
fn links_out_of_the_repository_are_skipped_and_never_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    symlink(
        "/proc/self/environ",
        repo.join("docker-compose.production.yml"),
    )
    .expect("link");
    std::fs::create_dir_all(repo.join("terraform/modules/swarm")).expect("mkdir");
    symlink(
        "/proc/self/environ",
        repo.join("terraform/modules/swarm/zz.tf"),
    )
    .expect("link");
    for format in ["human", "json", "sarif"] {
        let ran = run(repo, "preflight", &[".", "--format", format]);
        assert!(
            ran.stderr.contains(
                "docker-compose.production.yml: skipped, a link that leads outside the folder"
            ),
            "{}",
            ran.all()
        );
        assert!(!ran.all().contains("PATH="), "{}", ran.all());
    }
    let ran = run(repo, "check-swarm", &["terraform/modules/swarm"]);
    assert!(ran.stderr.contains("zz.tf"), "{}", ran.all());
    assert!(!ran.all().contains("PATH="), "{}", ran.all());
    // Given as a relative argument, the link is refused too.
    let ran = run(repo, "check-swarm", &["docker-compose.production.yml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(ran.stderr.contains("leads outside"), "{}", ran.all());
    assert!(!ran.all().contains("PATH="), "{}", ran.all());
    let ran = run(repo, "check-rules", &["docker-compose.production.yml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
}

#[test]
fn special_files_are_skipped_not_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    fifo(&repo.join("x.yaml"));
    std::fs::create_dir_all(repo.join("sub")).expect("mkdir");
    symlink("/dev/zero", repo.join("sub/zero.yaml")).expect("link");
    let ran = run(repo, "preflight", &["."]);
    assert_eq!(ran.code, Some(0), "{}", ran.all());
    assert!(
        ran.stderr.contains("x.yaml: skipped, a named pipe"),
        "{}",
        ran.all()
    );
    assert!(ran.stderr.contains("zero.yaml: skipped"), "{}", ran.all());
    // A cap that is a setting: a 2 KiB file over a 1 KiB cap is skipped.
    std::fs::write(repo.join("big.yaml"), "a: 1\n".repeat(400)).expect("write");
    let ran = run(repo, "preflight", &[".", "--max-file-bytes", "1024"]);
    assert!(
        ran.stderr
            .contains("big.yaml: skipped, larger than the 1024-byte cap"),
        "{}",
        ran.all()
    );
    let ran = run(repo, "check-rules", &["x.yaml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.all());
}

#[test]
fn alias_bombs_are_refused_in_every_yaml_reader() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let bomb = alias_bomb();
    std::fs::write(d.join("bomb.yml"), &bomb).expect("write");
    let ran = run(d, "check-rules", &["bomb.yml"]);
    assert_eq!(ran.code, Some(2), "{}", ran.all());
    assert!(ran.stdout.contains("alias bomb"), "{}", ran.all());
    let ran = run(d, "check-swarm", &["bomb.yml"]);
    assert!(ran.stdout.contains("alias bomb"), "{}", ran.all());
    let ran = run(d, "pii-redact", &["--rules", "bomb.yml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    let ran = run(d, "pii-redact", &["--exclusions", "bomb.yml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    let ran = run(d, "backup-verify", &["--config", "bomb.yml"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    // In a repository: a finding on the anchor's line.
    let repo = d.join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::write(repo.join("docker-compose.production.yml"), &bomb).expect("write");
    let ran = run(&repo, "preflight", &[".", "--format", "json"]);
    assert_eq!(ran.code, Some(2), "{}", ran.all());
    let doc: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    let line = doc["findings"][0]["line"].as_u64().expect("line");
    assert!((1..=9).contains(&line), "{doc}");
}

#[test]
fn files_that_are_not_what_they_claim_are_errors_that_name_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    std::fs::write(repo.join("main.tf"), "resource \"x\" \"y\" {\n  a = \n").expect("write");
    let ran = run(repo, "preflight", &["."]);
    assert_eq!(ran.code, Some(2), "{}", ran.all());
    assert!(
        ran.stdout.contains("BUSFLOW-002") && ran.stdout.contains("main.tf"),
        "{}",
        ran.all()
    );
    // The line of a file that does not parse is never quoted.
    assert!(!ran.stdout.contains("resource \"x\""), "{}", ran.all());
    let module = repo.join("module");
    std::fs::create_dir_all(&module).expect("mkdir");
    std::fs::write(module.join("bad.tf"), "variable \"manager_count\" {\n").expect("write");
    let ran = run(
        repo,
        "quorum-plan",
        &["--module", "module", "--tenants", "10", "--sla", "99"],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(
        ran.stderr.contains("bad.tf") && ran.stderr.contains("does not parse"),
        "{}",
        ran.all()
    );
    std::fs::write(repo.join("state.json"), format!("not a state {SECRET}\n")).expect("write");
    let ran = run(
        repo,
        "ubicloud-cutover",
        &["status", "--state", "state.json"],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(
        ran.stderr.contains("state.json") && ran.stderr.contains("not a cutover state file"),
        "{}",
        ran.all()
    );
}

#[test]
fn usage_errors_exit_1_and_unoffered_formats_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "preflight",
        "check-rules",
        "check-swarm",
        "cardinality-probe",
        "pii-redact",
        "backup-verify",
        "backup-produce",
        "dr-drill-report",
        "quorum-plan",
        "swarm-ops",
        "drift-check",
        "ubicloud-cutover",
    ] {
        let ran = run(dir.path(), name, &["--no-such-flag"]);
        assert_eq!(ran.code, Some(1), "{name}: {}", ran.all());
        let ran = run(dir.path(), name, &["--help"]);
        assert_eq!(ran.code, Some(0), "{name} --help: {}", ran.all());
    }
    // Every example that reports findings offers the same three formats,
    // and refuses any other before doing anything.
    for (name, first) in [
        ("preflight", None),
        ("check-rules", None),
        ("check-swarm", None),
        ("cardinality-probe", None),
        ("slo-report", None),
        ("quorum-plan", None),
        ("drift-check", None),
        ("backup-verify", None),
        ("backup-produce", None),
        ("dr-drill-report", None),
        ("volume-resize", None),
        ("swarm-ops", Some("check-refs")),
        ("ubicloud-cutover", Some("run")),
    ] {
        for bad in [["--format", "xml"], ["--select", "NO-SUCH-RULE"]] {
            let args: Vec<&str> = first.into_iter().chain(bad).collect();
            let ran = run(dir.path(), name, &args);
            assert_eq!(ran.code, Some(1), "{name} {args:?}: {}", ran.all());
            assert!(ran.stdout.is_empty(), "{name} {args:?}: {}", ran.all());
        }
    }
    let module =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra/terraform/modules/swarm");
    let module = module.to_str().expect("UTF-8 path");
    let ran = run(
        dir.path(),
        "quorum-plan",
        &[
            "--module",
            module,
            "--tenants",
            "1",
            "--sla",
            "99",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.all());
    assert!(ran.stdout.contains("\"$schema\""), "{}", ran.all());
}

/// Every example answers `--version` with its name and version and `--help`
/// with a description first, both with exit 0.
#[test]
fn every_example_answers_version_and_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&examples)
        .expect("examples")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in &names {
        let ran = run(dir.path(), name, &["--version"]);
        assert_eq!(ran.code, Some(0), "{name} --version: {}", ran.all());
        assert!(
            ran.stdout.starts_with(&format!("{name} ")),
            "{name} --version: {}",
            ran.all()
        );
        let ran = run(dir.path(), name, &["--help"]);
        assert_eq!(ran.code, Some(0), "{name} --help: {}", ran.all());
        let first = ran.stdout.lines().next().unwrap_or_default();
        assert!(
            first.len() > 20 && !first.starts_with("Usage"),
            "{name} --help starts with a description: {}",
            ran.all()
        );
    }
}

#[test]
fn credentials_are_never_sent_over_plain_http() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A listener that records whatever reaches it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    std::fs::write(
        dir.path().join("plan.txt"),
        "Plan: 1 to add, 0 to change, 0 to destroy.\n",
    )
    .expect("write");
    let api = format!("http://127.0.0.1:{port}");
    let ran = run(
        dir.path(),
        "drift-check",
        &[
            "--exit-code",
            "2",
            "--output",
            "plan.txt",
            "--repo",
            "o/r",
            "--github-api",
            &api,
        ],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(ran.all().contains("plain http"), "{}", ran.all());
    assert!(listener.accept().is_err(), "nothing may connect");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The reference rules: they declare cardinality budgets to probe.
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/infra/observability/prometheus-rules");
    let rules = rules.to_str().expect("UTF-8 path");
    // Accepts, never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let holder = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(8));
        drop(conns);
    });
    let url = format!("http://127.0.0.1:{port}");
    let ran = run(
        dir.path(),
        "cardinality-probe",
        &["--rules", rules, "--prometheus", &url, "--timeout", "2"],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    let _ = holder.join();
}

#[test]
fn a_closed_output_ends_pii_redact_promptly_and_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line =
        b"2026-12-01T10:00:00Z user julia@example.org from 203.0.113.9 paid 4111 1111 1111 1111\n";
    let input: Vec<u8> = line.iter().copied().cycle().take(32 << 20).collect();
    for args in [&["--stats"][..], &["--format", "json", "--stats"], &[]] {
        for _ in 0..3 {
            let mut child = Command::new(bin("pii-redact"))
                .args(args)
                .current_dir(dir.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            let mut stdin = child.stdin.take().expect("stdin");
            let data = input.clone();
            let feeder = std::thread::spawn(move || {
                let _ = stdin.write_all(&data);
            });
            let mut out = child.stdout.take().expect("stdout");
            let mut first = [0u8; 64];
            let _ = out.read(&mut first);
            drop(out); // `| head -c 64`
            let started = Instant::now();
            let status = loop {
                if let Some(s) = child.try_wait().expect("wait") {
                    break s;
                }
                if started.elapsed() > Duration::from_secs(30) {
                    let _ = child.kill();
                    panic!("pii-redact {args:?} hung on a closed stdout");
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            let _ = feeder.join();
            assert_eq!(status.code(), Some(0), "{args:?}");
        }
    }
}

#[test]
fn many_findings_of_one_large_file_render_in_every_format() {
    // 1 MB of rules without the labels OBS requires: tens of thousands of
    // findings, rendered linearly (this ran 18 s in the human format).
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("groups:\n  - name: g\n    rules:\n");
    let mut i = 0;
    while text.len() < 1_000_000 {
        let _ = writeln!(text, "      - alert: A{i}\n        expr: up == 0");
        i += 1;
    }
    std::fs::write(dir.path().join("big.yml"), &text).expect("write");
    for format in ["human", "json", "sarif"] {
        let ran = run(dir.path(), "check-rules", &["big.yml", "--format", format]);
        assert_eq!(ran.code, Some(2), "{format}: {}", &ran.stderr);
    }
}

#[test]
fn a_4_mb_stack_file_on_one_line_is_quoted_in_windows() {
    // Flow style puts every service on line 2: each finding quotes a window
    // of it, never the whole line (this took minutes when the renderer
    // scanned the line for every finding).
    let dir = tempfile::tempdir().expect("temp dir");
    let mut parts = Vec::new();
    let mut size = 0;
    let mut i = 0;
    while size < 4_000_000 {
        let p = format!(
            "svc{i}: {{image: \"registry.example.org/app:1.2.{i}\", environment: {{NODE_ENV: production}}, deploy: {{replicas: 2}}, networks: [backend]}}"
        );
        size += p.len() + 2;
        parts.push(p);
        i += 1;
    }
    let text = format!(
        "version: \"3.8\"\nservices: {{{}}}\nnetworks: {{backend: {{driver: overlay}}}}\n",
        parts.join(", ")
    );
    std::fs::write(dir.path().join("stack.yml"), text).expect("write");
    let ran = run(dir.path(), "check-swarm", &["stack.yml"]);
    assert_eq!(ran.code, Some(2), "{}", &ran.stderr);
    let longest = ran
        .stdout
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!(longest < 400, "a line of {longest} characters was printed");
}
