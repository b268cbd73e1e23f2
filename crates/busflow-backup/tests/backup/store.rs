//! The S3 store on a real S3 server over TLS (testkit's s3s-fs behind
//! rustls): HTTPS only, the CA added never skipped, multipart uploads that
//! leave nothing behind when they fail, deadlines, and the fallback source.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::support::remote;
use busflow_backup::{ErrorKind, ObjectStore, RemoteConfig, S3Store, Secret, choose_source};
use testkit::S3;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

fn server() -> S3 {
    let s3 = S3::start().expect("S3 starts");
    s3.create_bucket("dumps").expect("bucket");
    s3
}

#[test]
fn backup_015_plain_http_is_a_configuration_error_and_secrets_stay_hidden() {
    let config = RemoteConfig::new(
        "minio-inswarm",
        "http://minio:9000",
        "dumps",
        "AKIA",
        Secret::new("very-secret-key"),
    );
    let err = S3Store::new(config.clone()).expect_err("http:// refused");
    assert!(matches!(err.kind(), ErrorKind::Config { .. }));
    assert!(err.to_string().contains("BACKUP-015"), "{err}");
    assert!(!format!("{config:?}{err}").contains("very-secret-key"));
}

#[tokio::test]
async fn backup_015_a_server_whose_ca_is_not_added_is_refused() {
    let s3 = server();
    let store = S3Store::new(remote(&s3, "hetzner-s3", false)).expect("config");
    let err = store.list("").await.expect_err("unknown CA");
    assert!(err.to_string().contains("hetzner-s3"), "{err}");
}

/// `n` bytes of a repeating pattern.
fn pattern(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| u8::try_from(i % 251).expect("byte"))
        .collect()
}

#[tokio::test]
async fn backup_004_multipart_upload_ranged_and_streamed_reads_list_and_delete() {
    let s3 = server();
    let store = S3Store::new(remote(&s3, "minio-inswarm", true)).expect("config");
    let data = pattern(busflow_backup::PART_SIZE + 1_234_567);
    let key = "db/pg_dump_20261122_0300.dump";
    let written = store
        .put_multipart(key, &mut data.as_slice())
        .await
        .expect("upload");
    assert_eq!(written, data.len() as u64);
    let listed = store.list("db/").await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].key.as_str(), listed[0].size),
        (key, data.len() as u64)
    );
    assert_eq!(
        store.get_range(key, 5, 10).await.expect("range"),
        data[5..15]
    );
    let mut back = Vec::new();
    store
        .get_stream(key)
        .await
        .expect("open")
        .read_to_end(&mut back)
        .await
        .expect("read");
    assert!(back == data, "streamed bytes differ");
    store.delete(key).await.expect("delete");
    assert!(store.list("db/").await.expect("list").is_empty());
}

/// A source that yields `ok` bytes, then fails.
struct Failing {
    left: usize,
}

impl AsyncRead for Failing {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.left == 0 {
            return Poll::Ready(Err(std::io::Error::other("pg_dump died")));
        }
        let n = self.left.min(buf.remaining()).min(64 * 1024);
        buf.put_slice(&vec![7u8; n]);
        self.left -= n;
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn backup_004_a_failed_upload_is_aborted_and_leaves_no_dump() {
    let s3 = server();
    let store = S3Store::new(remote(&s3, "minio-inswarm", true)).expect("config");
    let key = "pg_dump_20261122_0300.dump";
    let err = store
        .put_multipart(
            key,
            &mut Failing {
                left: busflow_backup::PART_SIZE + 10,
            },
        )
        .await
        .expect_err("the source fails after one part");
    assert!(err.to_string().contains("pg_dump died"), "{err}");
    assert!(
        store.list("").await.expect("list").is_empty(),
        "nothing named like a dump is left"
    );
}

#[tokio::test]
async fn backup_016_a_stalled_server_hits_the_transfer_deadline() {
    // A TCP server that accepts and never answers (not even the TLS hello).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let _hold = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(conns);
    });
    let mut config = RemoteConfig::new(
        "hetzner-s3",
        &format!("https://127.0.0.1:{port}"),
        "dumps",
        "AK",
        Secret::new("sk"),
    );
    config.transfer_timeout = Duration::from_millis(800);
    config.retries = 0;
    let store = S3Store::new(config).expect("config");
    // The server holds connections for 30 s; only a deadline ends this.
    let err = store.list("").await.expect_err("stalled");
    let text = err.to_string().to_ascii_lowercase();
    assert!(
        text.contains("timeout") || text.contains("timed out"),
        "{err}"
    );
    assert!(err.to_string().contains("hetzner-s3"), "{err}");
}

#[tokio::test]
async fn backup_017_an_unreachable_primary_falls_back_after_the_window_and_says_so() {
    let s3 = server();
    let fallback = S3Store::new(remote(&s3, "minio-inswarm", true)).expect("config");
    // Nothing listens on this port: every probe is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut config = RemoteConfig::new(
        "hetzner-s3",
        &format!("https://127.0.0.1:{closed}"),
        "dumps",
        "AK",
        Secret::new("sk"),
    );
    config.retries = 0;
    let primary = S3Store::new(config).expect("config");
    let window = Duration::from_millis(600);
    let started = Instant::now();
    let choice = choose_source(&primary, &fallback, "", window, Duration::from_millis(100))
        .await
        .expect("fallback answers");
    assert!(
        started.elapsed() >= window,
        "fell back before the window ended"
    );
    assert_eq!(choice.store.name(), "minio-inswarm");
    let why = choice.fell_back.expect("the outcome says why");
    assert!(
        why.contains("hetzner-s3") && why.contains("BACKUP-017"),
        "{why}"
    );
    // A reachable primary is used as is.
    let direct = choose_source(&fallback, &primary, "", window, Duration::from_millis(100))
        .await
        .expect("primary answers");
    assert!(direct.fell_back.is_none());
}

#[tokio::test]
async fn backup_003_the_newest_dump_of_a_real_store_is_pinned_in_the_pins_file() {
    let s3 = server();
    let store = S3Store::new(remote(&s3, "hetzner-s3", true)).expect("config");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("pins.yaml");
    let err = busflow_backup::pin_newest(&store, "db/", &file, 30, "final")
        .await
        .expect_err("nothing to pin");
    assert!(matches!(err.kind(), ErrorKind::NoDump { .. }), "{err}");
    assert!(!file.exists(), "no pins file is written for nothing");
    for key in [
        "db/pg_dump_20261120_0200.dump",
        "db/pg_dump_20261122_0200.dump",
        "db/pg_dump_20261121_0200.dump",
        "db/notes.txt",
    ] {
        store
            .put_multipart(key, &mut &b"PGDMP"[..])
            .await
            .expect("upload");
    }
    let pin = busflow_backup::pin_newest(&store, "db/", &file, 30, "UBI-CUT-004: the final dump")
        .await
        .expect("pins");
    assert_eq!(pin.key, "db/pg_dump_20261122_0200.dump");
    let pins = busflow_backup::PinFile::load(&file).expect("reads").pins();
    assert_eq!(pins, [pin]);
    // An unreadable pins file is an error and stays as it was.
    std::fs::write(&file, "not: [a pins file").expect("write");
    busflow_backup::pin_newest(&store, "db/", &file, 30, "again")
        .await
        .expect_err("unreadable");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "not: [a pins file"
    );
}
