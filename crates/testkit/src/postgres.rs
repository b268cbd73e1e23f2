//! A throwaway PostgreSQL cluster from the machine's own server binaries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use nix::sys::signal::Signal;
use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::process::{
    Supervised, block_on_detached, find_binary, free_port, is_root, run, wait_until,
};
use crate::tls::TestPki;

const SERVICE: &str = "postgres";
/// The environment variable that points tests at an existing server instead.
pub const PG_URL_ENV: &str = "BUSFLOW_TEST_PG_URL";

/// A PostgreSQL server for tests: a throwaway cluster (`initdb` in a temp dir,
/// on a free loopback port, run as the unprivileged `postgres` user when the
/// tests run as root), or the server named by `BUSFLOW_TEST_PG_URL`.
///
/// Each test takes its own database with [`Postgres::fresh_database`]. The
/// cluster is stopped and its directory removed on drop, or by its watchdog
/// when the test process ends (for [`Postgres::shared`]).
#[derive(Debug)]
pub struct Postgres {
    admin_url: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Local {
        // Field order matters: stop the server before removing its directory.
        _process: Supervised,
        dir: TempDir,
        version: String,
        ca_file: Option<PathBuf>,
        port: u16,
    },
    External,
}

/// Options for a throwaway cluster.
#[derive(Debug, Clone, Default)]
pub struct PostgresBuilder {
    settings: Vec<(String, String)>,
    tls_only: bool,
}

impl PostgresBuilder {
    /// Adds a server setting passed as `-c name=value` (for example
    /// `shared_preload_libraries=pg_cron`). None by default, beyond the
    /// loopback address and the test-speed settings (`fsync=off`).
    #[must_use]
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }

    /// Serves TCP clients over TLS only, with a certificate for `localhost`
    /// and `127.0.0.1` from a throwaway CA ([`Postgres::ca_file`]); a
    /// client that does not encrypt is refused by `pg_hba.conf`, the
    /// `postgres` superuser is trusted, other roles authenticate with
    /// SCRAM-SHA-256. Always a
    /// local cluster (`BUSFLOW_TEST_PG_URL` is not used), and
    /// [`Postgres::fresh_database`], which connects without TLS, is not
    /// available on it.
    #[must_use]
    pub fn tls_only(mut self) -> Self {
        self.tls_only = true;
        self
    }

    /// Starts the cluster (or uses `BUSFLOW_TEST_PG_URL` when set; settings
    /// are then the server's own).
    pub fn start(self) -> Result<Postgres> {
        if let Some(url) = std::env::var(PG_URL_ENV)
            .ok()
            .filter(|u| !u.is_empty() && !self.tls_only)
        {
            return Ok(Postgres::existing(url));
        }
        let bin = server_bin_dir()?;
        let mut last = None;
        // A free port can be taken by a parallel test between our probe and
        // the server's bind; try a few.
        for _ in 0..3 {
            match start_local(&bin, &self.settings, self.tls_only) {
                Ok(pg) => return Ok(pg),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::service(SERVICE, "no start attempted")))
    }
}

impl Postgres {
    /// Starts a throwaway cluster with default settings.
    pub fn start() -> Result<Self> {
        PostgresBuilder::default().start()
    }

    /// An existing server (what `BUSFLOW_TEST_PG_URL` selects): the URL of
    /// a role that may create databases. Dropping it leaves the server alone.
    pub fn existing(admin_url: impl Into<String>) -> Self {
        Postgres {
            admin_url: admin_url.into(),
            kind: Kind::External,
        }
    }

    /// Options for a throwaway cluster.
    pub fn builder() -> PostgresBuilder {
        PostgresBuilder::default()
    }

