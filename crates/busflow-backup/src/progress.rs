//! Progress of the data section: the one full download (BACKUP-008), as
//! bytes read so far of the object's size, for a progress bar.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

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

    fn report(&self, read: u64, total: u64) {
        (self.0)(read, total);
    }
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
