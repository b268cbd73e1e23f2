//! Load on the Loki push gateway, on loopback: realistic 1 MiB protobuf
//! batches (`benches/corpus/realistic.rs`, the twelve log families) pushed
//! from a Rust client through a gateway process to an upstream that reads
//! and accepts every push.
//!
//! Reports the gateway's throughput in MB/s of log lines (four pushes in
//! flight), the latency of one push at half that load through the gateway
//! and straight to the upstream (p50, p99 and the p99 the gateway adds),
//! the gateway process's peak RSS, and the same lines through pii-redact's
//! streaming filter on the same cores (the ceiling) as a ratio.
//!
//! `cargo bench --bench pii_gateway` runs it in full; under `cargo test` it
//! runs a few batches and checks that no planted value reached the
//! upstream, without timing anything. The gateway runs as a child process
//! (this binary, re-executed with `--serve-gateway`) so its memory is its
//! own.

#![allow(missing_docs)]
// Byte counts become MB/s as floats; the harness reads top to bottom.
#![allow(clippy::cast_precision_loss, clippy::too_many_lines)]

// Only the realistic corpus is used here.
#[path = "corpus/pii.rs"]
#[allow(dead_code)]
mod corpus;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use busflow::pii::gateway::logproto::{EntryAdapter, PushRequest, StreamAdapter};
use busflow::pii::gateway::{Gateway, GatewayConfig};
use busflow::pii::{Mode, Redactor, stream};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use prost::Message as _;

const BATCH_BYTES: usize = 1 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve-gateway") {
        return serve_child(args.get(2).map_or("", String::as_str));
    }
    let full = args.iter().any(|a| a == "--bench");
    match run(full) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pii_gateway bench: {e}");
            ExitCode::from(1)
        }
    }
}

/// The child: a gateway on an ephemeral port, printed on stdout, until
/// stdin closes.
fn serve_child(upstream: &str) -> ExitCode {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut config = GatewayConfig::new(upstream);
        config.http = config.http.allow_plain_http_on_loopback();
        let gateway = Gateway::new(config, Arc::new(Redactor::default())).expect("gateway");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("port {}", listener.local_addr().expect("addr").port());
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
        });
        gateway
            .serve(listener, async {
                let _ = stdin_closed.await;
            })
            .await
            .expect("serve");
    });
    ExitCode::SUCCESS
}

struct Batch {
    body: Bytes,
    line_bytes: usize,
}

/// A batch of realistic lines (about `BATCH_BYTES` of them) in four
/// streams, and the planted values it carries.
fn batch(rng: &mut corpus::Rng) -> (Batch, Vec<String>, Vec<u8>) {
    let mut streams: Vec<StreamAdapter> = ["api", "worker", "web", "edge"]
        .iter()
        .map(|app| StreamAdapter {
            labels: format!("{{app=\"{app}\", env=\"prod\"}}"),
            entries: Vec::new(),
            hash: 0,
        })
        .collect();
    let (mut bytes, mut k, mut planted, mut raw) = (0, 0usize, Vec::new(), Vec::new());
    while bytes < BATCH_BYTES {
        let line = corpus::realistic::mixed_line(rng);
        for p in &line.planted {
            planted.push(line.text[p.start..p.end].to_owned());
        }
        bytes += line.text.len();
        raw.extend_from_slice(line.text.as_bytes());
        raw.push(b'\n');
        streams[k % 4].entries.push(EntryAdapter {
            timestamp: Some(prost_types::Timestamp {
                seconds: 1_764_000_000 + i64::try_from(k).unwrap_or(0),
                nanos: 0,
            }),
            line: line.text.into_bytes(),
            structured_metadata: Vec::new(),
            parsed: Vec::new(),
        });
        k += 1;
    }
    let proto = PushRequest {
        streams,
        format: String::new(),
    }
    .encode_to_vec();
    let body = snap::raw::Encoder::new()
        .compress_vec(&proto)
        .expect("snappy");
    (
        Batch {
            body: Bytes::from(body),
            line_bytes: bytes,
        },
        planted,
        raw,
    )
}

