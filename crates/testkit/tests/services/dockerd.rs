use bollard::models::{
    SecretSpec, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated, TaskSpec,
    TaskSpecContainerSpec, TaskSpecContainerSpecFile, TaskSpecContainerSpecSecrets,
};
use bollard::query_parameters::{InspectServiceOptions, UpdateServiceOptionsBuilder};
use testkit::Dockerd;

fn b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn a_secret_is_created_and_a_replicas_zero_service_updated() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let docker = engine.client();
    let swarm = docker.inspect_swarm().await.expect("swarm inspect");
    assert!(swarm.id.is_some(), "not a swarm manager");

    let secret = docker
        .create_secret(SecretSpec {
            name: Some("busflow_db_writer_v1".into()),
            data: Some(b64(b"postgres://writer@db/busflow")),
            ..Default::default()
        })
        .await
        .expect("secret created");

    let spec = ServiceSpec {
        name: Some("api".into()),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated { replicas: Some(0) }),
            ..Default::default()
        }),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some("busybox:latest".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    docker
        .create_service(spec, None)
        .await
        .expect("replicas-0 service created");

    let before = docker
        .inspect_service("api", None::<InspectServiceOptions>)
        .await
        .expect("inspect");
    let version = before
        .version
        .as_ref()
        .and_then(|v| v.index)
        .expect("version index");
    let mut spec = before.spec.clone().expect("spec");
    let container = spec
        .task_template
        .as_mut()
        .and_then(|t| t.container_spec.as_mut())
        .expect("container spec");
    container.secrets = Some(vec![TaskSpecContainerSpecSecrets {
        secret_id: Some(secret.id.clone()),
        secret_name: Some("busflow_db_writer_v1".into()),
        file: Some(TaskSpecContainerSpecFile {
            name: Some("busflow_db_writer".into()),
            uid: Some("0".into()),
            gid: Some("0".into()),
            mode: Some(0o400),
        }),
    }]);
    let options = UpdateServiceOptionsBuilder::new()
        .version(i32::try_from(version).expect("small version"))
        .build();
    docker
        .update_service("api", spec.clone(), options.clone(), None)
        .await
        .expect("update with the current version index");

    let after = docker
        .inspect_service("api", None::<InspectServiceOptions>)
        .await
        .expect("inspect");
    let secrets = after
        .spec
        .and_then(|s| s.task_template)
        .and_then(|t| t.container_spec)
        .and_then(|c| c.secrets)
        .unwrap_or_default();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].secret_id.as_deref(), Some(secret.id.as_str()));
    assert!(after.version.and_then(|v| v.index).expect("index") > version);

    // The same (now stale) version index is refused by the engine.
    let stale = docker
        .update_service("api", spec, options, None)
        .await
        .expect_err("a stale version must be refused");
    assert!(stale.to_string().contains("out of sequence"), "{stale}");
}

#[tokio::test]
async fn the_engine_stops_and_its_directory_goes_on_drop() {
    let engine = Dockerd::start().await.expect("dockerd starts");
    let socket = engine.socket().to_path_buf();
    let dir = socket.parent().expect("socket dir").to_path_buf();
    assert!(!engine.node_id().is_empty());
    assert!(engine.host().starts_with("unix:///"));
    drop(engine);
    assert!(!dir.exists(), "{} left behind", dir.display());
    let mounts = std::fs::read_to_string("/proc/self/mounts").expect("mounts");
    assert!(
        !mounts.contains(dir.to_str().expect("utf-8")),
        "mounts left below {}",
        dir.display()
    );
}
