//! [`UbicloudApi`] over reqwest, Bearer-token auth.

use busflow_http::HttpSettings;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::models::{CreatePostgres, FirewallRule, PostgresDatabase};
use super::{DbRef, UbicloudApi};
use crate::error::Error;
use crate::location::Location;

/// A personal access token; `Debug` shows `Token(***)` and no error or log
/// line carries it.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token (from `UBICLOUD_TOKEN`).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// The Ubicloud API client.
#[derive(Debug, Clone)]
pub struct UbicloudClient {
    base: String,
    token: Token,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct ApiError {
    error: ApiErrorBody,
}

#[derive(Deserialize)]
struct ApiErrorBody {
    #[serde(default)]
    code: u16,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

impl UbicloudClient {
    /// The public API.
    pub const DEFAULT_BASE: &'static str = "https://api.ubicloud.com";

    /// A client for `base` with the default [`HttpSettings`]: `https://`
    /// only (the token is a credential), 10 s to connect, 60 s a request.
    pub fn new(base: &str, token: Token) -> Result<Self, Error> {
        Self::with_settings(base, token, &HttpSettings::default())
    }

    /// A client for `base` with these timeouts; `http://` is refused unless
    /// the settings allow loopback test servers.
    pub fn with_settings(base: &str, token: Token, settings: &HttpSettings) -> Result<Self, Error> {
        settings
            .check_url(base)
            .map_err(|e| Error::api("client", e.to_string()))?;
        let http = settings
            .client()
            .map_err(|e| Error::api("client", e.to_string()))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http,
        })
    }

    fn url(&self, db: &DbRef, tail: &str) -> String {
        format!(
            "{}/project/{}/location/{}/postgres/{}{tail}",
            self.base, db.project, db.location.ubicloud, db.reference
        )
    }

    async fn text(
        &self,
        operation: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<String, Error> {
        let response = request
            .bearer_auth(&self.token.0)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| Error::api(operation, e.without_url().to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| Error::api(operation, e.without_url().to_string()))?;
        if !status.is_success() {
            let why = serde_json::from_str::<ApiError>(&text).map_or_else(
                |_| format!("HTTP {}", status.as_u16()),
                |e| {
                    format!(
                        "{} {}: {}",
                        e.error.code.max(status.as_u16()),
                        e.error.kind,
                        e.error.message
                    )
                },
            );
            return Err(Error::api(operation, why));
        }
        Ok(text)
    }

    async fn json<T: DeserializeOwned>(
        &self,
        operation: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Error> {
        let text = self.text(operation, request).await?;
        serde_json::from_str(&text)
            .map_err(|e| Error::api(operation, format!("unexpected answer: {e}")))
    }
}

#[async_trait::async_trait]
impl UbicloudApi for UbicloudClient {
    async fn create(&self, db: &DbRef, spec: &CreatePostgres) -> Result<PostgresDatabase, Error> {
        let mut spec = spec.clone();
        spec.restrict_by_default = true;
        self.json(
            "create postgres",
            self.http.post(self.url(db, "")).json(&spec),
        )
        .await
    }

    async fn get(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        self.json("get postgres", self.http.get(self.url(db, "")))
            .await
    }

    async fn list(
        &self,
        project: &str,
        location: Location,
    ) -> Result<Vec<PostgresDatabase>, Error> {
        let url = format!(
            "{}/project/{project}/location/{}/postgres",
            self.base, location.ubicloud
        );
        let items: Items<PostgresDatabase> = self.json("list postgres", self.http.get(url)).await?;
        Ok(items.items)
    }

    async fn ca_certificates(&self, db: &DbRef) -> Result<String, Error> {
        let pem = self
            .text(
                "get CA certificates",
                self.http
                    .get(self.url(db, "/ca-certificates"))
                    .header("Accept", "application/x-pem-file"),
            )
            .await?;
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(Error::api(
                "get CA certificates",
                "the answer is not a PEM certificate",
            ));
        }
        Ok(pem)
    }

    async fn firewall_rules(&self, db: &DbRef) -> Result<Vec<FirewallRule>, Error> {
        let items: Items<FirewallRule> = self
            .json(
                "list firewall rules",
                self.http.get(self.url(db, "/firewall-rule")),
            )
            .await?;
        Ok(items.items)
    }

    async fn add_firewall_rule(
        &self,
        db: &DbRef,
        cidr: &str,
        description: &str,
    ) -> Result<FirewallRule, Error> {
        let body = serde_json::json!({ "cidr": cidr, "description": description });
        self.json(
            "add firewall rule",
            self.http.post(self.url(db, "/firewall-rule")).json(&body),
        )
        .await
    }

    async fn delete_firewall_rule(&self, db: &DbRef, id: &str) -> Result<(), Error> {
        self.text(
            "delete firewall rule",
            self.http
                .delete(self.url(db, &format!("/firewall-rule/{id}"))),
        )
        .await
        .map(|_| ())
    }

    async fn add_metric_destination(
        &self,
        db: &DbRef,
        url: &str,
        username: &str,
        password: &str,
    ) -> Result<PostgresDatabase, Error> {
        let body = serde_json::json!({ "url": url, "username": username, "password": password });
        self.json(
            "add metric destination",
            self.http
                .post(self.url(db, "/metric-destination"))
                .json(&body),
        )
        .await
    }

    async fn delete_metric_destination(&self, db: &DbRef, id: &str) -> Result<(), Error> {
        self.text(
            "delete metric destination",
            self.http
                .delete(self.url(db, &format!("/metric-destination/{id}"))),
        )
        .await
        .map(|_| ())
    }

    async fn create_read_replica(&self, db: &DbRef, name: &str) -> Result<PostgresDatabase, Error> {
        let body = serde_json::json!({ "name": name });
        self.json(
            "create read replica",
            self.http.post(self.url(db, "/read-replica")).json(&body),
        )
        .await
    }

    async fn promote(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        self.json("promote", self.http.post(self.url(db, "/promote")))
            .await
    }

    async fn restart(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        self.json("restart", self.http.post(self.url(db, "/restart")))
            .await
    }
}
