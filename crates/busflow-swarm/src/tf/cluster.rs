//! The cluster as the module declares it: a typed summary of the servers,
//! volumes, load balancer, host keys and provisioners, each value evaluated
//! with the variables at their defaults, or [`Unknown`] with the position of
//! what could not be evaluated. The checks read the module directly; this is
//! the view an embedding service reads.

use super::eval::{Env, Unknown, Val, whole};
use super::module::{BlockRef, Module};
use crate::source::Pos;

/// A value of the module, evaluated, or why it cannot be.
pub type Evaluated<T> = Result<T, Unknown>;

/// One `hcloud_server` resource (all its instances).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerGroup {
    /// `hcloud_server.<name>`.
    pub name: String,
    /// Where the resource starts.
    pub pos: Pos,
    /// Instances (`count`, 1 without it).
    pub count: Evaluated<u32>,
    /// `server_type`.
    pub server_type: Evaluated<String>,
    /// `location`.
    pub location: Evaluated<String>,
    /// `labels` of instance 0.
    pub labels: Evaluated<Vec<(String, String)>>,
    /// Whether instance 0's `user_data` runs `docker swarm init`.
    pub initialises_swarm: Evaluated<bool>,
    /// Whether it is attached to a private network (a `network` block).
    pub private_network: bool,
}

/// A volume (`hcloud_volume`).
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeDecl {
    /// `hcloud_volume.<name>`.
    pub name: String,
    /// Where it starts.
    pub pos: Pos,
    /// Its size in GB.
    pub size_gb: Evaluated<u32>,
    /// The server it is attached to, as written (`hcloud_server.stateful_worker[0].id`).
    pub server: Option<String>,
}

/// A load-balancer service joined to the ingress.
#[derive(Debug, Clone, PartialEq)]
pub struct LbServiceDecl {
    /// `hcloud_load_balancer_service.<name>`.
    pub name: String,
    /// Where it starts.
    pub pos: Pos,
    /// `protocol`.
    pub protocol: Evaluated<String>,
    /// `listen_port`, defaulted by protocol.
    pub listen_port: Evaluated<Option<u32>>,
    /// The health check's path, when it has an HTTP one.
    pub health_path: Option<Evaluated<String>>,
}

/// A provisioner of some resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionerDecl {
    /// The resource (`null_resource.swarm_join_manager`).
    pub resource: String,
    /// `remote-exec`, `local-exec`, `file`.
    pub kind: String,
    /// Where it starts.
    pub pos: Pos,
    /// `on_failure` as written (`fail` is Terraform's default).
    pub on_failure: Option<String>,
    /// Whether its connection (its own or its resource's) pins `host_key`.
    pub pins_host_key: bool,
}

/// The cluster the module declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Managers, stateful and observability workers, and any other servers.
    pub servers: Vec<ServerGroup>,
    /// Volumes.
    pub volumes: Vec<VolumeDecl>,
    /// Services joined to `hcloud_load_balancer.ingress`.
    pub lb_services: Vec<LbServiceDecl>,
    /// Label selectors of its targets.
    pub lb_selectors: Vec<Evaluated<String>>,
    /// Host keys (`tls_private_key.host_key_manager`) instances.
    pub host_keys: Option<Evaluated<u32>>,
    /// Every provisioner.
    pub provisioners: Vec<ProvisionerDecl>,
}

/// The resource's name (`manager` of `hcloud_server.manager`).
fn name_of(b: BlockRef<'_>) -> String {
    b.block
        .labels
        .get(1)
        .map(|l| l.as_str().to_owned())
        .unwrap_or_default()
}

fn text(env: &Env<'_>, b: BlockRef<'_>, key: &str) -> Option<Evaluated<String>> {
    b.expr(key).map(|e| {
        env.eval(b.file, e).and_then(|v| {
            v.to_text().ok_or_else(|| Unknown {
                file: b.file.path.clone(),
                pos: b.file.pos_of(e),
                source: b.file.source_of(e).to_owned(),
                why: "not a string".into(),
            })
        })
    })
}

fn count(env: &Env<'_>, b: BlockRef<'_>) -> Evaluated<u32> {
    match b.expr("count") {
        None => Ok(1),
        Some(e) => {
            let v = env.eval(b.file, e)?;
            v.as_num().and_then(whole).ok_or_else(|| Unknown {
                file: b.file.path.clone(),
                pos: b.file.pos_of(e),
                source: b.file.source_of(e).to_owned(),
                why: "not a whole number".into(),
            })
        }
    }
}

fn missing(b: BlockRef<'_>, key: &str) -> Unknown {
    Unknown {
        file: b.file.path.clone(),
        pos: b.pos(),
        source: b.address(),
        why: format!("no `{key}`"),
    }
}

impl Cluster {
    /// Reads the cluster from `module` with every variable at its default.
    pub fn from_module(module: &Module) -> Self {
        let env = Env::new(module);
        let (lb_services, lb_selectors) = load_balancer(module, &env);
        Self {
            servers: servers(module, &env),
            volumes: volumes(module, &env),
            lb_services,
            lb_selectors,
            host_keys: module
                .resource("tls_private_key", "host_key_manager")
                .map(|b| count(&env, b)),
            provisioners: provisioners(module),
        }
    }

