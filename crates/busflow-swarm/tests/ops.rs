//! The operations on a real Docker Engine (testkit's single-node swarm):
//! SWARM-OPS-004 secret swaps, SWARM-COMPOSE-010 config rotation, the live
//! half of SWARM-COMPOSE-006, node demotion and SWARM-OPS-001 prune.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use bollard::models::{
    NodeSpec, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated, TaskSpec,
    TaskSpecContainerSpec, TaskSpecContainerSpecConfigs, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecSecrets,
};
use busflow_swarm::ErrorKind;
use busflow_swarm::ops::{
    ConfigRotation, Engine, Named, NodeState, PrunePlan, SecretSwap, ServiceState, SwarmApi,
    Waiting, demote, missing_references, nodes_with_label, prune, rotate_config, swap_secrets,
};
use testkit::Dockerd;

fn file(name: &str) -> TaskSpecContainerSpecFile {
    TaskSpecContainerSpecFile {
        name: Some(name.into()),
        uid: Some("0".into()),
        gid: Some("0".into()),
        mode: Some(0o400),
    }
}

/// A replicas-0 service (no image needed) mounting `secrets` as (secret, target).
async fn service(api: &Engine, docker: &bollard::Docker, name: &str, secrets: &[(&str, &str)]) {
    let existing = api.secrets().await.expect("secrets");
    let refs = secrets
        .iter()
        .map(|(s, target)| TaskSpecContainerSpecSecrets {
            secret_id: existing.iter().find(|e| e.name == *s).map(|e| e.id.clone()),
            secret_name: Some((*s).into()),
            file: Some(file(target)),
        })
        .collect();
    let spec = ServiceSpec {
        name: Some(name.into()),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: Some(0) }),
            ..Default::default()
        }),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some("busybox:latest".into()),
                secrets: Some(refs),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    docker
        .create_service(spec, None)
        .await
        .expect("service created");
}

fn secret_names(s: &ServiceState) -> Vec<String> {
    s.spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.secrets.as_ref())
        .map(|refs| refs.iter().filter_map(|r| r.secret_name.clone()).collect())
        .unwrap_or_default()
}

/// Forwards to the engine, looks at the watched service after every call,
/// and can make the first update stale by changing the service under it.
struct Watch {
    inner: Engine,
    service: String,
    seen: Mutex<Vec<Vec<String>>>,
    stale_first: AtomicBool,
    updates: AtomicU32,
}

impl Watch {
    fn new(inner: Engine, service: &str, stale_first: bool) -> Self {
        Self {
            inner,
            service: service.into(),
            seen: Mutex::new(Vec::new()),
            stale_first: AtomicBool::new(stale_first),
            updates: AtomicU32::new(0),
        }
    }

    async fn look(&self) {
        let s = self
            .inner
            .service(&self.service)
            .await
            .expect("inspect between steps");
        self.seen.lock().expect("lock").push(secret_names(&s));
    }
}

#[async_trait::async_trait]
impl SwarmApi for Watch {
    async fn service(&self, name: &str) -> Result<ServiceState, busflow_swarm::Error> {
        let r = self.inner.service(name).await;
        self.look().await;
        r
    }
    async fn services(&self) -> Result<Vec<ServiceState>, busflow_swarm::Error> {
        let r = self.inner.services().await;
        self.look().await;
        r
    }
    async fn update_service(
        &self,
        id: &str,
        version: u64,
        spec: ServiceSpec,
    ) -> Result<(), busflow_swarm::Error> {
        if self.stale_first.swap(false, Ordering::SeqCst) {
            // Another writer: a label change lands first.
            let now = self.inner.service(id).await.expect("inspect");
            let mut other = now.spec.clone();
            other
                .labels
                .get_or_insert_with(Default::default)
                .insert("touched".into(), "yes".into());
            self.inner
                .update_service(id, now.version, other)
                .await
                .expect("the other writer");
        }
        self.updates.fetch_add(1, Ordering::SeqCst);
        let r = self.inner.update_service(id, version, spec).await;
        self.look().await;
        r
    }
    async fn secrets(&self) -> Result<Vec<Named>, busflow_swarm::Error> {
        self.inner.secrets().await
    }
    async fn create_secret(&self, name: &str, data: &[u8]) -> Result<String, busflow_swarm::Error> {
        self.inner.create_secret(name, data).await
    }
    async fn delete_secret(&self, id: &str) -> Result<(), busflow_swarm::Error> {
        let r = self.inner.delete_secret(id).await;
        self.look().await;
        r
    }
    async fn configs(&self) -> Result<Vec<Named>, busflow_swarm::Error> {
        self.inner.configs().await
    }
    async fn create_config(&self, name: &str, data: &[u8]) -> Result<String, busflow_swarm::Error> {
        self.inner.create_config(name, data).await
    }
    async fn delete_config(&self, id: &str) -> Result<(), busflow_swarm::Error> {
        self.inner.delete_config(id).await
    }
    async fn nodes(&self) -> Result<Vec<NodeState>, busflow_swarm::Error> {
        self.inner.nodes().await
    }
    async fn update_node(
        &self,
        id: &str,
        version: u64,
        spec: NodeSpec,
    ) -> Result<(), busflow_swarm::Error> {
        self.inner.update_node(id, version, spec).await
    }
    async fn prune_candidates(&self, hours: u32) -> Result<PrunePlan, busflow_swarm::Error> {
        self.inner.prune_candidates(hours).await
    }
    async fn prune(&self, hours: u32) -> Result<PrunePlan, busflow_swarm::Error> {
        self.inner.prune(hours).await
    }
}