/// An upstream that reads each push whole and accepts it; in a smoke run
/// it also decodes it and keeps its lines.
async fn upstream(keep: Option<Arc<Mutex<Vec<Vec<u8>>>>>) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let received = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let counter = Arc::clone(&counter);
            let keep = keep.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let counter = Arc::clone(&counter);
                        let keep = keep.clone();
                        async move {
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map(http_body_util::Collected::to_bytes)
                                .unwrap_or_default();
                            counter.fetch_add(body.len() as u64, Ordering::Relaxed);
                            if let Some(keep) = keep {
                                let raw = snap::raw::Decoder::new()
                                    .decompress_vec(&body)
                                    .expect("snappy");
                                let push = PushRequest::decode(raw.as_slice()).expect("push");
                                let mut lines = keep.lock().expect("lock");
                                for s in push.streams {
                                    lines.extend(s.entries.into_iter().map(|e| e.line));
                                }
                            }
                            let mut r = hyper::Response::new(Full::new(Bytes::new()));
                            *r.status_mut() = hyper::StatusCode::NO_CONTENT;
                            Ok::<_, std::convert::Infallible>(r)
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, received)
}

async fn push(client: &reqwest::Client, url: &str, b: &Batch) -> Result<Duration, String> {
    let started = Instant::now();
    let r = client
        .post(url)
        .header("Content-Type", "application/x-protobuf")
        .body(b.body.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status().as_u16() != 204 {
        return Err(format!("push answered {}", r.status()));
    }
    Ok(started.elapsed())
}

/// The `pct`th percentile (nearest rank) of sorted durations.
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() - 1) * pct).div_ceil(100);
    sorted[at.min(sorted.len() - 1)]
}

