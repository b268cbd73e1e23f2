//! Child processes that never outlive the test process.
//!
//! A service started for a shared (`static`) fixture is never dropped: Rust
//! does not run destructors of statics at exit. So every service process gets
//! a watchdog, a tiny `sh` loop that polls the test process and, once it is
//! gone (finished, panicked with `panic = "abort"`, or killed), stops the
//! service with its graceful signal, kills it if it lingers, unmounts what it
//! left below its directory and removes that directory.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// Looks for `binary` on `PATH`, then in `extra_dirs`; the error names the
/// Debian package to install.
pub(crate) fn find_binary(
    service: &'static str,
    binary: &'static str,
    package: &'static str,
    extra_dirs: &[PathBuf],
) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/bin"].iter().map(PathBuf::from));
    dirs.extend_from_slice(extra_dirs);
    for dir in &dirs {
        let candidate = dir.join(binary);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(Error::MissingBinary {
        service,
        binary,
        searched: dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(":"),
        package,
    })
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
///
/// The kernel hands out ephemeral ports round-robin, so a port just released
/// is not handed to the next caller; services that still lose the race fail
/// to bind and are retried by their `start`.
pub(crate) fn free_port(service: &'static str) -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| Error::io(service, "bind 127.0.0.1:0", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::io(service, "read local address", e))
}

/// Whether this process runs as root (services that refuse root are then run
/// as an unprivileged user).
pub(crate) fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The last `lines` lines of a log file, for error messages.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs a helper command to completion; a non-zero exit is an error carrying
/// its output.
pub(crate) fn run(service: &'static str, command: &mut Command) -> Result<String> {
    let line = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io(service, format!("run {line}"), e))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        Ok(text)
    } else {
        let tail: Vec<&str> = text.lines().collect();
        Err(Error::Command {
            service,
            command: line,
            status: output.status,
            output: tail[tail.len().saturating_sub(30)..].join("\n"),
        })
    }
}

