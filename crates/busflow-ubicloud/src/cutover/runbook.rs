//! The cutover runbook as a resumable state machine. Every transition is
//! written to the state file *before* its action runs, and every action is
//! idempotent, so a run killed at any point resumes safely from the file.
//!
//! Preconditions (UBI-CUT-001 trigger, UBI-CUT-011 residency, UBI-CUT-010
//! scope) → pin the final pre-cutover dump for 30 days (UBI-CUT-004) →
//! provision (restricted) and reconcile firewall and metrics → base backup
//! → hydration until replication lag converges, or abort after 60 min with
//! the swarm database authoritative (UBI-CUT-003) → the atomic
//! reader/writer flip (UBI-CUT-002) → the 72 h watch with the p99
//! rollback criterion (UBI-CUT-008) → complete, or rolled back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::policy::{IN_SCOPE, check_scope, cutover_required};
use crate::api::{CreatePostgres, DbRef, UbicloudApi, ensure_firewall, ensure_metric_destination};
use crate::catalog::{UBI_CUT_002, UBI_CUT_003, UBI_CUT_008};
use crate::error::Error;
use crate::{Finding, Pos};

/// Where the writer and reader secrets point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The containerised PostgreSQL in the swarm.
    Swarm,
    /// The Ubicloud database.
    Ubicloud,
}

/// Pins a dump so retention keeps it (busflow-backup's pins, composed by
/// the caller).
#[async_trait::async_trait]
pub trait DumpPinner: Send + Sync {
    /// Pins the newest dump for `days`; returns its key. Pinning the same
    /// dump twice is not an error.
    async fn pin_final_dump(&self, days: u32) -> Result<String, String>;
}

/// Flips `busflow_db_writer` and `busflow_db_reader` together, in one
/// service update (busflow-swarm's secret swap, composed by the caller).
#[async_trait::async_trait]
pub trait SecretFlipper: Send + Sync {
    /// Points both secrets at `to`; idempotent.
    async fn flip(&self, secrets: [&str; 2], to: Target) -> Result<(), String>;
}

/// The replication from the swarm database into Ubicloud.
#[async_trait::async_trait]
pub trait Hydration: Send + Sync {
    /// Takes (or retakes) the base backup and starts replicating.
    async fn base_backup(&self) -> Result<(), String>;
    /// The current replication lag.
    async fn lag(&self) -> Result<Duration, String>;
}

/// p99 API latency after the flip, in milliseconds, by UNIX second.
#[async_trait::async_trait]
pub trait Latency: Send + Sync {
    /// The samples since `since`.
    async fn p99_samples(&self, since: u64) -> Result<Vec<(u64, f64)>, String>;
}

/// The cutover's inputs, with the documented numbers as defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CutoverConfig {
    /// Tenants on the platform.
    pub tenants: u32,
    /// The contractual SLA in percent.
    pub sla_percent: f64,
    /// The database to create.
    pub project: String,
    /// Its name.
    pub name: String,
    /// Its size (`standard-2`).
    pub tier: String,
    /// Storage in GiB.
    pub storage_gib: u32,
    /// The swarm's CIDRs.
    pub allowed_cidrs: Vec<String>,
    /// The Mimir remote-write URL and user (the password comes from the environment).
    pub metrics_url: String,
    /// The remote-write user.
    pub metrics_user: String,
    /// Secrets the flip changes (checked against UBI-CUT-010).
    pub secrets: Vec<String>,
    /// Days the final dump is pinned (30).
    pub pin_days: u32,
    /// Lag that counts as converged.
    pub lag_ok: Duration,
    /// Hydration deadline (60 min).
    pub hydration_deadline: Duration,
    /// The watch after the flip (72 h).
    pub watch: Duration,
    /// p99 before the cutover, in ms.
    pub baseline_p99_ms: f64,
    /// Rollback when p99 exceeds this multiple of the baseline (2)…
    pub rollback_factor: f64,
    /// …for longer than this (10 min).
    pub rollback_after: Duration,
}