/// Pushes `count` batches one after another, one every `every`.
async fn paced(
    client: &reqwest::Client,
    url: &str,
    batches: &[Batch],
    count: usize,
    every: Duration,
) -> Result<Vec<Duration>, String> {
    let mut took = Vec::with_capacity(count);
    let mut next = Instant::now();
    for k in 0..count {
        tokio::time::sleep_until(next.into()).await;
        next += every;
        took.push(push(client, url, &batches[k % batches.len()]).await?);
    }
    took.sort_unstable();
    Ok(took)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn run(full: bool) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut rng = corpus::Rng::new(17);
    let distinct = if full { 16 } else { 2 };
    let mut batches = Vec::new();
    let mut planted = Vec::new();
    let mut lines = Vec::new();
    for _ in 0..distinct {
        let (b, p, raw) = batch(&mut rng);
        batches.push(b);
        planted.extend(p);
        lines.extend(raw);
    }
    let keep = (!full).then(|| Arc::new(Mutex::new(Vec::new())));
    let (upstream_url, received) = rt.block_on(upstream(keep.clone()));
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["--serve-gateway", &upstream_url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("start the gateway: {e}"))?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().ok_or("stdout")?)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let port = first
        .trim()
        .strip_prefix("port ")
        .ok_or("the gateway's port")?;
    let url = format!("http://127.0.0.1:{port}/loki/api/v1/push");
    let client = reqwest::Client::new();
    let result = rt.block_on(async {
        // Throughput: four pushes in flight.
        let total = if full { 256 } else { 4 };
        let started = Instant::now();
        let next = Arc::new(AtomicU64::new(0));
        let batches = Arc::new(batches);
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let (client, url, next, batches) = (
                client.clone(),
                url.clone(),
                Arc::clone(&next),
                Arc::clone(&batches),
            );
            tasks.push(tokio::spawn(async move {
                let mut bytes = 0;
                loop {
                    let k =
                        usize::try_from(next.fetch_add(1, Ordering::Relaxed)).unwrap_or(usize::MAX);
                    if k >= total {
                        return Ok::<usize, String>(bytes);
                    }
                    let b = &batches[k % batches.len()];
                    push(&client, &url, b).await?;
                    bytes += b.line_bytes;
                }
            }));
        }
        let mut line_bytes = 0;
        for t in tasks {
            line_bytes += t.await.map_err(|e| e.to_string())??;
        }
        let wall = started.elapsed();
        let mb_s = line_bytes as f64 / 1e6 / wall.as_secs_f64();
        // Latency at half that load, through the gateway and straight.
        let every = Duration::from_secs_f64(BATCH_BYTES as f64 / 1e6 / (mb_s / 2.0));
        let count = if full { 200 } else { 2 };
        let through = paced(&client, &url, &batches, count, every).await?;
        // What came through the gateway; the direct pushes below are not.
        let through_gateway = keep.as_ref().map_or(0, |k| k.lock().map_or(0, |l| l.len()));
        let direct_url = format!("{upstream_url}/loki/api/v1/push");
        let direct = paced(&client, &direct_url, &batches, count, every).await?;
        Ok::<_, String>((line_bytes, wall, mb_s, through, direct, through_gateway))
    });
    let rss = peak_rss_kib(child.id());
    drop(child.stdin.take());
    let _ = child.wait();
    let (line_bytes, wall, mb_s, through, direct, through_gateway) = result?;
    if let Some(keep) = keep {
        let got = keep.lock().map_err(|_| "lock")?;
        if got.is_empty() || received.load(Ordering::Relaxed) == 0 {
            return Err("the upstream received nothing".into());
        }
        for line in &got[..through_gateway] {
            let line = String::from_utf8_lossy(line);
            if let Some(p) = planted.iter().find(|p| line.contains(p.as_str())) {
                return Err(format!("{p:?} reached the upstream in {line:?}"));
            }
        }
        println!(
            "pii_gateway: smoke run: {through_gateway} lines through the gateway, no planted value among them"
        );
        return Ok(());
    }
    // The ceiling: pii-redact's streaming filter, the same lines, two threads.
    let redactor = Redactor::default();
    let mut ceiling = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        stream::filter(
            &redactor,
            Mode::Text,
            2,
            &mut lines.as_slice(),
            &mut std::io::sink(),
        )
        .map_err(|e| e.to_string())?;
        ceiling.push(lines.len() as f64 / 1e6 / started.elapsed().as_secs_f64());
    }
    ceiling.sort_by(f64::total_cmp);
    let ceiling = ceiling[1];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let report = format!(
        "pii-gateway on loopback, realistic lines in 1 MiB protobuf batches, 2 cores\n\
         throughput: {mb_s:.1} MB/s of log lines ({:.0} MB in {:.2} s, 4 pushes in flight)\n\
         latency at half load ({:.0} ms apart): through the gateway p50 {:.2} ms p99 {:.2} ms; straight to the upstream p50 {:.2} ms p99 {:.2} ms; added p99 {:.2} ms\n\
         gateway peak RSS: {} MiB\n\
         ceiling (pii-redact's streaming filter, same lines, 2 threads): {ceiling:.1} MB/s; gateway / ceiling = {:.2}\n",
        line_bytes as f64 / 1e6,
        wall.as_secs_f64(),
        ms(Duration::from_secs_f64(
            BATCH_BYTES as f64 / 1e6 / (mb_s / 2.0)
        )),
        ms(percentile(&through, 50)),
        ms(percentile(&through, 99)),
        ms(percentile(&direct, 50)),
        ms(percentile(&direct, 99)),
        ms(percentile(&through, 99).saturating_sub(percentile(&direct, 99))),
        rss.map_or_else(|| "?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        mb_s / ceiling,
    );
    print!("{report}");
    let _ = std::fs::create_dir_all("target");
    if let Ok(mut f) = std::fs::File::create("target/bench-pii-gateway.txt") {
        let _ = f.write_all(report.as_bytes());
    }
    Ok(())
}