    /// One cluster for the whole test binary, started on first use. Its
    /// watchdog stops it and removes its directory when the process ends.
    pub fn shared() -> Result<&'static Self> {
        static SHARED: OnceLock<std::result::Result<Postgres, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Postgres::start().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::service(SERVICE, format!("shared cluster failed to start: {e}")))
    }

    /// The URL of the administrative database (`postgres`).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// The server's major version when it is a local cluster (`"15"`).
    pub fn version(&self) -> Option<&str> {
        match &self.kind {
            Kind::Local { version, .. } => Some(version),
            Kind::External => None,
        }
    }

    /// The CA that signed the server's certificate, as a PEM file, when the
    /// cluster was started with [`PostgresBuilder::tls_only`].
    pub fn ca_file(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Local { ca_file, .. } => ca_file.as_deref(),
            Kind::External => None,
        }
    }

    /// A `key=value` connection string for the superuser over the local
    /// cluster's Unix socket: what reaches a [`PostgresBuilder::tls_only`]
    /// cluster without TLS, to set it up (roles with passwords, which
    /// authenticate with SCRAM over TLS there).
    pub fn socket_conninfo(&self) -> Option<String> {
        Some(format!(
            "host={} port={} user=postgres dbname=postgres",
            self.dir()?.display(),
            self.port()?
        ))
    }

    /// The local cluster's port.
    pub fn port(&self) -> Option<u16> {
        match &self.kind {
            Kind::Local { port, .. } => Some(*port),
            Kind::External => None,
        }
    }

    /// The cluster's directory when it is a local cluster.
    pub fn dir(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Local { dir, .. } => Some(dir.path()),
            Kind::External => None,
        }
    }

    /// Creates a database of its own for one test; it is dropped (with
    /// `FORCE`) when the returned value is dropped.
    pub async fn fresh_database(&self) -> Result<Database> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "busflow_test_{}_{}_{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let client = connect(&self.admin_url).await?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .map_err(|e| Error::service(SERVICE, format!("CREATE DATABASE {name}: {e}")))?;
        Ok(Database {
            url: with_database(&self.admin_url, &name),
            admin_url: self.admin_url.clone(),
            name,
        })
    }
}

/// A database created for one test.
#[derive(Debug)]
pub struct Database {
    name: String,
    url: String,
    admin_url: String,
}

impl Database {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A connection URL for it (`postgres://user@127.0.0.1:port/name`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connects to it; the connection task runs on the current tokio runtime.
    pub async fn connect(&self) -> Result<tokio_postgres::Client> {
        connect(&self.url).await
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let admin = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        block_on_detached(async move {
            if let Ok(client) = connect(&admin).await {
                let _ = client.batch_execute(&sql).await;
            }
        });
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| Error::service(SERVICE, format!("connect to {}: {e}", redact_url(url))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "test database connection ended");
        }
    });
    Ok(client)
}

/// The newest `/usr/lib/postgresql/<major>/bin` that has `initdb`.
fn server_bin_dir() -> Result<PathBuf> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    match majors.pop() {
        Some((_, bin)) => Ok(bin),
        None => find_binary(SERVICE, "initdb", "postgresql", &[])
            .map(|p| p.parent().map(Path::to_path_buf).unwrap_or_default()),
    }
}