fn fast() -> Waiting {
    Waiting {
        timeout: std::time::Duration::from_mins(1),
        poll: std::time::Duration::from_millis(100),
        retries: 5,
    }
}

#[tokio::test]
async fn swarm_ops_004_the_reader_writer_flip_is_one_update_that_never_holds_both_or_neither() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    for name in [
        "db_writer_v1",
        "db_reader_v1",
        "db_writer_v2",
        "db_reader_v2",
    ] {
        api.create_secret(name, format!("postgres://{name}@db/busflow").as_bytes())
            .await
            .expect("secret");
    }
    service(
        &api,
        &engine.client(),
        "api",
        &[("db_writer_v1", "db_writer"), ("db_reader_v1", "db_reader")],
    )
    .await;
    let watch = Watch::new(api.clone(), "api", false);
    let swaps = vec![
        SecretSwap {
            old: "db_writer_v1".into(),
            new: "db_writer_v2".into(),
            target: Some("db_writer".into()),
        },
        SecretSwap {
            old: "db_reader_v1".into(),
            new: "db_reader_v2".into(),
            target: Some("db_reader".into()),
        },
    ];
    let outcome = swap_secrets(&watch, &[("api", swaps.clone())], fast())
        .await
        .expect("swapped");
    assert_eq!(outcome.updated, ["api"]);
    assert_eq!(outcome.retries, 0);
    assert_eq!(
        watch.updates.load(Ordering::SeqCst),
        1,
        "both secrets flip in one update"
    );
    let seen = watch.seen.lock().expect("lock").clone();
    assert!(seen.len() >= 3, "inspected between steps: {seen:?}");
    for names in &seen {
        for (old, new) in [
            ("db_writer_v1", "db_writer_v2"),
            ("db_reader_v1", "db_reader_v2"),
        ] {
            let held = usize::from(names.iter().any(|n| n == old))
                + usize::from(names.iter().any(|n| n == new));
            assert_eq!(
                held, 1,
                "the spec held both or neither of {old}/{new}: {names:?}"
            );
        }
    }
    // The old secrets went only after convergence, and are gone.
    assert_eq!(outcome.deleted, ["db_reader_v1", "db_writer_v1"]);
    let left: Vec<String> = api
        .secrets()
        .await
        .expect("secrets")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(
        !left.contains(&"db_writer_v1".to_owned()) && left.contains(&"db_writer_v2".to_owned()),
        "{left:?}"
    );
    // Running it again is a no-op (an interrupted swap can be resumed).
    let again = swap_secrets(&api, &[("api", swaps)], fast())
        .await
        .expect("idempotent");
    assert!(again.updated.is_empty());
}

#[tokio::test]
async fn swarm_ops_004_a_stale_version_is_read_again_and_retried() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    for name in ["token_v1", "token_v2"] {
        api.create_secret(name, b"s3cr3t").await.expect("secret");
    }
    service(&api, &engine.client(), "worker", &[("token_v1", "token")]).await;
    let watch = Watch::new(api.clone(), "worker", true);
    let swap = SecretSwap {
        old: "token_v1".into(),
        new: "token_v2".into(),
        target: None,
    };
    let outcome = swap_secrets(&watch, &[("worker", vec![swap])], fast())
        .await
        .expect("swapped after a retry");
    assert_eq!(outcome.retries, 1);
    let after = api.service("worker").await.expect("inspect");
    assert_eq!(secret_names(&after), ["token_v2"]);
    // The other writer's change survived: the retry re-read the whole spec.
    assert_eq!(
        after
            .spec
            .labels
            .and_then(|l| l.get("touched").cloned())
            .as_deref(),
        Some("yes")
    );
}

