//! The HTTP side: `POST /loki/api/v1/push` in, the redacted push out to the
//! upstream Loki, `/ready` and `/metrics`.
//!
//! Delivery: a push is answered only after the upstream accepted the
//! redacted batch, so the client's retry is the retry. Upstream 5xx,
//! timeouts and connection failures answer 5xx (the client retries), an
//! upstream 4xx is passed back with its body (429 included), a body over
//! the limit gets 413 and a malformed one 400 with the reason. Nothing is
//! forwarded before every line of the push is redacted. Memory is bounded:
//! at most `max_concurrent` pushes are read at once, each at most
//! `max_body_bytes` (also once inflated). On shutdown the listener closes
//! and pushes in flight are finished.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::labels::Selector;
use super::metrics::Metrics;
use super::push::{self, Format, PushError, Redaction};
use crate::Redactor;

/// How the gateway authenticates to the upstream. `Debug` never shows the
/// secret.
#[derive(Clone)]
pub enum UpstreamAuth {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic …`.
    Basic {
        /// The user.
        user: String,
        /// The password.
        password: String,
    },
}

impl std::fmt::Debug for UpstreamAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpstreamAuth::Bearer(_) => f.write_str("Bearer(****)"),
            UpstreamAuth::Basic { user, .. } => write!(f, "Basic({user}:****)"),
        }
    }
}

/// The gateway's settings.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The upstream Loki's base URL (`http://loki:3100`); pushes go to
    /// its `/loki/api/v1/push`.
    pub upstream: String,
    /// The tenant (`X-Scope-OrgID`) to set; `None` passes the client's on.
    pub tenant: Option<String>,
    /// Streams whose lines are JSON (redacted structurally).
    pub json_streams: Option<Selector>,
    /// The largest push body, compressed or inflated (default 16 MiB).
    pub max_body_bytes: usize,
    /// Pushes read at once (default 4); more wait.
    pub max_concurrent: usize,
    /// Connect and whole-call timeouts of the upstream call.
    pub http: busflow_http::HttpSettings,
    /// A PEM CA certificate the upstream's TLS certificate must chain to,
    /// besides the system's.
    pub ca_pem: Option<Vec<u8>>,
    /// Credentials for the upstream (only over `https://`, or plain HTTP
    /// to loopback when the settings allow it for tests).
    pub auth: Option<UpstreamAuth>,
    /// How long shutdown waits for pushes in flight (default 30 s).
    pub drain: Duration,
}

impl GatewayConfig {
    /// Defaults for `upstream`.
    pub fn new(upstream: impl Into<String>) -> Self {
        Self {
            upstream: upstream.into(),
            tenant: None,
            json_streams: None,
            max_body_bytes: 16 << 20,
            max_concurrent: 4,
            http: busflow_http::HttpSettings::default()
                .with_timeouts(Duration::from_secs(5), Duration::from_secs(30)),
            ca_pem: None,
            auth: None,
            drain: Duration::from_secs(30),
        }
    }
}

