//! The cutover runbook (UBI-CUT-001 … 011) as a state machine: a test per
//! transition, a run killed after every persisted step resuming to the same
//! end, and the hydration-abort and rollback paths ending with the swarm
//! database authoritative and both secrets pointing at it.

use std::sync::Mutex;
use std::time::Duration;

use busflow_ubicloud::api::{
    CreatePostgres, DbRef, FirewallRule, MetricDestination, PostgresDatabase, UbicloudApi,
};
use busflow_ubicloud::cutover::{
    CutoverConfig, Deps, DumpPinner, Hydration, Latency, Runbook, SecretFlipper, Step, Target,
};
use busflow_ubicloud::{Error, Location};

/// Ubicloud as the state machine sees it (the real client is tested against
/// the spec-validating stub in `api.rs`).
/// The database: reads so far (it runs from the second), rules, destinations.
type Db = Option<(u32, Vec<FirewallRule>, Vec<MetricDestination>)>;

#[derive(Default)]
struct Cloud {
    db: Mutex<Db>,
    creates: Mutex<u32>,
}

fn pg(polls: u32, rules: &[FirewallRule], dests: &[MetricDestination]) -> PostgresDatabase {
    serde_json::from_value(serde_json::json!({
        "id": "pgn30gjk1d1e2jj34v9x0dq4rp", "name": "busflow-production",
        "state": if polls >= 2 { "running" } else { "creating" }, "location": "eu-central-h1",
        "firewall_rules": rules.iter().map(|r| serde_json::json!({"id": r.id, "cidr": r.cidr})).collect::<Vec<_>>(),
        "metric_destinations": dests.iter().map(|d| serde_json::json!({"id": d.id, "url": d.url, "username": d.username})).collect::<Vec<_>>(),
    }))
    .expect("a database")
}

#[async_trait::async_trait]
impl UbicloudApi for Cloud {
    async fn create(&self, _: &DbRef, spec: &CreatePostgres) -> Result<PostgresDatabase, Error> {
        assert!(spec.restrict_by_default);
        *self.creates.lock().expect("lock") += 1;
        *self.db.lock().expect("lock") = Some((0, Vec::new(), Vec::new()));
        Ok(pg(0, &[], &[]))
    }
    async fn get(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        let mut guard = self.db.lock().expect("lock");
        match guard.as_mut() {
            Some((polls, rules, dests)) => {
                *polls += 1;
                Ok(pg(*polls, rules, dests))
            }
            None => panic!("`{}` read before it was created", db.reference),
        }
    }
    async fn list(&self, _: &str, _: Location) -> Result<Vec<PostgresDatabase>, Error> {
        Ok(self
            .db
            .lock()
            .expect("lock")
            .as_ref()
            .map(|(p, r, d)| vec![pg(*p, r, d)])
            .unwrap_or_default())
    }
    async fn ca_certificates(&self, _: &DbRef) -> Result<String, Error> {
        Ok("-----BEGIN CERTIFICATE-----\n".into())
    }
    async fn firewall_rules(&self, _: &DbRef) -> Result<Vec<FirewallRule>, Error> {
        Ok(self
            .db
            .lock()
            .expect("lock")
            .as_ref()
            .map(|d| d.1.clone())
            .unwrap_or_default())
    }
    async fn add_firewall_rule(
        &self,
        _: &DbRef,
        cidr: &str,
        _: &str,
    ) -> Result<FirewallRule, Error> {
        let rule = FirewallRule {
            id: format!("fr{cidr}"),
            cidr: cidr.into(),
            description: None,
            port: Some(5432),
        };
        if let Some(d) = self.db.lock().expect("lock").as_mut() {
            d.1.push(rule.clone());
        }
        Ok(rule)
    }
    async fn delete_firewall_rule(&self, _: &DbRef, id: &str) -> Result<(), Error> {
        if let Some(d) = self.db.lock().expect("lock").as_mut() {
            d.1.retain(|r| r.id != id);
        }
        Ok(())
    }
    async fn add_metric_destination(
        &self,
        db: &DbRef,
        url: &str,
        username: &str,
        _: &str,
    ) -> Result<PostgresDatabase, Error> {
        if let Some(d) = self.db.lock().expect("lock").as_mut() {
            d.2.push(MetricDestination {
                id: format!("md{}", d.2.len()),
                url: url.into(),
                username: Some(username.into()),
            });
        }
        self.get(db).await
    }
    async fn delete_metric_destination(&self, _: &DbRef, _: &str) -> Result<(), Error> {
        Ok(())
    }
    async fn create_read_replica(&self, db: &DbRef, _: &str) -> Result<PostgresDatabase, Error> {
        self.get(db).await
    }
    async fn promote(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        self.get(db).await
    }
    async fn restart(&self, db: &DbRef) -> Result<PostgresDatabase, Error> {
        self.get(db).await
    }
}