    /// The server group called `name` (`manager`, `stateful_worker`).
    pub fn server(&self, name: &str) -> Option<&ServerGroup> {
        self.servers.iter().find(|s| s.name == name)
    }
}

fn servers(module: &Module, env: &Env<'_>) -> Vec<ServerGroup> {
    let first = env.clone().with_count_index(0);
    module
        .resources("hcloud_server")
        .into_iter()
        .map(|b| ServerGroup {
            name: name_of(b),
            pos: b.pos(),
            count: count(env, b),
            server_type: text(&first, b, "server_type")
                .unwrap_or_else(|| Err(missing(b, "server_type"))),
            location: text(&first, b, "location").unwrap_or_else(|| Err(missing(b, "location"))),
            labels: b.expr("labels").map_or_else(
                || Ok(Vec::new()),
                |e| match first.eval(b.file, e)? {
                    Val::Map(entries) => Ok(entries
                        .into_iter()
                        .map(|(k, v)| (k, v.to_text().unwrap_or_default()))
                        .collect()),
                    _ => Err(Unknown {
                        file: b.file.path.clone(),
                        pos: b.file.pos_of(e),
                        source: b.file.source_of(e).to_owned(),
                        why: "labels that are not a map".into(),
                    }),
                },
            ),
            initialises_swarm: text(&first, b, "user_data")
                .map_or(Ok(false), |t| t.map(|t| t.contains("swarm init"))),
            private_network: !b.children("network").is_empty(),
        })
        .collect()
}

fn volumes(module: &Module, env: &Env<'_>) -> Vec<VolumeDecl> {
    module
        .resources("hcloud_volume")
        .into_iter()
        .map(|b| VolumeDecl {
            name: name_of(b),
            pos: b.pos(),
            size_gb: b.expr("size").map_or_else(
                || Err(missing(b, "size")),
                |e| {
                    env.eval(b.file, e)?
                        .as_num()
                        .and_then(whole)
                        .ok_or_else(|| Unknown {
                            file: b.file.path.clone(),
                            pos: b.file.pos_of(e),
                            source: b.file.source_of(e).to_owned(),
                            why: "not a whole number".into(),
                        })
                },
            ),
            server: b
                .expr("server_id")
                .map(|e| b.file.source_of(e).trim().to_owned()),
        })
        .collect()
}

fn load_balancer(module: &Module, env: &Env<'_>) -> (Vec<LbServiceDecl>, Vec<Evaluated<String>>) {
    let joined = |b: &BlockRef<'_>| {
        b.expr("load_balancer_id")
            .is_some_and(|e| b.file.source_of(e).contains("hcloud_load_balancer.ingress"))
    };
    let lb_services = module
        .resources("hcloud_load_balancer_service")
        .into_iter()
        .filter(|b| joined(b))
        .map(|b| {
            let protocol = text(env, b, "protocol").unwrap_or_else(|| Err(missing(b, "protocol")));
            let listen_port = match b.expr("listen_port") {
                Some(e) => env.eval(b.file, e).map(|v| v.as_num().and_then(whole)),
                None => protocol.clone().map(|p| match p.as_str() {
                    "http" => Some(80),
                    "https" => Some(443),
                    _ => None,
                }),
            };
            let health_path = b
                .children("health_check")
                .into_iter()
                .flat_map(|h| h.children("http"))
                .next()
                .and_then(|h| text(env, h, "path"));
            LbServiceDecl {
                name: name_of(b),
                pos: b.pos(),
                protocol,
                listen_port,
                health_path,
            }
        })
        .collect();
    let lb_selectors = module
        .resources("hcloud_load_balancer_target")
        .into_iter()
        .filter(|b| joined(b))
        .filter_map(|b| text(env, b, "label_selector"))
        .collect();
    (lb_services, lb_selectors)
}

fn provisioners(module: &Module) -> Vec<ProvisionerDecl> {
    let mut provisioners = Vec::new();
    for r in module.blocks("resource", &[]) {
        let own_connection = !r.children("connection").is_empty();
        let resource_pins = r
            .children("connection")
            .iter()
            .any(|c| c.attr("host_key").is_some());
        for p in r.children("provisioner") {
            let connection = p.children("connection");
            let pins = if connection.is_empty() {
                own_connection && resource_pins
            } else {
                connection.iter().any(|c| c.attr("host_key").is_some())
            };
            provisioners.push(ProvisionerDecl {
                resource: r.address(),
                kind: p
                    .block
                    .labels
                    .first()
                    .map(|l| l.as_str().to_owned())
                    .unwrap_or_default(),
                pos: p.pos(),
                on_failure: p
                    .expr("on_failure")
                    .map(|e| p.file.source_of(e).trim().trim_matches('"').to_owned()),
                pins_host_key: pins,
            });
        }
    }
    provisioners
}
