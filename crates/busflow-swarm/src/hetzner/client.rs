//! The reqwest client for `https://api.hetzner.cloud/v1`.

use std::time::Duration;

use busflow_http::HttpSettings;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::models::{Action, LoadBalancer, Volume};
use crate::error::{Error, ErrorKind};

/// The API token; shown as `Token(***)` and never put in an error.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token (from `HCLOUD_TOKEN`).
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A Hetzner Cloud API client.
#[derive(Debug, Clone)]
pub struct HetznerClient {
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
    code: String,
    message: String,
}

#[derive(Deserialize)]
struct VolumeBody {
    volume: Volume,
}

#[derive(Deserialize)]
struct ActionBody {
    action: Action,
}

#[derive(Deserialize)]
struct ActionsBody {
    actions: Vec<Action>,
}

#[derive(Deserialize)]
struct LoadBalancers {
    load_balancers: Vec<LoadBalancer>,
}

fn failed(operation: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Engine {
        operation: format!("hetzner: {operation}"),
        message: message.into(),
    })
}

impl HetznerClient {
    /// The public API.
    pub const DEFAULT_BASE: &'static str = "https://api.hetzner.cloud/v1";

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
            .map_err(|e| failed("client", e.to_string()))?;
        let http = settings
            .client()
            .map_err(|e| failed("client", e.to_string()))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http,
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        operation: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Error> {
        let response = request
            .bearer_auth(&self.token.0)
            .send()
            .await
            // reqwest's error text has the URL, never the token.
            .map_err(|e| failed(operation, e.without_url().to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| failed(operation, e.without_url().to_string()))?;
        if !status.is_success() {
            let why = serde_json::from_str::<ApiError>(&text).map_or_else(
                |_| format!("HTTP {}", status.as_u16()),
                |e| {
                    format!(
                        "{} ({}): {}",
                        status.as_u16(),
                        e.error.code,
                        e.error.message
                    )
                },
            );
            return Err(failed(operation, why));
        }
        serde_json::from_str(&text)
            .map_err(|e| failed(operation, format!("unexpected answer: {e}")))
    }

    /// `GET /volumes/{id}`.
    pub async fn volume(&self, id: u64) -> Result<Volume, Error> {
        let body: VolumeBody = self
            .send(
                "get volume",
                self.http.get(format!("{}/volumes/{id}", self.base)),
            )
            .await?;
        Ok(body.volume)
    }

    /// `POST /volumes/{id}/actions/resize`: grows the volume online (the
    /// filesystem is grown with `resize2fs` on the node afterwards).
    pub async fn resize_volume(&self, id: u64, size_gb: u64) -> Result<Action, Error> {
        let body: ActionBody = self
            .send(
                "resize volume",
                self.http
                    .post(format!("{}/volumes/{id}/actions/resize", self.base))
                    .json(&serde_json::json!({ "size": size_gb })),
            )
            .await?;
        Ok(body.action)
    }

    /// `GET /volumes/{id}/actions?sort=started:desc`: the volume's actions,
    /// newest first (the first page, 25 actions: the cooldown needs the
    /// newest resize only).
    pub async fn volume_actions(&self, id: u64) -> Result<Vec<Action>, Error> {
        let body: ActionsBody = self
            .send(
                "list volume actions",
                self.http.get(format!(
                    "{}/volumes/{id}/actions?sort=started:desc",
                    self.base
                )),
            )
            .await?;
        Ok(body.actions)
    }

    /// `GET /actions/{id}`.
    pub async fn action(&self, id: u64) -> Result<Action, Error> {
        let body: ActionBody = self
            .send(
                "get action",
                self.http.get(format!("{}/actions/{id}", self.base)),
            )
            .await?;
        Ok(body.action)
    }

    /// Polls an action until it succeeds (or errors, or `timeout` passes).
    pub async fn wait(
        &self,
        action: Action,
        poll: Duration,
        timeout: Duration,
    ) -> Result<Action, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut current = action;
        loop {
            match current.status.as_str() {
                "success" => return Ok(current),
                "error" => {
                    return Err(failed(
                        "action",
                        format!("{} #{} failed", current.command, current.id),
                    ));
                }
                _ if tokio::time::Instant::now() >= deadline => {
                    return Err(failed(
                        "action",
                        format!(
                            "{} #{} still running after {timeout:?}",
                            current.command, current.id
                        ),
                    ));
                }
                _ => {}
            }
            tokio::time::sleep(poll).await;
            current = self.action(current.id).await?;
        }
    }

    /// `GET /load_balancers?name=…`: the load balancer of that name.
    pub async fn load_balancer(&self, name: &str) -> Result<LoadBalancer, Error> {
        let body: LoadBalancers = self
            .send(
                "list load balancers",
                self.http
                    .get(format!("{}/load_balancers", self.base))
                    .query(&[("name", name)]),
            )
            .await?;
        body.load_balancers
            .into_iter()
            .find(|lb| lb.name == name)
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound {
                    kind: "load balancer",
                    name: name.to_owned(),
                })
            })
    }
}