/// Polls `probe` until it returns `Ok`, or fails with the last error and the
/// log's tail after `timeout`. Stops early when the child has exited.
pub(crate) fn wait_until<T>(
    service: &'static str,
    child: &mut Supervised,
    timeout: Duration,
    mut probe: impl FnMut() -> std::result::Result<T, String>,
) -> Result<T> {
    let start = Instant::now();
    let mut last = String::from("no attempt made");
    while start.elapsed() < timeout {
        match probe() {
            Ok(v) => return Ok(v),
            Err(e) => last = e,
        }
        if let Some(status) = child.exited() {
            last = format!("process exited with {status} ({last})");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(Error::NotReady {
        service,
        waited_ms: start.elapsed().as_millis(),
        detail: last,
        log: child.log.clone(),
        log_tail: log_tail(&child.log, 25),
    })
}

/// A service process with a watchdog that stops it when the test process ends.
#[derive(Debug)]
pub(crate) struct Supervised {
    child: Child,
    watchdog: Option<Child>,
    stop_signal: Signal,
    /// The file that receives the process's stdout and stderr.
    pub(crate) log: PathBuf,
}

/// Starts an HTTP service on a free loopback port until its `/-/ready`
/// answers 200 (Prometheus and Alertmanager alike), trying three ports:
/// `command` builds the process for a port; its output goes to
/// `<dir>/<service>-<port>.log`.
pub(crate) fn start_ready(
    service: &'static str,
    dir: &Path,
    mut command: impl FnMut(u16) -> Command,
) -> Result<(Supervised, u16)> {
    let mut last = None;
    for _ in 0..3 {
        let port = free_port(service)?;
        let log = dir.join(format!("{service}-{port}.log"));
        let mut process = Supervised::spawn(service, command(port), log, Signal::SIGTERM, dir)?;
        let ready =
            wait_until(
                service,
                &mut process,
                Duration::from_mins(1),
                || match crate::http::get_tcp(port, "/-/ready")? {
                    (200, _) => Ok(()),
                    (status, body) => Err(format!("/-/ready answered {status}: {body:.100}")),
                },
            );
        match ready {
            Ok(()) => return Ok((process, port)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| Error::service(service, "no start attempted")))
}

impl Supervised {
    /// Spawns `command` with its output in `log`; the watchdog removes
    /// `cleanup_dir` once the test process is gone.
    pub(crate) fn spawn(
        service: &'static str,
        mut command: Command,
        log: PathBuf,
        stop_signal: Signal,
        cleanup_dir: &Path,
    ) -> Result<Self> {
        let out = File::create(&log)
            .map_err(|e| Error::io(service, format!("create {}", log.display()), e))?;
        let err = out
            .try_clone()
            .map_err(|e| Error::io(service, "clone log handle", e))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| Error::io(service, format!("spawn {command:?}"), e))?;
        let watchdog = spawn_watchdog(child.id(), stop_signal, cleanup_dir);
        Ok(Self {
            child,
            watchdog,
            stop_signal,
            log,
        })
    }

    /// The exit status, if the process has exited.
    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Sends the graceful stop signal, waits up to `grace`, then kills.
    pub(crate) fn stop(&mut self, grace: Duration) {
        if self.exited().is_none() {
            if let Ok(pid) = i32::try_from(self.child.id()) {
                let _ = kill(Pid::from_raw(pid), self.stop_signal);
            }
            let start = Instant::now();
            while self.exited().is_none() && start.elapsed() < grace {
                std::thread::sleep(Duration::from_millis(25));
            }
            if self.exited().is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
        if let Some(mut dog) = self.watchdog.take() {
            let _ = dog.kill();
            let _ = dog.wait();
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(10));
    }
}

fn spawn_watchdog(service_pid: u32, signal: Signal, dir: &Path) -> Option<Child> {
    // $0 test pid, $1 service pid, $2 signal, $3 directory to remove.
    const SCRIPT: &str = r#"
while kill -0 "$0" 2>/dev/null; do sleep 1; done
kill -s "$2" "$1" 2>/dev/null
i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done
kill -s KILL "$1" 2>/dev/null
grep -o " $3[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
rm -rf "$3"
"#;
    let sig = signal.as_str().trim_start_matches("SIG");
    Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg(std::process::id().to_string())
        .arg(service_pid.to_string())
        .arg(sig)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// Unmounts every mount point below `dir` (dockerd leaves network namespace
/// bind mounts behind when it is killed), deepest first.
pub(crate) fn unmount_below(dir: &Path) {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return;
    };
    let mut points: Vec<&str> = mounts
        .lines()
        .filter_map(|l| l.split(' ').nth(1))
        .filter(|p| Path::new(p).starts_with(dir))
        .collect();
    points.sort_unstable_by_key(|p| std::cmp::Reverse(p.len()));
    for p in points {
        let _ = nix::mount::umount2(p, nix::mount::MntFlags::MNT_DETACH);
    }
}

/// Runs `future` to completion from synchronous code that may itself be
/// inside a tokio runtime (a `Drop`): on a thread with a runtime of its own.
pub(crate) fn block_on_detached<F>(future: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let handle = std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(future);
        }
    });
    let _ = handle.join();
}

/// A random-enough `u32` (test credentials, port probes), without a RNG
/// dependency: std's `RandomState` is seeded from the OS.
pub(crate) fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    #[allow(clippy::cast_possible_truncation)]
    {
        h.finish() as u32
    }
}

/// A UDP port in `range` that is free on all interfaces (Swarm's VXLAN data
/// path port must lie in 1024..=49151, below Linux's ephemeral range).
pub(crate) fn free_udp_port(service: &'static str, range: std::ops::Range<u16>) -> Result<u16> {
    let span = u32::from(range.end - range.start);
    for _ in 0..64 {
        let offset = u16::try_from(rand_u32() % span).unwrap_or(0);
        let port = range.start + offset;
        if std::net::UdpSocket::bind(("0.0.0.0", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(Error::service(
        service,
        format!("no free UDP port in {range:?}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_names_the_package_to_install() {
        let err = find_binary("dockerd", "no-such-binary-busflow", "docker.io", &[])
            .expect_err("missing");
        let text = err.to_string();
        assert!(
            text.contains("`no-such-binary-busflow` not found"),
            "{text}"
        );
        assert!(
            text.contains("install the Debian package `docker.io`"),
            "{text}"
        );
    }

    #[test]
    fn free_ports_are_bindable() {
        let port = free_port("test").expect("a port");
        assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
        let udp = free_udp_port("test", 20_000..40_000).expect("a UDP port");
        assert!((20_000..40_000).contains(&udp));
    }
}
