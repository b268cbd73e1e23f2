//! BACKUP-018 and BACKUP-019 against local servers that answer as Slack's
//! incoming webhooks and GitHub's REST API document.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use busflow_backup::{
    Backoff, GitHubIssues, HttpSettings, ISSUE_LABEL, Secret, SlackWebhook, UtcTime, dedup_key,
    route,
};
use testkit::{HttpStub, StubRequest, StubResponse};

const FAST: Backoff = Backoff {
    retries: 3,
    first: Duration::from_millis(10),
};

/// A Slack webhook that answers `status` with `body`, `fail_first` times,
/// then 200 `ok`.
fn slack(status: u16, body: &'static str, fail_first: u32) -> HttpStub {
    let calls = Arc::new(AtomicU32::new(0));
    HttpStub::start(move |_| {
        if calls.fetch_add(1, Ordering::SeqCst) < fail_first {
            StubResponse::text(status, body)
        } else {
            StubResponse::text(200, "ok")
        }
    })
    .expect("slack stub")
}

/// GitHub's issues API, with `open` already open (number, title).
fn github(open: Vec<(u64, String)>) -> HttpStub {
    HttpStub::start(move |r: &StubRequest| match (r.method.as_str(), r.path.split('?').next().unwrap_or_default()) {
        ("GET", "/repos/busflow/ops/issues") => {
            let items: Vec<String> = open
                .iter()
                .map(|(n, t)| format!("{{\"number\":{n},\"title\":{},\"state\":\"open\",\"labels\":[{{\"name\":\"{ISSUE_LABEL}\"}}]}}", serde_json::to_string(t).expect("json")))
                .collect();
            StubResponse::json(200, &format!("[{}]", items.join(",")))
        }
        ("POST", "/repos/busflow/ops/issues") => StubResponse::json(201, "{\"number\":42,\"title\":\"x\",\"state\":\"open\"}"),
        ("POST", p) if p.starts_with("/repos/busflow/ops/issues/") && p.ends_with("/comments") => StubResponse::json(201, "{\"id\":7}"),
        _ => StubResponse::json(404, "{\"message\":\"Not Found\"}"),
    })
    .expect("github stub")
}

fn now() -> UtcTime {
    UtcTime::ymd_hm(2026, 11, 23, 4, 0).expect("t")
}

/// Test stubs listen on loopback over plain http: the test-only switch.
fn loopback() -> HttpSettings {
    HttpSettings::default().allow_plain_http_on_loopback()
}

fn webhook(url: impl Into<String>) -> SlackWebhook {
    SlackWebhook::with_settings(Secret::new(url.into()), &loopback()).expect("loopback stub")
}

fn tracker(api: &str, repo: &str, token: &str) -> GitHubIssues {
    GitHubIssues::with_settings(api, repo, Secret::new(token), &loopback()).expect("loopback stub")
}

#[tokio::test]
async fn backup_018_slack_takes_the_alert() {
    let s = slack(200, "ok", 0);
    let g = github(vec![]);
    let hook = webhook(format!("{}/services/T0/B0/xyz", s.base_url()));
    let issues = tracker(g.base_url(), "busflow/ops", "ghp_secret");
    let routed = route(&hook, &issues, "verify", "BACKUP-012 failed", now(), FAST)
        .await
        .expect("routed");
    assert!(routed.notified && routed.issue.is_none() && !routed.run_warning);
    let sent = s.requests();
    assert_eq!(sent[0].method, "POST");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[0].body).expect("json")["text"],
        "BACKUP-012 failed"
    );
    assert!(g.requests().is_empty());
}

#[tokio::test]
async fn backup_018_a_slack_4xx_opens_an_issue_and_marks_the_run_as_warning() {
    let s = slack(403, "invalid_token", u32::MAX);
    let g = github(vec![]);
    let hook = webhook(format!("{}/services/T0/B0/secret-path", s.base_url()));
    let issues = tracker(g.base_url(), "busflow/ops", "ghp_secret");
    let routed = route(&hook, &issues, "verify", "BACKUP-012 failed", now(), FAST)
        .await
        .expect("routed");
    assert_eq!(
        (
            routed.attempts,
            routed.issue,
            routed.issue_opened,
            routed.run_warning
        ),
        (1, Some(42), true, true)
    );
    let calls = g.requests();
    assert_eq!(calls.len(), 2, "look up, then create");
    assert!(
        calls[0].path.contains("state=open")
            && calls[0].path.contains(&format!("labels={ISSUE_LABEL}")),
        "{}",
        calls[0].path
    );
    assert_eq!(calls[0].header("authorization"), Some("Bearer ghp_secret"));
    assert_eq!(calls[0].header("x-github-api-version"), Some("2022-11-28"));
    let created: serde_json::Value = serde_json::from_slice(&calls[1].body).expect("json");
    assert_eq!(created["title"], "[verify] 2026-W48 verify failed");
    assert_eq!(created["labels"][0], ISSUE_LABEL);
    assert!(
        !format!("{hook:?}{issues:?}").contains("secret"),
        "secrets never in Debug"
    );
}

