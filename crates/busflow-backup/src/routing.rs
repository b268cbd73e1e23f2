//! BACKUP-018 and BACKUP-019: where a failed run's alert goes.
//!
//! The alert goes to Slack (an incoming webhook). A 4xx from Slack
//! (`invalid_token`, `no_service`, an archived channel) will not heal by
//! retrying: the run opens — or comments on — a GitHub issue and is marked
//! as a warning. A 5xx or a network error is retried three times with
//! exponential backoff, then takes the issue path too. Issues are keyed by
//! (run pattern, ISO week) and looked up among open issues before one is
//! created, so a probe failing every night opens at most one issue a week.
//! Webhook URLs and tokens are [`Secret`]s: never in `Debug`, errors or logs.

use std::time::Duration;

use async_trait::async_trait;
use busflow_http::HttpSettings;
use serde::Deserialize;

use crate::store::Secret;
use crate::utc::UtcTime;

/// Why a notification did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotifyError {
    /// The service refused the request (4xx): retrying will not help.
    Refused {
        /// The status.
        status: u16,
        /// The service's error text (`invalid_token`).
        body: String,
    },
    /// A server error (5xx): worth retrying.
    Server {
        /// The status.
        status: u16,
    },
    /// The network failed: worth retrying.
    Network(String),
    /// The URL may not carry the credential (plain `http://`): never sent.
    Insecure(busflow_http::InsecureUrl),
}

impl std::fmt::Display for NotifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotifyError::Refused { status, body } => write!(f, "refused with {status}: {body}"),
            NotifyError::Server { status } => write!(f, "server error {status}"),
            NotifyError::Network(e) => write!(f, "network error: {e}"),
            NotifyError::Insecure(e) => write!(f, "{e}"),
        }
    }
}

/// Something that delivers an alert (Slack).
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Sends `text`.
    async fn notify(&self, text: &str) -> Result<(), NotifyError>;
}

/// An issue tracker (GitHub issues).
#[async_trait]
pub trait IssueTracker: Send + Sync {
    /// The number of the open issue with `label` (several comma-separated
    /// labels: all of them) whose title contains `key`.
    async fn find_open(&self, label: &str, key: &str) -> Result<Option<u64>, NotifyError>;
    /// Opens an issue with `labels`; its number.
    async fn create(&self, title: &str, body: &str, labels: &[&str]) -> Result<u64, NotifyError>;
    /// Comments on issue `number`.
    async fn comment(&self, number: u64, body: &str) -> Result<(), NotifyError>;
}

fn classify(e: &reqwest::Error) -> NotifyError {
    // reqwest's message can hold the URL; keep only the kind.
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    NotifyError::Network(kind.to_owned())
}

async fn check(resp: reqwest::Response) -> Result<String, NotifyError> {
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    match status {
        200..=299 => Ok(body),
        400..=499 => Err(NotifyError::Refused {
            status,
            body: body.chars().take(200).collect(),
        }),
        _ => Err(NotifyError::Server { status }),
    }
}

/// A Slack incoming webhook.
#[derive(Clone)]
pub struct SlackWebhook {
    url: Secret,
    http: reqwest::Client,
}

impl std::fmt::Debug for SlackWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlackWebhook(<url hidden>)")
    }
}

impl SlackWebhook {
    /// A webhook at `url` (a secret: it is the credential), `https://` only,
    /// with the default [`HttpSettings`].
    pub fn new(url: Secret) -> Result<Self, NotifyError> {
        Self::with_settings(url, &HttpSettings::default())
    }

    /// A webhook with these timeouts; `http://` is refused unless the
    /// settings allow loopback test servers.
    pub fn with_settings(url: Secret, settings: &HttpSettings) -> Result<Self, NotifyError> {
        settings
            .check_url(url.expose())
            .map_err(NotifyError::Insecure)?;
        let http = settings.client().map_err(|e| classify(&e))?;
        Ok(Self { url, http })
    }
}

#[async_trait]
impl Notifier for SlackWebhook {
    async fn notify(&self, text: &str) -> Result<(), NotifyError> {
        let resp = self
            .http
            .post(self.url.expose())
            .json(&serde_json::json!({ "text": text }))
            .send()
            .await
            .map_err(|e| classify(&e))?;
        check(resp).await.map(|_| ())
    }
}

/// GitHub issues of one repository, over the REST API.
#[derive(Clone)]
pub struct GitHubIssues {
    api: String,
    repo: String,
    token: Secret,
    http: reqwest::Client,
}

impl std::fmt::Debug for GitHubIssues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubIssues")
            .field("api", &self.api)
            .field("repo", &self.repo)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Issue {
    number: u64,
    title: String,
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
}

impl GitHubIssues {
    /// Issues of `repo` (`owner/name`) at `api` (`https://api.github.com`),
    /// `https://` only (the token is a credential), default [`HttpSettings`].
    pub fn new(api: &str, repo: &str, token: Secret) -> Result<Self, NotifyError> {
        Self::with_settings(api, repo, token, &HttpSettings::default())
    }

