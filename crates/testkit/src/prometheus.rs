//! A real Prometheus serving series a test asks for.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tempfile::TempDir;

use crate::error::{Error, Result};
use crate::process::{Supervised, find_binary, run, start_ready};

const SERVICE: &str = "prometheus";

/// One series to load: a metric name, labels and a constant value, or a
/// counter that grows at a rate (with a burst of another rate over its most
/// recent stretch).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
    counter: Option<Counter>,
}

/// How a counter grows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Counter {
    per_second: f64,
    /// For the last `.0` seconds before start-up (and after it) the counter
    /// grows by `.1` per second instead.
    burst: Option<(u64, f64)>,
}

impl Counter {
    /// The value at `t` for a counter that starts at 0 at `start`.
    #[allow(clippy::cast_precision_loss)]
    fn at(&self, start: u64, now: u64, t: u64) -> f64 {
        match self.burst {
            Some((secs, rate)) if t > now.saturating_sub(secs) => {
                let from = now.saturating_sub(secs).max(start);
                (from - start) as f64 * self.per_second + (t - from) as f64 * rate
            }
            _ => (t.saturating_sub(start)) as f64 * self.per_second,
        }
    }
}

impl Series {
    /// A series of metric `name` with no labels and value 1.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            labels: Vec::new(),
            value: 1.0,
            counter: None,
        }
    }

    /// A counter of metric `name` growing by `per_second` from the start of
    /// the builder's [`PrometheusBuilder::history`].
    pub fn counter(name: impl Into<String>, per_second: f64) -> Self {
        Self {
            counter: Some(Counter {
                per_second,
                burst: None,
            }),
            ..Self::new(name)
        }
    }

    /// For a counter: over the last `last` before start-up (and after it),
    /// grow by `per_second` instead.
    #[must_use]
    pub fn burst(mut self, last: Duration, per_second: f64) -> Self {
        if let Some(c) = &mut self.counter {
            c.burst = Some((last.as_secs(), per_second));
        }
        self
    }

    /// Adds a label.
    #[must_use]
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((name.into(), value.into()));
        self
    }

    /// Sets the value (1 by default).
    #[must_use]
    pub fn value(mut self, value: f64) -> Self {
        self.value = value;
        self
    }

    /// `count` distinct series of metric `name`, told apart by `label`
    /// (`label="0"`, `label="1"`, ...): a metric of known cardinality.
    pub fn many(name: &str, label: &str, count: usize) -> Vec<Self> {
        (0..count)
            .map(|i| Series::new(name).label(label, i.to_string()))
            .collect()
    }
}

/// A Prometheus for tests: the series are written as OpenMetrics text,
/// loaded with `promtool tsdb create-blocks-from openmetrics`, and served by
/// `prometheus` on a free loopback port over that TSDB (no scraping).
///
/// Samples run from ten minutes before start-up to [`PrometheusBuilder::horizon`]
/// after it, every four minutes, so an instant query at "now" sees every
/// series (the lookback is five minutes) for the whole test.
#[derive(Debug)]
pub struct Prometheus {
    base_url: String,
    // Stop the server before its directory goes.
    _process: Supervised,
    _dir: TempDir,
}

/// Options for [`Prometheus`].
#[derive(Debug, Clone)]
pub struct PrometheusBuilder {
    series: Vec<Series>,
    horizon: Duration,
    history: Duration,
    scrapes: Vec<(String, String)>,
    rules: Option<String>,
    alertmanager: Option<String>,
    evaluation_interval: Duration,
}

impl Default for PrometheusBuilder {
    fn default() -> Self {
        Self {
            series: Vec::new(),
            horizon: Duration::from_hours(1),
            history: Duration::from_mins(10),
            scrapes: Vec::new(),
            rules: None,
            alertmanager: None,
            evaluation_interval: Duration::from_mins(1),
        }
    }
}

impl PrometheusBuilder {
    /// Adds series to load.
    #[must_use]
    pub fn series(mut self, series: impl IntoIterator<Item = Series>) -> Self {
        self.series.extend(series);
        self
    }

