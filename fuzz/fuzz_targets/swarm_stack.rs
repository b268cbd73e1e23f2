//! busflow-swarm's stack-file checks on arbitrary text: findings (a YAML
//! error is one), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let contract = busflow_swarm::StackContract::default();
        let path = std::path::Path::new("docker-compose.production.yml");
        let _ = busflow_swarm::check_stack(path, text, true, &contract);
        let _ = busflow_swarm::stack::units::parse_bytes(text);
        let _ = busflow_swarm::stack::units::parse_cpus(text);
        let _ = busflow_swarm::stack::constraint::Constraint::parse(text);
    }
});