    /// Issues with these timeouts; `http://` is refused unless the settings
    /// allow loopback test servers.
    pub fn with_settings(
        api: &str,
        repo: &str,
        token: Secret,
        settings: &HttpSettings,
    ) -> Result<Self, NotifyError> {
        settings.check_url(api).map_err(NotifyError::Insecure)?;
        Ok(Self {
            api: api.trim_end_matches('/').to_owned(),
            repo: repo.to_owned(),
            token,
            http: settings.client().map_err(|e| classify(&e))?,
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/repos/{}{path}", self.api, self.repo))
            .bearer_auth(self.token.expose())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", "busflow-backup")
    }
}

#[async_trait]
impl IssueTracker for GitHubIssues {
    async fn find_open(&self, label: &str, key: &str) -> Result<Option<u64>, NotifyError> {
        let resp = self
            .request(reqwest::Method::GET, "/issues")
            .query(&[("state", "open"), ("labels", label), ("per_page", "100")])
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let body = check(resp).await?;
        let issues: Vec<Issue> = serde_json::from_str(&body)
            .map_err(|e| NotifyError::Network(format!("unexpected issue list: {e}")))?;
        Ok(issues
            .into_iter()
            .find(|i| i.pull_request.is_none() && i.title.contains(key))
            .map(|i| i.number))
    }

    async fn create(&self, title: &str, body: &str, labels: &[&str]) -> Result<u64, NotifyError> {
        let resp = self
            .request(reqwest::Method::POST, "/issues")
            .json(&serde_json::json!({ "title": title, "body": body, "labels": labels }))
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let body = check(resp).await?;
        let issue: Issue = serde_json::from_str(&body)
            .map_err(|e| NotifyError::Network(format!("unexpected issue: {e}")))?;
        Ok(issue.number)
    }

    async fn comment(&self, number: u64, body: &str) -> Result<(), NotifyError> {
        let resp = self
            .request(reqwest::Method::POST, &format!("/issues/{number}/comments"))
            .json(&serde_json::json!({ "body": body }))
            .send()
            .await
            .map_err(|e| classify(&e))?;
        check(resp).await.map(|_| ())
    }
}

/// Retry timing for the notifier (BACKUP-018: 3 retries with backoff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first delay; each next one doubles.
    pub first: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            retries: 3,
            first: Duration::from_secs(2),
        }
    }
}

/// The label of busflow's issues.
pub const ISSUE_LABEL: &str = "backup-verify";

/// How a failure was routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// Slack took the alert.
    pub notified: bool,
    /// Attempts made on Slack.
    pub attempts: u32,
    /// The issue number, when the issue path was taken.
    pub issue: Option<u64>,
    /// Whether the issue was opened now (else commented on).
    pub issue_opened: bool,
    /// The run must be marked as a warning (Slack refused the alert).
    pub run_warning: bool,
    /// The dedup key.
    pub key: String,
}

/// The dedup key of a run pattern in the ISO week of `at` (BACKUP-019).
pub fn dedup_key(pattern: &str, at: UtcTime) -> String {
    let (year, week) = at.iso_week();
    format!("[{pattern}] {year}-W{week:02}")
}

/// Files `body` under the open issue labelled `labels` whose title holds
/// `key` (a comment), or opens one titled `title` (BACKUP-019: one issue
/// per run pattern and ISO week). The issue's number, and whether it was
/// opened now.
pub async fn file_issue(
    tracker: &dyn IssueTracker,
    labels: &[&str],
    key: &str,
    title: &str,
    body: &str,
) -> Result<(u64, bool), NotifyError> {
    match tracker.find_open(&labels.join(","), key).await? {
        Some(n) => {
            tracker.comment(n, body).await?;
            Ok((n, false))
        }
        None => Ok((tracker.create(title, body, labels).await?, true)),
    }
}

/// Routes a failure of `pattern` with `text` at `at` (BACKUP-018).
pub async fn route(
    notifier: &dyn Notifier,
    tracker: &dyn IssueTracker,
    pattern: &str,
    text: &str,
    at: UtcTime,
    backoff: Backoff,
) -> Result<Routed, NotifyError> {
    let key = dedup_key(pattern, at);
    let mut attempts = 0;
    let mut delay = backoff.first;
    let refused = loop {
        attempts += 1;
        match notifier.notify(text).await {
            Ok(()) => {
                return Ok(Routed {
                    notified: true,
                    attempts,
                    issue: None,
                    issue_opened: false,
                    run_warning: false,
                    key,
                });
            }
            Err(NotifyError::Refused { status, body }) => {
                tracing::warn!(status, %body, "Slack refused the alert; taking the issue path");
                break true;
            }
            Err(e) if attempts > backoff.retries => {
                tracing::warn!(error = %e, attempts, "Slack still failing; taking the issue path");
                break false;
            }
            Err(e) => {
                tracing::info!(error = %e, attempts, "Slack failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
    };
    let body = format!(
        "{text}\n\n(busflow-backup: Slack did not take this alert after {attempts} attempt(s).)"
    );
    let title = format!("{key} {pattern} failed");
    let (issue, opened) = file_issue(tracker, &[ISSUE_LABEL], &key, &title, &body).await?;
    Ok(Routed {
        notified: false,
        attempts,
        issue: Some(issue),
        issue_opened: opened,
        run_warning: refused,
        key,
    })
}
