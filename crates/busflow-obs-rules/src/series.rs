//! Counting active series per metric through a Prometheus-compatible API.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, ErrorKind};

/// Where active series counts come from.
#[async_trait::async_trait]
pub trait SeriesSource: Send + Sync {
    /// The active series count of every metric in `metrics` (0 for a metric
    /// with no series).
    async fn series_counts(&self, metrics: &[String]) -> Result<BTreeMap<String, u64>, Error>;
}

/// How to ask for the counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// `count by (__name__)({__name__=~"a|b|…"})` through `/api/v1/query`,
    /// batched so that each URL stays under the length limit.
    #[default]
    Query,
    /// Mimir's `/api/v1/cardinality/label_values?label_names[]=__name__`
    /// (enabled with `-querier.cardinality-analysis-enabled`), one request.
    MimirCardinality,
}

/// A Prometheus or Mimir HTTP API.
#[derive(Debug)]
pub struct PrometheusSource {
    base: String,
    client: reqwest::Client,
    tenant: Option<String>,
    mode: Mode,
    max_url_len: usize,
    requests: AtomicUsize,
}

impl PrometheusSource {
    /// A source at `base_url` (`http://prometheus:9090`, or Mimir's
    /// `http://mimir/prometheus`), in [`Mode::Query`], no tenant, URLs of at
    /// most 4 000 bytes, and [`busflow_http::HttpSettings`]' default
    /// timeouts (10 s to connect, 60 s a request), so a server that accepts
    /// and never answers cannot hold the probe.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_settings(base_url, &busflow_http::HttpSettings::default())
    }

    /// [`PrometheusSource::new`] with these timeouts. (The series API
    /// carries no credential here, so `http://` is accepted.)
    pub fn with_settings(
        base_url: impl Into<String>,
        settings: &busflow_http::HttpSettings,
    ) -> Self {
        Self {
            base: base_url.into().trim_end_matches('/').to_owned(),
            client: settings.client().unwrap_or_default(),
            tenant: None,
            mode: Mode::Query,
            max_url_len: 4_000,
            requests: AtomicUsize::new(0),
        }
    }

    /// Sends `X-Scope-OrgID: tenant` (Mimir's tenant header). None by default.
    #[must_use]
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// How counts are asked for ([`Mode::Query`] by default).
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The longest request URL to send (4 000 bytes by default; proxies
    /// commonly refuse 8 KiB). At least one metric goes in each request.
    #[must_use]
    pub fn max_url_len(mut self, bytes: usize) -> Self {
        self.max_url_len = bytes;
        self
    }

    /// Uses this HTTP client (timeouts, TLS roots) instead of a default one.
    #[must_use]
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// How many HTTP requests this source has sent.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn query_url(&self, names: &[&str]) -> String {
        let query = format!("count by (__name__)({{__name__=~\"{}\"}})", names.join("|"));
        format!("{}/api/v1/query?query={}", self.base, encode(&query))
    }

    /// Splits `names` into batches whose query URL fits the limit.
    fn batches<'a>(&self, names: &[&'a str]) -> Vec<Vec<&'a str>> {
        let mut out: Vec<Vec<&str>> = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for name in names {
            current.push(name);
            if current.len() > 1 && self.query_url(&current).len() > self.max_url_len {
                current.pop();
                out.push(std::mem::take(&mut current));
                current.push(name);
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    }

    /// The value of an instant query that gives one number (a vector of
    /// one sample, or a scalar); `None` for an empty vector (no series).
    pub async fn instant(&self, query: &str) -> Result<Option<f64>, Error> {
        let url = format!("{}/api/v1/query?query={}", self.base, encode(query));
        let doc = self.get_json(&url).await?;
        parse_instant(&doc).map_err(|detail| bad(&self.base, format!("{detail} (query `{query}`)")))
    }

    async fn get_json(&self, url: &str) -> Result<serde_json::Value, Error> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.client.get(url);
        if let Some(t) = &self.tenant {
            request = request.header("X-Scope-OrgID", t);
        }
        let shown = url.split('?').next().unwrap_or(url).to_owned();
        let response = request.send().await.map_err(|e| {
            Error::from_kind(ErrorKind::Transport {
                url: shown.clone(),
                detail: e.to_string(),
            })
        })?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| {
            Error::from_kind(ErrorKind::Transport {
                url: shown.clone(),
                detail: e.to_string(),
            })
        })?;
        if !(200..300).contains(&status) {
            return Err(Error::from_kind(ErrorKind::Http {
                url: shown,
                status,
                body: body.chars().take(300).collect(),
            }));
        }
        serde_json::from_str(&body).map_err(|e| {
            Error::from_kind(ErrorKind::BadResponse {
                url: shown,
                detail: format!("not JSON: {e}"),
            })
        })
    }
}

