//! BACKUP-004: the producer. `pg_dump --format=custom` streams into a
//! multipart upload under the conventional name; pg_dump's exit status is
//! checked before the upload is completed, so a dump that failed half-way
//! is aborted and nothing named like a dump is left behind.

use std::path::Path;
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::process::{Child, ChildStdout, Command};

use crate::error::Error;
use crate::name::DumpName;
use crate::pgtools::{self, split_password};
use crate::store::ObjectStore;
use crate::utc::UtcTime;

/// A dump that was produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// Its name in the bucket.
    pub name: DumpName,
    /// Bytes uploaded.
    pub bytes: u64,
    /// How long it took.
    pub duration: Duration,
}

impl Produced {
    /// The dump as a BACKUP-004 finding (information) at `at`, the bucket
    /// and prefix it went to.
    pub fn finding(&self, at: &Path) -> crate::Finding {
        crate::Finding::new(
            &crate::catalog::BACKUP_004,
            at,
            busflow_diag::Pos::START,
            format!(
                "produced {} ({} bytes in {:.1} s)",
                self.name,
                self.bytes,
                self.duration.as_secs_f64()
            ),
        )
        .with_severity(crate::Severity::Info)
    }
}

type Wait = Pin<Box<dyn Future<Output = std::io::Result<ExitStatus>> + Send>>;

/// pg_dump's stdout, which at its end waits for pg_dump and turns a failed
/// exit into a read error (so the upload aborts instead of completing).
struct DumpStream {
    stdout: ChildStdout,
    wait: Option<Wait>,
    stderr: tokio::task::JoinHandle<Vec<u8>>,
}

impl AsyncRead for DumpStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stdout).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => {}
            other => return other,
        }
        // End of stdout: the dump is good only if pg_dump says so.
        let Some(wait) = self.wait.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        match wait.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(status)) if status.success() => {
                self.wait = None;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Ok(status)) => {
                self.wait = None;
                Poll::Ready(Err(std::io::Error::other(format!(
                    "pg_dump exited with {status}"
                ))))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

/// Dumps `database_url` with `pg_dump` into `store` as
/// `<prefix>pg_dump_YYYYMMDD_HHMM.dump` named for `now`. The password in
/// the URL goes to `PGPASSWORD`, never onto the command line or into an
/// error.
pub async fn produce(
    pg_dump: &Path,
    database_url: &str,
    store: &dyn ObjectStore,
    prefix: &str,
    now: UtcTime,
) -> Result<Produced, Error> {
    if !pg_dump.is_file() {
        return Err(Error::tool(
            "pg_dump",
            format!("{} does not exist", pg_dump.display()),
        ));
    }
    if !crate::conninfo::parses(database_url) {
        return Err(Error::tool(
            "pg_dump",
            "the database URL is neither a postgres:// URL nor key=value pairs (not shown: it may hold a password)",
        ));
    }
    let started = Instant::now();
    let name = DumpName::for_instant(prefix, now);
    let conn = split_password(database_url);
    let mut command = Command::new(pg_dump);
    command
        .arg("--format=custom")
        .arg("--no-password")
        .arg("--dbname")
        .arg(&conn.url_without_password)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(p) = &conn.password {
        command.env("PGPASSWORD", p);
    }
    let mut child: Child = command
        .spawn()
        .map_err(|e| Error::tool("pg_dump", e.to_string()))?;
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Error::tool("pg_dump", "no stdout or stderr pipe"));
    };
    let stderr = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        buf
    });
    let mut stream = DumpStream {
        stdout,
        wait: Some(Box::pin(async move { child.wait().await })),
        stderr,
    };
    tracing::info!(key = name.key(), remote = store.name(), "dumping");
    let uploaded = store.put_multipart(name.key(), &mut stream).await;
    let stderr = (&mut stream.stderr).await.unwrap_or_default();
    match uploaded {
        Ok(bytes) => {
            tracing::info!(key = name.key(), bytes, "dump uploaded");
            Ok(Produced {
                name,
                bytes,
                duration: started.elapsed(),
            })
        }
        Err(e) => {
            let detail = pgtools::scrub(
                &format!("{e}; pg_dump said: {}", pgtools::tail(&stderr, 2000)),
                conn.password.as_deref(),
            );
            Err(Error::dump(name.key(), detail))
        }
    }
}
