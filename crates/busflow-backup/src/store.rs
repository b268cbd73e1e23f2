//! The object store: an [`ObjectStore`] trait and its S3 implementation
//! over TLS (BACKUP-006, 015, 016).
//!
//! Remotes are named (`minio-inswarm`, `hetzner-s3`, any other) and typed.
//! Endpoints must be `https://`: `http://` is a configuration error, and
//! certificate verification cannot be switched off — a private CA can only
//! be *added*. Addressing is path-style (`MinIO`, Hetzner). Each request has
//! the SDK's low-level retries (3 by default); each transfer, body
//! included, has its own deadline (15 min by default), because the SDK's
//! timeouts stop at the headers.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::error::Error;

/// A secret string (an S3 secret key): `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// A named S3 remote.
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// The remote's name (`minio-inswarm`, `hetzner-s3`).
    pub name: String,
    /// `https://host[:port]`; `http://` is refused.
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// A key prefix (empty, or ending in `/`).
    pub prefix: String,
    /// The signing region.
    pub region: String,
    /// The access key id.
    pub access_key: String,
    /// The secret key.
    pub secret_key: Secret,
    /// A PEM CA bundle trusted in addition to the system roots' place (for
    /// a private CA); verification is never switched off.
    pub ca_pem: Option<String>,
    /// Deadline of one transfer, body included (default 15 min).
    pub transfer_timeout: Duration,
    /// Low-level retries of one request (default 3).
    pub retries: u32,
}

impl RemoteConfig {
    /// A remote with the documented defaults (15 min per transfer, 3
    /// retries, region `us-east-1`, no prefix, system trust).
    pub fn new(
        name: &str,
        endpoint: &str,
        bucket: &str,
        access_key: &str,
        secret_key: Secret,
    ) -> Self {
        Self {
            name: name.to_owned(),
            endpoint: endpoint.to_owned(),
            bucket: bucket.to_owned(),
            prefix: String::new(),
            region: "us-east-1".to_owned(),
            access_key: access_key.to_owned(),
            secret_key,
            ca_pem: None,
            transfer_timeout: Duration::from_mins(15),
            retries: 3,
        }
    }

    /// BACKUP-015: the endpoint must be HTTPS.
    pub fn validate(&self) -> Result<(), Error> {
        let scheme_ok = self
            .endpoint
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        if !scheme_ok {
            return Err(Error::config(
                &self.name,
                format!(
                    "endpoint `{}` is not https:// (BACKUP-015: dumps travel over TLS only; add the server's CA with `ca_pem` instead)",
                    self.endpoint
                ),
            ));
        }
        if self.bucket.is_empty() {
            return Err(Error::config(&self.name, "the bucket is empty"));
        }
        Ok(())
    }
}

/// An object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The key (with the remote's prefix).
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A readable stream of an object's bytes.
pub type ObjectReader = Box<dyn AsyncRead + Send + Unpin>;

/// What busflow needs of an object store.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// The remote's name, for outcomes and messages.
    fn name(&self) -> &str;
    /// Every object under `prefix`, across all pages.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, Error>;
    /// `len` bytes from `start` (fewer at the end of the object).
    async fn get_range(&self, key: &str, start: u64, len: u64) -> Result<Vec<u8>, Error>;
    /// The whole object as a stream (read with back-pressure).
    async fn get_stream(&self, key: &str) -> Result<ObjectReader, Error>;
    /// Uploads `body` in parts; on any error the upload is aborted and no
    /// object is left under `key`. Returns the bytes written.
    async fn put_multipart(
        &self,
        key: &str,
        body: &mut (dyn AsyncRead + Send + Unpin),
    ) -> Result<u64, Error>;
    /// Deletes `key`.
    async fn delete(&self, key: &str) -> Result<(), Error>;
}

/// Part size of multipart uploads (S3's minimum is 5 MiB; 10 000 parts of
/// 16 MiB hold 160 GB).
pub const PART_SIZE: usize = 16 << 20;

/// [`ObjectStore`] over S3 with the AWS SDK.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    config: RemoteConfig,
}

fn sdk_error(remote: &str, action: &str, key: &str, e: impl std::error::Error) -> Error {
    // DisplayErrorContext walks the source chain (timeouts, TLS, HTTP
    // status); no credential is part of it.
    Error::store(
        remote,
        action,
        key,
        aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
    )
}

