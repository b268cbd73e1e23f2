//! SWARM-COMPOSE-012 against `docker stack config`, which loads a stack
//! file as `docker stack deploy` does (parse, interpolate, validate against
//! docker/cli's schema, read the sections) and needs no daemon: on the
//! reference stack files and on generated mutants of them, each with one
//! planted change — a key misspelt at any level (inside anchors too), a
//! value of another type, a value interpolated from a variable that is set,
//! empty or unset (`${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `$$`, a
//! stray `$`). The verdicts (docker refuses the file; busflow reports
//! SWARM-COMPOSE-012) must be equal, with the same environment on both
//! sides. The docker CLI must be on PATH: the test fails, it never skips.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use busflow_swarm::{StackContract, check_stack};

fn environment() -> BTreeMap<String, String> {
    [("SET_NUM", "3"), ("SET_STR", "abc"), ("EMPTY", "")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// docker's verdict and, when it refuses, what it said.
fn docker_refuses(text: &str) -> Option<String> {
    let home = std::env::temp_dir();
    let mut child = Command::new("docker")
        .args(["stack", "config", "-c", "-"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("DOCKER_HOST", "unix:///nonexistent.sock")
        .envs(environment())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the docker CLI is not on PATH (install docker.io)");
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(text.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().expect("docker stack config");
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

fn busflow_refuses(name: &str, text: &str) -> Option<String> {
    let contract = StackContract {
        environment: Some(environment()),
        ..StackContract::default()
    };
    let findings = check_stack(Path::new(name), text, false, &contract);
    let refusals: Vec<String> = findings
        .iter()
        .filter(|f| f.rule_id == "SWARM-COMPOSE-012")
        .map(|f| format!("{}:{}: {}", f.start.line, f.start.column, f.message))
        .collect();
    (!refusals.is_empty()).then(|| refusals.join("; "))
}

fn reference(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/infra")
        .join(name);
    std::fs::read_to_string(path).expect("reference stack file")
}

const FILES: [&str; 2] = [
    "docker-compose.production.yml",
    "docker-compose.observability.yml",
];

/// `SplitMix64`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A line `indent key: rest` that is a mapping entry (not a list item, not
/// a comment): its indent, key and rest.
fn entry(line: &str) -> Option<(&str, &str, &str)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with('-') {
        return None;
    }
    let indent = &line[..line.len() - trimmed.len()];
    let (key, rest) = trimmed.split_once(':')?;
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        || !(rest.is_empty() || rest.starts_with(' '))
    {
        return None;
    }
    Some((indent, key, rest))
}

/// One mutant: what was planted, and the text.
fn mutant(rng: &mut Rng, text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    loop {
        let k = rng.below(lines.len());
        let Some((indent, key, rest)) = entry(lines[k]) else {
            continue;
        };
        let value = rest.trim();
        let scalar = !value.is_empty()
            && !value.starts_with('&')
            && !value.starts_with('*')
            && !value.starts_with('[')
            && !value.starts_with('{')
            && !value.starts_with('|')
            && !value.starts_with('>')
            && !value.contains(" #");
        let (what, line) = match rng.below(3) {
            0 => {
                let mut chars: Vec<char> = key.chars().collect();
                let at = rng.below(chars.len());
                match rng.below(4) {
                    0 if chars.len() > 1 => {
                        let j = if at + 1 < chars.len() { at + 1 } else { at - 1 };
                        chars.swap(at, j);
                    }
                    1 if chars.len() > 1 => {
                        chars.remove(at);
                    }
                    2 => chars.insert(at, chars[at]),
                    _ => chars.push('s'),
                }
                let typo: String = chars.into_iter().collect();
                (
                    format!("key `{key}` → `{typo}`"),
                    format!("{indent}{typo}:{rest}"),
                )
            }
            1 if scalar => {
                let v = rng.pick(&[
                    "two", "\"2\"", "2", "0.5", "true", "\"true\"", "yes", "null", "[a, b]", "{}",
                    "-1", "10x", "1m30s", "\"512M\"", "70000", "8080:80",
                ]);
                (
                    format!("`{key}: {value}` → `{v}`"),
                    format!("{indent}{key}: {v}"),
                )
            }
            2 if scalar => {
                let v = rng.pick(&[
                    "${SET_NUM}",
                    "\"${SET_NUM}\"",
                    "${SET_STR}",
                    "${UNSET}",
                    "${UNSET:-3}",
                    "${UNSET:-abc}",
                    "${EMPTY-4}",
                    "${EMPTY:-5}",
                    "${UNSET:?is needed}",
                    "${EMPTY:?is needed}",
                    "${SET_STR?is needed}",
                    "$$literal",
                    "\"cost $ 5\"",
                    "\"${SET_NUM\"",
                    "$SET_NUM",
                ]);
                (
                    format!("`{key}: {value}` → `{v}`"),
                    format!("{indent}{key}: {v}"),
                )
            }
            _ => continue,
        };
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        out[k] = line;
        return (format!("line {}: {what}", k + 1), out.join("\n") + "\n");
    }
}

#[test]
fn swarm_compose_012_the_reference_stacks_pass_docker_and_busflow() {
    for name in FILES {
        let text = reference(name);
        assert_eq!(docker_refuses(&text), None, "docker refuses {name}");
        assert_eq!(busflow_refuses(name, &text), None, "busflow refuses {name}");
    }
}

#[test]
fn swarm_compose_012_agrees_with_docker_stack_config_on_mutants() {
    let mut rng = Rng(0x00c0_ffee_d0c5);
    let mut disagreements = Vec::new();
    let (mut refused, mut accepted) = (0, 0);
    for round in 0..400 {
        let name = FILES[round % FILES.len()];
        let (what, text) = mutant(&mut rng, &reference(name));
        let docker = docker_refuses(&text);
        let ours = busflow_refuses(name, &text);
        match (&docker, &ours) {
            (Some(_), Some(_)) => refused += 1,
            (None, None) => accepted += 1,
            _ => disagreements.push(format!(
                "{name} {what}\n  docker: {}\n  busflow: {}",
                docker.as_deref().unwrap_or("accepts"),
                ours.as_deref().unwrap_or("accepts")
            )),
        }
    }
    println!("mutants: {refused} refused by both, {accepted} accepted by both");
    assert!(
        disagreements.is_empty(),
        "{} of 400 mutants differ:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        refused > 100 && accepted > 50,
        "both verdicts are exercised"
    );
}