/// The gateway could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The upstream URL does not parse.
    #[error("upstream URL `{0}` does not parse")]
    Upstream(String),
    /// Credentials would go over plain HTTP.
    #[error(transparent)]
    Insecure(#[from] busflow_http::InsecureUrl),
    /// The CA certificate or the HTTP client could not be set up.
    #[error("upstream HTTP client")]
    Client(#[source] reqwest::Error),
    /// Accepting connections failed.
    #[error("listener")]
    Io(#[source] std::io::Error),
}

struct State {
    redactor: Arc<Redactor>,
    config: GatewayConfig,
    push_url: reqwest::Url,
    client: reqwest::Client,
    metrics: Metrics,
    permits: Semaphore,
}

/// A running gateway's shared parts, for callers that embed it.
pub struct Gateway {
    state: Arc<State>,
}

impl Gateway {
    /// Checks the settings and builds the upstream client.
    pub fn new(config: GatewayConfig, redactor: Arc<Redactor>) -> Result<Self, GatewayError> {
        let base = config.upstream.trim_end_matches('/');
        let push_url = reqwest::Url::parse(&format!("{base}/loki/api/v1/push"))
            .map_err(|_| GatewayError::Upstream(busflow_http::redact(&config.upstream)))?;
        if config.auth.is_some() {
            config.http.check_url(push_url.as_str())?;
        }
        let mut builder = config.http.builder();
        if let Some(pem) = &config.ca_pem {
            let ca = reqwest::Certificate::from_pem(pem).map_err(GatewayError::Client)?;
            builder = builder.add_root_certificate(ca);
        }
        let client = builder.build().map_err(GatewayError::Client)?;
        let permits = Semaphore::new(config.max_concurrent.max(1));
        Ok(Self {
            state: Arc::new(State {
                redactor,
                config,
                push_url,
                client,
                metrics: Metrics::default(),
                permits,
            }),
        })
    }

    /// The metrics text, as `/metrics` serves it.
    pub fn metrics(&self) -> String {
        self.state.metrics.render(&self.state.redactor)
    }

    /// Serves `listener` until `shutdown` completes, then finishes the
    /// pushes in flight (up to the drain time).
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), GatewayError> {
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let state = Arc::clone(&self.state);
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, std::convert::Infallible>(handle(&state, req, peer).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, %peer, "connection ended");
                }
            });
        }
        drop(listener);
        if tokio::time::timeout(self.state.config.drain, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("pushes still in flight after the drain time");
        }
        Ok(())
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn handle(state: &State, req: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::POST, "/loki/api/v1/push") => {
            let started = Instant::now();
            let response = push(state, req).await;
            state
                .metrics
                .responded(response.status().as_u16(), started.elapsed());
            if !response.status().is_success() {
                tracing::info!(status = %response.status(), %peer, "push refused");
            }
            response
        }
        (&Method::GET, "/ready") => text(StatusCode::OK, "ready\n"),
        (&Method::GET, "/metrics") => {
            let mut r = text(StatusCode::OK, state.metrics.render(&state.redactor));
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

async fn push(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let limit = state.config.max_body_bytes;
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    if header(CONTENT_LENGTH)
        .and_then(|l| l.parse::<usize>().ok())
        .is_some_and(|l| l > limit)
    {
        return text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the push is larger than {limit} bytes\n"),
        );
    }
    let format = match Format::from_content_type(&header(CONTENT_TYPE).unwrap_or_default()) {
        Ok(f) => f,
        Err(e) => return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("{e}\n")),
    };
    let encoding = header(CONTENT_ENCODING);
    let tenant = state
        .config
        .tenant
        .clone()
        .or_else(|| header(hyper::header::HeaderName::from_static("x-scope-orgid")));
    let Ok(_permit) = state.permits.acquire().await else {
        return text(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    };
    let body = match Limited::new(req.into_body(), limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return text(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the push is larger than {limit} bytes\n"),
                );
            }
            return text(
                StatusCode::BAD_REQUEST,
                "the request body could not be read\n",
            );
        }
    };
    let redactor = Arc::clone(&state.redactor);
    let json_streams = state.config.json_streams.clone();
    let redacted = tokio::task::spawn_blocking(move || {
        push::redact_push(
            &body,
            format,
            encoding.as_deref(),
            limit,
            Redaction {
                redactor: &redactor,
                json_streams: json_streams.as_ref(),
            },
        )
    })
    .await;
    let redacted = match redacted {
        Ok(Ok(r)) => r,
        Ok(Err(e @ PushError::TooLarge { .. })) => {
            return text(StatusCode::PAYLOAD_TOO_LARGE, format!("{e}\n"));
        }
        Ok(Err(e @ (PushError::ContentEncoding(_) | PushError::ContentType(_)))) => {
            return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("{e}\n"));
        }
        Ok(Err(e)) => {
            let reason = match std::error::Error::source(&e) {
                Some(cause) => format!("{e}: {cause}\n"),
                None => format!("{e}\n"),
            };
            return text(StatusCode::BAD_REQUEST, reason);
        }
        Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "redaction failed\n"),
    };
    state
        .metrics
        .redacted(&redacted.tally, redacted.bytes_out, redacted.streams);
    forward(state, format, tenant, redacted.body).await
}

async fn forward(
    state: &State,
    format: Format,
    tenant: Option<String>,
    body: Vec<u8>,
) -> Response<Full<Bytes>> {
    let mut call = state
        .client
        .post(state.push_url.clone())
        .header(CONTENT_TYPE, format.content_type())
        .body(body);
    if let Some(t) = tenant {
        call = call.header("X-Scope-OrgID", t);
    }
    call = match &state.config.auth {
        Some(UpstreamAuth::Bearer(token)) => call.bearer_auth(token),
        Some(UpstreamAuth::Basic { user, password }) => call.basic_auth(user, Some(password)),
        None => call,
    };
    let started = Instant::now();
    let result = call.send().await;
    state.metrics.upstream_call(started.elapsed());
    match result {
        Ok(r) if r.status().is_success() => {
            let mut ok = text(StatusCode::NO_CONTENT, Bytes::new());
            ok.headers_mut().remove(CONTENT_TYPE);
            ok
        }
        Ok(r) => {
            let status =
                StatusCode::from_u16(r.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let server_side = status.is_server_error();
            state.metrics.upstream_error(if server_side {
                "status_5xx"
            } else {
                "status_4xx"
            });
            // The upstream's reason, at most 4 KiB of it.
            let reason = r.bytes().await.unwrap_or_default();
            let reason = reason.slice(..reason.len().min(4096));
            text(status, reason)
        }
        Err(e) => {
            let (reason, status) = if e.is_timeout() {
                ("timeout", StatusCode::GATEWAY_TIMEOUT)
            } else if e.is_connect() {
                ("connect", StatusCode::BAD_GATEWAY)
            } else {
                ("other", StatusCode::BAD_GATEWAY)
            };
            state.metrics.upstream_error(reason);
            text(
                status,
                format!("upstream {reason}: the push was not delivered; retry\n"),
            )
        }
    }
}
