//! Push bodies: decoded as Loki decodes them, every line redacted, encoded
//! again in the same format for the upstream.
//!
//! - `application/x-protobuf`: a snappy block (not the framed stream
//!   format) holding a `logproto.PushRequest`, as the Docker driver,
//!   Promtail and Alloy send it.
//! - `application/json` (optionally `Content-Encoding: gzip`):
//!   `{"streams":[{"stream":{…},"values":[["<ns>","<line>"(,{…})],…]}]}`.
//!
//! Lines and structured-metadata values are redacted; labels and
//! timestamps are kept. Sizes are checked before anything is inflated: the
//! decoded body may not exceed the limit either.

use std::io::Read as _;

use prost::Message as _;
use serde_json::Value;

use super::labels::Selector;
use super::logproto::PushRequest;
use crate::{Mode, Outcome, Redactor, Tally};

/// Line bytes from which a push is redacted on every core.
const PARALLEL_BYTES: usize = 256 << 10;

/// Why a push could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The body, or what it inflates to, is over the limit.
    #[error("the push is larger than {limit} bytes (decoded)")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The content type is neither protobuf nor JSON.
    #[error("unsupported content type `{0}`: expected application/x-protobuf or application/json")]
    ContentType(String),
    /// The content encoding is not supported.
    #[error("unsupported content encoding `{0}`: expected gzip or none")]
    ContentEncoding(String),
    /// The snappy block is malformed.
    #[error("malformed snappy block")]
    Snappy(#[source] snap::Error),
    /// The gzip stream is malformed.
    #[error("malformed gzip body")]
    Gzip(#[source] std::io::Error),
    /// The protobuf message is malformed.
    #[error("malformed logproto.PushRequest")]
    Protobuf(#[source] prost::DecodeError),
    /// The JSON body is malformed or not a push.
    #[error("malformed JSON push: {0}")]
    Json(String),
}

/// The body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Snappy-compressed protobuf.
    Protobuf,
    /// JSON (forwarded uncompressed).
    Json,
}

impl Format {
    /// The format a `Content-Type` names (parameters ignored).
    pub fn from_content_type(ct: &str) -> Result<Self, PushError> {
        let essence = ct.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "application/x-protobuf" => Ok(Format::Protobuf),
            "application/json" => Ok(Format::Json),
            _ => Err(PushError::ContentType(essence.chars().take(64).collect())),
        }
    }

    /// The `Content-Type` the upstream gets.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Protobuf => "application/x-protobuf",
            Format::Json => "application/json",
        }
    }
}

/// What one push carried and what redaction did to it.
#[derive(Debug, Default)]
pub struct Redacted {
    /// The body for the upstream.
    pub body: Vec<u8>,
    /// Redactions and suppressions per rule; `lines` and `bytes` are the
    /// lines and line bytes read.
    pub tally: Tally,
    /// Line bytes written.
    pub bytes_out: u64,
    /// Streams in the push.
    pub streams: u64,
}

/// How lines are redacted: the engine and which streams are JSON lines.
#[derive(Debug, Clone, Copy)]
pub struct Redaction<'a> {
    /// The engine.
    pub redactor: &'a Redactor,
    /// Streams read in JSON mode.
    pub json_streams: Option<&'a Selector>,
}

impl Redaction<'_> {
    fn redact(&self, line: &[u8], mode: Mode, out: &mut Redacted) -> Vec<u8> {
        let mut buf = Vec::with_capacity(line.len() + 16);
        let mut outcome = Outcome::default();
        self.redactor
            .redact_into(line, mode, &mut buf, &mut outcome);
        out.tally.add(&outcome);
        out.tally.lines += 1;
        out.tally.bytes += line.len() as u64;
        out.bytes_out += buf.len() as u64;
        buf
    }
}

/// Reads, redacts and re-encodes a push body (after `Content-Encoding`
/// `encoding`), never producing more than `limit` decoded bytes.
pub fn redact_push(
    body: &[u8],
    format: Format,
    encoding: Option<&str>,
    limit: usize,
    how: Redaction<'_>,
) -> Result<Redacted, PushError> {
    match format {
        Format::Protobuf => {
            if let Some(e) = encoding.filter(|e| !e.eq_ignore_ascii_case("identity")) {
                return Err(PushError::ContentEncoding(e.chars().take(32).collect()));
            }
            redact_protobuf(body, limit, how)
        }
        Format::Json => {
            let json = match encoding {
                None => body.to_vec(),
                Some(e) if e.eq_ignore_ascii_case("identity") => body.to_vec(),
                Some(e) if e.eq_ignore_ascii_case("gzip") => gunzip(body, limit)?,
                Some(e) => return Err(PushError::ContentEncoding(e.chars().take(32).collect())),
            };
            if json.len() > limit {
                return Err(PushError::TooLarge { limit });
            }
            redact_json(&json, how)
        }
    }
}

