//! The exclusions file parser on arbitrary text: an error or a value, never
//! a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = busflow_pii::Exclusions::parse(std::path::Path::new("pii-exclusions.yaml"), text);
        let _ = busflow_pii::RedactorConfig::parse(std::path::Path::new("pii-rules.yaml"), text, |_| None);
    }
});
