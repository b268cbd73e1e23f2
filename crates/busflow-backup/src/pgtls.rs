//! TLS for the verify's own connection to the target, with libpq's
//! `sslmode` meanings, so that the URL `pg_restore` is given (libpq reads
//! it) means the same to the probes (tokio-postgres reads it).
//!
//! | `sslmode` | encrypted | certificate checked |
//! | --- | --- | --- |
//! | `disable` | no | — |
//! | `allow`, `prefer` (the default) | when the server offers it | no |
//! | `require` | yes | no, unless a root certificate is given: then as `verify-ca` |
//! | `verify-ca` | yes | chain to `sslrootcert` |
//! | `verify-full` | yes | chain and host name |
//!
//! `sslrootcert` is a PEM file or `system` (the platform's roots); without
//! it, `verify-*` use `~/.postgresql/root.crt` as libpq does. `PGSSLMODE`
//! and `PGSSLROOTCERT` apply when the URL does not say. Client
//! certificates (`sslcert`, `sslkey`) are refused with a clear error
//! rather than ignored. Over TLS, SCRAM binds to the channel
//! (SCRAM-SHA-256-PLUS, RFC 5929 `tls-server-end-point`), so
//! `channel_binding=require` holds for the probes as it does for libpq.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::config::SslMode;
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

use crate::pgtools::percent_decode;

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> Result<Self, String> {
        Ok(match value {
            "disable" => Self::Disable,
            // libpq's `allow` tries plain first; both accept either.
            "allow" | "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode `{other}` is not one of disable, allow, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }

    fn client_mode(self) -> SslMode {
        match self {
            Self::Disable => SslMode::Disable,
            Self::Prefer => SslMode::Prefer,
            Self::Require | Self::VerifyCa | Self::VerifyFull => SslMode::Require,
        }
    }
}

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    File(PathBuf),
    System,
}

/// A target URL made ready for tokio-postgres, and how its TLS is checked.
/// `Debug` shows the URL without its password.
pub(crate) struct Target {
    /// The URL without the TLS keys tokio-postgres does not know.
    pub url: String,
    mode: Mode,
    roots: Option<Roots>,
}

/// Options of libpq that would change who the client is; the probes
/// cannot honour them, so they are refused rather than dropped.
const CLIENT_CERT_KEYS: [&str; 3] = ["sslcert", "sslkey", "sslpassword"];

/// Takes `sslmode` and `sslrootcert` out of `url`'s query (and from
/// `PGSSLMODE` / `PGSSLROOTCERT` when the URL is silent).
pub(crate) fn parse(url: &str) -> Result<Target, String> {
    parse_with_env(url, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

fn parse_with_env(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Target, String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut mode = None;
    let mut rootcert = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => mode = Some(percent_decode(value)),
            "sslrootcert" => rootcert = Some(percent_decode(value)),
            k if CLIENT_CERT_KEYS.contains(&k) => {
                return Err(format!(
                    "the target URL sets `{k}`: client certificates are not supported by the verify's probe connection"
                ));
            }
            _ => kept.push(pair),
        }
    }
    let mode = match mode.or_else(|| env("PGSSLMODE")) {
        Some(m) => Mode::parse(&m)?,
        None => Mode::Prefer,
    };
    let rootcert = rootcert.or_else(|| env("PGSSLROOTCERT"));
    let explicit = rootcert.is_some();
    let roots = match rootcert {
        Some(r) if r == "system" => Some(Roots::System),
        Some(r) => Some(Roots::File(PathBuf::from(r))),
        None => env("HOME")
            .map(|h| Path::new(&h).join(".postgresql/root.crt"))
            .map(Roots::File),
    };
    // libpq: `require` with a root certificate at hand verifies the chain.
    let mode = match (&roots, mode) {
        (Some(Roots::File(p)), Mode::Require) if explicit || p.is_file() => Mode::VerifyCa,
        (Some(Roots::System), Mode::Require) => Mode::VerifyCa,
        (_, m) => m,
    };
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(Target { url, mode, roots })
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("url", &crate::conninfo::redact(&self.url))
            .field("mode", &self.mode)
            .field("roots", &self.roots)
            .finish()
    }
}

