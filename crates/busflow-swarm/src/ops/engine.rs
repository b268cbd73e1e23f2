//! [`SwarmApi`] over a real Docker Engine with `bollard`.

use std::collections::HashMap;

use base64::Engine as _;
use bollard::Docker;
use bollard::models::{ConfigSpec, NodeSpec, SecretSpec, Service, ServiceSpec};
use bollard::query_parameters::{
    DataUsageOptions, InspectServiceOptions, ListContainersOptions, ListImagesOptions,
    ListNodesOptions, ListServicesOptions, PruneBuildOptions, PruneContainersOptions,
    PruneImagesOptions, UpdateNodeOptionsBuilder, UpdateServiceOptionsBuilder,
};

use super::prune::{PruneItem, PrunePlan};
use super::{Named, NodeState, ServiceState, SwarmApi};
use crate::error::{Error, ErrorKind};

/// A Docker Engine reached through `bollard`.
#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
}

impl Engine {
    /// Wraps a client (for instance `testkit::Dockerd::client()`).
    pub fn new(docker: Docker) -> Self {
        Self { docker }
    }

    /// The client.
    pub(crate) fn client(&self) -> &Docker {
        &self.docker
    }

    /// Connects to the engine's unix socket (`/var/run/docker.sock`, or
    /// `path`) and negotiates the API version.
    pub async fn connect(path: Option<&str>) -> Result<Self, Error> {
        let docker = match path {
            Some(p) => Docker::connect_with_unix(p, 120, bollard::API_DEFAULT_VERSION),
            None => Docker::connect_with_unix_defaults(),
        }
        .map_err(|e| engine("connect", &e))?;
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| engine("negotiate the API version", &e))?;
        Ok(Self { docker })
    }
}

