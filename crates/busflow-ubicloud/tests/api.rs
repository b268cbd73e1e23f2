//! The Ubicloud client against a local server that answers from Ubicloud's
//! published OpenAPI spec (`../shared/testdata/ubicloud/ubicloud-openapi-current.yml`,
//! read in place): every request the client sends is validated against the
//! spec's paths, methods and request schemas, and answers are built from
//! the spec's schemas plus the fields real answers carry beyond it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use busflow_ubicloud::api::{
    CreatePostgres, DbRef, FirewallChanges, Token, UbicloudApi, UbicloudClient, ensure_firewall,
    ensure_metric_destination,
};
use busflow_ubicloud::{HttpSettings, Location};
use serde_json::json;
use testkit::{HttpStub, StubRequest, StubResponse};

const TOKEN: &str = "ubi-pat-51f0c2";
const PROJECT: &str = "pjkkmx0f2vke4h36nk9cm8v8q0";

/// OpenAPI 3.0's `nullable: true` as JSON Schema says it: `null` joins the
/// type.
fn openapi_nullable(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            if map.get("nullable") == Some(&json!(true))
                && let Some(t) = map.get("type").cloned()
            {
                map.insert("type".into(), json!([t, "null"]));
            }
            for child in map.values_mut() {
                openapi_nullable(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(openapi_nullable),
        _ => {}
    }
}

/// The spec, and request validation against it.
struct Spec(serde_json::Value);

impl Spec {
    fn load() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/testdata/ubicloud/ubicloud-openapi-current.yml");
        let text = std::fs::read_to_string(&path).expect("the Ubicloud spec in ../shared/testdata");
        let docs = busflow_yaml::parse(&text).expect("YAML");
        let mut spec = docs[0].to_json();
        openapi_nullable(&mut spec);
        Self(spec)
    }

    /// A schema with the spec's components beside it, so `$ref`s resolve.
    fn rooted(&self, schema: &serde_json::Value) -> serde_json::Value {
        let mut root = schema.clone();
        if let Some(obj) = root.as_object_mut() {
            obj.insert("components".into(), self.0["components"].clone());
        }
        root
    }

    /// Checks a request: a path of the spec, a method it has, and a body
    /// its request schema accepts.
    fn check(&self, method: &str, path: &str, body: &[u8]) -> Result<(), String> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.0["paths"].as_object().ok_or("no paths")?;
        let (template, item) = paths
            .iter()
            .find(|(t, _)| {
                let ts: Vec<&str> = t.trim_matches('/').split('/').collect();
                ts.len() == segments.len()
                    && ts
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .ok_or_else(|| format!("{path} is not a path of the spec"))?;
        let op = item
            .get(method.to_ascii_lowercase())
            .ok_or_else(|| format!("{method} is not a method of {template}"))?;
        match op.pointer("/requestBody/content/application~1json/schema") {
            Some(schema) => {
                let instance: serde_json::Value = serde_json::from_slice(body)
                    .map_err(|e| format!("{method} {template}: body is not JSON: {e}"))?;
                let validator =
                    jsonschema::validator_for(&self.rooted(schema)).map_err(|e| e.to_string())?;
                let errors: Vec<String> = validator
                    .iter_errors(&instance)
                    .map(|e| e.to_string())
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(format!("{method} {template}: {errors:?}"))
                }
            }
            None if body.is_empty() => Ok(()),
            None => Err(format!("{method} {template} takes no body")),
        }
    }

    /// Validates `instance` against components/schemas/`name`.
    fn conforms(&self, name: &str, instance: &serde_json::Value) -> Result<(), Vec<String>> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        let validator = jsonschema::validator_for(&self.rooted(&schema)).expect("schema");
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| e.to_string())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The database the stub holds.
#[derive(Default)]
struct State {
    created: Option<serde_json::Value>,
    rules: Vec<(String, String)>,
    destinations: Vec<(String, String, String)>,
    next: u32,
}

