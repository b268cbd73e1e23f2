//! The Ubicloud crate's readers on arbitrary text: the firewall's allowed
//! CIDRs (one per line), a cutover state file, a module file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cidrs: Vec<String> = text.lines().map(str::to_owned).collect();
    if let Ok(nets) = busflow_ubicloud::api::cidr::allowed(&cidrs) {
        // What passes never contains the whole internet.
        assert!(nets.iter().all(|n| n.prefix_len() > 0), "{cidrs:?}");
    }
    let _ = serde_json::from_str::<busflow_ubicloud::cutover::RunState>(text);
    let dir = std::path::Path::new("postgres-ubicloud");
    let module = busflow_ubicloud::Module::from_sources(
        dir,
        vec![(dir.join("main.tf"), text.to_owned())],
        Vec::new(),
    );
    let _ = busflow_ubicloud::check_module(&module);
});