impl CutoverConfig {
    /// The documented numbers for a database `name` in `project`.
    pub fn documented(project: &str, name: &str, tenants: u32, sla_percent: f64) -> Self {
        Self {
            tenants,
            sla_percent,
            project: project.into(),
            name: name.into(),
            tier: "standard-2".into(),
            storage_gib: 64,
            allowed_cidrs: Vec::new(),
            metrics_url: String::new(),
            metrics_user: String::new(),
            secrets: IN_SCOPE.map(String::from).to_vec(),
            pin_days: 30,
            lag_ok: Duration::from_secs(1),
            hydration_deadline: Duration::from_hours(1),
            watch: Duration::from_hours(72),
            baseline_p99_ms: 0.0,
            rollback_factor: 2.0,
            rollback_after: Duration::from_mins(10),
        }
    }
}

/// A step of the runbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Check trigger, residency and scope.
    Preconditions,
    /// Pin the final pre-cutover dump.
    PinDump,
    /// Create the database (restricted) and wait for it.
    Provision,
    /// Firewall rules and metric destination.
    Reconcile,
    /// Base backup and start of replication.
    BaseBackup,
    /// Wait for the lag to converge, within the deadline.
    Hydrate,
    /// Flip both secrets to Ubicloud.
    Flip,
    /// Watch p99 for 72 h.
    Watch,
    /// Done: Ubicloud is authoritative.
    Complete,
    /// Hydration missed its deadline: the swarm stays authoritative; run
    /// again to restart from the base backup.
    HydrationAborted,
    /// p99 breached the criterion: both secrets point at the swarm again.
    RolledBack,
}

impl RunState {
    /// Reads a state file: a regular file (busflow-fs), JSON of this shape.
    /// Anything else is an error that names the file and where it stopped
    /// being a state file; its content is never echoed.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = busflow_fs::read_arg(path, &busflow_fs::Limits::default()).map_err(|e| {
            let detail = format!("cannot read the state file ({e})");
            Error::state_file(path, detail, Some(e))
        })?;
        serde_json::from_str(&text).map_err(|e| {
            Error::state_file(
                path,
                format!(
                    "line {} column {}: not a cutover state file ({:?} error)",
                    e.line(),
                    e.column(),
                    e.classify()
                ),
                None,
            )
        })
    }
}

/// The persisted run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// The step to do next (or the end reached).
    pub step: Step,
    /// Whether that step's action had started when the file was written.
    pub started: bool,
    /// The pinned dump.
    pub pinned_dump: Option<String>,
    /// When hydration began (UNIX seconds).
    pub hydration_started: Option<u64>,
    /// When the flip completed.
    pub flipped_at: Option<u64>,
    /// Where the secrets point.
    pub authoritative: Target,
    /// Base-backup attempts.
    pub attempts: u32,
    /// What happened, in order.
    pub log: Vec<String>,
}

impl RunState {
    fn new() -> Self {
        Self {
            step: Step::Preconditions,
            started: false,
            pinned_dump: None,
            hydration_started: None,
            flipped_at: None,
            authoritative: Target::Swarm,
            attempts: 0,
            log: Vec::new(),
        }
    }

    /// How the run stands as findings at `at` (the state file): a run that
    /// ended aborted (UBI-CUT-003) or rolled back (UBI-CUT-008) is an error
    /// of that clause with the run's last log line; a complete run is
    /// information; a run still going has none.
    pub fn findings(&self, at: &Path) -> Vec<Finding> {
        let last = self.log.last().map_or("", String::as_str);
        let (rule, help) = match self.step {
            Step::HydrationAborted => (
                &UBI_CUT_003,
                "the swarm database stays authoritative; fix replication, then `ubicloud-cutover run` restarts from the base backup",
            ),
            Step::RolledBack => (
                &UBI_CUT_008,
                "both secrets point at the swarm again; find the latency's cause before running the cutover again",
            ),
            Step::Complete => {
                return vec![
                    Finding::new(&UBI_CUT_002, at, Pos::START, format!("complete: {last}"))
                        .with_severity(crate::Severity::Info),
                ];
            }
            _ => return Vec::new(),
        };
        vec![Finding::new(rule, at, Pos::START, format!("{:?}: {last}", self.step)).with_help(help)]
    }

    /// Whether the run has ended (complete, rolled back, or aborted).
    pub fn is_final(&self) -> bool {
        matches!(
            self.step,
            Step::Complete | Step::RolledBack | Step::HydrationAborted
        )
    }
}