fn id(prefix: &str, n: u32) -> String {
    format!(
        "{prefix}{:0>24}",
        format!("{n}")
            .chars()
            .map(|c| char::from(b'a' + (c as u8 - b'0')))
            .collect::<String>()
    )
}

/// A `PostgresDatabase` as the spec describes it (every required field).
fn documented_db(state: &State) -> serde_json::Value {
    json!({
        "flavor": "standard", "ha_type": "async", "target_server_count": 2,
        "id": "pgn30gjk1d1e2jj34v9x0dq4rp", "location": "eu-central-h1", "name": "busflow-production",
        "state": "running", "storage_size_gib": 64, "version": "16", "target_version": "16",
        "vm_size": "standard-2", "maintenance_window_start_at": null, "read_replica": false,
        "fallback_active": false, "tags": [], "created_at": "2026-11-23T08:00:00Z",
        "firewall_rules": state.rules.iter().map(|(i, c)| json!({"id": i, "cidr": c, "description": "5432, 6432"})).collect::<Vec<_>>(),
    })
}

/// The same with what real answers add beyond the spec.
fn real_db(state: &State) -> serde_json::Value {
    let mut db = documented_db(state);
    let extra = json!({
        "metric_destinations": state.destinations.iter().map(|(i, u, n)| json!({"id": i, "url": u, "username": n})).collect::<Vec<_>>(),
        "read_replicas": [],
        "log_destinations": [],
        "connection_string": "postgres://postgres:secret@busflow-production.pgn30gjk1d1e2jj34v9x0dq4rp.postgres.ubicloud.com:5432/postgres?sslmode=require",
    });
    if let (Some(db), Some(extra)) = (db.as_object_mut(), extra.as_object()) {
        db.extend(extra.clone());
    }
    db
}