#[tokio::test]
async fn swarm_ops_004_an_old_secret_another_service_uses_is_kept_and_a_missing_new_one_refused() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    for name in ["shared_v1", "shared_v2"] {
        api.create_secret(name, b"x").await.expect("secret");
    }
    service(&api, &engine.client(), "a", &[("shared_v1", "shared")]).await;
    service(&api, &engine.client(), "b", &[("shared_v1", "shared")]).await;
    let swap = SecretSwap {
        old: "shared_v1".into(),
        new: "shared_v2".into(),
        target: None,
    };
    let outcome = swap_secrets(&api, &[("a", vec![swap])], fast())
        .await
        .expect("swapped");
    assert!(outcome.deleted.is_empty());
    assert_eq!(
        outcome.kept,
        [("shared_v1".to_owned(), vec!["b".to_owned()])]
    );
    let missing = SecretSwap {
        old: "shared_v1".into(),
        new: "nope_v9".into(),
        target: None,
    };
    let err = swap_secrets(&api, &[("b", vec![missing])], fast())
        .await
        .expect_err("no such secret");
    assert!(
        matches!(err.kind(), ErrorKind::NotFound { kind: "secret", .. }),
        "{err}"
    );
    assert_eq!(
        secret_names(&api.service("b").await.expect("b")),
        ["shared_v1"],
        "nothing changed"
    );
}

#[tokio::test]
async fn swarm_compose_010_a_config_rotates_under_a_content_addressed_name() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let docker = engine.client();
    let api = Engine::new(docker.clone());
    let first = ConfigRotation {
        service: "alertmanager".into(),
        target: "/etc/alertmanager/alertmanager.yml".into(),
        prefix: "alertmanager_config".into(),
        content: b"route: {receiver: slack}\n".to_vec(),
    };
    let first_id = api
        .create_config(&first.name(), &first.content)
        .await
        .expect("config");
    let spec = ServiceSpec {
        name: Some("alertmanager".into()),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: Some(0) }),
            ..Default::default()
        }),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some("prom/alertmanager:v0.27.0".into()),
                configs: Some(vec![TaskSpecContainerSpecConfigs {
                    file: Some(TaskSpecContainerSpecFile1 {
                        name: Some("/etc/alertmanager/alertmanager.yml".into()),
                        uid: Some("0".into()),
                        gid: Some("0".into()),
                        mode: Some(0o444),
                    }),
                    config_id: Some(first_id),
                    config_name: Some(first.name()),
                    runtime: None,
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    docker.create_service(spec, None).await.expect("service");
    assert!(
        first.name().starts_with("alertmanager_config_")
            && first.name().len() == "alertmanager_config_".len() + 12
    );
    // The same content: nothing to do.
    let (name, outcome) = rotate_config(&api, &first, fast()).await.expect("rotation");
    assert_eq!(name, first.name());
    assert!(outcome.updated.is_empty() && outcome.deleted.is_empty());
    // New content: a new name, the service moved, the old config deleted.
    let second = ConfigRotation {
        content: b"route: {receiver: pagerduty}\n".to_vec(),
        ..first.clone()
    };
    let (name, outcome) = rotate_config(&api, &second, fast())
        .await
        .expect("rotation");
    assert_ne!(name, first.name());
    assert_eq!(outcome.updated, ["alertmanager"]);
    assert_eq!(outcome.deleted, [first.name()]);
    let names: Vec<String> = api
        .configs()
        .await
        .expect("configs")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, [name]);
}

#[tokio::test]
async fn swarm_compose_006_references_the_swarm_lacks_are_found_before_a_deploy() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    let text = "services:\n  exporter:\n    image: x\n    secrets:\n      - postgres_exporter_dsn\n  api:\n    image: y\n    configs:\n      - source: app\n        target: /app.yml\nsecrets:\n  postgres_exporter_dsn:\n    external: true\nconfigs:\n  app:\n    name: app_v1\n    external: true\n";
    let path = Path::new("docker-compose.observability.yml");
    let found = missing_references(&api, path, text, "obs")
        .await
        .expect("lists");
    let got: Vec<(&str, u32)> = found.iter().map(|f| (f.rule_id, f.start.line)).collect();
    assert_eq!(
        got,
        [("SWARM-COMPOSE-006", 5), ("SWARM-COMPOSE-006", 9)],
        "{found:#?}"
    );
    api.create_secret("postgres_exporter_dsn", b"postgres://exporter@db/x")
        .await
        .expect("secret");
    api.create_config("app_v1", b"a: 1").await.expect("config");
    assert!(
        missing_references(&api, path, text, "obs")
            .await
            .expect("lists")
            .is_empty()
    );
}

