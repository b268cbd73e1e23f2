//! The rule-file checks (and the YAML reader under them, with its alias
//! bound) on arbitrary bytes: findings or nothing, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = busflow_obs_rules::Config::default();
    let _ = busflow_obs_rules::check_rule_file(std::path::Path::new("rules.yml"), data, &config);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = busflow_yaml::parse(text);
    }
});
