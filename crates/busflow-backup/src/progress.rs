//! Progress of the data section: the one full download (BACKUP-008), as
//! bytes read so far of the object's size, for a progress bar.

use std::io::Write as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, ReadBuf};

/// Called with (bytes read so far, object size) as the data section
/// streams; cheap and frequent (once per read), so a display throttles.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(u64, u64) + Send + Sync>);

impl Progress {
    /// A progress callback.
    pub fn new(f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// A progress line on standard error: bytes, percent and throughput,
    /// at most four times a second (and once at the end). On a terminal
    /// the line is redrawn in place; elsewhere each update is a line.
    pub fn stderr_line(terminal: bool) -> Self {
        // (when the data section started, when the line was last drawn)
        let clock = Mutex::new((None::<Instant>, None::<Instant>));
        Self::new(move |read, total| {
            let Ok(mut clock) = clock.lock() else { return };
            let now = Instant::now();
            let started = *clock.0.get_or_insert(now);
            let last = &mut clock.1;
            let done = read >= total && total > 0;
            if !done && last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(250)) {
                return;
            }
            *last = Some(now);
            let line = line(read, total, started.elapsed());
            let mut err = std::io::stderr().lock();
            let _ = if terminal {
                write!(err, "\r{line}{}", if done { "\n" } else { "" })
            } else {
                writeln!(err, "{line}")
            };
        })
    }

    fn report(&self, read: u64, total: u64) {
        (self.0)(read, total);
    }
}

/// `data [#########...........] 45.0 / 100.0 MB  45% 90.0 MB/s`.
fn line(read: u64, total: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    #[allow(clippy::cast_precision_loss)]
    let (mb, total_mb, rate) = (
        read as f64 / 1e6,
        total as f64 / 1e6,
        read as f64 / 1e6 / secs,
    );
    let percent = (read * 100).checked_div(total).unwrap_or(0);
    let filled = usize::try_from(percent / 5).unwrap_or(20).min(20);
    let bar = format!("{}{}", "#".repeat(filled), ".".repeat(20 - filled));
    format!("data [{bar}] {mb:.1} / {total_mb:.1} MB {percent:>3}% {rate:.1} MB/s")
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// A reader that reports what passes through it.
pub(crate) struct Counted<'a> {
    inner: &'a mut (dyn AsyncRead + Send + Unpin),
    read: u64,
    total: u64,
    progress: Progress,
}

impl<'a> Counted<'a> {
    pub(crate) fn new(
        inner: &'a mut (dyn AsyncRead + Send + Unpin),
        total: u64,
        progress: Progress,
    ) -> Self {
        progress.report(0, total);
        Self {
            inner,
            read: 0,
            total,
            progress,
        }
    }
}

impl AsyncRead for Counted<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut *this.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 {
            this.read += n as u64;
            this.progress.report(this.read, this.total);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_bytes_percent_and_rate() {
        let l = line(45_000_000, 100_000_000, Duration::from_millis(500));
        assert_eq!(
            l,
            "data [#########...........] 45.0 / 100.0 MB  45% 90.0 MB/s"
        );
        assert!(
            line(5, 0, Duration::ZERO).contains("  0%"),
            "no size: no percent"
        );
        assert!(line(200, 100, Duration::from_secs(1)).contains("[####################]"));
    }
    use std::sync::Mutex;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn every_byte_is_reported_once_and_in_order() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let progress = Progress::new(move |read, total| {
            if let Ok(mut s) = sink.lock() {
                s.push((read, total));
            }
        });
        let data = vec![7u8; 100_000];
        let mut src: &[u8] = &data;
        let mut counted = Counted::new(&mut src, 100_000, progress);
        let mut out = Vec::new();
        counted.read_to_end(&mut out).await.expect("read");
        assert_eq!(out, data);
        let seen = seen.lock().expect("lock");
        assert_eq!(seen.first(), Some(&(0, 100_000)));
        assert_eq!(seen.last(), Some(&(100_000, 100_000)));
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(format!("{:?}", Progress::new(|_, _| {})), "Progress(..)");
    }
}
