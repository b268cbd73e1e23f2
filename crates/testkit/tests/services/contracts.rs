#[test]
fn clause_ids_are_read_from_the_shared_contract() {
    let swarm = testkit::clause_ids(&["SWARM-"]).expect("CONTRACTS.md readable");
    assert_eq!(swarm.first().map(String::as_str), Some("SWARM-TF-001"));
    assert!(swarm.iter().any(|id| id == "SWARM-OPS-004"));
    assert!(swarm.iter().all(|id| id.starts_with("SWARM-")));
    let backup = testkit::clause_ids(&["BACKUP-"]).expect("CONTRACTS.md readable");
    assert_eq!(backup.len(), 20);
}