fn start_local(bin: &Path, settings: &[(String, String)], tls_only: bool) -> Result<Postgres> {
    let initdb = find_binary(SERVICE, "initdb", "postgresql", &[bin.to_path_buf()])?;
    let postgres = find_binary(SERVICE, "postgres", "postgresql", &[bin.to_path_buf()])?;
    let version = bin
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = tempfile::Builder::new()
        .prefix("busflow-pg-")
        .tempdir()
        .map_err(|e| Error::io(SERVICE, "create temp dir", e))?;
    let as_user = unprivileged_user(dir.path())?;
    let data = dir.path().join("data");

    let mut init = user_command(as_user.as_ref(), &initdb);
    init.arg("-D").arg(&data).args([
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    run(SERVICE, &mut init)?;
    let ca_file = if tls_only {
        Some(serve_tls_only(dir.path(), &data, as_user.as_ref())?)
    } else {
        None
    };

    let port = free_port(SERVICE)?;
    let mut server = user_command(as_user.as_ref(), &postgres);
    server
        .arg("-D")
        .arg(&data)
        .arg("-p")
        .arg(port.to_string())
        .arg("-k")
        .arg(dir.path())
        .args(["-c", "listen_addresses=127.0.0.1"])
        .args([
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
        ]);
    if ca_file.is_some() {
        server.args(["-c", "ssl=on"]);
    }
    for (name, value) in settings {
        server.arg("-c").arg(format!("{name}={value}"));
    }
    let log = dir.path().join("postgres.log");
    // SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients.
    let mut process = Supervised::spawn(SERVICE, server, log.clone(), Signal::SIGINT, dir.path())?;
    wait_until(SERVICE, &mut process, Duration::from_secs(30), || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("ready to accept connections") {
            Ok(())
        } else {
            Err("not yet ready to accept connections".to_owned())
        }
    })?;
    Ok(Postgres {
        admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        kind: Kind::Local {
            _process: process,
            dir,
            version,
            ca_file,
            port,
        },
    })
}

/// Writes a server certificate and key into the data directory (where
/// the server finds `server.crt` and `server.key` by default) and a
/// `pg_hba.conf` that lets TCP clients in over TLS only; returns the CA's
/// PEM file.
fn serve_tls_only(dir: &Path, data: &Path, owner: Option<&(u32, u32)>) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let pki = TestPki::generate(SERVICE)?;
    let write = |path: PathBuf, text: &str, mode: u32| -> Result<PathBuf> {
        std::fs::write(&path, text)
            .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)))
            .map_err(|e| Error::io(SERVICE, format!("write {}", path.display()), e))?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&path, Some(*uid), Some(*gid))
                .map_err(|e| Error::io(SERVICE, format!("chown {}", path.display()), e))?;
        }
        Ok(path)
    };
    write(data.join("server.crt"), &pki.chain_pem, 0o644)?;
    // The server refuses a key that others can read.
    write(data.join("server.key"), &pki.key_pem, 0o600)?;
    write(
        data.join("pg_hba.conf"),
        "local all all trust\nhostssl all postgres 127.0.0.1/32 trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
        0o600,
    )?;
    write(dir.join("ca.pem"), &pki.ca_pem, 0o644)
}

/// As root, the `postgres` user (uid, gid) that owns `dir`; otherwise none.
fn unprivileged_user(dir: &Path) -> Result<Option<(u32, u32)>> {
    if !is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or_else(|| {
            Error::service(
                SERVICE,
                "running as root, and there is no `postgres` user to run the server as; \
                 install the Debian package `postgresql` (it creates the user)",
            )
        })?;
    let (uid, gid) = (user.uid.as_raw(), user.gid.as_raw());
    std::os::unix::fs::chown(dir, Some(uid), Some(gid))
        .map_err(|e| Error::io(SERVICE, format!("chown {} to postgres", dir.display()), e))?;
    Ok(Some((uid, gid)))
}

/// `program`, run as `user` through `setpriv` (which execs, so the server's
/// pid is the child's pid and signals reach it directly).
fn user_command(user: Option<&(u32, u32)>, program: &Path) -> Command {
    match user {
        None => Command::new(program),
        Some((uid, gid)) => {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={gid}"))
                .arg("--clear-groups")
                .arg("--")
                .arg(program);
            c
        }
    }
}

/// `url` with its database path replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// `url` without its password, for error messages.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end], &rest[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres", "t1"),
            "postgres://u@h:5/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h:5/db?sslmode=disable", "t1"),
            "postgres://u:p@h:5/t1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u@h:5", "t1"),
            "postgres://u@h:5/t1"
        );
    }

    #[test]
    fn hides_passwords_in_messages() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