#[tokio::test]
async fn backup_018_5xx_and_network_errors_are_retried_three_times_then_take_the_issue_path() {
    // Recovers on the third attempt: no issue.
    let s = slack(500, "rollup_error", 2);
    let g = github(vec![]);
    let hook = webhook(s.base_url().to_owned());
    let issues = tracker(g.base_url(), "busflow/ops", "t");
    let routed = route(&hook, &issues, "verify", "x", now(), FAST)
        .await
        .expect("routed");
    assert!(routed.notified && routed.attempts == 3);
    // Never recovers: 1 + 3 attempts, then an issue, and no warning mark.
    let s = slack(503, "", u32::MAX);
    let hook = webhook(s.base_url().to_owned());
    let routed = route(&hook, &issues, "verify", "x", now(), FAST)
        .await
        .expect("routed");
    assert_eq!(
        (routed.attempts, routed.issue, routed.run_warning),
        (4, Some(42), false)
    );
    assert_eq!(s.requests().len(), 4);
    // Nobody listening: network errors, same path.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let hook = webhook(format!("http://127.0.0.1:{closed}/services/secret"));
    let routed = route(&hook, &issues, "verify", "x", now(), FAST)
        .await
        .expect("routed");
    assert_eq!((routed.attempts, routed.issue), (4, Some(42)));
}

#[tokio::test]
async fn backup_019_one_issue_a_week_per_run_pattern() {
    let key = dedup_key("verify", now());
    assert_eq!(key, "[verify] 2026-W48");
    // Same ISO week across the year boundary: 2024-12-30 and 2025-01-01.
    assert_eq!(
        dedup_key("verify", UtcTime::ymd_hm(2024, 12, 30, 3, 0).expect("t")),
        dedup_key("verify", UtcTime::ymd_hm(2025, 1, 1, 3, 0).expect("t"))
    );
    let s = slack(404, "no_service", u32::MAX);
    let g = github(vec![
        (17, format!("{key} verify failed")),
        (18, "[produce] 2026-W48 produce failed".into()),
    ]);
    let hook = webhook(s.base_url().to_owned());
    let issues = tracker(g.base_url(), "busflow/ops", "t");
    let routed = route(&hook, &issues, "verify", "again", now(), FAST)
        .await
        .expect("routed");
    assert_eq!(
        (routed.issue, routed.issue_opened),
        (Some(17), false),
        "the week's open issue gets a comment"
    );
    let calls = g.requests();
    assert_eq!(
        calls.last().map(|c| c.path.as_str()),
        Some("/repos/busflow/ops/issues/17/comments")
    );
    // Next week: a new issue.
    let routed = route(
        &hook,
        &issues,
        "verify",
        "again",
        now().add_date(0, 0, 7),
        FAST,
    )
    .await
    .expect("routed");
    assert_eq!((routed.issue, routed.issue_opened), (Some(42), true));
}

#[test]
fn backup_018_webhooks_and_tokens_are_never_sent_over_plain_http() {
    let err = SlackWebhook::new(Secret::new(
        "http://hooks.slack.com/services/T0/B0/hook-secret".to_owned(),
    ))
    .expect_err("plain http");
    let text = err.to_string();
    assert!(
        text.contains("plain http") && !text.contains("hook-secret"),
        "{text}"
    );
    let err = GitHubIssues::new("http://api.github.com", "o/r", Secret::new("ghp_x"))
        .expect_err("plain http");
    assert!(err.to_string().contains("plain http"), "{err}");
    assert!(GitHubIssues::new("https://api.github.com", "o/r", Secret::new("ghp_x")).is_ok());
}
