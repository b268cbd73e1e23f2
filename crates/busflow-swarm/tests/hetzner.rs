//! SWARM-OPS-003 and the live half of SWARM-TF-012, against a local server
//! that answers as Hetzner Cloud's published API does.

use std::time::{Duration, SystemTime};

use busflow_swarm::hetzner::{
    HetznerClient, ResizeDecision, ResizePolicy, Token, compare_load_balancer,
};
use busflow_swarm::{HttpSettings, TfContract};
use testkit::{HttpStub, StubRequest, StubResponse};

const TOKEN: &str = "hz-token-7f3a9c";

const VOLUME: &str = r#"{"volume":{"id":4711,"created":"2026-01-05T10:00:00+00:00","name":"swarm-data","server":42,"location":{"id":1,"name":"fsn1","description":"Falkenstein DC Park 1","country":"DE","city":"Falkenstein","latitude":50.47612,"longitude":12.370071,"network_zone":"eu-central"},"size":20,"linux_device":"/dev/disk/by-id/scsi-0HC_Volume_4711","protection":{"delete":false},"labels":{},"status":"available","format":"ext4"}}"#;

fn action(status: &str, progress: u8) -> String {
    format!(
        r#"{{"action":{{"id":13,"command":"resize_volume","status":"{status}","progress":{progress},"started":"2026-11-23T08:00:00+00:00","finished":null,"resources":[{{"id":4711,"type":"volume"}}],"error":null}}}}"#
    )
}

const LB: &str = r#"{"load_balancers":[{"id":7,"name":"ingress","public_net":{"enabled":true},"location":{"name":"fsn1"},"load_balancer_type":{"name":"lb11"},"protection":{"delete":false},"labels":{},"created":"2026-01-05T10:00:00+00:00","algorithm":{"type":"round_robin"},"services":[{"protocol":"http","listen_port":80,"destination_port":80,"proxyprotocol":false,"health_check":{"protocol":"http","port":80,"interval":15,"timeout":10,"retries":3,"http":{"domain":null,"path":"/healthz","response":null,"status_codes":["2??","3??"],"tls":false}},"http":{"cookie_name":"HCLBSTICKY","cookie_lifetime":300,"certificates":[],"redirect_http":false,"sticky_sessions":false}},{"protocol":"tcp","listen_port":443,"destination_port":443,"proxyprotocol":false,"health_check":{"protocol":"http","port":80,"interval":30,"timeout":10,"retries":3,"http":{"domain":null,"path":"/healthz","response":null,"status_codes":["2??"],"tls":false}}}],"targets":[{"type":"label_selector","label_selector":{"selector":"busflow-swarm=true"},"targets":[{"type":"server","server":{"id":42},"health_status":[{"listen_port":80,"status":"healthy"}],"use_private_ip":false}]}],"outgoing_traffic":null,"ingoing_traffic":null,"included_traffic":654321}],"meta":{"pagination":{"page":1,"per_page":25,"previous_page":null,"next_page":null,"last_page":1,"total_entries":1}}}"#;

fn hetzner() -> HttpStub {
    let polls = std::sync::atomic::AtomicU32::new(0);
    HttpStub::start(move |r: &StubRequest| {
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return StubResponse::json(401, r#"{"error":{"code":"unauthorized","message":"unable to authenticate","details":{}}}"#);
        }
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/volumes/4711") => StubResponse::json(200, VOLUME),
            ("GET", "/volumes/9") => StubResponse::json(404, r#"{"error":{"code":"not_found","message":"volume with ID '9' not found","details":{}}}"#),
            ("POST", "/volumes/4711/actions/resize") => {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                match body["size"].as_u64() {
                    Some(n) if n > 20 => StubResponse::json(201, &action("running", 0)),
                    _ => StubResponse::json(422, r#"{"error":{"code":"invalid_input","message":"invalid input in field 'size'","details":{"fields":[{"name":"size","messages":["size must be larger than current size"]}]}}}"#),
                }
            }
            ("GET", "/actions/13") => {
                if polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 1 {
                    StubResponse::json(200, &action("running", 50))
                } else {
                    StubResponse::json(200, &action("success", 100))
                }
            }
            ("GET", "/load_balancers?name=ingress") => StubResponse::json(200, LB),
            _ => StubResponse::json(404, r#"{"error":{"code":"not_found","message":"not found","details":{}}}"#),
        }
    })
    .expect("stub starts")
}

#[tokio::test]
async fn swarm_ops_003_a_critical_alert_resizes_online_and_waits_for_the_action() {
    let stub = hetzner();
    let client = HetznerClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let volume = client.volume(4711).await.expect("volume");
    assert_eq!((volume.size, volume.server), (20, Some(42)));
    let policy = ResizePolicy::default();
    let ResizeDecision::Resize { to_gb } = policy.decide(volume.size, None, SystemTime::now())
    else {
        panic!("a 20 GB volume grows");
    };
    assert_eq!(to_gb, 30);
    let action = client.resize_volume(4711, to_gb).await.expect("resize");
    let done = client
        .wait(action, Duration::from_millis(10), Duration::from_secs(5))
        .await
        .expect("done");
    assert_eq!(done.status, "success");
    let sent = stub.requests();
    let resize = sent.iter().find(|r| r.method == "POST").expect("a resize");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&resize.body).expect("json"),
        serde_json::json!({"size": 30})
    );
}