impl Target {
    /// The tokio-postgres configuration with the TLS mode set.
    pub(crate) fn config(&self) -> Result<tokio_postgres::Config, tokio_postgres::Error> {
        let mut config: tokio_postgres::Config = self.url.parse()?;
        config.ssl_mode(self.mode.client_mode());
        Ok(config)
    }

    /// The connector: certificates checked as `sslmode` says.
    pub(crate) fn connector(&self) -> Result<MakeRustls, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match self.mode {
            Mode::Disable | Mode::Prefer | Mode::Require => Arc::new(Unchecked(provider.clone())),
            Mode::VerifyCa | Mode::VerifyFull => {
                let roots = self.root_store()?;
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| format!("cannot use the target's root certificates: {e}"))?;
                if self.mode == Mode::VerifyFull {
                    webpki
                } else {
                    Arc::new(ChainOnly(webpki))
                }
            }
        };
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS configuration: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustls(Arc::new(config)))
    }

    fn root_store(&self) -> Result<RootCertStore, String> {
        let mut store = RootCertStore::empty();
        match &self.roots {
            Some(Roots::File(path)) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                    .map_err(|e| {
                        format!(
                            "sslrootcert {}: cannot read PEM certificates: {e}",
                            path.display()
                        )
                    })?;
                if certs.is_empty() {
                    return Err(format!(
                        "sslrootcert {}: no certificate in the file",
                        path.display()
                    ));
                }
                for cert in certs {
                    store
                        .add(cert)
                        .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                }
            }
            Some(Roots::System) => {
                let found = rustls_native_certs::load_native_certs();
                store.add_parsable_certificates(found.certs);
                if store.is_empty() {
                    return Err("sslrootcert=system: the platform has no root certificates".into());
                }
            }
            None => {
                return Err(
                    "sslmode verify-ca/verify-full needs sslrootcert (or HOME for ~/.postgresql/root.crt)"
                        .into(),
                );
            }
        }
        Ok(store)
    }
}

/// `prefer` and `require` without roots: encrypted, the handshake's
/// signatures checked, the certificate's issuer and name not (libpq's
/// meaning of those modes).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root; the host name is
/// not compared.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The name is compared only after the chain has been verified.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// tokio-postgres's TLS hook over rustls.
#[derive(Clone)]
pub(crate) struct MakeRustls(Arc<rustls::ClientConfig>);

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, io::Error> {
        // Over a Unix socket the domain is empty and TLS is never used; the
        // name is checked when a handshake happens.
        Ok(RustlsConnect {
            config: self.0.clone(),
            domain: domain.to_owned(),
        })
    }
}

