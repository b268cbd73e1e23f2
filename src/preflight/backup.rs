//! The backup clauses preflight checks statically: the verify's settings
//! file (`backup-verify/verify.yaml`) and the soft-FK allow-list it names.

use std::path::{Path, PathBuf};

use busflow_backup::{ErrorKind, SoftFkAllowlist, VerifySettings, catalog};

use crate::finding::{Finding, Pos};
use crate::sources::Sources;

fn is_settings(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str());
    matches!(name, Some("verify.yaml" | "verify.yml")) && parent == Some("backup-verify")
}

fn is_allowlist(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("soft-fk-allowlist.yaml" | "soft-fk-allowlist.yml")
    )
}

fn finding(error: &busflow_backup::Error) -> Option<Finding> {
    let (rule, path, line, column, expected, help) = match error.kind() {
        ErrorKind::Settings {
            path,
            line,
            column,
            rule,
            expected,
        } => (
            &**rule,
            path,
            *line,
            *column,
            expected,
            "Write the verify's settings as busflow-backup's `VerifySettings` documents them: a `source` remote (name, https:// endpoint, bucket), an optional `fallback`, and the limits; keys and URLs with passwords stay in the environment.",
        ),
        ErrorKind::Allowlist {
            path,
            line,
            column,
            expected,
        } => (
            &catalog::BACKUP_014,
            path,
            *line,
            *column,
            expected,
            "Each allow-list entry is a mapping `from: schema.table(column)`, `to: schema.table(column)` and a `reason` that says why orphans are tolerated.",
        ),
        _ => return None,
    };
    Some(
        Finding::new(
            rule,
            path.clone(),
            Pos::new(line, column),
            format!("expected {expected}"),
        )
        .with_help(help),
    )
}

pub(super) fn check(sources: &Sources) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, text) in sources.iter() {
        if is_allowlist(path) {
            if let Err(e) = SoftFkAllowlist::parse(path, text) {
                out.extend(finding(&e));
            }
        } else if is_settings(path) {
            match VerifySettings::parse(path, text) {
                Err(e) => out.extend(finding(&e)),
                Ok(s) => out.extend(missing_allowlist(&s, text, sources)),
            }
        }
    }
    out
}

/// The allow-list the settings name must be in the repository.
fn missing_allowlist(s: &VerifySettings, text: &str, sources: &Sources) -> Option<Finding> {
    let list: &PathBuf = s.allowlist.as_ref()?;
    if sources.text(list).is_some() {
        return None;
    }
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let value = l.strip_prefix("allowlist:")?;
            let column = l.len() - value.trim_start().len() + 1;
            Some((
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
            ))
        })
        .unwrap_or((1, 1));
    Some(
        Finding::new(
            &catalog::BACKUP_014,
            s.path.clone(),
            Pos::new(line, column),
            format!("the soft-FK allow-list {} does not exist", list.display()),
        )
        .with_help("Add the allow-list next to the settings, or point `allowlist` at it (paths are read from the settings file's folder)."),
    )
}