#[test]
fn swarm_ops_003_the_cap_and_the_cooldown_hold() {
    let policy = ResizePolicy::default();
    let now = SystemTime::now();
    assert_eq!(
        policy.decide(80, None, now),
        ResizeDecision::Resize { to_gb: 100 }
    );
    assert_eq!(policy.decide(100, None, now), ResizeDecision::AtCap);
    // Two alerts an hour apart: the second resizes nothing.
    let first = now - Duration::from_hours(1);
    assert!(matches!(
        policy.decide(30, Some(first), now),
        ResizeDecision::CoolingDown { .. }
    ));
    assert_eq!(
        policy.decide(30, Some(now - Duration::from_hours(7)), now),
        ResizeDecision::Resize { to_gb: 45 }
    );
}

#[tokio::test]
async fn errors_name_hetzners_code_and_never_the_token() {
    let stub = hetzner();
    let client = HetznerClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let err = client.volume(9).await.expect_err("missing");
    assert!(err.to_string().contains("not_found"), "{err}");
    let err = client
        .resize_volume(4711, 10)
        .await
        .expect_err("shrink refused");
    assert!(err.to_string().contains("invalid_input"), "{err}");
    let wrong = HetznerClient::with_settings(
        stub.base_url(),
        Token::new("wrong"),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let err = wrong.volume(4711).await.expect_err("unauthorized");
    assert!(err.to_string().contains("unauthorized"), "{err}");
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn swarm_tf_012_the_live_load_balancer_is_compared_with_the_contract() {
    let stub = hetzner();
    let client = HetznerClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let lb = client.load_balancer("ingress").await.expect("lb");
    let diff = compare_load_balancer(&lb, &TfContract::default());
    assert_eq!(
        diff,
        [
            "port 443: health check every 30 s, timeout 10 s, 3 retries; the contract says 15 s, 10 s, 3"
        ]
    );
}

#[test]
fn the_token_is_never_sent_over_plain_http() {
    let err = HetznerClient::new("http://api.hetzner.cloud/v1", Token::new("secret-token-2"))
        .expect_err("plain http");
    let text = err.to_string();
    assert!(
        text.contains("plain http") && !text.contains("secret-token-2"),
        "{text}"
    );
    let tests = HttpSettings::default().allow_plain_http_on_loopback();
    assert!(HetznerClient::with_settings("http://[::1]:1", Token::new("t"), &tests).is_ok());
    assert!(HetznerClient::with_settings("http://192.168.1.1", Token::new("t"), &tests).is_err());
}

/// A Hetzner volume whose size and actions the stub keeps, as the API does.
struct StubVolume {
    size: u64,
    actions: Vec<String>,
    resizes: u32,
}

fn stateful_hetzner(state: std::sync::Arc<std::sync::Mutex<StubVolume>>) -> HttpStub {
    HttpStub::start(move |r: &StubRequest| {
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return StubResponse::json(401, r#"{"error":{"code":"unauthorized","message":"unable to authenticate","details":{}}}"#);
        }
        let mut v = state.lock().expect("state");
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/volumes/4711") => StubResponse::json(
                200,
                &VOLUME.replace("\"size\":20", &format!("\"size\":{}", v.size)),
            ),
            ("GET", "/volumes/4711/actions?sort=started:desc") => StubResponse::json(
                200,
                &format!(
                    r#"{{"actions":[{}],"meta":{{"pagination":{{"page":1,"per_page":25,"previous_page":null,"next_page":null,"last_page":1,"total_entries":{}}}}}}}"#,
                    v.actions.join(","),
                    v.actions.len()
                ),
            ),
            ("POST", "/volumes/4711/actions/resize") => {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                let size = body["size"].as_u64().unwrap_or(0);
                v.size = size;
                v.resizes += 1;
                let started = jiff_now();
                let action = format!(
                    r#"{{"id":{},"command":"resize_volume","status":"success","progress":100,"started":"{started}","finished":"{started}","resources":[{{"id":4711,"type":"volume"}}],"error":null}}"#,
                    100 + v.resizes
                );
                v.actions.insert(0, action.clone());
                StubResponse::json(201, &format!(r#"{{"action":{action}}}"#))
            }
            (_, _) => StubResponse::json(404, r#"{"error":{"code":"not_found","message":"not found","details":{}}}"#),
        }
    })
    .expect("stub starts")
}

fn jiff_now() -> String {
    // RFC 3339 in UTC, as Hetzner writes it.
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .expect("rounds")
        .to_string()
}

type Outcomes = std::sync::Arc<std::sync::Mutex<Vec<busflow_swarm::hetzner::VolumeOutcome>>>;

/// The job as a webhook receiver on a free port: its URL, a stop switch and
/// the server's task.
async fn receiver(
    client: std::sync::Arc<HetznerClient>,
    outcomes: Outcomes,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), busflow_swarm::Error>>,
) {
    use busflow_swarm::hetzner::{Grow, critical_volumes, handle, serve_webhook};
    use std::fmt::Write as _;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_webhook(
        listener,
        move |body| {
            let client = client.clone();
            let outcomes = outcomes.clone();
            async move {
                let volumes = critical_volumes(&body).map_err(|e| e.to_string())?;
                let mut said = String::new();
                for v in volumes {
                    let o = handle(&client, &ResizePolicy::default(), &v, &Grow::Print, false)
                        .await
                        .map_err(|e| e.to_string())?;
                    let _ = writeln!(said, "{o:?}");
                    outcomes.lock().expect("outcomes").push(o);
                }
                Ok(said)
            }
        },
        async {
            let _ = stopped.await;
        },
    ));
    (hook, stop, server)
}

#[tokio::test]
async fn swarm_ops_003_a_real_alertmanager_fires_the_documented_rule_into_the_job_which_resizes_once()
 {
    let state = std::sync::Arc::new(std::sync::Mutex::new(StubVolume {
        size: 20,
        actions: Vec::new(),
        resizes: 0,
    }));
    let stub = stateful_hetzner(state.clone());
    let client = std::sync::Arc::new(
        HetznerClient::with_settings(
            stub.base_url(),
            Token::new(TOKEN),
            &HttpSettings::default().allow_plain_http_on_loopback(),
        )
        .expect("client"),
    );
    // The job as a webhook receiver.
    let outcomes: Outcomes = std::sync::Arc::default();
    let (hook, stop, server) = receiver(client, outcomes.clone()).await;
    // A real Alertmanager posting to it, and a real Prometheus evaluating
    // the documented rule (its `for: 2m` shortened) over a volume 99 % full.
    let alertmanager =
        testkit::Alertmanager::start(&hook, Duration::from_secs(2)).expect("Alertmanager starts");
    let rules = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/infra/observability/prometheus-rules/documented.yml"),
    )
    .expect("the documented rules")
    .replacen("for: 2m", "for: 0s", 1);
    assert!(rules.contains("alert: VolumeUsageCritical"));
    let volume = |name: &str, value: f64| {
        testkit::Series::new(name)
            .label("mountpoint", "/mnt/HC_Volume_4711")
            .label("instance", "10.0.1.5:9100")
            .value(value)
    };
    let _prometheus = testkit::Prometheus::builder()
        .series([
            volume("node_filesystem_avail_bytes", 1.0),
            volume("node_filesystem_size_bytes", 100.0),
        ])
        .rules(rules)
        .alertmanager(alertmanager.target())
        .evaluation_interval(Duration::from_secs(1))
        .start()
        .expect("Prometheus starts");

    // The first notification resizes; Alertmanager repeats the alert every
    // 2 s and the next one finds the resize in the volume's own history.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        if outcomes.lock().expect("outcomes").len() >= 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no alerts arrived: {:?}",
            outcomes.lock().expect("outcomes")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = stop.send(());
    let _ = server.await;
    let seen = outcomes.lock().expect("outcomes").clone();
    match &seen[0] {
        busflow_swarm::hetzner::VolumeOutcome::Resized {
            from_gb,
            to_gb,
            next,
        } => {
            assert_eq!((*from_gb, *to_gb), (20, 30), "{seen:?}");
            assert_eq!(
                next,
                "run on 10.0.1.5: resize2fs /dev/disk/by-id/scsi-0HC_Volume_4711"
            );
        }
        other => panic!("first: {other:?}"),
    }
    assert!(
        seen[1..]
            .iter()
            .all(|o| matches!(o, busflow_swarm::hetzner::VolumeOutcome::CoolingDown { .. })),
        "{seen:?}"
    );
    assert_eq!(
        state.lock().expect("state").resizes,
        1,
        "never twice in the cooldown"
    );
}

