//! PIIX-006: application logs reach Loki only through the pii-gateway.
//!
//! Application services ship their logs with Docker's Loki driver
//! (`logging.driver: loki`, SWARM-COMPOSE-003) straight to the `loki-url`;
//! those lines never pass a Promtail stage. Unless that URL is the
//! gateway, no line is redacted. The check reads every stack file together:
//! a `loki-url` names a service by host (`http://pii-gateway:3100`) or, as
//! the driver runs on the node, a published port (`http://127.0.0.1:3100`
//! is whichever service publishes 3100). It must name a gateway service (an
//! image or service called `pii-gateway`). The gateway's own logging is
//! exempt.

use crate::catalog::PIIX_006;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use busflow_yaml::{Node, Pos};

use crate::Finding;

struct Service<'a> {
    name: &'a str,
    image: &'a str,
    published: Vec<u16>,
}

impl Service<'_> {
    fn is_gateway(&self) -> bool {
        self.name == "pii-gateway" || self.image.contains("pii-gateway")
    }

    fn is_loki(&self) -> bool {
        self.name == "loki" || self.image.contains("grafana/loki")
    }
}

/// A port a service publishes, in the short (`"3100:3100"`,
/// `"127.0.0.1:3100:3100/tcp"`) or long (`published: 3100`) syntax.
fn published(ports: Option<&Node>) -> Vec<u16> {
    let Some(items) = ports.and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|p| {
            if let Some(s) = p.as_str() {
                let spec = s.split('/').next().unwrap_or(s);
                let fields: Vec<&str> = spec.rsplitn(3, ':').collect();
                return match fields.as_slice() {
                    [_, published, ..] => published.parse().ok(),
                    _ => None,
                };
            }
            p.get("published").and_then(Node::as_str)?.parse().ok()
        })
        .collect()
}

/// `scheme://host:port/…`: host and port.
fn host_port(url: &str) -> Option<(&str, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let default = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, rest) = v6.split_once(']')?;
        let port = rest
            .strip_prefix(':')
            .map_or(Some(default), |p| p.parse().ok())?;
        return Some((host, port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host, port.parse().ok()?)),
        None => Some((authority, default)),
    }
}

