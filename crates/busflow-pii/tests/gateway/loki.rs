//! A stand-in for Loki's push endpoint (Loki cannot run on these machines):
//! it decodes a push exactly as Loki's distributor does — a snappy block
//! holding a `logproto.PushRequest` for `application/x-protobuf`, the JSON
//! body otherwise — records what it decoded, and answers as told (a status,
//! after a delay).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use busflow_pii::gateway::logproto::PushRequest;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use prost::Message as _;

/// One entry as Loki stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub labels: String,
    pub ts_nanos: i128,
    pub line: Vec<u8>,
    pub metadata: Vec<(String, Vec<u8>)>,
}

/// One accepted push.
#[derive(Debug, Clone)]
pub struct Received {
    pub tenant: Option<String>,
    pub authorization: Option<String>,
    pub content_type: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Default)]
struct Behaviour {
    status: u16,
    delay: Duration,
}

/// The stub: its address, what it accepted, and how it answers next.
#[derive(Clone)]
pub struct Loki {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl Loki {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stub");
        let addr = listener.local_addr().expect("addr");
        let loki = Loki {
            addr,
            received: Arc::default(),
            behaviour: Arc::new(Mutex::new(Behaviour {
                status: 204,
                delay: Duration::ZERO,
            })),
        };
        let server = loki.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let server = server.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let server = server.clone();
                        async move { Ok::<_, std::convert::Infallible>(server.handle(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        loki
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answer `status` after `delay` from now on.
    pub fn answer(&self, status: u16, delay: Duration) {
        let mut b = self.behaviour.lock().expect("lock");
        b.status = status;
        b.delay = delay;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    async fn handle(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (status, delay) = {
            let b = self.behaviour.lock().expect("lock");
            (b.status, b.delay)
        };
        tokio::time::sleep(delay).await;
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let tenant = header("x-scope-orgid");
        let authorization = header("authorization");
        let content_type = header("content-type").unwrap_or_default();
        let encoding = header("content-encoding");
        assert_eq!(req.uri().path(), "/loki/api/v1/push");
        let body = req.into_body().collect().await.expect("body").to_bytes();
        let entries = match decode(&content_type, encoding.as_deref(), &body) {
            Ok(e) => e,
            Err(why) => {
                return reply(400, why);
            }
        };
        if status < 300 {
            self.received.lock().expect("lock").push(Received {
                tenant,
                authorization,
                content_type,
                entries,
            });
        }
        reply(status, format!("stub answered {status}"))
    }
}

fn reply(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    r
}

/// Loki's decoding of a push body.
fn decode(content_type: &str, encoding: Option<&str>, body: &[u8]) -> Result<Vec<Entry>, String> {
    if content_type == "application/x-protobuf" {
        let raw = snap::raw::Decoder::new()
            .decompress_vec(body)
            .map_err(|e| format!("snappy: {e}"))?;
        let push = PushRequest::decode(raw.as_slice()).map_err(|e| format!("proto: {e}"))?;
        let mut out = Vec::new();
        for s in push.streams {
            for e in s.entries {
                let ts = e.timestamp.unwrap_or_default();
                out.push(Entry {
                    labels: s.labels.clone(),
                    ts_nanos: i128::from(ts.seconds) * 1_000_000_000 + i128::from(ts.nanos),
                    line: e.line,
                    metadata: e
                        .structured_metadata
                        .into_iter()
                        .map(|p| (p.name, p.value))
                        .collect(),
                });
            }
        }
        return Ok(out);
    }
    if !content_type.starts_with("application/json") {
        return Err(format!("content type {content_type}"));
    }
    let body = if encoding == Some("gzip") {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut out)
            .map_err(|e| e.to_string())?;
        out
    } else {
        body.to_vec()
    };
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for s in v["streams"].as_array().ok_or("streams")? {
        let mut labels: Vec<(String, String)> = s["stream"]
            .as_object()
            .ok_or("stream")?
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
            .collect();
        labels.sort();
        let labels = format!(
            "{{{}}}",
            labels
                .iter()
                .map(|(k, v)| format!("{k}={v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for value in s["values"].as_array().ok_or("values")? {
            let ts: i128 = value[0]
                .as_str()
                .ok_or("ts")?
                .parse()
                .map_err(|_| "ts number")?;
            out.push(Entry {
                labels: labels.clone(),
                ts_nanos: ts,
                line: value[1].as_str().ok_or("line")?.as_bytes().to_vec(),
                metadata: value
                    .get(2)
                    .and_then(|m| m.as_object())
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").as_bytes().to_vec()))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    Ok(out)
}
