//! The CI gate: every static check over an infrastructure repository.
//!
//! The checks of each crate join [`run`] as they land. It reads every
//! Terraform and YAML file below the root (and S3 lifecycle configurations)
//! and runs:
//!
//! - `BUSFLOW-001` on every suppression comment;
//! - with the `obs-rules` feature, OBS-001..003 and OBS-005..007 on the
//!   Prometheus rule files (YAML with `groups:`, or `PrometheusRule`s),
//!   structure checks on Loki ruler files (under a `loki-rules` folder), and
//!   OBS-009 on `loki.yaml` and `*lifecycle*.json|xml`;
//! - with the `pii` feature, PII-003 on `pii-exclusions.yaml` and PII-005 on
//!   every YAML file with `pipeline_stages` (a Promtail configuration);
//! - with the `swarm` feature, SWARM-TF-001 … 013 on every
//!   `terraform/modules/swarm` folder (and `SWARMX-001` on files of it that
//!   do not parse);
//! - with the `ubicloud` feature, UBI-TF-001 … 004 and UBI-CUT-011 on
//!   `terraform/modules/postgres-ubicloud` and the production environment's
//!   provider pin;
//! - with the `backup` feature, the verify's settings
//!   (`backup-verify/verify.yaml`: BACKUP-005, 006, 015) and the soft-FK
//!   allow-list (`soft-fk-allowlist.yaml`, BACKUP-014);
//! - `BUSFLOW-003` and `BUSFLOW-004` on `.github/workflows`: the jobs the
//!   documents schedule exist with their triggers, and credentials come
//!   from `secrets.*`.

use std::path::Path;

use busflow_fs::Root;
pub use busflow_fs::{Limits, Skipped, read_arg};

use crate::Rule;
use crate::error::Error;
use crate::render::Report;
use crate::select::Selection;
use crate::sources::Sources;
use crate::suppress;

/// The outcome of a preflight run.
#[derive(Debug, Clone)]
pub struct Preflight {
    /// The findings left after selection and suppression comments.
    pub report: Report,
    /// The files read (relative to the root), for rendering source lines.
    pub sources: Sources,
    /// The rule IDs whose checks ran.
    pub checks_run: Vec<&'static str>,
    /// Files that matched but were not read, and why.
    pub skipped: Vec<Skipped>,
}

/// Whether the checks read a file: Terraform, YAML, and S3 lifecycle
/// configurations (JSON or XML with `lifecycle` in the name).
fn is_checked(path: &Path) -> bool {
    let lifecycle = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains("lifecycle"));
    match path.extension().and_then(|e| e.to_str()) {
        Some("tf" | "hcl" | "yml" | "yaml") => true,
        Some("json" | "xml") => lifecycle,
        _ => false,
    }
}

