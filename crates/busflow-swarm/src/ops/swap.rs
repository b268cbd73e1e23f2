//! SWARM-OPS-004: a secret swap is one service update carrying the full
//! spec (read, modify, write back with the version index, retry on "update
//! out of sequence"), so the service never holds both secrets nor neither;
//! the old secret is deleted only after the rollout converged and when no
//! service uses it any more. Config rotation (SWARM-COMPOSE-010) is the
//! same update with a config whose name is its content's hash.

use std::collections::BTreeSet;
use std::time::Duration;

use bollard::models::{ServiceSpec, TaskSpecContainerSpec};
use sha2::{Digest, Sha256};

use super::{Named, SwarmApi};
use crate::error::{Error, ErrorKind};

/// Replace secret `old` by `new` at the same target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSwap {
    /// The secret the service uses now.
    pub old: String,
    /// The secret it uses after the swap (it must exist).
    pub new: String,
    /// The file name under `/run/secrets/` (checked when given).
    pub target: Option<String>,
}

/// How long to wait for a rollout, how often to look, and how many times a
/// stale version is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// Give up on convergence after this long.
    pub timeout: Duration,
    /// Look this often.
    pub poll: Duration,
    /// Re-read and retry an out-of-sequence update this many times.
    pub retries: u32,
}

impl Default for Waiting {
    fn default() -> Self {
        Self {
            timeout: Duration::from_mins(2),
            poll: Duration::from_millis(250),
            retries: 5,
        }
    }
}

/// What a swap or rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwapOutcome {
    /// The services updated (those already swapped are left alone).
    pub updated: Vec<String>,
    /// Out-of-sequence updates that were re-read and retried.
    pub retries: u32,
    /// Old secrets or configs deleted after convergence.
    pub deleted: Vec<String>,
    /// Old ones kept because a service still uses them, with the users.
    pub kept: Vec<(String, Vec<String>)>,
}

fn container(spec: &mut ServiceSpec) -> Result<&mut TaskSpecContainerSpec, Error> {
    spec.task_template
        .as_mut()
        .and_then(|t| t.container_spec.as_mut())
        .ok_or_else(|| Error::refused("the service has no container spec".into()))
}

/// Swaps secrets on each service (all swaps of one service in one update:
/// the reader/writer flip), waits for every rollout, then deletes the old
/// secrets no service uses any more. Services that already use the new
/// secrets are left alone, so a swap that was interrupted can be run again.
pub async fn swap_secrets(
    api: &dyn SwarmApi,
    changes: &[(&str, Vec<SecretSwap>)],
    waiting: Waiting,
) -> Result<SwapOutcome, Error> {
    let existing = api.secrets().await?;
    let id_of = |name: &str| {
        existing
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id.clone())
    };
    for (_, swaps) in changes {
        for s in swaps {
            if id_of(&s.new).is_none() {
                return Err(Error::new(ErrorKind::NotFound {
                    kind: "secret",
                    name: s.new.clone(),
                }));
            }
        }
    }
    let mut outcome = SwapOutcome::default();
    for (service, swaps) in changes {
        let edit = |spec: &mut ServiceSpec| -> Result<bool, Error> {
            let refs = container(spec)?.secrets.get_or_insert_with(Vec::new);
            let mut edited = false;
            for s in swaps {
                let target_ok =
                    |file: Option<&str>| s.target.as_deref().is_none_or(|t| file == Some(t));
                let at_new = refs.iter().any(|r| {
                    r.secret_name.as_deref() == Some(&s.new)
                        && target_ok(r.file.as_ref().and_then(|f| f.name.as_deref()))
                });
                let Some(r) = refs.iter_mut().find(|r| {
                    r.secret_name.as_deref() == Some(&s.old)
                        && target_ok(r.file.as_ref().and_then(|f| f.name.as_deref()))
                }) else {
                    if at_new {
                        continue; // already swapped
                    }
                    return Err(Error::refused(format!(
                        "service `{service}` does not use secret `{}`{}",
                        s.old,
                        s.target
                            .as_deref()
                            .map(|t| format!(" at /run/secrets/{t}"))
                            .unwrap_or_default()
                    )));
                };
                r.secret_id = id_of(&s.new);
                r.secret_name = Some(s.new.clone());
                edited = true;
            }
            Ok(edited)
        };
        let (updated, retries) = update(api, service, waiting, &edit).await?;
        outcome.retries += retries;
        if updated {
            outcome.updated.push((*service).to_owned());
        }
    }
    for service in &outcome.updated {
        converge(api, service, waiting).await?;
    }
    let olds: BTreeSet<&str> = changes
        .iter()
        .flat_map(|(_, s)| s.iter().map(|s| s.old.as_str()))
        .collect();
    let users = api.services().await?;
    for old in olds {
        let using: Vec<String> = users
            .iter()
            .filter(|u| {
                u.spec
                    .task_template
                    .as_ref()
                    .and_then(|t| t.container_spec.as_ref())
                    .and_then(|c| c.secrets.as_ref())
                    .is_some_and(|refs| refs.iter().any(|r| r.secret_name.as_deref() == Some(old)))
            })
            .map(|u| u.name.clone())
            .collect();
        if using.is_empty() {
            if let Some(id) = id_of(old) {
                api.delete_secret(&id).await?;
                outcome.deleted.push(old.to_owned());
            }
        } else {
            outcome.kept.push((old.to_owned(), using));
        }
    }
    Ok(outcome)
}

