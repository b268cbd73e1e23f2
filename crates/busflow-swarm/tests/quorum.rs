//! SWARM-QUORUM-001 and SWARM-QUORUM-002: the quorum decision and the shrink
//! runbook.

use std::path::Path;

use busflow_swarm::{Module, QuorumPlan, RunbookStep, Threshold, Topology};

const MVP: Topology = Topology {
    managers: 1,
    stateful_worker: false,
    observability_worker: false,
};
const QUORUM: Topology = Topology {
    managers: 3,
    stateful_worker: true,
    observability_worker: true,
};

#[test]
fn swarm_quorum_001_below_the_threshold_the_mvp_is_valid_with_its_risk_accepted() {
    let plan = QuorumPlan::decide(Threshold::default(), 50, 99.5, MVP, MVP);
    assert!(!plan.expansion_required);
    assert!(plan.satisfied, "{plan:?}");
    assert_eq!(plan.accepted_risks.len(), 1);
    assert!(plan.accepted_risks[0].contains("single point of failure"));
    assert!(plan.shrink.is_none());
}

#[test]
fn swarm_quorum_001_more_tenants_or_a_higher_sla_require_the_quorum() {
    for (tenants, sla) in [(51, 99.0), (10, 99.9)] {
        let plan = QuorumPlan::decide(Threshold::default(), tenants, sla, MVP, MVP);
        assert!(plan.expansion_required);
        assert!(!plan.satisfied);
        assert_eq!(plan.required, QUORUM);
        assert_eq!(plan.problems.len(), 3, "{:?}", plan.problems);
        assert!(plan.authorize(&[]).is_err());
        let grown = QuorumPlan::decide(Threshold::default(), tenants, sla, MVP, QUORUM);
        assert!(grown.satisfied, "{grown:?}");
        assert!(grown.accepted_risks.is_empty());
        assert!(grown.authorize(&[]).is_ok());
    }
    // An even count is never valid.
    let four = Topology {
        managers: 4,
        ..QUORUM
    };
    let plan = QuorumPlan::decide(Threshold::default(), 100, 99.9, QUORUM, four);
    assert!(!plan.satisfied);
    assert!(plan.problems[0].contains("even"));
}

#[test]
fn swarm_quorum_001_the_reference_module_declares_the_quorum_topology() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra/terraform/modules/swarm");
    let module = Module::load(&dir).expect("loads");
    let topology = Topology::from_module(&module).expect("evaluates");
    assert_eq!(
        topology,
        Topology {
            managers: 1,
            ..QUORUM
        }
    );
    let plan = QuorumPlan::decide(Threshold::default(), 60, 99.5, topology, topology);
    assert!(!plan.satisfied, "1 manager with 60 tenants");
    assert_eq!(plan.problems, vec!["1 managers, 3 required".to_owned()]);
}

#[test]
fn swarm_quorum_002_a_shrink_is_refused_until_its_runbook_is_done() {
    let five = Topology {
        managers: 5,
        ..QUORUM
    };
    let plan = QuorumPlan::decide(Threshold::default(), 100, 99.9, five, QUORUM);
    assert!(plan.satisfied);
    let steps = plan.shrink.clone().expect("a shrink carries its runbook");
    assert_eq!(
        steps,
        vec![
            RunbookStep::Demote {
                node: "manager-5".into()
            },
            RunbookStep::Leave {
                node: "manager-5".into()
            },
            RunbookStep::Demote {
                node: "manager-4".into()
            },
            RunbookStep::Leave {
                node: "manager-4".into()
            },
            RunbookStep::Apply { manager_count: 3 },
        ]
    );
    let err = plan.authorize(&[]).expect_err("nothing done yet");
    assert!(
        err.to_string().contains("docker node demote manager-5"),
        "{err}"
    );
    let err = plan.authorize(&steps[..2]).expect_err("manager-4 still in");
    assert!(
        err.to_string().contains("docker node demote manager-4"),
        "{err}"
    );
    // Out of order is not done.
    let swapped = [
        steps[1].clone(),
        steps[0].clone(),
        steps[2].clone(),
        steps[3].clone(),
    ];
    assert!(plan.authorize(&swapped).is_err());
    assert!(plan.authorize(&steps[..4]).is_ok());
    assert_eq!(
        steps[1].to_string(),
        "docker swarm leave --force   # on manager-5"
    );
}

#[test]
fn swarm_quorum_002_the_decision_reports_findings_of_its_clauses() {
    use busflow_swarm::{QuorumDecision, Severity};
    let module = Path::new("terraform/modules/swarm");
    let five = Topology {
        managers: 5,
        ..QUORUM
    };
    let done: Vec<RunbookStep> = ["demote:manager-5", "leave:manager-5"]
        .iter()
        .map(|s| s.parse().expect("a step"))
        .collect();
    let d = QuorumDecision::new(Threshold::default(), 100, 99.9, five, QUORUM, &done);
    let f = d.findings(module);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule_id, f[0].severity),
        ("SWARM-QUORUM-002", Severity::Error)
    );
    assert!(
        f[0].message.contains("docker node demote manager-4"),
        "{}",
        f[0].message
    );
    assert!(d.to_string().contains("shrink runbook"), "{d}");
    // Growth required but not proposed: a SWARM-QUORUM-001 error.
    let d = QuorumDecision::new(Threshold::default(), 60, 99.5, MVP, MVP, &[]);
    let f = d.findings(module);
    assert!(!f.is_empty());
    assert!(
        f.iter()
            .all(|f| f.rule_id == "SWARM-QUORUM-001" && f.severity == Severity::Error)
    );
    assert!(f[0].help.contains("3 managers"), "{}", f[0].help);
    // Below the threshold the MVP stands, its risk said as information.
    let d = QuorumDecision::new(Threshold::default(), 10, 99.0, MVP, MVP, &[]);
    assert!(d.authorised.is_ok());
    assert!(
        d.findings(module)
            .iter()
            .all(|f| f.severity == Severity::Info)
    );
    // A done step is `demote:NODE` or `leave:NODE`.
    assert!("apply:3".parse::<RunbookStep>().is_err());
    assert!("demote:".parse::<RunbookStep>().is_err());
}