/// Reads every checked file below `root` (hidden folders but `.github`, and
/// `target`, skipped), keyed by its path relative to `root`. Only regular
/// files inside `root` are read (busflow-fs): a link that leads out of the
/// repository, a link to a folder, a FIFO, a device or a file over the cap
/// is skipped and listed in the second part of the answer.
pub fn read_sources(root: &Path, limits: &Limits) -> Result<(Sources, Vec<Skipped>), Error> {
    let walker = Root::new(root)
        .map_err(|e| match e {
            busflow_fs::ReadError::NotRegular { .. } => Error::NotADirectory(root.to_path_buf()),
            busflow_fs::ReadError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Error::NotADirectory(root.to_path_buf())
            }
            other => Error::Read(other),
        })?
        .with_limits(*limits);
    let descend = |p: &Path| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        // Hidden folders are skipped, but for the root's `.github`
        // (workflows, UBI-CUT-007).
        let hidden = name.starts_with('.');
        let top = p.parent() == Some(Path::new(""));
        (!hidden || (top && name == ".github")) && name != "target"
    };
    let walk = walker.walk(&descend, &is_checked).map_err(Error::Read)?;
    let mut sources = Sources::new();
    let mut skipped = walk.skipped;
    for relative in walk.files {
        match walker.read(&relative) {
            Ok(text) => sources.insert(relative, text),
            Err(busflow_fs::ReadError::NotText { .. }) => skipped.push(Skipped {
                path: relative,
                reason: "not UTF-8 text".to_owned(),
            }),
            Err(e) => return Err(Error::Read(e)),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((sources, skipped))
}

/// Runs every static check over the repository at `root`.
pub fn run(
    root: &Path,
    selection: &Selection,
    catalog: &[&'static Rule],
) -> Result<Preflight, Error> {
    run_with(root, selection, catalog, &Limits::default())
}

/// [`run`] with these limits on the files read.
pub fn run_with(
    root: &Path,
    selection: &Selection,
    catalog: &[&'static Rule],
    limits: &Limits,
) -> Result<Preflight, Error> {
    let (sources, skipped) = read_sources(root, limits)?;
    let mut findings = suppress::unknown_rules(&sources, catalog);
    #[cfg(feature = "obs-rules")]
    {
        findings.extend(obs::check(&sources));
    }
    #[cfg(feature = "pii")]
    {
        findings.extend(pii::check(&sources));
    }
    #[cfg(feature = "swarm")]
    {
        findings.extend(swarm::check(&sources));
    }
    #[cfg(feature = "ubicloud")]
    {
        findings.extend(ubicloud::check(&sources));
    }
    #[cfg(feature = "backup")]
    {
        findings.extend(backup::check(&sources));
    }
    findings.extend(workflows::check(&sources));
    findings.extend(unparsed(&sources, &findings));
    // What ran is every static rule of the enabled catalogs: each crate's
    // check above runs all of its crate's.
    let checks_run = crate::catalog::catalogs()
        .iter()
        .flat_map(|c| c.static_rules())
        .map(|r| r.id)
        .collect();
    let report = Report::checked(findings, selection, &sources);
    Ok(Preflight {
        report,
        sources,
        checks_run,
        skipped,
    })
}

/// `BUSFLOW-002` for every file read that does not parse as its extension
/// claims and that no check has reported as an error already (a module's
/// `SWARMX-001`, a rule file's OBS-001): a repository whose root `main.tf`
/// is broken does not pass.
fn unparsed(sources: &Sources, findings: &[crate::Finding]) -> Vec<crate::Finding> {
    let mut files: Vec<(&Path, &str)> = sources.iter().collect();
    files.sort_by_key(|(p, _)| *p);
    files
        .into_iter()
        .filter(|(path, _)| {
            !findings
                .iter()
                .any(|f| f.file == *path && f.severity == crate::Severity::Error)
        })
        .filter_map(|(path, _)| {
            let (line, column, message) = sources.syntax_error(path)?;
            let what = match path.extension().and_then(|e| e.to_str()) {
                Some("tf" | "hcl") => "Terraform (HCL)",
                Some("json") => "JSON",
                _ => "YAML",
            };
            Some(
                crate::Finding::new(
                    &crate::catalog::BUSFLOW_002,
                    path,
                    crate::Pos::new(*line, *column),
                    format!("the file does not parse as {what}: {message}"),
                )
                .with_help(format!(
                    "Fix the syntax at this position (`terraform fmt` or a YAML linter shows it), or rename the file if it is not {what}."
                )),
            )
        })
        .collect()
}

#[cfg(feature = "backup")]
mod backup;

mod workflows;

#[cfg(feature = "swarm")]
mod swarm;

#[cfg(feature = "ubicloud")]
mod ubicloud;

#[cfg(feature = "obs-rules")]
mod obs {
    use std::path::Path;

    use busflow_obs_rules as rules;

    use crate::finding::Finding;
    use crate::sources::Sources;

    fn is_rule_file(text: &str) -> bool {
        text.lines().any(|l| l.starts_with("groups:")) || text.contains("kind: PrometheusRule")
    }

    pub(super) fn check(sources: &Sources) -> Vec<Finding> {
        let config = rules::Config::default();
        let mut out = Vec::new();
        let mut rule_files = Vec::new();
        let mut files: Vec<(&Path, &str)> = sources.iter().collect();
        files.sort_by_key(|(p, _)| *p);
        for (path, text) in files {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let loki_rules = path.components().any(|c| c.as_os_str() == "loki-rules");
            // read_sources keeps JSON and XML only for lifecycle configurations.
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "xml")
            ) {
                // A dedicated Loki bucket: any expiring rule deletes chunks.
                out.extend(rules::check_lifecycle(path, text, ""));
            } else if matches!(
                name,
                "loki.yaml" | "loki.yml" | "loki-config.yaml" | "loki-config.yml"
            ) {
                out.extend(rules::check_loki_config(path, text));
            } else if loki_rules && is_rule_file(text) {
                let (file, found) = rules::parse_rule_file(path, text.as_bytes());
                out.extend(found);
                rule_files.push(file);
            } else if is_rule_file(text) {
                let checked = rules::check_rule_file(path, text.as_bytes(), &config);
                out.extend(checked.findings);
                rule_files.push(checked.file);
            }
        }
        if let Some(anchor) = rule_files.first().map(|f| f.path.clone()) {
            out.extend(rules::check_documented(&rule_files, &anchor));
        }
        out
    }
}

#[cfg(feature = "pii")]
mod pii {
    use busflow_pii as redaction;

    use crate::finding::Finding;
    use crate::sources::Sources;

    pub(super) fn check(sources: &Sources) -> Vec<Finding> {
        let config = redaction::RedactorConfig::default();
        let mut out = Vec::new();
        let is_yaml = |p: &std::path::Path| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
        };
        let mut ships_to_loki = false;
        for (path, text) in sources.iter() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if matches!(name, "pii-exclusions.yaml" | "pii-exclusions.yml") {
                out.extend(redaction::check_exclusions(path, text));
            } else if text.contains("pipeline_stages:") {
                out.extend(redaction::check_promtail(path, text, &config));
            }
            ships_to_loki |= is_yaml(path) && text.contains("loki-url");
        }
        // PIIX-006 reads the stacks together: the gateway may be in another
        // file than the services that ship to it.
        if ships_to_loki {
            let all: Vec<(&std::path::Path, &str)> = sources
                .iter()
                .filter(|(p, t)| is_yaml(p) && t.contains("services:"))
                .collect();
            out.extend(redaction::check_log_path(&all));
        }
        out
    }
}