/// What a run acts on.
pub struct Deps<'a> {
    /// Ubicloud.
    pub api: &'a dyn UbicloudApi,
    /// The final dump's pin.
    pub pinner: &'a dyn DumpPinner,
    /// The secret flip.
    pub flipper: &'a dyn SecretFlipper,
    /// Replication.
    pub hydration: &'a dyn Hydration,
    /// p99 samples.
    pub latency: &'a dyn Latency,
    /// The metric destination's password.
    pub metrics_password: &'a str,
}

/// The runbook, bound to its state file.
#[derive(Debug)]
pub struct Runbook {
    config: CutoverConfig,
    path: PathBuf,
    state: RunState,
}

fn fail(step: &str, why: impl std::fmt::Display) -> Error {
    Error::api(&format!("cutover step {step}"), why.to_string())
}

impl Runbook {
    /// Opens the run recorded at `path`, or starts a new one.
    pub fn open(config: CutoverConfig, path: &Path) -> Result<Self, Error> {
        let state = if path.exists() || path.is_symlink() {
            RunState::load(path)?
        } else {
            RunState::new()
        };
        Ok(Self {
            config,
            path: path.to_path_buf(),
            state,
        })
    }

    /// The run's state.
    pub fn state(&self) -> &RunState {
        &self.state
    }

    /// Writes the state (a temporary file, then a rename); an I/O failure is
    /// a [`crate::ErrorKind::StateWrite`] with its cause, not an API error.
    fn save(&self) -> Result<(), Error> {
        let write = |path: &Path| Error::state_write(path, std::io::Error::other("serialise"));
        let text = serde_json::to_string_pretty(&self.state).map_err(|_| write(&self.path))?;
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::state_write(&self.path, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| Error::state_write(&self.path, e))
    }

    fn advance(&mut self, next: Step, note: String) -> Result<(), Error> {
        self.state.log.push(note);
        self.state.step = next;
        self.state.started = false;
        self.save()
    }

    fn db(&self) -> DbRef {
        DbRef {
            project: self.config.project.clone(),
            location: crate::location::Location::FALKENSTEIN,
            reference: self.config.name.clone(),
        }
    }

    /// Every step the run would take from where it stands, with its inputs
    /// (`--dry-run`); nothing is done.
    pub fn plan(&self) -> Vec<String> {
        let c = &self.config;
        let all = [
            (
                Step::Preconditions,
                format!(
                    "check: tenants {} > 50 or SLA {} % ≥ 99.5 (UBI-CUT-001); location fsn1 = eu-central-h1 (UBI-CUT-011); only {:?} change (UBI-CUT-010)",
                    c.tenants, c.sla_percent, c.secrets
                ),
            ),
            (
                Step::PinDump,
                format!(
                    "pin the final pre-cutover dump for {} days (UBI-CUT-004)",
                    c.pin_days
                ),
            ),
            (
                Step::Provision,
                format!(
                    "create {} ({} {} GiB, HA async, PostgreSQL 16) in {} with restrict_by_default = true, wait for `running`",
                    c.name, c.tier, c.storage_gib, c.project
                ),
            ),
            (
                Step::Reconcile,
                format!(
                    "firewall = {:?} on 5432/6432; metrics to {} as {}",
                    c.allowed_cidrs, c.metrics_url, c.metrics_user
                ),
            ),
            (
                Step::BaseBackup,
                "take the base backup from the swarm database and start replication".into(),
            ),
            (
                Step::Hydrate,
                format!(
                    "wait until replication lag ≤ {:?}; abort after {:?} with the swarm authoritative (UBI-CUT-003)",
                    c.lag_ok, c.hydration_deadline
                ),
            ),
            (
                Step::Flip,
                format!(
                    "flip {:?} to Ubicloud in one service update (UBI-CUT-002)",
                    c.secrets
                ),
            ),
            (
                Step::Watch,
                format!(
                    "watch p99 for {:?}: above {}× {} ms for more than {:?} rolls back (UBI-CUT-008)",
                    c.watch, c.rollback_factor, c.baseline_p99_ms, c.rollback_after
                ),
            ),
        ];
        let from = all
            .iter()
            .position(|(s, _)| *s == self.state.step)
            .unwrap_or(all.len());
        let mut plan: Vec<String> = all[from..]
            .iter()
            .map(|(s, d)| format!("{s:?}: {d}"))
            .collect();
        // UBI-CUT-009: what the parallel run costs, for Finance.
        let envelope = crate::cost::CostEnvelope::for_tier(&c.tier, crate::cost::HaType::Async, 3)
            .map_or_else(
                || format!("tier `{}` is not in the price table", c.tier),
                |e| e.to_string(),
            );
        plan.push(format!("Cost (UBI-CUT-009): {envelope}"));
        plan
    }

