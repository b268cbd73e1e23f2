//! The GitHub workflows the platform's documents schedule, held to them:
//!
//! - `BUSFLOW-003`: each documented job exists with its trigger — preflight
//!   on pull requests, the nightly dump at 02:00 UTC, the daily verify at
//!   03:00 UTC with its `source` input (BACKUP-006), the volume auto-resize
//!   on `workflow_dispatch` (SWARM-OPS-003), the weekly drift check
//!   (SWARM-OPS-002). A job is found by the busflow command it runs. The
//!   check applies to a repository that keeps workflows in
//!   `.github/workflows` (one without any is not run on GitHub Actions).
//! - `BUSFLOW-004`: a credential in a workflow comes from `secrets.*` (or
//!   the run's own `github.token`), never written inline: every `env:` and
//!   `with:` value under a key that names a credential, and every URL with
//!   a password in it.

use std::path::{Path, PathBuf};

use busflow_yaml::{Node, Value};

use crate::catalog::{BUSFLOW_003, BUSFLOW_004};
use crate::finding::Finding;
use crate::sources::Sources;

/// A job the documents schedule.
struct Documented {
    /// What the job is, for messages.
    what: &'static str,
    /// The busflow command its steps run.
    command: &'static str,
    /// The trigger it needs.
    trigger: Trigger,
    /// Where the documents say so.
    source: &'static str,
}

#[derive(Clone, Copy)]
enum Trigger {
    PullRequest,
    /// Every day at this hour and minute (UTC), by hand too with these
    /// `workflow_dispatch` inputs.
    Daily(u32, u32, &'static [&'static str]),
    /// Once a week.
    Weekly,
    /// Dispatched (by Alertmanager's webhook, or by hand).
    Dispatch,
}

const DOCUMENTED: [Documented; 5] = [
    Documented {
        what: "the preflight gate",
        command: "preflight",
        trigger: Trigger::PullRequest,
        source: "busflow's README",
    },
    Documented {
        what: "the nightly dump",
        command: "backup-produce",
        trigger: Trigger::Daily(2, 0, &[]),
        source: "000 §6 (production at 02:00 UTC)",
    },
    Documented {
        what: "the daily verify",
        command: "backup-verify",
        trigger: Trigger::Daily(3, 0, &["source"]),
        source: "000 §6 (03:00 UTC, BACKUP-006's source input)",
    },
    Documented {
        what: "the volume auto-resize",
        command: "volume-resize",
        trigger: Trigger::Dispatch,
        source: "001 §Volume monitoring (SWARM-OPS-003)",
    },
    Documented {
        what: "the weekly drift check",
        command: "drift-check",
        trigger: Trigger::Weekly,
        source: "000 §5 (SWARM-OPS-002)",
    },
];

fn finding(
    rule: &'static crate::Rule,
    path: &Path,
    node: Option<&Node>,
    message: String,
    help: String,
) -> Finding {
    let at = node.map_or(crate::Pos::START, |n| n.pos);
    Finding::new(rule, path, at, message).with_help(help)
}

/// A workflow file and its parsed document.
struct Workflow<'s> {
    path: &'s Path,
    doc: Node,
}

impl Workflow<'_> {
    /// The `on:` node (YAML 1.1 readers see `on` as `true`; ours keeps it).
    fn on(&self) -> Option<&Node> {
        self.doc.get("on")
    }

    /// Whether any step's `run:` invokes `command` as a word.
    fn runs(&self, command: &str) -> bool {
        let mut found = false;
        walk(&self.doc, &mut |key, value| {
            if key == "run"
                && let Some(text) = value.as_str()
            {
                found |= text
                    .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
                    .any(|w| w == command);
            }
        });
        found
    }

    fn crons(&self) -> Vec<&Node> {
        self.on()
            .and_then(|on| on.get("schedule"))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("cron"))
            .collect()
    }

    fn has_trigger(&self, name: &str) -> bool {
        match self.on().map(|n| &n.value) {
            Some(Value::Scalar(s, _)) => s == name,
            Some(Value::Seq(items)) => items.iter().any(|i| i.as_str() == Some(name)),
            Some(Value::Map(_)) => self.on().and_then(|on| on.get(name)).is_some(),
            None => false,
        }
    }
}

/// Calls `f` on every mapping entry, depth first.
fn walk<'n>(node: &'n Node, f: &mut impl FnMut(&'n str, &'n Node)) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                if let Some(key) = k.as_str() {
                    f(key, v);
                }
                walk(v, f);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| walk(i, f)),
        Value::Scalar(..) => {}
    }
}

