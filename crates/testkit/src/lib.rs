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

mod contracts;
mod dockerd;
mod error;
mod http;
mod postgres;
mod process;
mod prometheus;
mod s3;
mod tls;

pub use contracts::{clause_ids, shared_dir};
pub use dockerd::Dockerd;
pub use error::{Error, Result};
pub use postgres::{Database, PG_URL_ENV, Postgres, PostgresBuilder};
pub use prometheus::{Prometheus, PrometheusBuilder, Series};
pub use s3::S3;
