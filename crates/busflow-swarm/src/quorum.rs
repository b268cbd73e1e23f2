//! SWARM-QUORUM-001 (when the swarm must grow to a 3-manager quorum with
//! dedicated workers) and SWARM-QUORUM-002 (a shrink carries its runbook).

use std::path::Path;

use crate::catalog::{SWARM_QUORUM_001, SWARM_QUORUM_002};
use crate::error::Error;
use crate::tf::eval::{Env, Unknown};
use crate::tf::module::Module;
use crate::{Finding, Pos, Severity};

/// When quorum expansion becomes required (documented: more than 50
/// tenants or an SLA above 99.5 %).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Expansion is required above this many tenants.
    pub tenants: u32,
    /// Expansion is required above this SLA, in percent.
    pub sla_percent: f64,
}

impl Default for Threshold {
    fn default() -> Self {
        Self {
            tenants: 50,
            sla_percent: 99.5,
        }
    }
}

/// The shape of the swarm: managers and the dedicated workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topology {
    /// Swarm managers.
    pub managers: u32,
    /// Whether a dedicated stateful worker exists.
    pub stateful_worker: bool,
    /// Whether a dedicated observability worker exists.
    pub observability_worker: bool,
}

impl Topology {
    /// The topology the module declares with its variables at their
    /// defaults: `var.manager_count`, and the two workers when their
    /// resources exist with at least one instance.
    pub fn from_module(module: &Module) -> Result<Self, Unknown> {
        let env = Env::new(module);
        let managers = env.eval_var("manager_count")?.as_num().unwrap_or(0.0);
        let exists = |name: &str| -> Result<bool, Unknown> {
            match module.resource("hcloud_server", name) {
                None => Ok(false),
                Some(b) => match b.expr("count") {
                    None => Ok(true),
                    Some(e) => Ok(env.eval(b.file, e)?.as_num().unwrap_or(0.0) >= 1.0),
                },
            }
        };
        Ok(Self {
            managers: crate::tf::eval::whole(managers).unwrap_or(0),
            stateful_worker: exists("stateful_worker")?,
            observability_worker: exists("observability_worker")?,
        })
    }
}

/// One step of the shrink runbook, done by an operator before Terraform
/// is re-applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookStep {
    /// `docker node demote <node>`, on a manager that stays.
    Demote {
        /// The manager to demote.
        node: String,
    },
    /// `docker swarm leave --force`, on the demoted node itself.
    Leave {
        /// The node that leaves.
        node: String,
    },
    /// Re-apply Terraform with the smaller count.
    Apply {
        /// The new `manager_count`.
        manager_count: u32,
    },
}

impl std::str::FromStr for RunbookStep {
    type Err = Error;

    /// A step an operator reports done: `demote:NODE` or `leave:NODE`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let step = text.split_once(':').and_then(|(kind, node)| {
            let node = node.to_owned();
            match kind {
                "demote" if !node.is_empty() => Some(Self::Demote { node }),
                "leave" if !node.is_empty() => Some(Self::Leave { node }),
                _ => None,
            }
        });
        step.ok_or_else(|| {
            Error::refused(format!(
                "a done step is `demote:NODE` or `leave:NODE`, not `{text}`"
            ))
        })
    }
}

impl std::fmt::Display for RunbookStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Demote { node } => {
                write!(f, "docker node demote {node}   # on a manager that stays")
            }
            Self::Leave { node } => write!(f, "docker swarm leave --force   # on {node}"),
            Self::Apply { manager_count } => {
                write!(f, "terraform apply -var manager_count={manager_count}")
            }
        }
    }
}

/// The decision for a change of the swarm's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct QuorumPlan {
    /// Whether expansion is required by tenants or SLA.
    pub expansion_required: bool,
    /// The smallest topology the contract accepts now.
    pub required: Topology,
    /// Whether the proposed topology satisfies it.
    pub satisfied: bool,
    /// What the proposed topology lacks.
    pub problems: Vec<String>,
    /// Risks accepted below the threshold (the single-manager MVP).
    pub accepted_risks: Vec<String>,
    /// For a shrink: the steps that must be done, in order, before the
    /// smaller count is applied.
    pub shrink: Option<Vec<RunbookStep>>,
}

impl QuorumPlan {
    /// Decides for `tenants` and `sla_percent` whether `proposed` is a valid
    /// next shape after `current`. Managers are named `manager-N` (1-based),
    /// the highest numbers leave first.
    pub fn decide(
        threshold: Threshold,
        tenants: u32,
        sla_percent: f64,
        current: Topology,
        proposed: Topology,
    ) -> Self {
        let expansion_required = tenants > threshold.tenants || sla_percent > threshold.sla_percent;
        let required = if expansion_required {
            Topology {
                managers: 3,
                stateful_worker: true,
                observability_worker: true,
            }
        } else {
            Topology {
                managers: 1,
                stateful_worker: false,
                observability_worker: false,
            }
        };
        let mut problems = Vec::new();
        if proposed.managers.is_multiple_of(2) {
            problems.push(format!(
                "{} managers is even: Raft needs an odd count",
                proposed.managers
            ));
        }
        if proposed.managers < required.managers {
            problems.push(format!(
                "{} managers, {} required",
                proposed.managers, required.managers
            ));
        }
        if required.stateful_worker && !proposed.stateful_worker {
            problems.push("no dedicated stateful worker".into());
        }
        if required.observability_worker && !proposed.observability_worker {
            problems.push("no dedicated observability worker".into());
        }
        let mut accepted_risks = Vec::new();
        if !expansion_required && proposed.managers == 1 {
            accepted_risks.push(format!(
                "a single manager is a control-plane single point of failure (accepted for the MVP: {tenants} tenants ≤ {}, SLA {sla_percent} % ≤ {} %)",
                threshold.tenants, threshold.sla_percent
            ));
        }
        let shrink = (proposed.managers < current.managers).then(|| {
            let mut steps = Vec::new();
            for n in (proposed.managers + 1..=current.managers).rev() {
                let node = format!("manager-{n}");
                steps.push(RunbookStep::Demote { node: node.clone() });
                steps.push(RunbookStep::Leave { node });
            }
            steps.push(RunbookStep::Apply {
                manager_count: proposed.managers,
            });
            steps
        });
        Self {
            expansion_required,
            required,
            satisfied: problems.is_empty(),
            problems,
            accepted_risks,
            shrink,
        }
    }