#[derive(Default)]
struct Pins(Mutex<Vec<u32>>);

#[async_trait::async_trait]
impl DumpPinner for Pins {
    async fn pin_final_dump(&self, days: u32) -> Result<String, String> {
        self.0.lock().expect("lock").push(days);
        Ok("pg_dump_20261123_0300.dump".into())
    }
}

/// Where both secrets point; can fail its first call (a crash mid-flip).
struct Secrets {
    target: Mutex<Target>,
    flips: Mutex<Vec<(Vec<String>, Target)>>,
    fail_once: Mutex<bool>,
}

impl Secrets {
    fn new(fail_once: bool) -> Self {
        Self {
            target: Mutex::new(Target::Swarm),
            flips: Mutex::new(Vec::new()),
            fail_once: Mutex::new(fail_once),
        }
    }
}

#[async_trait::async_trait]
impl SecretFlipper for Secrets {
    async fn flip(&self, secrets: [&str; 2], to: Target) -> Result<(), String> {
        if std::mem::take(&mut *self.fail_once.lock().expect("lock")) {
            return Err("the engine went away".into());
        }
        self.flips
            .lock()
            .expect("lock")
            .push((secrets.map(String::from).to_vec(), to));
        *self.target.lock().expect("lock") = to;
        Ok(())
    }
}

/// Replication whose lag follows a script (the last value repeats).
struct Replica {
    lags: Mutex<Vec<u64>>,
    backups: Mutex<u32>,
}

impl Replica {
    fn new(lags: &[u64]) -> Self {
        Self {
            lags: Mutex::new(lags.to_vec()),
            backups: Mutex::new(0),
        }
    }
}

#[async_trait::async_trait]
impl Hydration for Replica {
    async fn base_backup(&self) -> Result<(), String> {
        *self.backups.lock().expect("lock") += 1;
        Ok(())
    }
    async fn lag(&self) -> Result<Duration, String> {
        let mut lags = self.lags.lock().expect("lock");
        let v = if lags.len() > 1 {
            lags.remove(0)
        } else {
            lags[0]
        };
        Ok(Duration::from_secs(v))
    }
}

/// p99 samples (second, ms).
struct P99(Vec<(u64, f64)>);

#[async_trait::async_trait]
impl Latency for P99 {
    async fn p99_samples(&self, since: u64) -> Result<Vec<(u64, f64)>, String> {
        Ok(self
            .0
            .iter()
            .copied()
            .filter(|(t, _)| *t >= since)
            .collect())
    }
}

fn config() -> CutoverConfig {
    let mut c = CutoverConfig::documented("pj1", "busflow-production", 60, 99.0);
    c.allowed_cidrs = vec!["10.0.1.0/24".into()];
    c.metrics_url = "https://mimir.busflow.internal/api/v1/push".into();
    c.metrics_user = "ubicloud".into();
    c.baseline_p99_ms = 120.0;
    c
}

struct World {
    cloud: Cloud,
    pins: Pins,
    secrets: Secrets,
    replica: Replica,
    p99: P99,
}

impl World {
    fn new(lags: &[u64], p99: Vec<(u64, f64)>, fail_flip_once: bool) -> Self {
        Self {
            cloud: Cloud::default(),
            pins: Pins::default(),
            secrets: Secrets::new(fail_flip_once),
            replica: Replica::new(lags),
            p99: P99(p99),
        }
    }

    fn deps(&self) -> Deps<'_> {
        Deps {
            api: &self.cloud,
            pinner: &self.pins,
            flipper: &self.secrets,
            hydration: &self.replica,
            latency: &self.p99,
            metrics_password: "pw",
        }
    }
}

