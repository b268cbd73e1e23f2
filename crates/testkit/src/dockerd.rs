//! A real Docker Engine in single-node swarm mode, on a private socket.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bollard::Docker;
use bollard::models::SwarmInitRequest;
use bollard::query_parameters::LeaveSwarmOptionsBuilder;
use nix::sys::signal::Signal;
use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::http::get_unix;
use crate::process::{
    Supervised, block_on_detached, find_binary, free_port, free_udp_port, unmount_below, wait_until,
};

const SERVICE: &str = "dockerd";

/// A Docker Engine for tests: Debian's `dockerd` on a private unix socket,
/// with its own data and exec roots, no iptables and no bridge, made a
/// single-node swarm manager (`docker swarm init --advertise-addr 127.0.0.1`
/// through the API, on free ports so several engines can run at once).
///
/// Services with `replicas: 0` need no image, so secrets, configs, service
/// updates and node operations are testable offline. On drop the engine
/// leaves the swarm, stops, and its directory is removed.
#[derive(Debug)]
pub struct Dockerd {
    docker: Docker,
    socket: PathBuf,
    node_id: String,
    // Stop the daemon before its directory goes.
    process: Supervised,
    dir: TempDir,
}

impl Dockerd {
    /// Starts the engine and initialises the swarm.
    pub async fn start() -> Result<Self> {
        let (process, dir, socket) = tokio::task::spawn_blocking(start_daemon)
            .await
            .map_err(|e| Error::service(SERVICE, format!("start-up task failed: {e}")))??;
        let docker =
            Docker::connect_with_unix(&socket.to_string_lossy(), 120, bollard::API_DEFAULT_VERSION)
                .map_err(|e| {
                    Error::service(SERVICE, format!("connect to {}: {e}", socket.display()))
                })?
                .negotiate_version()
                .await
                .map_err(|e| Error::service(SERVICE, format!("negotiate API version: {e}")))?;
        // A free port can be taken by another test between the probe and
        // the swarm's bind: like every service here, try three ports.
        let mut attempt = 0;
        let node_id = loop {
            attempt += 1;
            let listen = format!("127.0.0.1:{}", free_port(SERVICE)?);
            let init = SwarmInitRequest {
                listen_addr: Some(listen.clone()),
                advertise_addr: Some(listen),
                data_path_port: Some(u32::from(free_udp_port(SERVICE, 20_000..40_000)?)),
                ..Default::default()
            };
            match docker.init_swarm(init).await {
                Ok(id) => break id,
                Err(e) if attempt < 3 => {
                    tracing::debug!(error = %e, "swarm init failed; trying other ports");
                }
                Err(e) => return Err(Error::service(SERVICE, format!("swarm init: {e}"))),
            }
        };
        Ok(Self {
            docker,
            socket,
            node_id,
            process,
            dir,
        })
    }

    /// A client for the engine (API version negotiated).
    pub fn client(&self) -> Docker {
        self.docker.clone()
    }

    /// The engine's unix socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// `unix:///…/docker.sock`, for `DOCKER_HOST` and `docker -H`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The swarm node id of this engine (a manager, the leader).
    pub fn node_id(&self) -> &str {
        &self.node_id
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        let docker = self.docker.clone();
        block_on_detached(async move {
            let options = LeaveSwarmOptionsBuilder::new().force(true).build();
            let _ =
                tokio::time::timeout(Duration::from_secs(20), docker.leave_swarm(Some(options)))
                    .await;
        });
        self.process.stop(Duration::from_secs(30));
        unmount_below(self.dir.path());
    }
}

fn start_daemon() -> Result<(Supervised, TempDir, PathBuf)> {
    let dockerd = find_binary(SERVICE, "dockerd", "docker.io", &[])?;
    find_binary(SERVICE, "containerd", "containerd", &[])?;
    // Unix socket paths are limited to 108 bytes: keep the directory short.
    let dir = tempfile::Builder::new()
        .prefix("bfd-")
        .tempdir_in("/tmp")
        .map_err(|e| Error::io(SERVICE, "create temp dir", e))?;
    let root = dir.path();
    let config = root.join("daemon.json");
    std::fs::write(&config, "{}\n").map_err(|e| Error::io(SERVICE, "write daemon.json", e))?;
    let socket = root.join("docker.sock");
    let mut command = Command::new(dockerd);
    command
        .arg(format!("--host=unix://{}", socket.display()))
        .arg(format!("--data-root={}", root.join("data").display()))
        .arg(format!("--exec-root={}", root.join("exec").display()))
        .arg(format!("--pidfile={}", root.join("docker.pid").display()))
        .arg(format!("--config-file={}", config.display()))
        .args(["--iptables=false", "--ip6tables=false", "--bridge=none"])
        // vfs works on any filesystem; replicas-0 services pull no image.
        .args(["--storage-driver=vfs", "--log-level=warn"]);
    let mut process = Supervised::spawn(
        SERVICE,
        command,
        root.join("dockerd.log"),
        Signal::SIGTERM,
        root,
    )?;
    wait_until(
        SERVICE,
        &mut process,
        Duration::from_mins(1),
        || match get_unix(&socket, "/_ping")? {
            (200, _) => Ok(()),
            (status, body) => Err(format!("/_ping answered {status}: {body:.100}")),
        },
    )?;
    Ok((process, dir, socket))
}
