//! The Loki push gateway end to end: a client pushes over HTTP in Loki's
//! formats, the gateway redacts and forwards to a stub that decodes as Loki
//! does. Every test checks that no planted value reached the upstream.

mod loki;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use busflow_pii::Redactor;
use busflow_pii::gateway::logproto::{EntryAdapter, LabelPairAdapter, PushRequest, StreamAdapter};
use busflow_pii::gateway::{Gateway, GatewayConfig, GatewayError, Selector, UpstreamAuth};
use loki::Loki;
use prost::Message as _;
use tokio::sync::oneshot;

/// Values that must never reach the upstream, and a line carrying them.
const PLANTED: [&str; 4] = [
    "julia@example.org",
    "4111 1111 1111 1111",
    "84.57.12.9",
    "hunter2",
];
const LINE: &str =
    "user julia@example.org paid with 4111 1111 1111 1111 from 84.57.12.9 password=hunter2";

struct Running {
    addr: SocketAddr,
    gateway: Arc<Gateway>,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    fn url(&self) -> String {
        format!("http://{}/loki/api/v1/push", self.addr)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(30), self.done)
            .await
            .expect("the gateway stops")
            .expect("the gateway task");
    }
}

fn config(upstream: &str) -> GatewayConfig {
    let mut c = GatewayConfig::new(upstream);
    c.http = busflow_http::HttpSettings::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(2))
        .allow_plain_http_on_loopback();
    c
}