    /// Scrapes `target` (`host:port`, its `/metrics`) every second as the
    /// job `job`.
    #[must_use]
    pub fn scrape(mut self, job: impl Into<String>, target: impl Into<String>) -> Self {
        self.scrapes.push((job.into(), target.into()));
        self
    }

    /// How long after start-up the series stay visible (1 h by default).
    #[must_use]
    pub fn horizon(mut self, horizon: Duration) -> Self {
        self.horizon = horizon;
        self
    }

    /// Evaluates this rule file (YAML text) every
    /// [`PrometheusBuilder::evaluation_interval`].
    #[must_use]
    pub fn rules(mut self, yaml: impl Into<String>) -> Self {
        self.rules = Some(yaml.into());
        self
    }

    /// Sends firing alerts to the Alertmanager at `target` (`host:port`).
    #[must_use]
    pub fn alertmanager(mut self, target: impl Into<String>) -> Self {
        self.alertmanager = Some(target.into());
        self
    }

    /// How often rules are evaluated (1 minute by default).
    #[must_use]
    pub fn evaluation_interval(mut self, every: Duration) -> Self {
        self.evaluation_interval = every;
        self
    }

    /// How far back before start-up the samples go (10 minutes by
    /// default). Over an hour, samples are ten minutes apart; the server
    /// keeps them (its retention covers the history).
    #[must_use]
    pub fn history(mut self, history: Duration) -> Self {
        self.history = history;
        self
    }

