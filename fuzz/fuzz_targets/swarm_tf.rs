//! busflow-swarm's Terraform checks on an arbitrary `.tf` file: findings
//! (a parse error is one), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let module = busflow_swarm::Module::from_sources(
            std::path::Path::new("swarm"),
            vec![(std::path::PathBuf::from("main.tf"), text.to_owned())],
            vec![(std::path::PathBuf::from("install.sh"), text.to_owned())],
        );
        let _ = busflow_swarm::check_module(&module, &busflow_swarm::TfContract::default());
        let _ = busflow_swarm::Topology::from_module(&module);
    }
});