impl S3Store {
    /// A store for `config` (validated: HTTPS only).
    pub fn new(config: RemoteConfig) -> Result<Self, Error> {
        config.validate()?;
        let trust = match &config.ca_pem {
            Some(pem) => TrustStore::default().with_pem_certificate(pem.as_bytes()),
            None => TrustStore::default(),
        };
        let tls = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| Error::config(&config.name, format!("TLS: {e}")))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(tls)
            .build_https();
        let sdk = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region.clone()))
            .endpoint_url(&config.endpoint)
            .force_path_style(true)
            .credentials_provider(Credentials::new(
                &config.access_key,
                config.secret_key.expose(),
                None,
                None,
                "busflow",
            ))
            .retry_config(RetryConfig::standard().with_max_attempts(config.retries + 1))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .operation_attempt_timeout(config.transfer_timeout)
                    .build(),
            )
            .http_client(http)
            .build();
        Ok(Self {
            client: Client::from_conf(sdk),
            config,
        })
    }

    /// The remote's configuration.
    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    async fn deadline<T>(
        &self,
        action: &str,
        key: &str,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        tokio::time::timeout(self.config.transfer_timeout, fut)
            .await
            .map_err(|_| {
                Error::store(
                    &self.config.name,
                    action,
                    key,
                    format!(
                        "no answer within the transfer timeout of {:?} (BACKUP-016)",
                        self.config.transfer_timeout
                    ),
                )
            })?
    }

    async fn upload_parts(
        &self,
        key: &str,
        id: &str,
        body: &mut (dyn AsyncRead + Send + Unpin),
    ) -> Result<(u64, Vec<CompletedPart>), Error> {
        let name = &self.config.name;
        let mut parts = Vec::new();
        let mut total = 0u64;
        let mut number = 1;
        loop {
            let mut buf = Vec::with_capacity(PART_SIZE);
            let mut limited = (&mut *body).take(PART_SIZE as u64);
            limited.read_to_end(&mut buf).await.map_err(|e| {
                Error::store(name, "read the upload's source for", key, e.to_string())
            })?;
            if buf.is_empty() && number > 1 {
                break;
            }
            let len = buf.len();
            total += len as u64;
            let part = self
                .client
                .upload_part()
                .bucket(&self.config.bucket)
                .key(key)
                .upload_id(id)
                .part_number(number)
                .body(ByteStream::from(buf))
                .send()
                .await
                .map_err(|e| sdk_error(name, "upload a part of", key, e))?;
            parts.push(
                CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(part.e_tag)
                    .build(),
            );
            number += 1;
            if len < PART_SIZE {
                break;
            }
        }
        Ok((total, parts))
    }
}

#[async_trait]
impl ObjectStore for S3Store {
    fn name(&self) -> &str {
        &self.config.name
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, Error> {
        let name = &self.config.name;
        let mut out = Vec::new();
        // Page by `start-after` (the last key seen), which every S3 server
        // honours; continuation tokens are not (s3s-fs ignores them).
        let mut after: Option<String> = None;
        loop {
            let page = self
                .deadline("list", prefix, async {
                    self.client
                        .list_objects_v2()
                        .bucket(&self.config.bucket)
                        .prefix(prefix)
                        .set_start_after(after.clone())
                        .send()
                        .await
                        .map_err(|e| sdk_error(name, "list", prefix, e))
                })
                .await?;
            let before = out.len();
            for o in page.contents() {
                if let Some(key) = o.key() {
                    out.push(ObjectInfo {
                        key: key.to_owned(),
                        size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                    });
                }
            }
            if !page.is_truncated().unwrap_or(false) || out.len() == before {
                break;
            }
            after = out.last().map(|o| o.key.clone());
        }
        Ok(out)
    }

    async fn get_range(&self, key: &str, start: u64, len: u64) -> Result<Vec<u8>, Error> {
        let name = &self.config.name;
        if len == 0 {
            return Ok(Vec::new());
        }
        self.deadline("read", key, async {
            let resp = self
                .client
                .get_object()
                .bucket(&self.config.bucket)
                .key(key)
                .range(format!("bytes={start}-{}", start + len - 1))
                .send()
                .await
                .map_err(|e| sdk_error(name, "read", key, e))?;
            let bytes = resp
                .body
                .collect()
                .await
                .map_err(|e| Error::store(name, "read", key, e.to_string()))?;
            Ok(bytes.into_bytes().to_vec())
        })
        .await
    }

    async fn get_stream(&self, key: &str) -> Result<ObjectReader, Error> {
        let name = &self.config.name;
        let resp = self
            .deadline("open", key, async {
                self.client
                    .get_object()
                    .bucket(&self.config.bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| sdk_error(name, "open", key, e))
            })
            .await?;
        Ok(Box::new(resp.body.into_async_read()))
    }

    async fn put_multipart(
        &self,
        key: &str,
        body: &mut (dyn AsyncRead + Send + Unpin),
    ) -> Result<u64, Error> {
        let name = &self.config.name;
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.config.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| sdk_error(name, "start the upload of", key, e))?;
        let id = created
            .upload_id()
            .ok_or_else(|| {
                Error::store(
                    name,
                    "start the upload of",
                    key,
                    "the server gave no upload id",
                )
            })?
            .to_owned();
        let uploaded = tokio::time::timeout(
            self.config.transfer_timeout,
            self.upload_parts(key, &id, body),
        )
        .await;
        let result = match uploaded {
            Ok(Ok((total, parts))) => self
                .client
                .complete_multipart_upload()
                .bucket(&self.config.bucket)
                .key(key)
                .upload_id(&id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(parts))
                        .build(),
                )
                .send()
                .await
                .map(|_| total)
                .map_err(|e| sdk_error(name, "complete the upload of", key, e)),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(Error::store(
                name,
                "upload",
                key,
                format!(
                    "not done within the transfer timeout of {:?} (BACKUP-016)",
                    self.config.transfer_timeout
                ),
            )),
        };
        if result.is_err() {
            // Nothing named like a dump may stay behind.
            if let Err(e) = self
                .client
                .abort_multipart_upload()
                .bucket(&self.config.bucket)
                .key(key)
                .upload_id(&id)
                .send()
                .await
            {
                tracing::warn!(remote = %name, key, error = %aws_smithy_types::error::display::DisplayErrorContext(e), "aborting the multipart upload failed");
            }
        }
        result
    }

    async fn delete(&self, key: &str) -> Result<(), Error> {
        let name = &self.config.name;
        self.deadline("delete", key, async {
            self.client
                .delete_object()
                .bucket(&self.config.bucket)
                .key(key)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_error(name, "delete", key, e))
        })
        .await
    }
}
