//! How services connect to the managed database: UBI-CUT-005 (pool and
//! retry settings with the documented numbers, and a retry helper with
//! exponential backoff and jitter) and UBI-CUT-006 (`sslmode=verify-full`
//! with the instance's CA, nothing weaker).

use std::time::Duration;

/// Pool and retry settings of every service (documented in 000 §6.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionSettings {
    /// `connectionTimeoutMillis`.
    pub connect_timeout: Duration,
    /// Pool `max`.
    pub pool_max: u32,
    /// Retry policy around a transaction.
    pub retry: RetryPolicy,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            pool_max: 20,
            retry: RetryPolicy::default(),
        }
    }
}

/// `retry.operation({retries: 3, factor: 2, minTimeout: 200, randomize:
/// true, jitter: 0.1})`: delays grow by `factor` from `min_timeout`,
/// `randomize` multiplies each by a factor in [1, 2), and `jitter` spreads
/// it by ±10 % so that clients reconnecting at the same second do not
/// stampede.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Growth per retry.
    pub factor: f64,
    /// The first delay.
    pub min_timeout: Duration,
    /// Whether each delay is multiplied by a random factor in [1, 2).
    pub randomize: bool,
    /// A further ± fraction of each delay.
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 3,
            factor: 2.0,
            min_timeout: Duration::from_millis(200),
            randomize: true,
            jitter: 0.1,
        }
    }
}

impl RetryPolicy {
    /// The delay before retry `attempt` (0-based), given two random numbers
    /// in [0, 1): one for `randomize`, one for `jitter`.
    pub fn delay(&self, attempt: u32, randomize: f64, jitter: f64) -> Duration {
        let base = self.min_timeout.as_secs_f64()
            * self.factor.powi(i32::try_from(attempt).unwrap_or(i32::MAX));
        let randomized = if self.randomize {
            base * (1.0 + randomize.clamp(0.0, 1.0))
        } else {
            base
        };
        let spread = randomized * self.jitter * (2.0 * jitter.clamp(0.0, 1.0) - 1.0);
        Duration::try_from_secs_f64((randomized + spread).max(0.0)).unwrap_or(Duration::MAX)
    }

    /// The bounds every delay of retry `attempt` falls in.
    pub fn bounds(&self, attempt: u32) -> (Duration, Duration) {
        let base = self.min_timeout.as_secs_f64()
            * self.factor.powi(i32::try_from(attempt).unwrap_or(i32::MAX));
        let high = if self.randomize { 2.0 * base } else { base };
        let secs = |s: f64| Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(Duration::MAX);
        (
            secs(base * (1.0 - self.jitter)),
            secs(high * (1.0 + self.jitter)),
        )
    }

