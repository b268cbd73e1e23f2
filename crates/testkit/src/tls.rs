//! A certificate authority and a server certificate made at start-up.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Error, Result};

/// A throwaway CA and a certificate it signed for `localhost` and `127.0.0.1`.
pub(crate) struct TestPki {
    /// The CA certificate, PEM: what a client must trust explicitly.
    pub(crate) ca_pem: String,
    /// The server certificate chain (leaf, then CA).
    pub(crate) chain: Vec<CertificateDer<'static>>,
    /// The server's private key.
    pub(crate) key: PrivateKeyDer<'static>,
    /// The server certificate chain, PEM (leaf, then CA).
    pub(crate) chain_pem: String,
    /// The server's private key, PEM (PKCS#8).
    pub(crate) key_pem: String,
}

impl TestPki {
    pub(crate) fn generate(service: &'static str) -> Result<Self> {
        let fail =
            |e: rcgen::Error| Error::service(service, format!("generate test certificates: {e}"));
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "busflow testkit CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(fail)?)
            .map_err(fail)?;

        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .map_err(fail)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "busflow testkit server");
        let key = KeyPair::generate().map_err(fail)?;
        let leaf = params.signed_by(&key, &ca).map_err(fail)?;
        Ok(Self {
            chain_pem: format!("{}{}", leaf.pem(), ca.pem()),
            key_pem: key.serialize_pem(),
            ca_pem: ca.pem(),
            chain: vec![leaf.der().clone(), ca.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }

    /// A rustls server configuration presenting the server certificate.
    pub(crate) fn server_config(self, service: &'static str) -> Result<rustls::ServerConfig> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth()
                    .with_single_cert(self.chain, self.key)
            })
            .map_err(|e| Error::service(service, format!("TLS configuration: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}