fn message(e: &bollard::errors::Error) -> String {
    match e {
        bollard::errors::Error::DockerResponseServerError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// swarmkit's sequence conflict (`store.ErrSequenceConflict`): the Engine
/// answers it with status 500 and the gRPC error text ("rpc error: code =
/// Unknown desc = update out of sequence", measured on dockerd 28), so the
/// status alone cannot tell it from other failures; the status and the
/// error's own description together do. Any other error that merely
/// mentions the words is not one.
fn is_sequence_conflict(e: &bollard::errors::Error) -> bool {
    matches!(
        e,
        bollard::errors::Error::DockerResponseServerError { status_code: 500, message }
            if message.trim_end().ends_with("desc = update out of sequence")
                || message.trim_end() == "update out of sequence"
    )
}

pub(super) fn engine(operation: &str, e: &bollard::errors::Error) -> Error {
    Error::new(ErrorKind::Engine {
        operation: operation.to_owned(),
        message: message(e),
    })
}

fn state(s: Service) -> Result<ServiceState, Error> {
    let missing = |what: &str| {
        Error::new(ErrorKind::Engine {
            operation: "inspect service".into(),
            message: format!("the engine's answer has no {what}"),
        })
    };
    let spec = s.spec.ok_or_else(|| missing("spec"))?;
    Ok(ServiceState {
        id: s.id.ok_or_else(|| missing("ID"))?,
        name: spec.name.clone().unwrap_or_default(),
        version: s
            .version
            .and_then(|v| v.index)
            .ok_or_else(|| missing("version"))?,
        spec,
        update_state: s
            .update_status
            .and_then(|u| u.state)
            .map(|st| st.to_string()),
    })
}

fn version(v: u64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Seconds since the epoch, now.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn until(hours: u32) -> HashMap<String, Vec<String>> {
    HashMap::from([("until".to_owned(), vec![format!("{hours}h")])])
}

#[async_trait::async_trait]
impl SwarmApi for Engine {
    async fn service(&self, name: &str) -> Result<ServiceState, Error> {
        match self
            .docker
            .inspect_service(name, None::<InspectServiceOptions>)
            .await
        {
            Ok(s) => state(s),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(Error::new(ErrorKind::NotFound {
                kind: "service",
                name: name.to_owned(),
            })),
            Err(e) => Err(engine(&format!("inspect service {name}"), &e)),
        }
    }

    async fn services(&self) -> Result<Vec<ServiceState>, Error> {
        self.docker
            .list_services(None::<ListServicesOptions>)
            .await
            .map_err(|e| engine("list services", &e))?
            .into_iter()
            .map(state)
            .collect()
    }

    async fn update_service(
        &self,
        id: &str,
        version_index: u64,
        spec: ServiceSpec,
    ) -> Result<(), Error> {
        let options = UpdateServiceOptionsBuilder::new()
            .version(version(version_index))
            .build();
        match self.docker.update_service(id, spec, options, None).await {
            Ok(_) => Ok(()),
            Err(e) if is_sequence_conflict(&e) => Err(Error::new(ErrorKind::OutOfSequence {
                service: id.to_owned(),
            })),
            Err(e) => Err(engine(&format!("update service {id}"), &e)),
        }
    }

    async fn secrets(&self) -> Result<Vec<Named>, Error> {
        Ok(self
            .docker
            .list_secrets(None)
            .await
            .map_err(|e| engine("list secrets", &e))?
            .into_iter()
            .filter_map(|s| {
                Some(Named {
                    id: s.id?,
                    name: s.spec?.name?,
                })
            })
            .collect())
    }

    async fn create_secret(&self, name: &str, data: &[u8]) -> Result<String, Error> {
        let spec = SecretSpec {
            name: Some(name.to_owned()),
            data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
            ..Default::default()
        };
        Ok(self
            .docker
            .create_secret(spec)
            .await
            .map_err(|e| engine(&format!("create secret {name}"), &e))?
            .id)
    }

    async fn delete_secret(&self, id: &str) -> Result<(), Error> {
        self.docker
            .delete_secret(id)
            .await
            .map_err(|e| engine(&format!("delete secret {id}"), &e))
    }

    async fn configs(&self) -> Result<Vec<Named>, Error> {
        Ok(self
            .docker
            .list_configs(None)
            .await
            .map_err(|e| engine("list configs", &e))?
            .into_iter()
            .filter_map(|c| {
                Some(Named {
                    id: c.id?,
                    name: c.spec?.name?,
                })
            })
            .collect())
    }

    async fn create_config(&self, name: &str, data: &[u8]) -> Result<String, Error> {
        let spec = ConfigSpec {
            name: Some(name.to_owned()),
            data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
            ..Default::default()
        };
        Ok(self
            .docker
            .create_config(spec)
            .await
            .map_err(|e| engine(&format!("create config {name}"), &e))?
            .id)
    }

    async fn delete_config(&self, id: &str) -> Result<(), Error> {
        self.docker
            .delete_config(id)
            .await
            .map_err(|e| engine(&format!("delete config {id}"), &e))
    }

    async fn nodes(&self) -> Result<Vec<NodeState>, Error> {
        Ok(self
            .docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(|e| engine("list nodes", &e))?
            .into_iter()
            .filter_map(|n| {
                let spec = n.spec?;
                Some(NodeState {
                    id: n.id?,
                    hostname: n.description.and_then(|d| d.hostname).unwrap_or_default(),
                    role: spec.role.map(|r| r.to_string()).unwrap_or_default(),
                    labels: spec.labels.clone().unwrap_or_default(),
                    version: n.version.and_then(|v| v.index)?,
                    spec,
                })
            })
            .collect())
    }

    async fn update_node(&self, id: &str, version_index: u64, spec: NodeSpec) -> Result<(), Error> {
        let options = UpdateNodeOptionsBuilder::new()
            .version(i64::try_from(version_index).unwrap_or(i64::MAX))
            .build();
        match self.docker.update_node(id, spec, options).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let m = message(&e);
                if m.contains("quorum") || m.contains("last manager") {
                    Err(Error::new(ErrorKind::QuorumRefused(m)))
                } else if is_sequence_conflict(&e) {
                    Err(Error::new(ErrorKind::OutOfSequence {
                        service: id.to_owned(),
                    }))
                } else {
                    Err(engine(&format!("update node {id}"), &e))
                }
            }
        }
    }

    async fn prune_candidates(&self, hours: u32) -> Result<PrunePlan, Error> {
        let cutoff = now() - i64::from(hours) * 3600;
        let mut plan = PrunePlan::default();
        // One listing: the stopped containers are filtered from it, and the
        // others say which images stay in use.
        let all = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                ..Default::default()
            }))
            .await
            .map_err(|e| engine("list containers", &e))?;
        let stopped = |c: &&bollard::models::ContainerSummary| {
            use bollard::models::ContainerSummaryStateEnum as State;
            matches!(c.state, Some(State::CREATED | State::EXITED | State::DEAD))
        };
        for c in all.iter().filter(stopped) {
            if c.created.is_some_and(|t| t < cutoff) {
                plan.containers.push(PruneItem {
                    id: c.id.clone().unwrap_or_default(),
                    name: c.names.clone().unwrap_or_default().join(","),
                    bytes: c.size_rw.and_then(|s| u64::try_from(s).ok()),
                });
            }
        }
        // Images no container uses (after the containers above are gone),
        // dangling or not, created before the cutoff.
        let kept_images: Vec<String> = all
            .iter()
            .filter(|c| !plan.containers.iter().any(|p| Some(&p.id) == c.id.as_ref()))
            .filter_map(|c| c.image_id.clone())
            .collect();
        let images = self
            .docker
            .list_images(Some(ListImagesOptions::default()))
            .await
            .map_err(|e| engine("list images", &e))?;
        for i in images {
            if i.created < cutoff && !kept_images.contains(&i.id) {
                plan.images.push(PruneItem {
                    name: i.repo_tags.join(","),
                    bytes: u64::try_from(i.size).ok(),
                    id: i.id,
                });
            }
        }
        let df = self
            .docker
            // (bollard cannot URL-encode the `type` list: ask for everything.)
            .df(Some(DataUsageOptions {
                _type: None,
                verbose: true,
            }))
            .await
            .map_err(|e| engine("disk usage", &e))?;
        for item in df
            .build_cache_usage
            .and_then(|b| b.items)
            .unwrap_or_default()
        {
            let in_use = item.get("InUse").and_then(serde_json_bool).unwrap_or(false);
            let last = item
                .get("LastUsedAt")
                .or_else(|| item.get("CreatedAt"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            if !in_use && older_than(&last, cutoff) {
                plan.build_cache.push(PruneItem {
                    id: item
                        .get("ID")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    name: item
                        .get("Description")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    bytes: item.get("Size").and_then(serde_json::Value::as_u64),
                });
            }
        }
        Ok(plan)
    }

    async fn prune(&self, hours: u32) -> Result<PrunePlan, Error> {
        let mut plan = PrunePlan::default();
        let containers = self
            .docker
            .prune_containers(Some(PruneContainersOptions {
                filters: Some(until(hours)),
            }))
            .await
            .map_err(|e| engine("prune containers", &e))?;
        plan.containers = containers
            .containers_deleted
            .unwrap_or_default()
            .into_iter()
            .map(|id| PruneItem {
                id,
                name: String::new(),
                bytes: None,
            })
            .collect();
        let mut filters = until(hours);
        filters.insert("dangling".into(), vec!["false".into()]);
        let images = self
            .docker
            .prune_images(Some(PruneImagesOptions {
                filters: Some(filters),
            }))
            .await
            .map_err(|e| engine("prune images", &e))?;
        plan.images = images
            .images_deleted
            .unwrap_or_default()
            .into_iter()
            .filter_map(|d| d.deleted)
            .map(|id| PruneItem {
                id,
                name: String::new(),
                bytes: None,
            })
            .collect();
        let build = self
            .docker
            .prune_build(Some(PruneBuildOptions {
                filters: Some(until(hours)),
                ..Default::default()
            }))
            .await
            .map_err(|e| engine("prune build cache", &e))?;
        plan.build_cache = build
            .caches_deleted
            .unwrap_or_default()
            .into_iter()
            .map(|id| PruneItem {
                id,
                name: String::new(),
                bytes: None,
            })
            .collect();
        Ok(plan)
    }
}