    /// Runs one step at time `now` (UNIX seconds): the state file says the
    /// step started before its action, and the next step after it.
    pub async fn step(&mut self, deps: &Deps<'_>, now: u64) -> Result<&RunState, Error> {
        if self.state.is_final() {
            return Ok(&self.state);
        }
        self.state.started = true;
        self.save()?;
        let c = self.config.clone();
        match self.state.step.clone() {
            Step::Preconditions => self.preconditions(&c)?,
            Step::PinDump => {
                let key = deps
                    .pinner
                    .pin_final_dump(c.pin_days)
                    .await
                    .map_err(|e| fail("pin", e))?;
                self.state.pinned_dump = Some(key.clone());
                self.advance(
                    Step::Provision,
                    format!("pinned {key} for {} days", c.pin_days),
                )?;
            }
            Step::Provision => self.provision(deps, &c).await?,
            Step::Reconcile => {
                let db = self.db();
                let changes = ensure_firewall(deps.api, &db, &c.allowed_cidrs).await?;
                ensure_metric_destination(
                    deps.api,
                    &db,
                    &c.metrics_url,
                    &c.metrics_user,
                    deps.metrics_password,
                )
                .await?;
                self.advance(
                    Step::BaseBackup,
                    format!(
                        "firewall +{:?} -{:?}; metrics to {}",
                        changes.added, changes.removed, c.metrics_url
                    ),
                )?;
            }
            Step::BaseBackup => {
                deps.hydration
                    .base_backup()
                    .await
                    .map_err(|e| fail("base backup", e))?;
                self.state.attempts += 1;
                self.state.hydration_started = Some(now);
                self.advance(
                    Step::Hydrate,
                    format!("base backup {} taken", self.state.attempts),
                )?;
            }
            Step::Hydrate => self.hydrate(deps, &c, now).await?,
            Step::Flip => {
                let secrets = [c.secrets[0].as_str(), c.secrets[1].as_str()];
                deps.flipper
                    .flip(secrets, Target::Ubicloud)
                    .await
                    .map_err(|e| fail("flip", e))?;
                self.state.authoritative = Target::Ubicloud;
                self.state.flipped_at = Some(now);
                self.advance(
                    Step::Watch,
                    "writer and reader flipped to Ubicloud in one update".into(),
                )?;
            }
            Step::Watch => self.watch(deps, &c, now).await?,
            Step::Complete | Step::HydrationAborted | Step::RolledBack => {}
        }
        Ok(&self.state)
    }

    fn preconditions(&mut self, c: &CutoverConfig) -> Result<(), Error> {
        if !cutover_required(c.tenants, c.sla_percent) {
            return Err(fail(
                "preconditions",
                format!(
                    "not triggered: {} tenants, SLA {} % (UBI-CUT-001)",
                    c.tenants, c.sla_percent
                ),
            ));
        }
        let secrets: Vec<&str> = c.secrets.iter().map(String::as_str).collect();
        check_scope(&secrets).map_err(|e| fail("preconditions", e))?;
        if !crate::location::Location::FALKENSTEIN.is_resident() {
            return Err(fail("preconditions", "residency (UBI-CUT-011)"));
        }
        self.advance(Step::PinDump, "preconditions hold".into())?;
        Ok(())
    }

    async fn provision(&mut self, deps: &Deps<'_>, c: &CutoverConfig) -> Result<(), Error> {
        let db = self.db();
        let exists = deps
            .api
            .list(&c.project, db.location)
            .await?
            .iter()
            .any(|d| d.name == c.name);
        if !exists {
            let mut spec = CreatePostgres::documented(c.storage_gib);
            spec.size.clone_from(&c.tier);
            deps.api.create(&db, &spec).await?;
        }
        let running = deps.api.get(&db).await?;
        if !running.is("running") {
            // Not yet: the step stays, to be run again.
            self.state.started = false;
            self.save()?;
            return Ok(());
        }
        self.advance(Step::Reconcile, format!("{} is running", running.name))?;
        Ok(())
    }