fn gunzip(body: &[u8], limit: usize) -> Result<Vec<u8>, PushError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(PushError::Gzip)?;
    if out.len() > limit {
        return Err(PushError::TooLarge { limit });
    }
    Ok(out)
}

fn redact_protobuf(body: &[u8], limit: usize, how: Redaction<'_>) -> Result<Redacted, PushError> {
    let len = snap::raw::decompress_len(body).map_err(PushError::Snappy)?;
    if len > limit {
        return Err(PushError::TooLarge { limit });
    }
    let raw = snap::raw::Decoder::new()
        .decompress_vec(body)
        .map_err(PushError::Snappy)?;
    let mut push = PushRequest::decode(raw.as_slice()).map_err(PushError::Protobuf)?;
    drop(raw);
    let mut out = Redacted::default();
    let mut work: Vec<(Mode, &mut super::logproto::EntryAdapter)> = Vec::new();
    let mut bytes = 0;
    for stream in &mut push.streams {
        out.streams += 1;
        let mode = match how.json_streams {
            Some(s) if s.matches_text(&stream.labels) => Mode::Json,
            _ => Mode::Text,
        };
        for entry in &mut stream.entries {
            bytes += entry.line.len();
            work.push((mode, entry));
        }
    }
    // A large push is redacted on every core: one push's latency is the
    // engine's time over its lines divided among them.
    let threads = if bytes >= PARALLEL_BYTES {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        1
    };
    let per = work.len().div_ceil(threads).max(1);
    let parts: Vec<Redacted> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .chunks_mut(per)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut part = Redacted::default();
                    for (mode, entry) in chunk {
                        entry.line = how.redact(&entry.line, *mode, &mut part);
                        for pair in &mut entry.structured_metadata {
                            pair.value = how.redact(&pair.value, Mode::Text, &mut part);
                        }
                    }
                    part
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for part in parts {
        out.tally.merge(&part.tally);
        out.bytes_out += part.bytes_out;
    }
    let encoded = push.encode_to_vec();
    out.body = snap::raw::Encoder::new()
        .compress_vec(&encoded)
        .map_err(PushError::Snappy)?;
    Ok(out)
}

fn redact_json(json: &[u8], how: Redaction<'_>) -> Result<Redacted, PushError> {
    let bad = |what: &str| PushError::Json(what.to_owned());
    let mut push: Value =
        serde_json::from_slice(json).map_err(|e| PushError::Json(e.to_string()))?;
    let streams = push
        .get_mut("streams")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| bad("expected an object with a `streams` array"))?;
    let mut out = Redacted::default();
    for stream in streams {
        out.streams += 1;
        let labels = stream.get("stream").and_then(Value::as_object);
        let mode = match (how.json_streams, labels) {
            (Some(s), Some(l)) if s.matches(|n| l.get(n).and_then(Value::as_str)) => Mode::Json,
            _ => Mode::Text,
        };
        let values = stream
            .get_mut("values")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| bad("expected each stream to have a `values` array"))?;
        for value in values {
            let entry = value
                .as_array_mut()
                .filter(|e| (2..=3).contains(&e.len()))
                .ok_or_else(|| bad("expected each value to be [timestamp, line] or [timestamp, line, metadata]"))?;
            let line = entry[1]
                .as_str()
                .ok_or_else(|| bad("expected the line to be a string"))?;
            let red = how.redact(line.as_bytes(), mode, &mut out);
            entry[1] = Value::String(String::from_utf8_lossy(&red).into_owned());
            if let Some(meta) = entry.get_mut(2).and_then(Value::as_object_mut) {
                for v in meta.values_mut() {
                    if let Some(s) = v.as_str() {
                        let red = how.redact(s.as_bytes(), Mode::Text, &mut out);
                        *v = Value::String(String::from_utf8_lossy(&red).into_owned());
                    }
                }
            }
        }
    }
    out.body = serde_json::to_vec(&push).map_err(|e| PushError::Json(e.to_string()))?;
    Ok(out)
}