/// One connection's TLS handshake.
pub(crate) struct RustlsConnect {
    config: Arc<rustls::ClientConfig>,
    domain: String,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = ServerName::try_from(self.domain.clone()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{}` is not a host name TLS can check", self.domain),
                )
            })?;
            let tls = tokio_rustls::TlsConnector::from(self.config)
                .connect(name, stream)
                .await?;
            Ok(RustlsStream(tls))
        })
    }
}

/// An encrypted connection to the target.
pub(crate) struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        let (_, connection) = self.0.get_ref();
        connection
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|cert| tls_server_end_point(cert.as_ref()))
            .map_or_else(ChannelBinding::none, ChannelBinding::tls_server_end_point)
    }
}

/// RFC 5929's `tls-server-end-point` (SCRAM-SHA-256-PLUS): the server
/// certificate hashed with its signature's hash, SHA-256 for MD5 and SHA-1.
/// `None` where RFC 5929 defines none (Ed25519, RSA-PSS, unknown), as the
/// server does; SCRAM then runs without channel binding.
fn tls_server_end_point(der: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest as _;
    /// The arcs of 1.2.840.113549.1.1 (PKCS #1 signatures).
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    /// The arcs of 1.2.840.10045.4 (ECDSA signatures).
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm
    // SEQUENCE { algorithm OID, … }, signature BIT STRING }
    let (cert, _) = der_take(der, 0x30)?;
    let (_, rest) = der_take(cert, 0x30)?;
    let (algorithm, _) = der_take(rest, 0x30)?;
    let (oid, _) = der_take(algorithm, 0x06)?;
    let hash = match oid {
        // md5WithRSA, sha1WithRSA, sha256WithRSA, ecdsa-with-SHA1 and -SHA256
        [rsa @ .., 4 | 5 | 11] if rsa == RSA => 256,
        [ec @ .., 1] if ec == ECDSA => 256,
        [ec @ .., 3, 2] if ec == ECDSA => 256,
        [rsa @ .., 12] if rsa == RSA => 384,
        [ec @ .., 3, 3] if ec == ECDSA => 384,
        [rsa @ .., 13] if rsa == RSA => 512,
        [ec @ .., 3, 4] if ec == ECDSA => 512,
        _ => return None,
    };
    Some(match hash {
        256 => sha2::Sha256::digest(der).to_vec(),
        384 => sha2::Sha384::digest(der).to_vec(),
        _ => sha2::Sha512::digest(der).to_vec(),
    })
}

/// One DER value of type `tag` at the start of `input`: (its content, the
/// rest). Definite lengths only, as DER requires.
fn der_take(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn libpq_modes_and_keys_are_taken_out_of_the_url() {
        let t = parse_with_env(
            "postgres://u@db:5432/postgres?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=v",
            env(&[]),
        )
        .expect("parses");
        assert_eq!(t.url, "postgres://u@db:5432/postgres?application_name=v");
        assert_eq!(t.mode, Mode::VerifyFull);
        assert_eq!(t.roots, Some(Roots::File("/etc/ca.pem".into())));
        let config = t.config().expect("tokio-postgres takes the rest");
        assert_eq!(config.get_ssl_mode(), SslMode::Require);
    }

    #[test]
    fn the_default_is_prefer_and_the_environment_fills_in() {
        let t = parse_with_env("postgres://u@db/postgres", env(&[])).expect("parses");
        assert_eq!(t.mode, Mode::Prefer);
        let t = parse_with_env(
            "postgres://u@db/postgres",
            env(&[("PGSSLMODE", "require"), ("PGSSLROOTCERT", "system")]),
        )
        .expect("parses");
        // libpq: require with a root certificate checks the chain.
        assert_eq!((t.mode, t.roots), (Mode::VerifyCa, Some(Roots::System)));
        let t = parse_with_env(
            "postgres://u@db/postgres?sslmode=disable",
            env(&[("PGSSLMODE", "verify-full")]),
        )
        .expect("the URL wins");
        assert_eq!(t.mode, Mode::Disable);
        let t = parse_with_env(
            "postgres://u@db/postgres?sslmode=require",
            env(&[("HOME", "/nonexistent")]),
        )
        .expect("parses");
        assert_eq!(t.mode, Mode::Require, "no root.crt: nothing to check with");
    }

    #[test]
    fn bad_modes_and_client_certificates_are_refused() {
        let e = parse_with_env("postgres://u@db/p?sslmode=on", env(&[])).expect_err("bad mode");
        assert!(e.contains("sslmode `on`"), "{e}");
        let e = parse_with_env("postgres://u@db/p?sslcert=/c.pem", env(&[])).expect_err("cert");
        assert!(e.contains("sslcert"), "{e}");
    }

    #[test]
    fn channel_binding_hashes_the_certificate_with_its_signature_hash() {
        use sha2::Digest as _;
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let der = cert.der().to_vec();
        // rcgen's default key is ECDSA P-256 with SHA-256.
        assert_eq!(
            tls_server_end_point(&der),
            Some(sha2::Sha256::digest(&der).to_vec())
        );
        assert_eq!(tls_server_end_point(&der[..der.len() / 2]), None);
        assert_eq!(tls_server_end_point(b""), None);
        assert_eq!(
            tls_server_end_point(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn channel_binding_never_panics_on_any_bytes(bytes in proptest::collection::vec(0u8.., 0..300)) {
            let _ = tls_server_end_point(&bytes);
        }
    }

    #[test]
    fn verify_modes_need_roots_that_exist() {
        let t = parse_with_env(
            "postgres://u@db/p?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
            env(&[]),
        )
        .expect("parses");
        let Err(e) = t.connector() else {
            panic!("a missing root file must fail")
        };
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