    async fn hydrate(&mut self, deps: &Deps<'_>, c: &CutoverConfig, now: u64) -> Result<(), Error> {
        let lag = deps.hydration.lag().await.map_err(|e| fail("hydrate", e))?;
        let since = now.saturating_sub(self.state.hydration_started.unwrap_or(now));
        if lag <= c.lag_ok {
            self.advance(Step::Flip, format!("lag {lag:?} after {since} s"))?;
        } else if Duration::from_secs(since) >= c.hydration_deadline {
            self.state.authoritative = Target::Swarm;
            self.advance(Step::HydrationAborted, format!("lag {lag:?} after {since} s: aborted, the swarm database stays authoritative (UBI-CUT-003)"))?;
        } else {
            self.state.started = false;
            self.save()?;
        }
        Ok(())
    }

    async fn watch(&mut self, deps: &Deps<'_>, c: &CutoverConfig, now: u64) -> Result<(), Error> {
        let flipped = self.state.flipped_at.unwrap_or(now);
        let samples = deps
            .latency
            .p99_samples(flipped)
            .await
            .map_err(|e| fail("watch", e))?;
        if let Some(from) = breach(&samples, c) {
            let secrets = [c.secrets[0].as_str(), c.secrets[1].as_str()];
            deps.flipper
                .flip(secrets, Target::Swarm)
                .await
                .map_err(|e| fail("rollback", e))?;
            self.state.authoritative = Target::Swarm;
            self.advance(Step::RolledBack, format!("p99 above {}× baseline since {from} for more than {:?}: rolled back to the swarm (UBI-CUT-008)", c.rollback_factor, c.rollback_after))?;
        } else if Duration::from_secs(now.saturating_sub(flipped)) >= c.watch {
            self.advance(
                Step::Complete,
                "72 h watch passed: Ubicloud is authoritative".into(),
            )?;
        } else {
            self.state.started = false;
            self.save()?;
        }
        Ok(())
    }

    /// Runs steps until the run ends, at the times `clock` gives (UNIX
    /// seconds; [`system_clock`] in production): each log line goes to
    /// `on_log` with the step that wrote it; a step that is waiting
    /// (provisioning, hydration, the watch) is tried again after `poll`.
    /// An error stops the drive with the state file saying where.
    pub async fn drive(
        &mut self,
        deps: &Deps<'_>,
        poll: Duration,
        mut clock: impl FnMut() -> u64,
        mut on_log: impl FnMut(&Step, &str),
    ) -> Result<&RunState, Error> {
        while !self.state.is_final() {
            let (step, logged) = (self.state.step.clone(), self.state.log.len());
            self.step(deps, clock()).await?;
            for line in &self.state.log[logged..] {
                on_log(&step, line);
            }
            if self.state.step == step && !self.state.is_final() {
                tokio::time::sleep(poll).await;
            }
        }
        Ok(&self.state)
    }

    /// After a hydration abort: start again from the base backup.
    pub fn retry_hydration(&mut self) -> Result<(), Error> {
        if self.state.step != Step::HydrationAborted {
            return Err(fail("retry", "only an aborted hydration is retried"));
        }
        self.advance(
            Step::BaseBackup,
            "hydration restarted from the base backup".into(),
        )
    }

    /// Rolls back by hand: both secrets to the swarm.
    pub async fn rollback(&mut self, deps: &Deps<'_>) -> Result<(), Error> {
        let secrets = [
            self.config.secrets[0].as_str(),
            self.config.secrets[1].as_str(),
        ];
        self.state.started = true;
        self.save()?;
        deps.flipper
            .flip(secrets, Target::Swarm)
            .await
            .map_err(|e| fail("rollback", e))?;
        self.state.authoritative = Target::Swarm;
        self.advance(Step::RolledBack, "rolled back by hand".into())
    }
}

/// The system's clock in UNIX seconds, for [`Runbook::drive`].
pub fn system_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// UBI-CUT-008: the start of a run of samples above `factor × baseline`
/// lasting longer than `rollback_after`, if any.
fn breach(samples: &[(u64, f64)], c: &CutoverConfig) -> Option<u64> {
    let limit = c.baseline_p99_ms * c.rollback_factor;
    let mut start: Option<u64> = None;
    for (t, p99) in samples {
        if *p99 > limit {
            let s = *start.get_or_insert(*t);
            if Duration::from_secs(t.saturating_sub(s)) > c.rollback_after {
                return Some(s);
            }
        } else {
            start = None;
        }
    }
    None
}
