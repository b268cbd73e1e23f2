//! Real services for busflow's tests: PostgreSQL, S3 over TLS, Prometheus and
//! a Docker Engine in swarm mode.
//!
//! Each service is the real thing, started from the machine's own binaries
//! (Debian's `postgresql`, `prometheus`, `docker.io`) or embedded in-process
//! (`s3s-fs` behind rustls), on free loopback ports so tests run in parallel.
//! Each is stopped and its files removed on drop; a watchdog stops the
//! external processes when the test process ends, even after a panic or a
//! kill, so shared fixtures never leak servers.
//!
//! A service that cannot start fails the test with an error naming the
//! missing binary and the package that provides it. Nothing here skips.
//!
//! ```no_run
//! # async fn demo() -> Result<(), testkit::Error> {
//! let pg = testkit::Postgres::shared()?;
//! let db = pg.fresh_database().await?;
//! let client = db.connect().await?;
//! let row = client.query_one("SELECT 1 + 1", &[]).await.expect("query");
//! assert_eq!(row.get::<_, i32>(0), 2);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod alertmanager;
mod contracts;
mod dockerd;
mod error;
mod http;
mod postgres;
mod process;
mod prometheus;
mod proxy;
mod s3;
mod s3_backend;
mod stub;
mod tls;

pub use alertmanager::Alertmanager;
pub use contracts::{clause_ids, shared_dir};
pub use dockerd::Dockerd;
pub use error::{Error, Result};
pub use postgres::{Database, PG_URL_ENV, Postgres, PostgresBuilder};
pub use prometheus::{Prometheus, PrometheusBuilder, Series};
pub use proxy::CutProxy;
pub use s3::S3;
pub use stub::{HttpStub, StubRequest, StubResponse};

/// The PEM certificate of a fresh CA that signed nothing a test server
/// presents: what a client trusts when its roots are wrong.
pub fn unrelated_ca_pem() -> Result<String> {
    Ok(tls::TestPki::generate("test PKI")?.ca_pem)
}

/// A command-line tool a test runs (`promtool`, `go`): its path, or an
/// error naming the Debian `package` that provides it.
pub fn tool(binary: &'static str, package: &'static str) -> Result<std::path::PathBuf> {
    process::find_binary(binary, binary, package, &[])
}

/// Builds the Go program `main_go` (one file, standard library only) into
/// `out_dir` with Debian's `go` (package `golang-go`) and returns the
/// binary. The build cache lives in `out_dir` so nothing is written to
/// `$HOME`.
pub fn build_go(
    main_go: &std::path::Path,
    out_dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    let go = tool("go", "golang-go")?;
    let binary = out_dir.join(main_go.file_stem().unwrap_or_default());
    let status = std::process::Command::new(go)
        .arg("build")
        .arg("-o")
        .arg(&binary)
        .arg(main_go)
        .env("GOCACHE", out_dir.join("gocache"))
        .env("GOPATH", out_dir.join("gopath"))
        .env("GO111MODULE", "off")
        .status()
        .map_err(|e| Error::io("go", format!("running go build {}", main_go.display()), e))?;
    if !status.success() {
        return Err(Error::service(
            "go",
            format!("go build {} exited with {status}", main_go.display()),
        ));
    }
    Ok(binary)
}
