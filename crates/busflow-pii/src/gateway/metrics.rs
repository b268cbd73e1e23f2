//! The gateway's `/metrics`, in Prometheus's text format: the PII-004
//! ledger live (redactions per rule, what was kept and why), lines and
//! bytes in and out, responses by code, upstream errors by reason, and
//! latency histograms of the upstream call and of the whole push.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use crate::{Detector, KeptBy, Redactor, Tally};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, d: Duration) {
        let s = d.as_secs_f64();
        for (k, le) in BUCKETS.iter().enumerate() {
            if s <= *le {
                self.counts[k] += 1;
            }
        }
        self.count += 1;
        self.sum += s;
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (k, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {}", self.counts[k]);
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Inner {
    tally: Tally,
    bytes_out: u64,
    streams: u64,
    responses: BTreeMap<u16, u64>,
    upstream_errors: BTreeMap<&'static str, u64>,
    upstream: Histogram,
    push: Histogram,
}

/// The gateway's counters. Shared by every connection.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with(&self, f: impl FnOnce(&mut Inner)) {
        // A poisoned lock only means a panic elsewhere mid-update; the
        // counters are still counters.
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut inner);
    }

    /// A push was redacted: its tally, line bytes written and streams.
    pub fn redacted(&self, tally: &Tally, bytes_out: u64, streams: u64) {
        self.with(|m| {
            m.tally.merge(tally);
            m.bytes_out += bytes_out;
            m.streams += streams;
        });
    }

    /// A push was answered with `code` after `took`.
    pub fn responded(&self, code: u16, took: Duration) {
        self.with(|m| {
            *m.responses.entry(code).or_default() += 1;
            m.push.observe(took);
        });
    }

    /// The upstream call took `took`.
    pub fn upstream_call(&self, took: Duration) {
        self.with(|m| m.upstream.observe(took));
    }

    /// The upstream failed for `reason` (`connect`, `timeout`, `status_5xx`,
    /// `status_4xx`, `other`).
    pub fn upstream_error(&self, reason: &'static str) {
        self.with(|m| *m.upstream_errors.entry(reason).or_default() += 1);
    }

    /// The exposition text; `redactor` names what kept suppressed matches.
    pub fn render(&self, redactor: &Redactor) -> String {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::with_capacity(4096);
        let p = "busflow_pii_gateway";
        counter_head(
            &mut out,
            &format!("{p}_redactions_total"),
            "Values redacted, by rule.",
        );
        for d in Detector::ALL {
            let _ = writeln!(
                out,
                "{p}_redactions_total{{rule=\"{}\"}} {}",
                d.rule_id(),
                inner.tally.redacted(d)
            );
        }
        counter_head(
            &mut out,
            &format!("{p}_suppressions_total"),
            "Matches kept, by rule and by what kept them (an exclusion or an id key).",
        );
        for (d, by, n) in inner.tally.suppressions() {
            let kind = match by {
                KeptBy::Exclusion(_) => "exclusion",
                KeptBy::IdKey(_) => "id_key",
            };
            let _ = writeln!(
                out,
                "{p}_suppressions_total{{rule=\"{}\",kept_by=\"{kind}\",name=\"{}\"}} {n}",
                d.rule_id(),
                escape(&redactor.kept_by_name(d, by))
            );
        }
        counter_head(&mut out, &format!("{p}_lines_total"), "Log lines redacted.");
        let _ = writeln!(out, "{p}_lines_total {}", inner.tally.lines);
        counter_head(
            &mut out,
            &format!("{p}_streams_total"),
            "Streams in pushes.",
        );
        let _ = writeln!(out, "{p}_streams_total {}", inner.streams);
        counter_head(
            &mut out,
            &format!("{p}_line_bytes_total"),
            "Bytes of log lines, as received (in) and as forwarded (out).",
        );
        let _ = writeln!(
            out,
            "{p}_line_bytes_total{{direction=\"in\"}} {}",
            inner.tally.bytes
        );
        let _ = writeln!(
            out,
            "{p}_line_bytes_total{{direction=\"out\"}} {}",
            inner.bytes_out
        );
        counter_head(
            &mut out,
            &format!("{p}_pushes_total"),
            "Pushes answered, by HTTP status code.",
        );
        for (code, n) in &inner.responses {
            let _ = writeln!(out, "{p}_pushes_total{{code=\"{code}\"}} {n}");
        }
        counter_head(
            &mut out,
            &format!("{p}_upstream_errors_total"),
            "Failed upstream calls, by reason.",
        );
        for (reason, n) in &inner.upstream_errors {
            let _ = writeln!(out, "{p}_upstream_errors_total{{reason=\"{reason}\"}} {n}");
        }
        inner.upstream.render(
            &mut out,
            &format!("{p}_upstream_duration_seconds"),
            "Time of the upstream push call.",
        );
        inner.push.render(
            &mut out,
            &format!("{p}_push_duration_seconds"),
            "Time from a push's request to its answer.",
        );
        out
    }
}

fn counter_head(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} counter");
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