fn ubicloud(spec: Arc<Spec>, state: Arc<Mutex<State>>) -> HttpStub {
    HttpStub::start(move |r: &StubRequest| {
        if r.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return StubResponse::json(401, r#"{"error":{"code":401,"type":"InvalidCredentials","message":"invalid personal access token"}}"#);
        }
        if let Err(why) = spec.check(&r.method, &r.path, &r.body) {
            return StubResponse::json(400, &json!({"error": {"code": 400, "type": "InvalidRequest", "message": why}}).to_string());
        }
        let mut s = state.lock().expect("lock");
        let base = format!("/project/{PROJECT}/location/eu-central-h1/postgres/busflow-production");
        let tail = r.path.strip_prefix(&base).unwrap_or("?");
        match (r.method.as_str(), tail) {
            ("POST", "") => {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                if body["restrict_by_default"] != json!(true) {
                    // What Ubicloud does without it: open to the world.
                    s.rules = vec![("fr0".into(), "0.0.0.0/0".into()), ("fr1".into(), "::/0".into())];
                }
                s.created = Some(body);
                StubResponse::json(200, &real_db(&s).to_string())
            }
            ("GET", "/ca-certificates") => StubResponse { status: 200, content_type: "application/x-pem-file", body: "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n".into() },
            ("GET", "/firewall-rule") => StubResponse::json(200, &json!({"items": documented_db(&s)["firewall_rules"], "count": s.rules.len()}).to_string()),
            ("POST", "/firewall-rule") => {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                s.next += 1;
                let rule = (id("fr", s.next), body["cidr"].as_str().unwrap_or_default().to_owned());
                s.rules.push(rule.clone());
                StubResponse::json(200, &json!({"id": rule.0, "cidr": rule.1, "description": "5432, 6432", "port": 5432}).to_string())
            }
            ("POST", "/metric-destination") => {
                let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
                s.next += 1;
                let d = (id("pm", s.next), body["url"].as_str().unwrap_or_default().to_owned(), body["username"].as_str().unwrap_or_default().to_owned());
                s.destinations.push(d);
                StubResponse::json(200, &real_db(&s).to_string())
            }
            ("DELETE", t) if t.starts_with("/firewall-rule/") => {
                let rid = t.trim_start_matches("/firewall-rule/");
                s.rules.retain(|(i, _)| i != rid);
                StubResponse::json(204, "")
            }
            ("DELETE", t) if t.starts_with("/metric-destination/") => {
                let did = t.trim_start_matches("/metric-destination/");
                s.destinations.retain(|(i, _, _)| i != did);
                StubResponse::json(204, "")
            }
            ("GET", "") | ("POST", "/read-replica" | "/promote" | "/restart") => {
                StubResponse::json(200, &real_db(&s).to_string())
            }
            _ => StubResponse::json(404, r#"{"error":{"code":404,"type":"ResourceNotFound","message":"Sorry, we couldn’t find the resource you’re looking for."}}"#),
        }
    })
    .expect("stub starts")
}

fn db() -> DbRef {
    DbRef {
        project: PROJECT.into(),
        location: Location::FALKENSTEIN,
        reference: "busflow-production".into(),
    }
}

#[test]
fn the_stubs_documented_answer_conforms_to_the_spec() {
    let spec = Spec::load();
    let state = State {
        rules: vec![(id("fr", 1), "10.0.0.0/16".into())],
        ..State::default()
    };
    let mut db = documented_db(&state);
    // The spec's PostgresDatabase has no firewall_rules: the full answer adds them.
    db.as_object_mut().expect("object").remove("firewall_rules");
    spec.conforms("PostgresDatabase", &db)
        .expect("the documented fields conform");
    assert!(
        spec.check(
            "POST",
            &format!("/project/{PROJECT}/location/eu-central-h1/postgres/x/firewall-rule"),
            br#"{"cidr":"10.0.0.0/16","port":5432}"#
        )
        .is_err(),
        "the spec refuses unknown fields"
    );
}

#[tokio::test]
async fn ubi_tf_002_a_database_is_created_restricted_and_its_firewall_reconciled() {
    let spec = Arc::new(Spec::load());
    let state = Arc::new(Mutex::new(State::default()));
    let stub = ubicloud(spec, state.clone());
    let client = UbicloudClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let mut create = CreatePostgres::documented(64);
    create.restrict_by_default = false; // the client sets it whatever it is given
    let created = client.create(&db(), &create).await.expect("created");
    assert_eq!(
        (created.state.as_str(), created.location.as_str()),
        ("running", "eu-central-h1")
    );
    assert_eq!(
        state.lock().expect("lock").created.as_ref().expect("body")["restrict_by_default"],
        json!(true)
    );
    assert!(
        client
            .firewall_rules(&db())
            .await
            .expect("rules")
            .is_empty(),
        "restricted: no rule at all"
    );
    let cidrs = vec!["10.0.1.0/24".to_owned(), "10.0.2.5".to_owned()];
    let changes = ensure_firewall(&client, &db(), &cidrs)
        .await
        .expect("reconciled");
    assert_eq!(changes.added, ["10.0.1.0/24", "10.0.2.5/32"]);
    // Again: nothing to do.
    assert_eq!(
        ensure_firewall(&client, &db(), &cidrs)
            .await
            .expect("reconciled"),
        FirewallChanges::default()
    );
    // A rule added by hand is removed; the world is never let in.
    state
        .lock()
        .expect("lock")
        .rules
        .push(("frhand".into(), "0.0.0.0/0".into()));
    let changes = ensure_firewall(&client, &db(), &cidrs[..1])
        .await
        .expect("reconciled");
    assert_eq!(changes.removed, ["10.0.2.5/32", "0.0.0.0/0"]);
    assert!(
        ensure_firewall(&client, &db(), &["0.0.0.0/0".to_owned()])
            .await
            .is_err()
    );
    // Every request the client sent was valid by the spec (the stub answers 400 otherwise).
    assert!(
        stub.requests()
            .iter()
            .all(|r| r.header("authorization").is_some())
    );
}

#[tokio::test]
async fn the_metric_destination_ca_and_replica_endpoints_follow_the_spec() {
    let spec = Arc::new(Spec::load());
    let state = Arc::new(Mutex::new(State::default()));
    let stub = ubicloud(spec, state.clone());
    let client = UbicloudClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let url = "https://mimir.busflow.internal/api/v1/push";
    assert!(
        ensure_metric_destination(&client, &db(), url, "ubicloud", "pw1")
            .await
            .expect("added")
    );
    assert!(
        !ensure_metric_destination(&client, &db(), url, "ubicloud", "pw1")
            .await
            .expect("kept")
    );
    // Rotated credentials: the new one is added and the old one removed.
    assert!(
        ensure_metric_destination(&client, &db(), url, "ubicloud-2", "pw2")
            .await
            .expect("rotated")
    );
    let now = client.get(&db()).await.expect("get");
    assert_eq!(now.metric_destinations.len(), 1);
    assert_eq!(
        now.metric_destinations[0].username.as_deref(),
        Some("ubicloud-2")
    );
    assert!(
        client
            .ca_certificates(&db())
            .await
            .expect("ca")
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    client
        .create_read_replica(&db(), "busflow-production-replica")
        .await
        .expect("replica");
    client.promote(&db()).await.expect("promote");
    client.restart(&db()).await.expect("restart");
    assert!(
        stub.requests()
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

#[tokio::test]
async fn errors_name_ubiclouds_answer_and_never_the_token() {
    let spec = Arc::new(Spec::load());
    let stub = ubicloud(spec, Arc::new(Mutex::new(State::default())));
    let wrong = UbicloudClient::with_settings(
        stub.base_url(),
        Token::new("wrong-token"),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let err = wrong.get(&db()).await.expect_err("unauthorised");
    assert!(err.to_string().contains("InvalidCredentials"), "{err}");
    let client = UbicloudClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let missing = DbRef {
        reference: "nope".into(),
        ..db()
    };
    let err = client.get(&missing).await.expect_err("404");
    assert!(err.to_string().contains("ResourceNotFound"), "{err}");
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn polling_waits_until_the_database_runs() {
    let spec = Arc::new(Spec::load());
    let state = Arc::new(Mutex::new(State::default()));
    let stub = ubicloud(spec, state);
    let client = UbicloudClient::with_settings(
        stub.base_url(),
        Token::new(TOKEN),
        &HttpSettings::default().allow_plain_http_on_loopback(),
    )
    .expect("client");
    let running = busflow_ubicloud::api::wait_for_state(
        &client,
        &db(),
        "running",
        std::time::Duration::from_millis(10),
        std::time::Duration::from_secs(5),
    )
    .await
    .expect("running");
    assert_eq!(running.vm_size, "standard-2");
    let err = busflow_ubicloud::api::wait_for_state(
        &client,
        &db(),
        "deleting",
        std::time::Duration::from_millis(10),
        std::time::Duration::from_millis(50),
    )
    .await
    .expect_err("never deleting");
    assert!(err.to_string().contains("still `running`"), "{err}");
}

#[test]
fn the_token_is_never_sent_over_plain_http() {
    for base in ["http://api.ubicloud.com", "http://127.0.0.1:1", "ftp://x"] {
        let err = UbicloudClient::new(base, Token::new("secret-token-1")).expect_err(base);
        let text = err.to_string();
        assert!(!text.contains("secret-token-1"), "{text}");
    }
    let text = UbicloudClient::new("http://127.0.0.1:1", Token::new("t"))
        .expect_err("plain http")
        .to_string();
    assert!(text.contains("plain http"), "{text}");
    // Loopback only behind the test-only switch, and still never elsewhere.
    let tests = HttpSettings::default().allow_plain_http_on_loopback();
    assert!(UbicloudClient::with_settings("http://127.0.0.1:1", Token::new("t"), &tests).is_ok());
    assert!(UbicloudClient::with_settings("http://10.0.0.1", Token::new("t"), &tests).is_err());
}