/// Runs to an end, a minute per step; the clock after the flip jumps so the
/// watch can end. Errors are retried (a resumed run).
async fn run_to_end(book: &mut Runbook, world: &World, mut now: u64) -> u64 {
    for _ in 0..200 {
        if book.state().is_final() {
            break;
        }
        let _ = book.step(&world.deps(), now).await;
        now += if book.state().step == Step::Watch {
            6 * 3600
        } else {
            60
        };
    }
    now
}

const T0: u64 = 1_795_400_000;

#[tokio::test]
async fn ubi_cut_002_004_every_transition_in_order_to_complete() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cutover.json");
    let world = World::new(&[300, 40, 0], vec![(T0 + 3600, 130.0)], false);
    let mut book = Runbook::open(config(), &path).expect("opens");
    let expected = [
        Step::PinDump,
        Step::Provision,
        Step::Provision,
        Step::Reconcile,
        Step::BaseBackup,
        Step::Hydrate,
        Step::Hydrate,
        Step::Hydrate,
        Step::Flip,
        Step::Watch,
    ];
    let mut now = T0;
    for want in expected {
        book.step(&world.deps(), now).await.expect("steps");
        assert_eq!(book.state().step, want, "{:#?}", book.state().log);
        // What the file says is what the run holds.
        let on_disk: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("state file"))
                .expect("json");
        assert_eq!(
            on_disk["step"],
            serde_json::to_value(&book.state().step).expect("json")
        );
        now += 60;
    }
    // UBI-CUT-004: pinned for 30 days; UBI-CUT-002: both secrets in one flip.
    assert_eq!(*world.pins.0.lock().expect("lock"), [30]);
    assert_eq!(
        world.secrets.flips.lock().expect("lock")[0],
        (
            vec![
                "busflow_db_writer".to_owned(),
                "busflow_db_reader".to_owned()
            ],
            Target::Ubicloud
        )
    );
    assert_eq!(*world.cloud.creates.lock().expect("lock"), 1);
    // Reconciled: the swarm's CIDR and the metric destination.
    let cloud = world.cloud.db.lock().expect("lock").clone().expect("db");
    assert_eq!(
        cloud.1.iter().map(|r| r.cidr.as_str()).collect::<Vec<_>>(),
        ["10.0.1.0/24"]
    );
    assert_eq!(cloud.2.len(), 1);
    // The watch ends after 72 h.
    book.step(&world.deps(), now + 71 * 3600)
        .await
        .expect("watch");
    assert_eq!(book.state().step, Step::Watch);
    book.step(&world.deps(), T0 + 80 * 3600)
        .await
        .expect("watch");
    assert_eq!(book.state().step, Step::Complete);
    assert_eq!(book.state().authoritative, Target::Ubicloud);
}

#[tokio::test]
async fn ubi_cut_002_a_state_file_that_cannot_be_written_is_a_state_error_with_its_cause() {
    let dir = tempfile::tempdir().expect("dir");
    // The folder does not exist: the step runs, its record cannot be written.
    let path = dir.path().join("missing/cutover.json");
    let world = World::new(&[300, 40, 0], vec![(T0 + 3600, 130.0)], false);
    let mut book = Runbook::open(config(), &path).expect("opens");
    let err = book.step(&world.deps(), T0).await.expect_err("cannot save");
    assert!(
        matches!(err.kind(), busflow_ubicloud::ErrorKind::StateWrite { .. }),
        "{err:?}"
    );
    let cause = std::error::Error::source(&err).expect("the I/O error is kept");
    assert!(cause.to_string().contains("No such file"), "{cause}");
    assert!(err.to_string().contains("cutover.json"), "{err}");
}