/// A config to roll out under a content-addressed name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRotation {
    /// The service that mounts it.
    pub service: String,
    /// The file it is mounted as (`/etc/alertmanager/alertmanager.yml`).
    pub target: String,
    /// The name's stem: the config is `{prefix}_{first 12 hex of sha256}`.
    pub prefix: String,
    /// The new content.
    pub content: Vec<u8>,
}

impl ConfigRotation {
    /// The content-addressed name of the new config.
    pub fn name(&self) -> String {
        let digest = Sha256::digest(&self.content);
        let mut name = format!("{}_", self.prefix);
        for b in digest.iter().take(6) {
            use std::fmt::Write as _;
            let _ = write!(name, "{b:02x}");
        }
        name
    }
}

/// Creates the config under its content-addressed name (if absent), points
/// the service's mount at it in one update, waits for the rollout, and
/// deletes the config it replaced when nothing uses it. Returns the new
/// name and what happened.
pub async fn rotate_config(
    api: &dyn SwarmApi,
    rotation: &ConfigRotation,
    waiting: Waiting,
) -> Result<(String, SwapOutcome), Error> {
    let name = rotation.name();
    let configs = api.configs().await?;
    let new_id = match configs.iter().find(|c| c.name == name) {
        Some(c) => c.id.clone(),
        None => api.create_config(&name, &rotation.content).await?,
    };
    let mut replaced: Option<Named> = None;
    let edit = |spec: &mut ServiceSpec| -> Result<bool, Error> {
        let refs = container(spec)?.configs.get_or_insert_with(Vec::new);
        let Some(r) = refs.iter_mut().find(|r| {
            r.file.as_ref().and_then(|f| f.name.as_deref()) == Some(rotation.target.as_str())
        }) else {
            return Err(Error::refused(format!(
                "service `{}` mounts no config at `{}`",
                rotation.service, rotation.target
            )));
        };
        if r.config_name.as_deref() == Some(name.as_str()) {
            return Ok(false);
        }
        r.config_id = Some(new_id.clone());
        r.config_name = Some(name.clone());
        Ok(true)
    };
    // The config in use before, to delete after the rollout.
    let before = api.service(&rotation.service).await?;
    if let Some(old) = before
        .spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.configs.as_ref())
        .and_then(|refs| {
            refs.iter().find(|r| {
                r.file.as_ref().and_then(|f| f.name.as_deref()) == Some(rotation.target.as_str())
            })
        })
        && old.config_name.as_deref() != Some(name.as_str())
    {
        replaced = Some(Named {
            id: old.config_id.clone().unwrap_or_default(),
            name: old.config_name.clone().unwrap_or_default(),
        });
    }
    let (changed, retries) = update(api, &rotation.service, waiting, &edit).await?;
    let mut outcome = SwapOutcome {
        retries,
        ..SwapOutcome::default()
    };
    if changed {
        outcome.updated.push(rotation.service.clone());
        converge(api, &rotation.service, waiting).await?;
    }
    if let Some(old) = replaced {
        let using: Vec<String> = api
            .services()
            .await?
            .into_iter()
            .filter(|u| {
                u.spec
                    .task_template
                    .as_ref()
                    .and_then(|t| t.container_spec.as_ref())
                    .and_then(|c| c.configs.as_ref())
                    .is_some_and(|refs| {
                        refs.iter()
                            .any(|r| r.config_name.as_deref() == Some(old.name.as_str()))
                    })
            })
            .map(|u| u.name)
            .collect();
        if using.is_empty() {
            api.delete_config(&old.id).await?;
            outcome.deleted.push(old.name);
        } else {
            outcome.kept.push((old.name, using));
        }
    }
    Ok((name, outcome))
}

/// Reads the service, applies `edit` to the whole spec and writes it back
/// with the version index read; a stale index is re-read and retried.
/// Returns whether anything changed and how many retries it took.
async fn update(
    api: &dyn SwarmApi,
    service: &str,
    waiting: Waiting,
    edit: &(dyn Fn(&mut ServiceSpec) -> Result<bool, Error> + Sync),
) -> Result<(bool, u32), Error> {
    let mut retries = 0;
    loop {
        let current = api.service(service).await?;
        let mut spec = current.spec.clone();
        if !edit(&mut spec)? {
            return Ok((false, retries));
        }
        match api.update_service(&current.id, current.version, spec).await {
            Ok(()) => {
                tracing::info!(
                    service,
                    version = current.version,
                    retries,
                    "service updated"
                );
                return Ok((true, retries));
            }
            Err(e)
                if matches!(e.kind(), ErrorKind::OutOfSequence { .. })
                    && retries < waiting.retries =>
            {
                retries += 1;
                tracing::warn!(
                    service,
                    retries,
                    "update out of sequence: reading the spec again"
                );
            }
            Err(e) => return Err(e),
        }
    }
}

/// Waits until the service's last update completed.
async fn converge(api: &dyn SwarmApi, service: &str, waiting: Waiting) -> Result<(), Error> {
    let deadline = tokio::time::Instant::now() + waiting.timeout;
    loop {
        let state = api.service(service).await?.update_state;
        match state.as_deref() {
            None | Some("completed" | "") => return Ok(()),
            Some(s) if s.starts_with("rollback") || s == "paused" => {
                return Err(Error::new(ErrorKind::NotConverged {
                    service: service.to_owned(),
                    state: s.to_owned(),
                }));
            }
            Some(s) => {
                if tokio::time::Instant::now() >= deadline {
                    return Err(Error::new(ErrorKind::NotConverged {
                        service: service.to_owned(),
                        state: format!("still `{s}` after {:?}", waiting.timeout),
                    }));
                }
            }
        }
        tokio::time::sleep(waiting.poll).await;
    }
}