/// `M H * * *` with these numbers.
fn is_daily_at(cron: &str, hour: u32, minute: u32) -> bool {
    let f: Vec<&str> = cron.split_whitespace().collect();
    f.len() == 5
        && f[0].parse::<u32>().ok() == Some(minute)
        && f[1].parse::<u32>().ok() == Some(hour)
        && f[2..] == ["*", "*", "*"]
}

/// `M H * * D` with one day of the week.
fn is_weekly(cron: &str) -> bool {
    let f: Vec<&str> = cron.split_whitespace().collect();
    let day = |d: &str| {
        d.parse::<u32>().is_ok_and(|n| n <= 7)
            || ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
                .contains(&d.to_ascii_lowercase().as_str())
    };
    f.len() == 5
        && f[0].parse::<u32>().is_ok_and(|m| m < 60)
        && f[1].parse::<u32>().is_ok_and(|h| h < 24)
        && f[2] == "*"
        && f[3] == "*"
        && day(f[4])
}

fn schedule_help(d: &Documented) -> String {
    match d.trigger {
        Trigger::PullRequest => format!(
            "run `{}` on `pull_request` (see examples/infra/.github/workflows/preflight.yml)",
            d.command
        ),
        Trigger::Daily(h, m, inputs) => format!(
            "run `{}` on `schedule: [{{cron: \"{m} {h} * * *\"}}]` (UTC){}",
            d.command,
            if inputs.is_empty() {
                String::new()
            } else {
                format!(
                    " and on `workflow_dispatch` with the input(s) {}",
                    inputs.join(", ")
                )
            }
        ),
        Trigger::Weekly => format!(
            "run `{}` on a weekly `schedule` (`cron: \"0 6 * * 1\"`: Mondays 06:00 UTC)",
            d.command
        ),
        Trigger::Dispatch => format!(
            "run `{}` on `workflow_dispatch` (Alertmanager's webhook dispatches it)",
            d.command
        ),
    }
}

