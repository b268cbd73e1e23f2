//! busflow-http: the settings every busflow HTTP client shares.
//!
//! - A client that carries a credential (a Bearer token, a webhook URL that
//!   is itself the secret) talks only `https://`. Plain `http://` is refused
//!   with [`InsecureUrl`], as the S3 client refuses it (BACKUP-015); the one
//!   exception is a loopback address behind the explicit, test-only
//!   [`HttpSettings::allow_plain_http_on_loopback`].
//! - Every client has a connect timeout and a whole-request timeout
//!   ([`HttpSettings`]), so a server that accepts and never answers cannot
//!   hold a job forever.

#![deny(missing_docs)]

use std::net::IpAddr;
use std::time::Duration;

/// Timeouts and the test-only loopback switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// How long to wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// How long one request may take, from sending to the end of the body.
    pub request_timeout: Duration,
    plain_http_on_loopback: bool,
}

impl Default for HttpSettings {
    /// 10 s to connect, 60 s a request, `https://` only.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_mins(1),
            plain_http_on_loopback: false,
        }
    }
}

impl HttpSettings {
    /// The defaults with these timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// **For tests only**: also accept `http://` when the host is a loopback
    /// address (`127.0.0.0/8`, `::1`, `localhost`), where test stubs listen.
    /// Credentials still never go over plain HTTP to any other host.
    #[must_use]
    pub fn allow_plain_http_on_loopback(mut self) -> Self {
        self.plain_http_on_loopback = true;
        self
    }

    /// Whether the test-only loopback switch is on.
    pub fn plain_http_on_loopback(&self) -> bool {
        self.plain_http_on_loopback
    }

    /// Checks that `url` may carry a credential under these settings:
    /// `https://`, or `http://` to loopback with the test-only switch on.
    pub fn check_url(&self, url: &str) -> Result<(), InsecureUrl> {
        let parsed = reqwest::Url::parse(url).map_err(|e| InsecureUrl::Invalid {
            url: redact(url),
            reason: e.to_string(),
        })?;
        match parsed.scheme() {
            "https" => Ok(()),
            "http" if self.plain_http_on_loopback && is_loopback(&parsed) => Ok(()),
            "http" => Err(InsecureUrl::PlainHttp { url: redact(url) }),
            other => Err(InsecureUrl::Invalid {
                url: redact(url),
                reason: format!("the scheme `{other}` is not https"),
            }),
        }
    }

    /// A reqwest client with these timeouts.
    pub fn client(&self) -> Result<reqwest::Client, reqwest::Error> {
        self.builder().build()
    }

    /// A reqwest client builder with these timeouts, to add to.
    pub fn builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(a)) => IpAddr::V4(a).is_loopback(),
        Some(url::Host::Ipv6(a)) => IpAddr::V6(a).is_loopback(),
        None => false,
    }
}

/// A URL without its user information, path and query: enough to say which
/// server was meant, never a secret (a Slack webhook's path is the secret).
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{}://{h}:{p}/…", u.scheme()),
            (Some(h), None) => format!("{}://{h}/…", u.scheme()),
            _ => format!("{}:…", u.scheme()),
        },
        Err(_) => "<a malformed URL>".to_owned(),
    }
}

/// A URL a credential may not be sent to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InsecureUrl {
    /// `http://`: the credential would cross the network in clear.
    #[error(
        "{url}: refusing to send a credential over plain http; use https:// (loopback test servers need the test-only switch)"
    )]
    PlainHttp {
        /// The URL, redacted by construction: scheme, host and port only
        /// (never user information, path or query).
        url: String,
    },
    /// Not a URL, or not http(s).
    #[error("{url}: not an https URL ({reason})")]
    Invalid {
        /// The URL, redacted by construction: scheme, host and port only
        /// (never user information, path or query).
        url: String,
        /// Why.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_go_over_https_only() {
        let s = HttpSettings::default();
        assert!(s.check_url("https://api.github.com").is_ok());
        for bad in [
            "http://api.github.com",
            "http://127.0.0.1:8080",
            "ftp://x",
            "not a url",
        ] {
            assert!(s.check_url(bad).is_err(), "{bad}");
        }
        let test = s.allow_plain_http_on_loopback();
        assert!(test.check_url("http://127.0.0.1:8080/x").is_ok());
        assert!(test.check_url("http://[::1]:8080").is_ok());
        assert!(test.check_url("http://localhost:1").is_ok());
        assert!(test.check_url("http://10.0.0.1").is_err());
        assert!(test.check_url("http://127.0.0.1.example.org").is_err());
    }

    #[test]
    fn errors_never_carry_the_secret_parts() {
        let e = HttpSettings::default()
            .check_url("http://user:hunter2@hooks.slack.com/services/T0/B0/xyzsecret?token=abc")
            .expect_err("plain http");
        let text = e.to_string();
        assert!(text.contains("hooks.slack.com"), "{text}");
        for secret in ["hunter2", "xyzsecret", "abc", "user"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
