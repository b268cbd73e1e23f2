//! Running `pg_restore` one section at a time (BACKUP-008, 010, 011).
//!
//! pre-data and post-data are fed the TOC prefix only; data is fed the one
//! full download, streamed from the bucket into pg_restore's stdin with
//! back-pressure (nothing is staged on disk). A broken pipe from a
//! pg_restore that exits 0 is normal: it stops reading when its section is
//! done.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::outcome::SectionOutcome;
use crate::pgtools::{self, Connection};

/// What a section reads.
pub(crate) enum Input<'a> {
    /// Bytes in memory (the TOC prefix).
    Prefix(&'a [u8]),
    /// A stream (the whole object).
    Stream(&'a mut (dyn AsyncRead + Send + Unpin)),
}

/// Runs `pg_restore --list` over the TOC prefix: the archive's list, to
/// filter into a `--use-list` file.
pub(crate) async fn list(pg_restore: &Path, prefix: &[u8]) -> std::io::Result<String> {
    let mut child = Command::new(pg_restore)
        .arg("--list")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    let prefix = prefix.to_vec();
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(&prefix).await;
    });
    let out = child.wait_with_output().await?;
    let _ = writer.await;
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "pg_restore --list exited with {}: {}",
            out.status,
            pgtools::tail(&out.stderr, 500)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// How many bytes [`pump`] gathers before it writes to pg_restore.
const PUMP_BUFFER: usize = 256 << 10;

/// Copies `reader` into `writer` in writes of up to [`PUMP_BUFFER`] bytes:
/// the download arrives in TLS-record-sized reads, and writing each one to
/// the pipe on its own would wake pg_restore once per 16 KiB.
async fn pump(
    reader: &mut (dyn AsyncRead + Send + Unpin),
    writer: &mut (impl tokio::io::AsyncWrite + Unpin),
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; PUMP_BUFFER];
    let mut total = 0u64;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            let n = reader.read(&mut buf[filled..]).await?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        if filled == 0 {
            return Ok(total);
        }
        writer.write_all(&buf[..filled]).await?;
        total += filled as u64;
        if filled < buf.len() {
            return Ok(total);
        }
    }
}

/// Makes the pipe into pg_restore hold 1 MiB (Linux's unprivileged
/// maximum) instead of 64 KiB, so that a [`PUMP_BUFFER`] write goes in at
/// once and wakes pg_restore once, not four times; a hint only.
fn widen_pipe(stdin: &tokio::process::ChildStdin) {
    #[cfg(target_os = "linux")]
    if let Err(e) = nix::fcntl::fcntl(stdin, nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20)) {
        tracing::debug!(error = %e, "the pipe into pg_restore keeps its size");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stdin;
}

/// Runs one section of `pg_restore` into the database at `conn`.
pub(crate) async fn section(
    pg_restore: &Path,
    conn: &Connection,
    name: &'static str,
    use_list: Option<&PathBuf>,
    input: Input<'_>,
) -> SectionOutcome {
    let started = Instant::now();
    let mut command = Command::new(pg_restore);
    command
        .arg(format!("--section={name}"))
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg("--exit-on-error")
        .arg("--dbname")
        .arg(&conn.url_without_password)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(list) = use_list {
        command.arg("--use-list").arg(list);
    }
    if let Some(p) = &conn.password {
        command.env("PGPASSWORD", p);
    }
    let failed = |why: String| SectionOutcome {
        section: name,
        exit_code: None,
        duration_ms: started.elapsed().as_millis(),
        bytes_in: 0,
        stderr_tail: why,
    };
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return failed(format!("pg_restore did not start: {e}")),
    };
    let (Some(mut stdin), Some(mut stderr)) = (child.stdin.take(), child.stderr.take()) else {
        return failed("pg_restore has no pipes".into());
    };
    if matches!(input, Input::Stream(_)) {
        widen_pipe(&stdin);
    }
    let errors = tokio::spawn(async move {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf).await;
        buf
    });
    // Feed stdin; a broken pipe means pg_restore stopped reading, which its
    // exit status judges.
    let fed = match input {
        Input::Prefix(bytes) => stdin.write_all(bytes).await.map(|()| bytes.len() as u64),
        Input::Stream(reader) => pump(reader, &mut stdin).await,
    };
    drop(stdin);
    let (bytes_in, feed_error) = match fed {
        Ok(n) => (n, None),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => (0, None),
        Err(e) => (0, Some(e)),
    };
    let status = child.wait().await;
    let stderr = errors.await.unwrap_or_default();
    let mut tail = pgtools::scrub(&pgtools::tail(&stderr, 2000), conn.password.as_deref());
    let mut exit_code = status.ok().and_then(|s| s.code());
    if let Some(e) = feed_error {
        // The source broke mid-stream: pg_restore saw a truncated archive,
        // whatever it exited with.
        tail = format!("reading the dump failed: {e}\n{tail}");
        exit_code = Some(exit_code.unwrap_or(1).max(1));
    }
    SectionOutcome {
        section: name,
        exit_code,
        duration_ms: started.elapsed().as_millis(),
        bytes_in,
        stderr_tail: tail,
    }
}