async fn start(config: GatewayConfig) -> Running {
    let gateway = Arc::new(Gateway::new(config, Arc::new(Redactor::default())).expect("gateway"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let g = Arc::clone(&gateway);
    let done = tokio::spawn(async move {
        g.serve(listener, async {
            let _ = stopped.await;
        })
        .await
        .expect("serve");
    });
    Running {
        addr,
        gateway,
        stop: Some(stop),
        done,
    }
}

fn entry(ts: i64, line: &[u8]) -> EntryAdapter {
    EntryAdapter {
        timestamp: Some(prost_types_ts(ts)),
        line: line.to_vec(),
        structured_metadata: vec![LabelPairAdapter {
            name: "user".into(),
            value: b"julia@example.org".to_vec(),
        }],
        parsed: Vec::new(),
    }
}

fn prost_types_ts(nanos: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: nanos / 1_000_000_000,
        nanos: i32::try_from(nanos % 1_000_000_000).expect("nanos"),
    }
}

fn proto_body(streams: Vec<StreamAdapter>) -> Vec<u8> {
    let raw = PushRequest {
        streams,
        format: String::new(),
    }
    .encode_to_vec();
    snap::raw::Encoder::new()
        .compress_vec(&raw)
        .expect("snappy")
}

async fn post(url: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(url)
        .header("Content-Type", content_type)
        .header("X-Scope-OrgID", "tenant-a")
        .body(body)
        .send()
        .await
        .expect("the gateway answers");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

/// Posts `body` while reading the answer, as Go's HTTP client does: a
/// server may answer (413) before the body is written, and a client that
/// only reads after writing sees a broken pipe instead.
async fn post_reading_early(addr: SocketAddr, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let head = format!(
        "POST /loki/api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let body = body.to_vec();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(head.as_bytes()).await;
        let _ = wr.write_all(&body).await;
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match rd.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    writer.abort();
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn assert_nothing_planted(loki: &Loki) {
    for push in loki.received() {
        for e in &push.entries {
            let line = String::from_utf8_lossy(&e.line);
            for p in PLANTED {
                assert!(!line.contains(p), "{p} reached the upstream in {line:?}");
                for (_, v) in &e.metadata {
                    assert!(!String::from_utf8_lossy(v).contains(p), "{p} in metadata");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_protobuf_pushes_are_redacted_and_forwarded_with_labels_and_timestamps() {
    let loki = Loki::start().await;
    let gw = start(config(&loki.url())).await;
    let body = proto_body(vec![
        StreamAdapter {
            labels: r#"{app="api", env="prod"}"#.into(),
            entries: vec![
                entry(1_764_000_000_123_456_789, LINE.as_bytes()),
                entry(1_764_000_001_000_000_000, b"plain line"),
            ],
            hash: 0,
        },
        StreamAdapter {
            labels: r#"{app="worker"}"#.into(),
            // Invalid UTF-8 passes through, redacted around it.
            entries: vec![entry(
                1_764_000_002_000_000_000,
                b"\xff\xfe mail julia@example.org \xc3",
            )],
            hash: 0,
        },
    ]);
    let (status, text) = post(&gw.url(), "application/x-protobuf", body).await;
    assert_eq!(status, 204, "{text}");
    let got = loki.received();
    assert_eq!(got.len(), 1);
    let push = &got[0];
    assert_eq!(
        push.tenant.as_deref(),
        Some("tenant-a"),
        "the tenant is passed on"
    );
    assert_eq!(push.content_type, "application/x-protobuf");
    let lines: Vec<(&str, i128, String)> = push
        .entries
        .iter()
        .map(|e| {
            (
                e.labels.as_str(),
                e.ts_nanos,
                String::from_utf8_lossy(&e.line).into_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                r#"{app="api", env="prod"}"#,
                1_764_000_000_123_456_789,
                "user [EMAIL] paid with [CARD] from [IP] password=[REDACTED]".to_owned()
            ),
            (
                r#"{app="api", env="prod"}"#,
                1_764_000_001_000_000_000,
                "plain line".to_owned()
            ),
            (
                r#"{app="worker"}"#,
                1_764_000_002_000_000_000,
                "\u{fffd}\u{fffd} mail [EMAIL] \u{fffd}".to_owned()
            ),
        ]
    );
    assert_eq!(
        push.entries[2].line, b"\xff\xfe mail [EMAIL] \xc3",
        "bytes kept as they were"
    );
    assert_eq!(
        push.entries[0].metadata,
        [("user".to_owned(), b"[EMAIL]".to_vec())]
    );
    assert_nothing_planted(&loki);
    let metrics = gw.gateway.metrics();
    assert!(
        metrics.contains("busflow_pii_gateway_redactions_total{rule=\"PII-002\"} 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("busflow_pii_gateway_lines_total 6"),
        "{metrics}"
    );
    assert!(
        metrics.contains("busflow_pii_gateway_pushes_total{code=\"204\"} 1"),
        "{metrics}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_json_pushes_plain_and_gzip_and_json_streams() {
    let loki = Loki::start().await;
    let mut c = config(&loki.url());
    c.json_streams = Some(Selector::parse(r#"{app="api"}"#).expect("selector"));
    c.tenant = Some("set-by-gateway".into());
    let gw = start(c).await;
    let json_line = r#"{"msg":"login","email":"julia@example.org","order_id":"4111111111111111"}"#;
    let body = serde_json::json!({"streams": [
        {"stream": {"app": "api"}, "values": [["1764000000000000001", json_line]]},
        {"stream": {"app": "web"}, "values": [["1764000000000000002", LINE, {"trace": "abc", "email": "julia@example.org"}]]},
    ]});
    let plain = serde_json::to_vec(&body).expect("json");
    let (status, text) = post(&gw.url(), "application/json", plain.clone()).await;
    assert_eq!(status, 204, "{text}");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).expect("gzip");
    let r = reqwest::Client::new()
        .post(gw.url())
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .body(gz.finish().expect("gzip"))
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 204);
    let got = loki.received();
    assert_eq!(got.len(), 2);
    for push in &got {
        assert_eq!(push.tenant.as_deref(), Some("set-by-gateway"));
        let first: serde_json::Value =
            serde_json::from_slice(&push.entries[0].line).expect("the JSON line stays JSON");
        assert_eq!(first["email"], "[EMAIL]");
        assert_eq!(
            first["order_id"], "4111111111111111",
            "an id key, read structurally"
        );
        assert_eq!(push.entries[0].ts_nanos, 1_764_000_000_000_000_001);
        assert_eq!(
            String::from_utf8_lossy(&push.entries[1].line),
            "user [EMAIL] paid with [CARD] from [IP] password=[REDACTED]"
        );
        assert!(
            push.entries[1]
                .metadata
                .contains(&("email".to_owned(), b"[EMAIL]".to_vec()))
        );
        assert!(
            push.entries[1]
                .metadata
                .contains(&("trace".to_owned(), b"abc".to_vec()))
        );
    }
    assert_nothing_planted(&loki);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_upstream_failures_make_the_client_retry_and_4xx_is_passed_back() {
    let loki = Loki::start().await;
    let gw = start(config(&loki.url())).await;
    let body = || {
        proto_body(vec![StreamAdapter {
            labels: r#"{app="api"}"#.into(),
            entries: vec![entry(1, LINE.as_bytes())],
            hash: 0,
        }])
    };
    for (status, delay, want) in [
        (500, Duration::ZERO, 500),
        (503, Duration::ZERO, 503),
        (429, Duration::ZERO, 429),
        (400, Duration::ZERO, 400),
        (204, Duration::from_secs(4), 504),
    ] {
        loki.answer(status, delay);
        let (got, text) = post(&gw.url(), "application/x-protobuf", body()).await;
        assert_eq!(got, want, "upstream {status} after {delay:?}: {text}");
        if (400..500).contains(&status) {
            assert!(
                text.contains(&format!("stub answered {status}")),
                "the upstream's reason: {text}"
            );
        }
    }
    assert!(loki.received().is_empty());
    // The upstream gone: 502, and nothing was sent anywhere.
    let down = start(config("http://127.0.0.1:9")).await;
    let (got, text) = post(&down.url(), "application/x-protobuf", body()).await;
    assert_eq!(got, 502, "{text}");
    let metrics = down.gateway.metrics();
    assert!(
        metrics.contains("busflow_pii_gateway_upstream_errors_total{reason=\"connect\"} 1"),
        "{metrics}"
    );
    down.stop().await;
    let metrics = gw.gateway.metrics();
    assert!(
        metrics.contains("busflow_pii_gateway_upstream_errors_total{reason=\"timeout\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("busflow_pii_gateway_upstream_errors_total{reason=\"status_5xx\"} 2"),
        "{metrics}"
    );
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_malformed_and_oversized_pushes_are_refused_with_a_reason() {
    let loki = Loki::start().await;
    let mut c = config(&loki.url());
    c.max_body_bytes = 4 << 20;
    let gw = start(c).await;
    let good = proto_body(vec![StreamAdapter {
        labels: r#"{app="api"}"#.into(),
        entries: vec![entry(1, LINE.as_bytes())],
        hash: 0,
    }]);
    let truncated = good[..good.len() / 2].to_vec();
    let (s, t) = post(&gw.url(), "application/x-protobuf", truncated).await;
    assert_eq!(s, 400, "{t}");
    assert!(t.contains("snappy"), "{t}");
    let garbage = snap::raw::Encoder::new()
        .compress_vec(b"\xff\xff\xff\xff not protobuf")
        .expect("snappy");
    let (s, t) = post(&gw.url(), "application/x-protobuf", garbage).await;
    assert_eq!(s, 400, "{t}");
    assert!(t.contains("logproto.PushRequest"), "{t}");
    let (s, t) = post(
        &gw.url(),
        "application/json",
        b"{\"streams\":[{\"values\":1}]}".to_vec(),
    )
    .await;
    assert_eq!(s, 400, "{t}");
    let (s, t) = post(&gw.url(), "text/plain", b"x".to_vec()).await;
    assert_eq!(s, 415, "{t}");
    // A 100 MB push, and a small snappy block that says it inflates to more
    // than the limit.
    let s = post_reading_early(gw.addr, &vec![0u8; 100 << 20]).await;
    assert_eq!(s, 413);
    let mut bomb = Vec::new();
    let mut n: u64 = 1 << 30;
    while n >= 0x80 {
        bomb.push(u8::try_from(n & 0x7f).expect("7 bits") | 0x80);
        n >>= 7;
    }
    bomb.push(u8::try_from(n).expect("7 bits"));
    bomb.extend_from_slice(&[0; 16]);
    let (s, t) = post(&gw.url(), "application/x-protobuf", bomb).await;
    assert_eq!(s, 413, "{t}");
    // A client that goes away mid-body: nothing is forwarded, and the
    // gateway goes on serving.
    {
        use tokio::io::AsyncWriteExt as _;
        let mut raw = tokio::net::TcpStream::connect(gw.addr)
            .await
            .expect("connect");
        raw.write_all(b"POST /loki/api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n")
            .await
            .expect("write");
        raw.write_all(&good[..10]).await.expect("write");
        drop(raw);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        loki.received().is_empty(),
        "nothing malformed was forwarded"
    );
    let (s, t) = post(&gw.url(), "application/x-protobuf", good).await;
    assert_eq!(s, 204, "{t}");
    assert_nothing_planted(&loki);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_ten_thousand_streams_in_one_push() {
    let loki = Loki::start().await;
    let gw = start(config(&loki.url())).await;
    let streams = (0..10_000)
        .map(|k| StreamAdapter {
            labels: format!("{{app=\"svc-{k}\"}}"),
            entries: vec![entry(k, LINE.as_bytes())],
            hash: 0,
        })
        .collect();
    let (s, t) = post(&gw.url(), "application/x-protobuf", proto_body(streams)).await;
    assert_eq!(s, 204, "{t}");
    let got = loki.received();
    assert_eq!(got[0].entries.len(), 10_000);
    assert_eq!(got[0].entries[9_999].labels, "{app=\"svc-9999\"}");
    assert_nothing_planted(&loki);
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_shutdown_finishes_the_pushes_in_flight() {
    let loki = Loki::start().await;
    loki.answer(204, Duration::from_millis(800));
    let gw = start(config(&loki.url())).await;
    let url = gw.url();
    let push = tokio::spawn(async move {
        post(
            &url,
            "application/x-protobuf",
            proto_body(vec![StreamAdapter {
                labels: r#"{app="api"}"#.into(),
                entries: vec![entry(1, LINE.as_bytes())],
                hash: 0,
            }]),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    gw.stop().await;
    let (s, t) = push.await.expect("push task");
    assert_eq!(s, 204, "the push in flight was delivered: {t}");
    assert_eq!(loki.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piix_006_credentials_reach_the_upstream_and_nothing_else() {
    let loki = Loki::start().await;
    let mut c = config(&loki.url());
    c.auth = Some(UpstreamAuth::Bearer("s3cret-token".into()));
    assert!(
        !format!("{c:?}").contains("s3cret-token"),
        "Debug hides the token"
    );
    let gw = start(c).await;
    let (s, _) = post(&gw.url(), "application/x-protobuf", proto_body(vec![])).await;
    assert_eq!(s, 204);
    assert_eq!(
        loki.received()[0].authorization.as_deref(),
        Some("Bearer s3cret-token")
    );
    assert!(!gw.gateway.metrics().contains("s3cret"));
    gw.stop().await;
    // Credentials never go over plain HTTP to anything but loopback tests.
    let mut c = GatewayConfig::new("http://loki.internal:3100");
    c.auth = Some(UpstreamAuth::Basic {
        user: "u".into(),
        password: "p4ss".into(),
    });
    match Gateway::new(c, Arc::new(Redactor::default())) {
        Err(e @ GatewayError::Insecure(_)) => assert!(!e.to_string().contains("p4ss")),
        other => panic!("expected an insecure-URL refusal, got {:?}", other.err()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pii_004_metrics_are_scraped_by_prometheus_and_pass_promtool() {
    let loki = Loki::start().await;
    let gw = start(config(&loki.url())).await;
    let (s, _) = post(
        &gw.url(),
        "application/x-protobuf",
        proto_body(vec![StreamAdapter {
            labels: r#"{app="api"}"#.into(),
            entries: vec![entry(1, LINE.as_bytes())],
            hash: 0,
        }]),
    )
    .await;
    assert_eq!(s, 204);
    let text = reqwest::get(format!("http://{}/metrics", gw.addr))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let promtool = testkit::tool("promtool", "prometheus").expect("promtool");
    let mut child = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("promtool");
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let target = gw.addr.to_string();
    let prometheus = tokio::task::spawn_blocking(move || {
        testkit::Prometheus::builder()
            .scrape("pii-gateway", target)
            .start()
            .expect("prometheus")
    })
    .await
    .expect("start");
    let query = format!(
        "{}/api/v1/query?query=busflow_pii_gateway_redactions_total%7Brule%3D%22PII-001%22%7D",
        prometheus.base_url()
    );
    let mut value = None;
    for _ in 0..60 {
        let v: serde_json::Value = reqwest::get(&query)
            .await
            .expect("query")
            .json()
            .await
            .expect("json");
        if let Some(x) = v["data"]["result"][0]["value"][1].as_str() {
            value = Some(x.to_owned());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        value.as_deref(),
        Some("1"),
        "Prometheus scraped the gateway's counters"
    );
    let ready = reqwest::get(format!("http://{}/ready", gw.addr))
        .await
        .expect("ready");
    assert_eq!(ready.status().as_u16(), 200);
    drop(prometheus);
    gw.stop().await;
}