#[tokio::test]
async fn ubi_cut_001_010_preconditions_refuse_an_untriggered_or_out_of_scope_cutover() {
    let dir = tempfile::tempdir().expect("dir");
    let world = World::new(&[0], vec![], false);
    let mut c = config();
    c.tenants = 10;
    let mut book = Runbook::open(c, &dir.path().join("a.json")).expect("opens");
    let err = book
        .step(&world.deps(), T0)
        .await
        .expect_err("not triggered");
    assert!(err.to_string().contains("UBI-CUT-001"), "{err}");
    let mut c = config();
    c.secrets = vec![
        "busflow_db_writer".into(),
        "hasura_graphql_jwt_secret".into(),
    ];
    let mut book = Runbook::open(c, &dir.path().join("b.json")).expect("opens");
    let err = book
        .step(&world.deps(), T0)
        .await
        .expect_err("out of scope");
    assert!(err.to_string().contains("JWT"), "{err}");
    assert_eq!(book.state().step, Step::Preconditions);
}

#[tokio::test]
async fn ubi_cut_003_hydration_that_does_not_converge_aborts_with_the_swarm_authoritative() {
    let dir = tempfile::tempdir().expect("dir");
    let world = World::new(&[900], vec![], false);
    let mut book = Runbook::open(config(), &dir.path().join("c.json")).expect("opens");
    run_to_end(&mut book, &world, T0).await;
    assert_eq!(
        book.state().step,
        Step::HydrationAborted,
        "{:#?}",
        book.state().log
    );
    assert_eq!(book.state().authoritative, Target::Swarm);
    assert_eq!(
        *world.secrets.target.lock().expect("lock"),
        Target::Swarm,
        "both secrets still point at the swarm"
    );
    assert!(world.secrets.flips.lock().expect("lock").is_empty());
    // Restart from the base backup: a second backup is taken.
    book.retry_hydration().expect("retry");
    assert_eq!(book.state().step, Step::BaseBackup);
    book.step(&world.deps(), T0 + 10_000).await.expect("backup");
    assert_eq!(*world.replica.backups.lock().expect("lock"), 2);
}

#[tokio::test]
async fn ubi_cut_008_p99_above_twice_the_baseline_for_ten_minutes_rolls_both_secrets_back() {
    let dir = tempfile::tempdir().expect("dir");
    // The flip lands near T0 + 10 min; p99 at 300 ms (> 240) from +1 h for 11 min.
    let bad: Vec<(u64, f64)> = (0..=11).map(|m| (T0 + 3600 + m * 60, 300.0)).collect();
    let world = World::new(&[0], bad, false);
    let mut book = Runbook::open(config(), &dir.path().join("d.json")).expect("opens");
    run_to_end(&mut book, &world, T0).await;
    assert_eq!(
        book.state().step,
        Step::RolledBack,
        "{:#?}",
        book.state().log
    );
    assert_eq!(book.state().authoritative, Target::Swarm);
    let flips = world.secrets.flips.lock().expect("lock").clone();
    assert_eq!(
        flips.iter().map(|f| f.1).collect::<Vec<_>>(),
        [Target::Ubicloud, Target::Swarm]
    );
    assert!(
        flips
            .iter()
            .all(|f| f.0 == ["busflow_db_writer", "busflow_db_reader"])
    );
    // Ten minutes exactly is not a breach.
    let short: Vec<(u64, f64)> = (0..=10).map(|m| (T0 + 3600 + m * 60, 300.0)).collect();
    let world = World::new(&[0], short, false);
    let mut book = Runbook::open(config(), &dir.path().join("e.json")).expect("opens");
    run_to_end(&mut book, &world, T0).await;
    assert_eq!(book.state().step, Step::Complete);
}

#[tokio::test]
async fn a_run_killed_after_any_persisted_step_resumes_to_the_same_end() {
    let reference = {
        let dir = tempfile::tempdir().expect("dir");
        let world = World::new(&[300, 0], vec![], false);
        let mut book = Runbook::open(config(), &dir.path().join("ref.json")).expect("opens");
        run_to_end(&mut book, &world, T0).await;
        (
            book.state().step.clone(),
            book.state().authoritative,
            book.state().pinned_dump.clone(),
        )
    };
    assert_eq!(reference.0, Step::Complete);
    for kill_after in 1..12 {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("run.json");
        // One world: the cloud, the secrets and the replica outlive the process.
        let world = World::new(&[300, 0], vec![], kill_after == 7);
        let mut now = T0;
        {
            let mut first = Runbook::open(config(), &path).expect("opens");
            for _ in 0..kill_after {
                if first.state().is_final() {
                    break;
                }
                let _ = first.step(&world.deps(), now).await;
                now += 60;
            }
        } // killed: only the state file survives
        let mut resumed = Runbook::open(config(), &path).expect("resumes from the file");
        run_to_end(&mut resumed, &world, now).await;
        let got = (
            resumed.state().step.clone(),
            resumed.state().authoritative,
            resumed.state().pinned_dump.clone(),
        );
        assert_eq!(
            got,
            reference,
            "killed after {kill_after} steps: {:#?}",
            resumed.state().log
        );
        assert_eq!(
            *world.cloud.creates.lock().expect("lock"),
            1,
            "never created twice"
        );
        assert_eq!(
            *world.secrets.target.lock().expect("lock"),
            Target::Ubicloud
        );
    }
}

