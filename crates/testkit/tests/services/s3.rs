use aws_sdk_s3::Client;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use testkit::S3;

fn client(s3: &S3, trust_ca: bool, secret: &str) -> Client {
    let trust = if trust_ca {
        TrustStore::empty()
            .with_pem_certificate(s3.ca_pem().expect("TLS server has a CA").as_bytes())
    } else {
        TrustStore::default()
    };
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(
            TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .expect("TLS context"),
        )
        .build_https();
    client_over(s3, secret, http)
}

/// A path-style client for `s3` that sends through `http`.
fn client_over(s3: &S3, secret: &str, http: aws_sdk_s3::config::SharedHttpClient) -> Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(s3.region()))
        .endpoint_url(s3.endpoint())
        .force_path_style(true)
        .credentials_provider(Credentials::new(
            s3.access_key(),
            secret,
            None,
            None,
            "testkit",
        ))
        .http_client(http)
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn put_and_get_over_tls_with_the_generated_ca() {
    let s3 = S3::start().expect("S3 starts");
    assert!(s3.endpoint().starts_with("https://"));
    s3.create_bucket("dumps").expect("bucket");
    let c = client(&s3, true, s3.secret_key());
    c.put_object()
        .bucket("dumps")
        .key("pg_dump_20260101_0300.dump")
        .body(ByteStream::from_static(b"PGDMP\x01\x0f\x00"))
        .send()
        .await
        .expect("put over TLS");
    let got = c
        .get_object()
        .bucket("dumps")
        .key("pg_dump_20260101_0300.dump")
        .range("bytes=0-4")
        .send()
        .await
        .expect("ranged get over TLS")
        .body
        .collect()
        .await
        .expect("body")
        .into_bytes();
    assert_eq!(&got[..], b"PGDMP");
    let listed = c
        .list_objects_v2()
        .bucket("dumps")
        .send()
        .await
        .expect("list");
    assert_eq!(listed.key_count(), Some(1));
    assert!(s3.root().join("dumps/pg_dump_20260101_0300.dump").is_file());
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_is_refused() {
    let s3 = S3::start().expect("S3 starts");
    s3.create_bucket("bkt").expect("bucket");
    let err = client(&s3, false, s3.secret_key())
        .list_objects_v2()
        .bucket("bkt")
        .send()
        .await
        .expect_err("the server's certificate must not verify against the public roots");
    let text = format!(
        "{:?}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(
        text.to_lowercase().contains("certificate") || text.contains("UnknownIssuer"),
        "expected a certificate error, got: {text}"
    );
}

#[tokio::test]
async fn wrong_credentials_are_rejected() {
    let s3 = S3::start().expect("S3 starts");
    s3.create_bucket("bkt").expect("bucket");
    let err = client(&s3, true, "not-the-secret")
        .list_objects_v2()
        .bucket("bkt")
        .send()
        .await
        .expect_err("a bad signature must be refused");
    assert_eq!(
        err.raw_response().map(|r| r.status().as_u16()),
        Some(403),
        "{err:?}"
    );
}

#[test]
fn plain_http_to_the_tls_port_is_refused() {
    use std::io::{Read, Write};
    let s3 = S3::start().expect("S3 starts");
    let port: u16 = s3
        .endpoint()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("endpoint has a port");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /b HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        !answer.starts_with(b"HTTP/"),
        "the TLS port answered plain HTTP: {:?}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test]
async fn the_plain_http_mode_serves_s3_for_rejection_tests() {
    let s3 = S3::start_plain_http().expect("S3 starts");
    assert!(s3.endpoint().starts_with("http://"));
    assert!(s3.ca_pem().is_none());
    s3.create_bucket("bkt").expect("bucket");
    let plain = aws_smithy_http_client::Builder::new().build_http();
    let listed = client_over(&s3, s3.secret_key(), plain)
        .list_objects_v2()
        .bucket("bkt")
        .send()
        .await
        .expect("list over plain HTTP");
    assert_eq!(listed.key_count(), Some(0));
}

#[test]
fn debug_output_hides_the_secret_key() {
    let s3 = S3::start_plain_http().expect("S3 starts");
    let debug = format!("{s3:?}");
    assert!(!debug.contains(s3.secret_key()), "{debug}");
}