fn serde_json_bool(v: &serde_json::Value) -> Option<bool> {
    v.as_bool()
}

/// Whether the engine's RFC 3339 timestamp is before the cutoff (seconds
/// since the epoch); a timestamp that does not parse is not judged old.
fn older_than(engine_time: &str, cutoff_secs: i64) -> bool {
    let cutoff = jiff::Timestamp::from_second(cutoff_secs).unwrap_or(jiff::Timestamp::MIN);
    engine_time
        .parse::<jiff::Timestamp>()
        .is_ok_and(|t| t < cutoff)
}

#[cfg(test)]
mod tests {
    use super::{is_sequence_conflict, older_than};

    fn server(status_code: u16, message: &str) -> bollard::errors::Error {
        bollard::errors::Error::DockerResponseServerError {
            status_code,
            message: message.to_owned(),
        }
    }

    #[test]
    fn swarm_ops_004_a_sequence_conflict_is_told_by_status_and_description() {
        assert!(is_sequence_conflict(&server(
            500,
            "rpc error: code = Unknown desc = update out of sequence"
        )));
        assert!(!is_sequence_conflict(&server(
            400,
            "rpc error: code = Unknown desc = update out of sequence"
        )));
        assert!(!is_sequence_conflict(&server(
            500,
            "invalid label \"update out of sequence\": bad"
        )));
    }

    #[test]
    fn engine_timestamps_compare_as_instants_not_text() {
        // 2026-11-23T07:20:10Z
        let cutoff = 1_795_418_410;
        assert!(older_than("2026-11-23T07:20:09.999999999Z", cutoff));
        assert!(
            !older_than("2026-11-23T07:20:10.5Z", cutoff),
            "a fraction is later, though `.` sorts before `Z`"
        );
        assert!(
            older_than("2026-11-23T08:20:09+01:00", cutoff),
            "offsets are applied"
        );
        assert!(
            !older_than("2000-02-29T00:00:00+00:00 junk", cutoff),
            "unreadable is never old"
        );
        assert!(!older_than("", cutoff));
    }
}