#[tokio::test]
async fn nodes_are_listed_by_label_and_demoting_the_last_manager_is_refused() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    let node = api.nodes().await.expect("nodes").remove(0);
    let mut spec = node.spec.clone();
    spec.labels
        .get_or_insert_with(Default::default)
        .insert("tier".into(), "observability".into());
    api.update_node(&node.id, node.version, spec)
        .await
        .expect("label");
    let found = nodes_with_label(&api, "tier", "observability")
        .await
        .expect("list");
    assert_eq!(found.len(), 1);
    assert!(
        nodes_with_label(&api, "tier", "stateful")
            .await
            .expect("list")
            .is_empty()
    );
    let err = demote(&api, &node.hostname)
        .await
        .expect_err("the last manager stays");
    assert!(matches!(err.kind(), ErrorKind::QuorumRefused(_)), "{err}");
    assert_eq!(api.nodes().await.expect("nodes")[0].role, "manager");
}

fn docker_cli(engine: &Dockerd, args: &[&str], stdin: Option<&Path>) -> String {
    let mut cmd = std::process::Command::new("docker");
    cmd.arg("-H").arg(engine.host()).args(args);
    if let Some(p) = stdin {
        cmd.stdin(std::fs::File::open(p).expect("input"));
    }
    let out = cmd.output().expect("the docker CLI runs");
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn swarm_ops_001_a_dry_run_lists_what_a_prune_removes_and_the_week_keeps_new_things() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    // An image from an empty tarball and a container of it that never ran.
    let dir = tempfile::tempdir().expect("temp dir");
    let tar = dir.path().join("empty.tar");
    std::fs::write(&tar, [0u8; 1024]).expect("tar");
    docker_cli(&engine, &["import", "-", "busflow/scratch:1"], Some(&tar));
    let container = docker_cli(&engine, &["create", "busflow/scratch:1", "/nothing"], None);
    // A week old is the documented default: nothing this new goes.
    let plan = prune(&api, busflow_swarm::ops::DEFAULT_HOURS, true)
        .await
        .expect("dry run");
    assert!(plan.is_empty(), "{plan:#?}");
    // With no age limit (`until=0h`: created before now) the dry run lists
    // the container and its image...
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let plan = prune(&api, 0, true).await.expect("dry run");
    assert_eq!(plan.containers.len(), 1, "{plan:#?}");
    assert!(container.starts_with(&plan.containers[0].id[..12]));
    assert_eq!(plan.images.len(), 1, "{plan:#?}");
    assert!(plan.images[0].name.contains("busflow/scratch:1"));
    // ...and the dry run removed nothing.
    assert!(!docker_cli(&engine, &["ps", "-aq"], None).is_empty());
    // The real prune removes what the dry run listed.
    let done = prune(&api, 0, false).await.expect("prune");
    assert_eq!(done.containers.len(), 1, "{done:#?}");
    assert!(!done.images.is_empty(), "{done:#?}");
    assert!(docker_cli(&engine, &["ps", "-aq"], None).is_empty());
    assert!(docker_cli(&engine, &["images", "-q"], None).is_empty());
}

#[tokio::test]
async fn swarm_ops_001_the_prune_runs_on_every_node_as_a_global_job_and_reports_per_node() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let api = Engine::new(engine.client());
    // Images cannot be pulled here: an image FROM scratch around the static
    // docker CLI this machine has, built by the engine's classic builder.
    let dir = tempfile::tempdir().expect("temp dir");
    let cli = which("docker");
    std::fs::copy(&cli, dir.path().join("docker")).expect("copy the docker CLI");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM scratch\nCOPY docker /docker\n",
    )
    .expect("Dockerfile");
    let out = std::process::Command::new("docker")
        .arg("-H")
        .arg(engine.host())
        .args(["build", "-q", "-t", "busflow/prune:1"])
        .arg(dir.path())
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("docker build runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Something new that a week-old filter keeps.
    let tar = dir.path().join("empty.tar");
    std::fs::write(&tar, [0u8; 1024]).expect("tar");
    docker_cli(&engine, &["import", "-", "busflow/scratch:1"], Some(&tar));
    let kept = docker_cli(&engine, &["create", "busflow/scratch:1", "/nothing"], None);

    let socket = engine.socket().to_path_buf();
    let job = busflow_swarm::ops::NodePruneJob {
        image: "busflow/prune:1".into(),
        docker: "/docker".into(),
        socket,
        timeout: std::time::Duration::from_mins(2),
        ..Default::default()
    };
    let report = api.prune_every_node(&job).await.expect("the job ran");
    assert_eq!(report.len(), 1, "one task per node: {report:#?}");
    let node = &report[0];
    assert!(node.succeeded(), "{node:#?}");
    assert_eq!(node.reclaimed.as_deref(), Some("0B"), "{node:#?}");
    assert!(!node.hostname.is_empty(), "{node:#?}");
    // The week kept the new container, and the job's service is gone.
    assert!(docker_cli(&engine, &["ps", "-aq", "--no-trunc"], None).contains(&kept));
    let services = docker_cli(&engine, &["service", "ls", "--format", "{{.Name}}"], None);
    assert!(!services.contains("busflow-prune-"), "{services}");
}

fn which(program: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}