    /// Runs `operation` until it succeeds, `retryable` says an error is
    /// final, or the retries are spent; sleeps the policy's delays between
    /// attempts (random numbers from `random`, e.g. a seeded generator in
    /// tests). Returns the last error.
    pub async fn run<T, E, F, Fut>(
        &self,
        mut operation: F,
        retryable: impl Fn(&E) -> bool,
        mut random: impl FnMut() -> f64,
    ) -> Result<T, E>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let mut attempt = 0;
        loop {
            match operation(attempt).await {
                Ok(v) => return Ok(v),
                Err(e) if attempt < self.retries && retryable(&e) => {
                    let delay = self.delay(attempt, random(), random());
                    tracing::debug!(attempt, ?delay, "retrying the transaction");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Why a connection string is refused (UBI-CUT-006).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsRefusal {
    /// Not a `postgres://` or `postgresql://` URL.
    #[error("not a postgres:// connection URL")]
    NotAUrl,
    /// No `sslmode`, or a weaker one.
    #[error("sslmode is `{0}`: only verify-full checks both the certificate and the host name")]
    WeakSslMode(String),
    /// No `sslrootcert`.
    #[error(
        "no sslrootcert: verify-full needs the instance's CA certificate (the module's `ca_certificate` output)"
    )]
    NoCa,
}

/// UBI-CUT-006: accepts a connection URL only with `sslmode=verify-full`
/// and an `sslrootcert`. The error never repeats the URL (it holds a
/// password).
pub fn check_tls(url: &str) -> Result<(), TlsRefusal> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or(TlsRefusal::NotAUrl)?;
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    };
    match param("sslmode") {
        Some("verify-full") => {}
        other => {
            return Err(TlsRefusal::WeakSslMode(
                other.unwrap_or("unset (prefer)").to_owned(),
            ));
        }
    }
    if param("sslrootcert").is_none_or(str::is_empty) {
        return Err(TlsRefusal::NoCa);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ubi_cut_005_the_documented_numbers_are_the_defaults() {
        let s = ConnectionSettings::default();
        assert_eq!(s.connect_timeout, Duration::from_secs(5));
        assert_eq!(s.pool_max, 20);
        assert_eq!(
            (
                s.retry.retries,
                s.retry.factor,
                s.retry.min_timeout,
                s.retry.randomize,
                s.retry.jitter
            ),
            (3, 2.0, Duration::from_millis(200), true, 0.1)
        );
        assert_eq!(
            s.retry.bounds(0),
            (Duration::from_millis(180), Duration::from_millis(440))
        );
        assert_eq!(
            s.retry.bounds(2),
            (Duration::from_millis(720), Duration::from_millis(1760))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn ubi_cut_005_a_transaction_is_retried_three_times_then_fails() {
        let policy = RetryPolicy::default();
        let mut calls = 0;
        let started = tokio::time::Instant::now();
        let result: Result<(), &str> = policy
            .run(
                |_| {
                    calls += 1;
                    async { Err("connection reset") }
                },
                |_| true,
                || 0.5,
            )
            .await;
        assert_eq!(result, Err("connection reset"));
        assert_eq!(calls, 4, "one attempt and three retries");
        // Delays with randomize 0.5 and no jitter: 300 + 600 + 1200 ms.
        assert_eq!(started.elapsed(), Duration::from_millis(2100));
        let mut calls = 0;
        let result: Result<u32, &str> = policy
            .run(
                |a| {
                    calls += 1;
                    async move { if a < 1 { Err("reset") } else { Ok(a) } }
                },
                |_| true,
                || 0.0,
            )
            .await;
        assert_eq!((result, calls), (Ok(1), 2));
        let result: Result<(), &str> = policy
            .run(
                |_| async { Err("syntax error") },
                |e| *e != "syntax error",
                || 0.0,
            )
            .await;
        assert_eq!(result, Err("syntax error"));
    }

    #[test]
    fn ubi_cut_006_only_verify_full_with_a_ca_is_accepted() {
        assert_eq!(
            check_tls(
                "postgres://w:pw@db.example/busflow?sslmode=verify-full&sslrootcert=/run/configs/ca.pem"
            ),
            Ok(())
        );
        for (url, want) in [
            (
                "postgres://w:pw@db/x",
                TlsRefusal::WeakSslMode("unset (prefer)".into()),
            ),
            (
                "postgres://w:pw@db/x?sslmode=require&sslrootcert=/ca.pem",
                TlsRefusal::WeakSslMode("require".into()),
            ),
            (
                "postgres://w:pw@db/x?sslmode=verify-ca&sslrootcert=/ca.pem",
                TlsRefusal::WeakSslMode("verify-ca".into()),
            ),
            (
                "postgresql://w:pw@db/x?sslmode=verify-full",
                TlsRefusal::NoCa,
            ),
            ("mysql://w:pw@db/x", TlsRefusal::NotAUrl),
        ] {
            let err = check_tls(url).expect_err(url);
            assert_eq!(err, want, "{url}");
            assert!(
                !err.to_string().contains("pw@"),
                "the password never reaches the error"
            );
        }
    }

    proptest! {
        #[test]
        fn ubi_cut_005_every_delay_is_within_its_bounds(attempt in 0u32..6, r in 0.0f64..1.0, j in 0.0f64..1.0) {
            let policy = RetryPolicy::default();
            let (low, high) = policy.bounds(attempt);
            let d = policy.delay(attempt, r, j);
            prop_assert!(d >= low && d <= high, "{d:?} outside {low:?}..{high:?}");
        }

        #[test]
        fn any_text_is_accepted_or_refused(s in "\\PC{0,60}") {
            let _ = check_tls(&s);
        }
    }
}