/// Whether the workflow runs `d`'s job on its trigger; else what is wrong
/// and at which node.
fn trigger_problem<'w>(w: &'w Workflow<'_>, d: &Documented) -> Option<(Option<&'w Node>, String)> {
    match d.trigger {
        Trigger::PullRequest => (!w.has_trigger("pull_request"))
            .then(|| (w.on(), format!("{} does not run on pull requests", d.what))),
        Trigger::Daily(h, m, inputs) => {
            let crons = w.crons();
            if !crons
                .iter()
                .any(|c| c.as_str().is_some_and(|c| is_daily_at(c, h, m)))
            {
                return Some((
                    crons.first().copied().or(w.on()),
                    format!("{} is not scheduled daily at {h:02}:{m:02} UTC", d.what),
                ));
            }
            let dispatch = w.on().and_then(|on| on.get("workflow_dispatch"));
            let missing: Vec<&str> = inputs
                .iter()
                .filter(|i| {
                    dispatch
                        .and_then(|d| d.get("inputs"))
                        .and_then(|n| n.get(i))
                        .is_none()
                })
                .copied()
                .collect();
            (!missing.is_empty()).then(|| {
                (
                    dispatch.or(w.on()),
                    format!(
                        "{} has no `workflow_dispatch` input {}",
                        d.what,
                        missing
                            .iter()
                            .map(|i| format!("`{i}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        }
        Trigger::Dispatch => (!w.has_trigger("workflow_dispatch"))
            .then(|| (w.on(), format!("{} cannot be dispatched", d.what))),
        Trigger::Weekly => {
            let crons = w.crons();
            (!crons.iter().any(|c| c.as_str().is_some_and(is_weekly))).then(|| {
                (
                    crons.first().copied().or(w.on()),
                    format!("{} is not scheduled weekly", d.what),
                )
            })
        }
    }
}

/// The snake-case words of a key name a credential.
fn names_credential(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace('-', "_");
    let words: Vec<&str> = key.split('_').collect();
    let has = |w: &str| words.contains(&w);
    has("token")
        || has("password")
        || has("passwd")
        || has("secret")
        || has("webhook")
        || has("dsn")
        || has("credentials")
        || key.ends_with("api_key")
        || key.ends_with("access_key")
        || key.ends_with("private_key")
}

/// Whether a value takes its credential from the run's secrets (or is
/// empty, or only names a file or a variable of the environment).
fn from_secrets(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.contains("secrets.")
        || v.contains("github.token")
        || (v.starts_with("${{") && v.ends_with("}}") && !v.contains('\''))
}

/// `scheme://user:password@` with a password written out.
fn url_with_password(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let rest = &text[at + 3..];
        let authority = rest.split(['/', ' ', '"', '\'']).next().unwrap_or_default();
        authority.split_once('@').is_some_and(|(userinfo, _)| {
            userinfo.split_once(':').is_some_and(|(_, pass)| {
                !pass.is_empty() && !pass.starts_with("${{") && !pass.starts_with('$')
            })
        })
    })
}

fn inline_secrets(w: &Workflow<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut visit = |section: &str, map: &Node| {
        for (k, v) in map.as_map().unwrap_or_default() {
            let (Some(key), Some(value)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            if names_credential(key) && !from_secrets(value) {
                out.push(finding(
                    &BUSFLOW_004,
                    w.path,
                    Some(v),
                    format!("`{section}.{key}` is written inline, not taken from `secrets.*`"),
                    format!(
                        "store it as a repository or environment secret and write `{key}: ${{{{ secrets.{} }}}}`; then rotate the one that was committed",
                        key.to_ascii_uppercase().replace('-', "_")
                    ),
                ));
            }
        }
    };
    walk(&w.doc, &mut |key, value| {
        if matches!(key, "env" | "with") {
            visit(key, value);
        }
    });
    walk(&w.doc, &mut |_, value| {
        if let Some(text) = value.as_str()
            && url_with_password(text)
        {
            out.push(finding(
                &BUSFLOW_004,
                w.path,
                Some(value),
                "a URL in the workflow carries a password".into(),
                "take the password from `secrets.*` (an environment variable the step reads), never in the URL".into(),
            ));
        }
    });
    out
}

pub(super) fn check(sources: &Sources) -> Vec<Finding> {
    let mut workflows = Vec::new();
    let mut folder: Option<PathBuf> = None;
    let mut paths: Vec<&Path> = sources
        .iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.parent().is_some_and(|d| d.ends_with(".github/workflows"))
                && p.extension().is_some_and(|e| e == "yml" || e == "yaml")
        })
        .collect();
    paths.sort();
    for path in paths {
        folder.get_or_insert_with(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
        let Some(text) = sources.text(path) else {
            continue;
        };
        // A file that does not parse is BUSFLOW-002's.
        if let Ok(mut docs) = busflow_yaml::parse(text)
            && !docs.is_empty()
        {
            workflows.push(Workflow {
                path,
                doc: docs.swap_remove(0),
            });
        }
    }
    let Some(folder) = folder else {
        return Vec::new();
    };
    let mut out: Vec<Finding> = workflows.iter().flat_map(inline_secrets).collect();
    for d in &DOCUMENTED {
        let running: Vec<&Workflow<'_>> = workflows.iter().filter(|w| w.runs(d.command)).collect();
        if running.is_empty() {
            out.push(finding(
                &BUSFLOW_003,
                &folder,
                None,
                format!(
                    "no workflow runs {} (`{}`), which {} schedules",
                    d.what, d.command, d.source
                ),
                schedule_help(d),
            ));
            continue;
        }
        let problems: Vec<(&Workflow<'_>, Option<&Node>, String)> = running
            .iter()
            .filter_map(|w| trigger_problem(w, d).map(|(n, m)| (*w, n, m)))
            .collect();
        // One workflow with the right trigger is enough.
        if problems.len() == running.len() {
            for (w, node, message) in problems {
                out.push(finding(
                    &BUSFLOW_003,
                    w.path,
                    node,
                    message,
                    schedule_help(d),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busflow_003_cron_shapes() {
        assert!(is_daily_at("0 3 * * *", 3, 0));
        assert!(!is_daily_at("0 3 * * 1", 3, 0));
        assert!(!is_daily_at("30 3 * * *", 3, 0));
        assert!(is_weekly("0 6 * * 1"));
        assert!(is_weekly("15 4 * * MON"));
        assert!(!is_weekly("0 6 * * *"));
        assert!(!is_weekly("0 6 1 * 1"));
    }

    #[test]
    fn busflow_004_credentials_and_where_they_come_from() {
        assert!(names_credential("BUSFLOW_S3_SECRET_KEY"));
        assert!(names_credential("GITHUB_TOKEN"));
        assert!(names_credential("slack-webhook"));
        assert!(names_credential("POSTGRES_PASSWORD"));
        assert!(!names_credential("SOURCE"));
        assert!(!names_credential("tokenizer"));
        assert!(from_secrets("${{ secrets.X }}"));
        assert!(from_secrets("${{ github.token }}"));
        assert!(!from_secrets("hunter2"));
        assert!(!from_secrets("${{ 'hunter2' }}"));
        assert!(url_with_password("postgres://u:hunter2@db/x"));
        assert!(!url_with_password("postgres://u:${{ secrets.P }}@db/x"));
        assert!(!url_with_password("https://github.com/busflow/busflow"));
    }
}