#[async_trait::async_trait]
impl SeriesSource for PrometheusSource {
    async fn series_counts(&self, metrics: &[String]) -> Result<BTreeMap<String, u64>, Error> {
        let mut names: Vec<&str> = metrics.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        let mut counts: BTreeMap<String, u64> =
            names.iter().map(|n| ((*n).to_owned(), 0)).collect();
        match self.mode {
            Mode::Query => {
                for batch in self.batches(&names) {
                    let url = self.query_url(&batch);
                    let doc = self.get_json(&url).await?;
                    for (name, n) in
                        parse_query_counts(&doc).map_err(|detail| bad(&self.base, detail))?
                    {
                        if let Some(slot) = counts.get_mut(&name) {
                            *slot = n;
                        }
                    }
                }
            }
            Mode::MimirCardinality => {
                let limit = names.len().clamp(1, 500);
                let url = format!(
                    "{}/api/v1/cardinality/label_values?label_names[]=__name__&limit={limit}",
                    self.base
                );
                let doc = self.get_json(&url).await?;
                for (name, n) in
                    parse_cardinality_counts(&doc).map_err(|detail| bad(&self.base, detail))?
                {
                    if let Some(slot) = counts.get_mut(&name) {
                        *slot = n;
                    }
                }
            }
        }
        Ok(counts)
    }
}

fn bad(url: &str, detail: String) -> Error {
    Error::from_kind(ErrorKind::BadResponse {
        url: url.to_owned(),
        detail,
    })
}

/// `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"m"},"value":[t,"3"]}]}}`
fn parse_query_counts(doc: &serde_json::Value) -> Result<Vec<(String, u64)>, String> {
    if doc["status"] != "success" {
        return Err(format!("status {}: {}", doc["status"], doc["error"]));
    }
    let results = doc["data"]["result"]
        .as_array()
        .ok_or("no data.result array")?;
    results
        .iter()
        .map(|r| {
            let name = r["metric"]["__name__"]
                .as_str()
                .ok_or("a result without __name__")?;
            let value = r["value"][1].as_str().ok_or("a result without a value")?;
            let n = value
                .parse::<f64>()
                .map_err(|_| format!("count {value:?} is not a number"))?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok((name.to_owned(), n.max(0.0) as u64))
        })
        .collect()
}

/// Mimir: `{"labels":[{"label_name":"__name__","cardinality":[{"label_value":"m","series_count":3}]}]}`
fn parse_cardinality_counts(doc: &serde_json::Value) -> Result<Vec<(String, u64)>, String> {
    let labels = doc["labels"].as_array().ok_or("no labels array")?;
    let name_label = labels
        .iter()
        .find(|l| l["label_name"] == "__name__")
        .ok_or("no __name__ entry")?;
    name_label["cardinality"]
        .as_array()
        .ok_or("no cardinality array")?
        .iter()
        .map(|c| {
            let name = c["label_value"]
                .as_str()
                .ok_or("an entry without label_value")?;
            let n = c["series_count"]
                .as_u64()
                .ok_or("an entry without series_count")?;
            Ok((name.to_owned(), n))
        })
        .collect()
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
/// One number from an instant query's answer.
fn parse_instant(doc: &serde_json::Value) -> Result<Option<f64>, String> {
    if doc["status"] != "success" {
        return Err(format!(
            "the query failed: {}",
            doc["error"].as_str().unwrap_or("no error given")
        ));
    }
    let data = &doc["data"];
    let value = match data["resultType"].as_str() {
        Some("scalar") => &data["result"],
        Some("vector") => match data["result"].as_array().map(Vec::as_slice) {
            Some([]) => return Ok(None),
            Some([one]) => &one["value"],
            Some(_) => return Err("the query gave more than one series; sum it".into()),
            None => return Err("no result list".into()),
        },
        other => return Err(format!("a result of type {other:?}, not a vector")),
    };
    value[1]
        .as_str()
        .and_then(|v| v.parse::<f64>().ok())
        .map(Some)
        .ok_or_else(|| "a sample without a number".into())
}

fn encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_the_url_limit_and_keep_every_name() {
        let names: Vec<String> = (0..200)
            .map(|i| format!("busflow_metric_number_{i:03}_total"))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let source = PrometheusSource::new("http://127.0.0.1:9090").max_url_len(1_000);
        let batches = source.batches(&refs);
        assert!(batches.len() > 1);
        assert!(batches.iter().all(|b| source.query_url(b).len() <= 1_000));
        assert_eq!(batches.concat(), refs);
    }

    #[test]
    fn parses_mimir_cardinality_answers() {
        let doc = serde_json::json!({
            "label_values_count_total": 2, "series_count_total": 7,
            "labels": [{"label_name": "__name__", "label_values_count": 2, "series_count": 7,
                        "cardinality": [{"label_value": "a", "series_count": 5}, {"label_value": "b", "series_count": 2}]}]
        });
        assert_eq!(
            parse_cardinality_counts(&doc),
            Ok(vec![("a".into(), 5), ("b".into(), 2)])
        );
        assert!(parse_cardinality_counts(&serde_json::json!({"labels": []})).is_err());
    }

    #[test]
    fn query_errors_are_reported() {
        let doc = serde_json::json!({"status": "error", "error": "bad query"});
        assert!(
            parse_query_counts(&doc)
                .expect_err("error")
                .contains("bad query")
        );
    }
}
