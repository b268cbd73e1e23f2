//! A real S3 server (`s3s-fs` over a temp dir) served over HTTPS in-process.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::error::{Error, Result};
use crate::process::rand_u32;
use crate::tls::TestPki;

const SERVICE: &str = "s3";

/// An S3 server for tests: `s3s-fs` over a temp dir, on a free loopback port,
/// behind rustls with a CA generated at start-up. Clients must trust
/// [`S3::ca_pem`] explicitly and sign requests with [`S3::access_key`] and
/// [`S3::secret_key`] (SigV4, path-style, region [`S3::region`]).
///
/// The server runs on a thread with a runtime of its own, so it works from
/// sync tests and outlives any one `#[tokio::test]` runtime. It stops and its
/// directory is removed on drop.
///
/// `s3s-fs` ignores ListObjectsV2 continuation tokens: test pagination with
/// `start-after`.
pub struct S3 {
    endpoint: String,
    ca_pem: Option<String>,
    access_key: String,
    secret_key: String,
    root: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for S3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("root", &self.root.path())
            .finish_non_exhaustive()
    }
}

impl S3 {
    /// Starts the server over HTTPS.
    pub fn start() -> Result<Self> {
        Self::start_with(true)
    }

    /// Starts the server over plain HTTP, for tests that prove a client
    /// refuses `http://` endpoints.
    pub fn start_plain_http() -> Result<Self> {
        Self::start_with(false)
    }

    fn start_with(tls: bool) -> Result<Self> {
        let root = tempfile::Builder::new()
            .prefix("busflow-s3-")
            .tempdir()
            .map_err(|e| Error::io(SERVICE, "create temp dir", e))?;
        let access_key = format!("testkit-{:08x}", rand_u32());
        let secret_key = format!(
            "{:08x}{:08x}{:08x}{:08x}",
            rand_u32(),
            rand_u32(),
            rand_u32(),
            rand_u32()
        );

        let (acceptor, ca_pem) = if tls {
            let pki = TestPki::generate(SERVICE)?;
            let ca = pki.ca_pem.clone();
            (
                Some(TlsAcceptor::from(Arc::new(pki.server_config(SERVICE)?))),
                Some(ca),
            )
        } else {
            (None, None)
        };

        let fs = s3s_fs::FileSystem::new(root.path()).map_err(|e| {
            Error::service(
                SERVICE,
                format!("s3s-fs over {}: {e:?}", root.path().display()),
            )
        })?;
        let mut builder = S3ServiceBuilder::new(crate::s3_backend::Backend {
            fs,
            root: root.path().to_path_buf(),
        });
        builder.set_auth(SimpleAuth::from_single(
            access_key.clone(),
            secret_key.clone(),
        ));
        let service = builder.build();

        // Binding here, before the thread starts, means the port is ours:
        // no race with parallel tests.
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| Error::io(SERVICE, "bind 127.0.0.1:0", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::io(SERVICE, "read local address", e))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("testkit-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::io(SERVICE, "build runtime", e))?;
        let (tx, rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("testkit-s3".into())
            .spawn(move || runtime.block_on(serve(listener, acceptor, service, rx)))
            .map_err(|e| Error::io(SERVICE, "spawn server thread", e))?;

        let scheme = if tls { "https" } else { "http" };
        tracing::debug!(%addr, scheme, "testkit S3 listening");
        Ok(Self {
            endpoint: format!("{scheme}://{}", endpoint_host(addr)),
            ca_pem,
            access_key,
            secret_key,
            root,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The endpoint URL (`https://localhost:PORT`, or `http://` for
    /// [`S3::start_plain_http`]).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The CA certificate (PEM) that signed the server's certificate; `None`
    /// for a plain-HTTP server.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The access key id the server accepts.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The secret access key the server accepts.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The region to sign for (`us-east-1`; s3s accepts any).
    pub fn region(&self) -> &'static str {
        "us-east-1"
    }

    /// The directory the objects live in (`<root>/<bucket>/<key>`).
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Creates a bucket directly on disk (no request needed).
    pub fn create_bucket(&self, name: &str) -> Result<()> {
        let path = self.root.path().join(name);
        std::fs::create_dir_all(&path)
            .map_err(|e| Error::io(SERVICE, format!("create bucket {name}"), e))
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `localhost:PORT`: the certificate names both `localhost` and `127.0.0.1`,
/// and a host name keeps clients that reject IP hosts for SNI happy.
fn endpoint_host(addr: SocketAddr) -> String {
    format!("localhost:{}", addr.port())
}

async fn serve(
    listener: std::net::TcpListener,
    acceptor: Option<TlsAcceptor>,
    service: S3Service,
    mut shutdown: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "testkit S3 could not listen");
            return;
        }
    };
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "testkit S3 accept failed");
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let http = http.clone();
        let service = service.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let result = match acceptor {
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(tls) => http.serve_connection(TokioIo::new(tls), service).await,
                    Err(e) => {
                        tracing::debug!(error = %e, "testkit S3 TLS handshake refused");
                        return;
                    }
                },
                None => http.serve_connection(TokioIo::new(stream), service).await,
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "testkit S3 connection ended with an error");
            }
        });
    }
}