#[tokio::test]
async fn dry_run_prints_every_step_with_its_inputs_and_does_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let book = Runbook::open(config(), &dir.path().join("f.json")).expect("opens");
    let plan = book.plan();
    assert_eq!(plan.len(), 9);
    // UBI-CUT-009: the cost envelope is in the plan, for sign-off.
    assert!(plan[8].contains("$13.00"), "{}", plan[8]);
    assert!(plan[0].contains("60 > 50"), "{}", plan[0]);
    assert!(plan[1].contains("30 days"));
    assert!(plan[2].contains("restrict_by_default = true"));
    assert!(plan[3].contains("10.0.1.0/24"));
    assert!(plan[6].contains("one service update"));
    assert!(!dir.path().join("f.json").exists(), "a plan writes nothing");
}

#[tokio::test]
async fn a_manual_rollback_flips_both_secrets_back() {
    let dir = tempfile::tempdir().expect("dir");
    let world = World::new(&[0], vec![], false);
    let mut book = Runbook::open(config(), &dir.path().join("g.json")).expect("opens");
    for i in 0..10 {
        book.step(&world.deps(), T0 + i * 60).await.expect("steps");
        if book.state().step == Step::Watch {
            break;
        }
    }
    assert_eq!(
        *world.secrets.target.lock().expect("lock"),
        Target::Ubicloud
    );
    book.rollback(&world.deps()).await.expect("rollback");
    assert_eq!(book.state().step, Step::RolledBack);
    assert_eq!(*world.secrets.target.lock().expect("lock"), Target::Swarm);
}

#[tokio::test]
async fn ubi_cut_003_008_a_driven_run_ends_in_a_finding_of_the_clause_that_ended_it() {
    let dir = tempfile::tempdir().expect("dir");
    let at = dir.path().join("drive.json");
    // Hydration never converges: driven a minute per step, it aborts.
    let world = World::new(&[900], vec![], false);
    let mut book = Runbook::open(config(), &at).expect("opens");
    let mut now = T0;
    let mut lines = Vec::new();
    let state = book
        .drive(
            &world.deps(),
            Duration::ZERO,
            || {
                now += 60;
                now
            },
            |step, line| lines.push(format!("{step:?}: {line}")),
        )
        .await
        .expect("drives to an end");
    assert_eq!(state.step, Step::HydrationAborted);
    assert!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("Preconditions: ")),
        "{lines:#?}"
    );
    assert!(
        lines.last().is_some_and(|l| l.contains("UBI-CUT-003")),
        "{lines:#?}"
    );
    let f = state.findings(&at);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].rule_id, f[0].severity),
        ("UBI-CUT-003", busflow_ubicloud::Severity::Error)
    );
    assert!(
        f[0].message.starts_with("HydrationAborted: lag"),
        "{}",
        f[0].message
    );
    // A run that completes is information; one still going has none.
    let world = World::new(&[0], vec![(T0 + 3600, 130.0)], false);
    let mut book = Runbook::open(config(), &dir.path().join("ok.json")).expect("opens");
    assert!(book.state().findings(&at).is_empty());
    let mut now = T0;
    let state = book
        .drive(
            &world.deps(),
            Duration::ZERO,
            || {
                now += 6 * 3600;
                now
            },
            |_, _| {},
        )
        .await
        .expect("completes");
    assert_eq!(state.step, Step::Complete, "{:#?}", state.log);
    let f = state.findings(&at);
    assert_eq!(
        (f.len(), f[0].severity),
        (1, busflow_ubicloud::Severity::Info)
    );
}