    /// SWARM-QUORUM-002: whether the smaller count may be applied, given
    /// the steps the operator reports done. A shrink is refused until every
    /// demote and leave of the runbook is done, in order; anything else
    /// that is not satisfied is refused too.
    pub fn authorize(&self, done: &[RunbookStep]) -> Result<(), Error> {
        if !self.satisfied {
            return Err(Error::refused(format!(
                "the proposed topology does not satisfy the contract: {}",
                self.problems.join("; ")
            )));
        }
        let Some(steps) = &self.shrink else {
            return Ok(());
        };
        let before_apply = &steps[..steps.len().saturating_sub(1)];
        if done.len() < before_apply.len() || done[..before_apply.len()] != *before_apply {
            let next = before_apply
                .iter()
                .zip(done.iter().map(Some).chain(std::iter::repeat(None)))
                .find(|(want, got)| Some(*want) != *got)
                .map(|(want, _)| want.to_string())
                .unwrap_or_default();
            return Err(Error::refused(format!(
                "shrinking managers needs the runbook first; next step: `{next}`"
            )));
        }
        Ok(())
    }
}

/// A decision with what it was made from, as a job reports it: the text,
/// and findings of SWARM-QUORUM-001 and 002.
#[derive(Debug)]
pub struct QuorumDecision {
    /// Tenants on the platform.
    pub tenants: u32,
    /// The SLA, in percent.
    pub sla_percent: f64,
    /// What the module declares now.
    pub current: Topology,
    /// What was proposed.
    pub proposed: Topology,
    /// The plan.
    pub plan: QuorumPlan,
    /// Whether the proposal may be applied, given the steps reported done.
    pub authorised: Result<(), Error>,
}

impl QuorumDecision {
    /// Decides for `proposed` after `current`, with the runbook steps
    /// reported `done`.
    pub fn new(
        threshold: Threshold,
        tenants: u32,
        sla_percent: f64,
        current: Topology,
        proposed: Topology,
        done: &[RunbookStep],
    ) -> Self {
        let plan = QuorumPlan::decide(threshold, tenants, sla_percent, current, proposed);
        let authorised = plan.authorize(done);
        Self {
            tenants,
            sla_percent,
            current,
            proposed,
            plan,
            authorised,
        }
    }

    /// The decision as findings at `module` (the swarm module's folder):
    /// each problem of the proposal is an error of SWARM-QUORUM-001, a
    /// shrink whose runbook is not done an error of SWARM-QUORUM-002;
    /// accepted risks are information.
    pub fn findings(&self, module: &Path) -> Vec<Finding> {
        let at = |rule, message: String| Finding::new(rule, module, Pos::START, message);
        let mut out: Vec<Finding> = self
            .plan
            .problems
            .iter()
            .map(|p| {
                at(&SWARM_QUORUM_001, format!("not satisfied: {p}")).with_help(format!(
                    "propose at least {} managers{}{}",
                    self.plan.required.managers,
                    if self.plan.required.stateful_worker {
                        ", a stateful worker"
                    } else {
                        ""
                    },
                    if self.plan.required.observability_worker {
                        " and an observability worker"
                    } else {
                        ""
                    },
                ))
            })
            .collect();
        if self.plan.satisfied
            && let Err(e) = &self.authorised
        {
            out.push(at(&SWARM_QUORUM_002, e.to_string()).with_help(
                "do the runbook's steps in order and report each with `--done`, then apply",
            ));
        }
        out.extend(self.plan.accepted_risks.iter().map(|r| {
            at(&SWARM_QUORUM_001, format!("accepted risk: {r}")).with_severity(Severity::Info)
        }));
        out
    }
}

impl std::fmt::Display for QuorumDecision {
    /// The decision as text: the inputs, the topology now and proposed, the
    /// problems and risks, the shrink runbook, and the verdict.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes = |b: bool| if b { "yes" } else { "no" };
        writeln!(
            f,
            "tenants {}, SLA {} %: quorum expansion {}",
            self.tenants,
            self.sla_percent,
            if self.plan.expansion_required {
                "required (SWARM-QUORUM-001)"
            } else {
                "not required"
            }
        )?;
        writeln!(
            f,
            "module: {} manager(s), stateful worker {}, observability worker {}; proposed: {} manager(s)",
            self.current.managers,
            yes(self.current.stateful_worker),
            yes(self.current.observability_worker),
            self.proposed.managers
        )?;
        if let Some(steps) = &self.plan.shrink {
            writeln!(
                f,
                "shrink runbook (SWARM-QUORUM-002), before re-applying Terraform:"
            )?;
            for (i, s) in steps.iter().enumerate() {
                writeln!(f, "  {}. {s}", i + 1)?;
            }
        }
        match &self.authorised {
            Ok(()) => writeln!(f, "authorised"),
            Err(e) => writeln!(f, "{e}"),
        }
    }
}