#[tokio::test]
async fn swarm_ops_003_a_dry_run_says_the_decision_and_changes_nothing() {
    use busflow_swarm::hetzner::{AlertedVolume, Grow, VolumeOutcome, handle};
    let state = std::sync::Arc::new(std::sync::Mutex::new(StubVolume {
        size: 20,
        actions: Vec::new(),
        resizes: 0,
    }));
    let stub = stateful_hetzner(state.clone());
    let client = HetznerClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let volume = AlertedVolume {
        id: 4711,
        mountpoint: "/mnt/HC_Volume_4711".into(),
        host: Some("10.0.1.5".into()),
    };
    let policy = ResizePolicy::default();
    let o = handle(&client, &policy, &volume, &Grow::Print, true)
        .await
        .expect("decides");
    assert_eq!(
        o,
        VolumeOutcome::WouldResize {
            from_gb: 20,
            to_gb: 30
        }
    );
    assert_eq!(
        state.lock().expect("state").resizes,
        0,
        "a dry run changes nothing"
    );
    // At the cap, a human must act.
    state.lock().expect("state").size = 100;
    let o = handle(&client, &policy, &volume, &Grow::Print, false)
        .await
        .expect("decides");
    assert_eq!(o, VolumeOutcome::AtCap { size_gb: 100 });
    assert_eq!(state.lock().expect("state").resizes, 0);
}