    /// Loads the series and starts the server; returns once `/-/ready` answers.
    pub fn start(self) -> Result<Prometheus> {
        let promtool = find_binary(SERVICE, "promtool", "prometheus", &[])?;
        let prometheus = find_binary(SERVICE, "prometheus", "prometheus", &[])?;
        let dir = tempfile::Builder::new()
            .prefix("busflow-prom-")
            .tempdir()
            .map_err(|e| Error::io(SERVICE, "create temp dir", e))?;
        let data = dir.path().join("data");
        let config = dir.path().join("prometheus.yml");
        let mut yml = format!(
            "global:\n  evaluation_interval: {}s\n  scrape_interval: 1s\n",
            self.evaluation_interval.as_secs().max(1)
        );
        if let Some(rules) = &self.rules {
            let path = dir.path().join("rules.yml");
            std::fs::write(&path, rules).map_err(|e| Error::io(SERVICE, "write rules.yml", e))?;
            let _ = writeln!(yml, "rule_files: [{:?}]", path.display().to_string());
        }
        if let Some(target) = &self.alertmanager {
            let _ = write!(
                yml,
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [{target:?}]\n"
            );
        }
        if !self.scrapes.is_empty() {
            yml.push_str("scrape_configs:\n");
            for (job, target) in &self.scrapes {
                let _ = write!(
                    yml,
                    "  - job_name: {job:?}\n    static_configs:\n      - targets: [{target:?}]\n"
                );
            }
        }
        std::fs::write(&config, yml).map_err(|e| Error::io(SERVICE, "write prometheus.yml", e))?;

        if !self.series.is_empty() {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let text = openmetrics(&self.series, now, self.history, self.horizon)?;
            let input = dir.path().join("series.om");
            std::fs::write(&input, text).map_err(|e| Error::io(SERVICE, "write series.om", e))?;
            run(
                SERVICE,
                Command::new(&promtool)
                    .args(["tsdb", "create-blocks-from", "openmetrics"])
                    .arg(&input)
                    .arg(&data),
            )?;
            let _ = std::fs::remove_file(&input);
        }

        let retention = (self.history.as_secs() / 3600 + 48).max(30 * 24);
        let (process, port) = start_ready(SERVICE, dir.path(), |port| {
            let mut command = Command::new(&prometheus);
            command
                .arg(format!("--config.file={}", config.display()))
                .arg(format!("--storage.tsdb.path={}", data.display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg(format!("--storage.tsdb.retention.time={retention}h"))
                .arg("--log.level=warn");
            if self.alertmanager.is_some() {
                // Firing alerts are sent again every evaluation, not every minute.
                command.arg(format!(
                    "--rules.alert.resend-delay={}s",
                    self.evaluation_interval.as_secs().max(1)
                ));
            }
            command
        })?;
        Ok(Prometheus {
            base_url: format!("http://127.0.0.1:{port}"),
            _process: process,
            _dir: dir,
        })
    }
}

impl Prometheus {
    /// Options: the series to load and how long they stay visible.
    pub fn builder() -> PrometheusBuilder {
        PrometheusBuilder::default()
    }

    /// Starts a server serving `series`.
    pub fn start(series: impl IntoIterator<Item = Series>) -> Result<Self> {
        Self::builder().series(series).start()
    }

    /// The base URL (`http://127.0.0.1:PORT`), for `/api/v1/...` requests.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// The series as OpenMetrics text, grouped by metric family.
fn openmetrics(
    series: &[Series],
    now: u64,
    history: Duration,
    horizon: Duration,
) -> Result<String> {
    let mut families: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    families.sort_unstable();
    families.dedup();
    let start = now.saturating_sub(history.as_secs());
    let end = now + horizon.as_secs();
    let step = if history > Duration::from_hours(1) {
        600
    } else {
        240
    };
    let mut stamps: Vec<u64> = (start..=end).step_by(step).chain([now]).collect();
    stamps.sort_unstable();
    stamps.dedup();
    let mut out = String::new();
    for family in families {
        if !valid_metric_name(family) {
            return Err(Error::service(
                SERVICE,
                format!("invalid metric name {family:?}"),
            ));
        }
        let members: Vec<&Series> = series.iter().filter(|s| s.name == family).collect();
        // OpenMetrics counters end in `_total`; anything else is loaded as
        // an untyped family (PromQL's rate and increase work on both).
        let kind = if members.iter().any(|s| s.counter.is_some()) {
            "unknown"
        } else {
            "gauge"
        };
        let _ = writeln!(out, "# TYPE {family} {kind}");
        let mut rendered = Vec::with_capacity(members.len());
        for s in members {
            let mut line = family.to_owned();
            if !s.labels.is_empty() {
                line.push('{');
                for (i, (k, v)) in s.labels.iter().enumerate() {
                    if !valid_label_name(k) {
                        return Err(Error::service(SERVICE, format!("invalid label name {k:?}")));
                    }
                    if i > 0 {
                        line.push(',');
                    }
                    let _ = write!(line, "{k}=\"{}\"", escape(v));
                }
                line.push('}');
            }
            rendered.push((line, s.value, s.counter));
        }
        for (line, value, counter) in &rendered {
            for t in &stamps {
                match counter {
                    Some(c) => {
                        let _ = writeln!(out, "{line} {} {t}", c.at(start, now, *t));
                    }
                    None => {
                        let _ = writeln!(out, "{line} {value} {t}");
                    }
                }
            }
        }
    }
    out.push_str("# EOF\n");
    Ok(out)
}

fn escape(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_families_once_and_escapes_values() {
        let series = vec![
            Series::new("a").label("x", "1"),
            Series::new("b").label("path", "q\"\\\n").value(2.5),
            Series::new("a").label("x", "2"),
        ];
        let text = openmetrics(
            &series,
            10_000,
            Duration::from_mins(10),
            Duration::from_secs(0),
        )
        .expect("valid");
        assert_eq!(text.matches("# TYPE a gauge").count(), 1);
        assert!(text.contains(r#"b{path="q\"\\\n"} 2.5 10000"#), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn counters_grow_and_burst() {
        let series = vec![Series::counter("c_total", 2.0).burst(Duration::from_mins(10), 10.0)];
        let text =
            openmetrics(&series, 100_000, Duration::from_hours(2), Duration::ZERO).expect("valid");
        assert!(text.contains("# TYPE c_total unknown"), "{text}");
        // 2/s for 6 600 s, then 10/s for 600 s.
        assert!(text.contains("c_total 19200 100000"), "{text}");
        assert!(text.contains("c_total 0 92800"), "{text}");
    }

    #[test]
    fn rejects_invalid_names() {
        assert!(openmetrics(&[Series::new("1bad")], 0, Duration::ZERO, Duration::ZERO).is_err());
        assert!(
            openmetrics(
                &[Series::new("ok").label("bad-label", "v")],
                0,
                Duration::ZERO,
                Duration::ZERO
            )
            .is_err()
        );
    }
}
