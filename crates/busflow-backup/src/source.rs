//! BACKUP-006 and BACKUP-017: the verify job reads from a named source
//! remote; when the off-site primary stays unreachable longer than the
//! window (10 min by default), it falls back to the in-swarm remote and
//! says so.

use std::time::{Duration, Instant};

use crate::error::Error;
use crate::store::ObjectStore;

/// The documented fallback window.
pub const FALLBACK_WINDOW: Duration = Duration::from_mins(10);

/// The remote chosen to read from.
pub struct SourceChoice<'a> {
    /// The store to read from.
    pub store: &'a dyn ObjectStore,
    /// Why the primary was not used, when it was not.
    pub fell_back: Option<String>,
}

impl std::fmt::Debug for SourceChoice<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceChoice")
            .field("store", &self.store.name())
            .field("fell_back", &self.fell_back)
            .finish()
    }
}

/// Probes `primary` (a listing of `prefix`) every `retry_every` until it
/// answers or `window` has passed; then uses `fallback`, if that answers.
pub async fn choose_source<'a>(
    primary: &'a dyn ObjectStore,
    fallback: &'a dyn ObjectStore,
    prefix: &str,
    window: Duration,
    retry_every: Duration,
) -> Result<SourceChoice<'a>, Error> {
    let started = Instant::now();
    let last_error = loop {
        match primary.list(prefix).await {
            Ok(_) => {
                return Ok(SourceChoice {
                    store: primary,
                    fell_back: None,
                });
            }
            Err(e) if started.elapsed() >= window => break e,
            Err(e) => {
                tracing::warn!(remote = primary.name(), error = %e, "source unreachable; retrying until the fallback window ends");
                tokio::time::sleep(retry_every.min(window.saturating_sub(started.elapsed()))).await;
            }
        }
    };
    let why = format!(
        "`{}` unreachable for {:?} (last error: {last_error}); read from `{}` instead (BACKUP-017)",
        primary.name(),
        started.elapsed(),
        fallback.name()
    );
    fallback.list(prefix).await?;
    tracing::warn!(
        primary = primary.name(),
        fallback = fallback.name(),
        "falling back to the in-swarm source"
    );
    Ok(SourceChoice {
        store: fallback,
        fell_back: Some(why),
    })
}