/// PIIX-006 over a set of stack files (`(path, text)`): one finding per
/// `loki-url` that does not lead to a pii-gateway service. Files that do
/// not parse are other checks' business.
pub fn check_log_path(stacks: &[(&Path, &str)]) -> Vec<Finding> {
    let docs: Vec<(&Path, Vec<Node>)> = stacks
        .iter()
        .filter_map(|(p, t)| busflow_yaml::parse(t).ok().map(|d| (*p, d)))
        .collect();
    let mut services = Vec::new();
    let mut shipping: Vec<(&Path, &str, &Node)> = Vec::new();
    for (path, nodes) in &docs {
        for doc in nodes {
            let Some(map) = doc.get("services").and_then(Node::as_map) else {
                continue;
            };
            for (name, svc) in map {
                let Some(name) = name.as_str() else { continue };
                services.push(Service {
                    name,
                    image: svc.get("image").and_then(Node::as_str).unwrap_or(""),
                    published: published(svc.get("ports")),
                });
                let logging = svc.get("logging");
                let loki = logging
                    .and_then(|l| l.get("driver"))
                    .and_then(Node::as_str)
                    .is_some_and(|d| d == "loki" || d.starts_with("grafana/loki-docker-driver"));
                if let Some(url) = logging
                    .filter(|_| loki)
                    .and_then(|l| l.get("options"))
                    .and_then(|o| o.get("loki-url"))
                {
                    shipping.push((path, name, url));
                }
            }
        }
    }
    // One finding per written `loki-url` (an anchor shared by many
    // services is one mistake), naming every service it covers.
    let mut wrong: BTreeMap<(PathBuf, Pos), (String, Vec<&str>)> = BTreeMap::new();
    for (path, name, url_node) in shipping {
        if services.iter().any(|s| s.name == name && s.is_gateway()) {
            continue;
        }
        let url = url_node.as_str().unwrap_or("");
        let target = host_port(url).and_then(|(host, port)| {
            services.iter().find(|s| s.name == host).or_else(|| {
                let node_local = host == "localhost"
                    || host.parse::<std::net::IpAddr>().is_ok()
                    || host.eq_ignore_ascii_case("host.docker.internal");
                node_local
                    .then(|| services.iter().find(|s| s.published.contains(&port)))
                    .flatten()
            })
        });
        let what = match target {
            Some(s) if s.is_gateway() => continue,
            Some(s) if s.is_loki() => format!("to Loki (`{}`) directly", s.name),
            Some(s) => format!("to `{}`, which is not the pii-gateway", s.name),
            None => "to an address no service of these stacks serves".to_owned(),
        };
        wrong
            .entry((path.to_owned(), url_node.pos))
            .or_insert_with(|| (what, Vec::new()))
            .1
            .push(name);
    }
    wrong
        .into_iter()
        .map(|((file, pos), (what, names))| Finding::new(&PIIX_006, file, pos, format!(
                "`loki-url` of {} ships logs {what}: their lines reach Loki unredacted",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )).with_help("run the pii-gateway service (examples/infra: `pii-gateway --upstream http://loki:3100`), publish its port for the Docker Loki driver, and point every `loki-url` at it instead of at Loki"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "services:\n  api:\n    image: ghcr.io/x/api:1\n    logging: &log\n      driver: loki\n      options:\n        loki-url: \"http://127.0.0.1:3100/loki/api/v1/push\"\n  web:\n    image: ghcr.io/x/web:1\n    logging: *log\n";

    #[test]
    fn piix_006_the_loki_url_must_lead_to_the_gateway() {
        let through = "services:\n  pii-gateway:\n    image: ghcr.io/busflow/pii-gateway:0.1.0\n    ports:\n      - target: 3100\n        published: 3100\n  loki:\n    image: grafana/loki:3.2.0\n";
        let direct = "services:\n  loki:\n    image: grafana/loki:3.2.0\n    ports:\n      - \"3100:3100\"\n";
        let app = Path::new("app.yml");
        let obs = Path::new("obs.yml");
        assert!(check_log_path(&[(app, APP), (obs, through)]).is_empty());
        let f = check_log_path(&[(app, APP), (obs, direct)]);
        assert_eq!(f.len(), 1, "one finding for the shared anchor: {f:?}");
        assert_eq!(
            (f[0].rule_id, f[0].start.line, f[0].start.column),
            ("PIIX-006", 7, 20)
        );
        assert!(
            f[0].message.contains("`api`, `web`")
                && f[0].message.contains("Loki (`loki`) directly"),
            "{}",
            f[0].message
        );
        let f = check_log_path(&[(app, APP)]);
        assert!(f[0].message.contains("no service"), "{}", f[0].message);
        let by_name = APP.replace("127.0.0.1:3100", "loki:3100");
        let f = check_log_path(&[(app, &by_name), (obs, through)]);
        assert!(f[0].message.contains("Loki (`loki`) directly"), "{f:?}");
        let to_gateway = APP.replace("127.0.0.1:3100", "pii-gateway:3100");
        assert!(check_log_path(&[(app, &to_gateway), (obs, through)]).is_empty());
    }

    #[test]
    fn ports_and_urls_are_read_in_every_syntax() {
        assert_eq!(host_port("http://[::1]:3100/x"), Some(("::1", 3100)));
        assert_eq!(
            host_port("https://u:p@loki.example.com/x"),
            Some(("loki.example.com", 443))
        );
        let ports =
            busflow_yaml::parse("- \"127.0.0.1:3100:3100/tcp\"\n- \"80:8080\"\n- published: 9\n")
                .expect("yaml");
        assert_eq!(published(ports.first()), [3100, 80, 9]);
    }
}
