//! Properties of the engine: valid cards and emails in random log text are
//! always redacted; text without PII comes out byte-identical; redaction is
//! idempotent; no input panics.

use busflow_pii::Redactor;
use proptest::prelude::*;

/// A Luhn-valid number of `len` digits starting with `prefix`.
fn luhn_complete(prefix: &str, body: &[u8], len: usize) -> String {
    let mut digits: Vec<u8> = prefix.bytes().map(|b| b - b'0').collect();
    digits.extend(body.iter().map(|b| b % 10));
    digits.truncate(len - 1);
    while digits.len() < len - 1 {
        digits.push(0);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(*d);
            if i % 2 == 0 {
                if v * 2 > 9 { v * 2 - 9 } else { v * 2 }
            } else {
                v
            }
        })
        .sum();
    digits.push(u8::try_from((10 - sum % 10) % 10).expect("digit"));
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

fn card() -> impl Strategy<Value = String> {
    let brand = prop_oneof![
        Just(("4", 16)),
        Just(("4", 13)),
        Just(("51", 16)),
        Just(("55", 16)),
        Just(("2221", 16)),
        Just(("34", 15)),
        Just(("37", 15)),
        Just(("6011", 16)),
        Just(("3528", 16)),
        Just(("36", 14)),
    ];
    (
        brand,
        prop::collection::vec(any::<u8>(), 18),
        prop_oneof![Just(""), Just(" "), Just("-")],
    )
        .prop_map(|((prefix, len), body, sep)| {
            let n = luhn_complete(prefix, &body, len);
            if sep.is_empty() || len != 16 {
                n
            } else {
                format!(
                    "{}{sep}{}{sep}{}{sep}{}",
                    &n[..4],
                    &n[4..8],
                    &n[8..12],
                    &n[12..]
                )
            }
        })
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9._+-]{0,12}[a-z0-9]",
        "[a-z][a-z0-9-]{0,10}[a-z0-9]",
        "(com|io|de|app|co\\.uk)",
    )
        .prop_map(|(local, domain, tld)| format!("{local}@{domain}.{tld}"))
}

/// Log text without PII: words, key=value pairs, timestamps, short numbers,
/// UUIDs, durations, versions.
fn clean_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-z]{1,10}",
            "[a-z_]{1,8}=[a-z0-9]{1,8}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z",
            "1[0-9]{12}",
            "[0-9]{1,6}",
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[0-9]{1,4}ms",
            "v[0-9]\\.[0-9]{1,2}\\.[0-9]{1,2}",
            "blk_-?[0-9]{10,19}",
        ],
        0..12,
    )
    .prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn pii_001_generated_cards_in_log_text_are_redacted(before in clean_text(), n in card(), after in clean_text()) {
        let line = format!("{before} card={n} {after}");
        let (out, found) = Redactor::default().redact(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(!out.contains(&n), "{} survived in {}", n, out);
        prop_assert!(found.iter().any(|r| r.rule_id() == "PII-001"));
    }

    #[test]
    fn pii_002_generated_emails_in_log_text_are_redacted(before in clean_text(), e in email(), after in clean_text()) {
        let line = format!("{before} user=\"{e}\" {after}");
        let (out, _) = Redactor::default().redact(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(!out.contains(&e), "{} survived in {}", e, out);
        prop_assert!(out.contains("user=\"[EMAIL]\""), "{}", out);
    }

    #[test]
    fn text_without_pii_is_unchanged(text in clean_text()) {
        let (out, found) = Redactor::default().redact(text.as_bytes());
        prop_assert!(found.is_empty(), "false positive in {:?}: {:?}", text, found);
        prop_assert_eq!(out, text.into_bytes());
    }

    #[test]
    fn redaction_is_idempotent(before in clean_text(), n in card(), e in email()) {
        let line = format!("{before} {n} {e}");
        let once = Redactor::default().redact(line.as_bytes()).0;
        let twice = Redactor::default().redact(&once).0;
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (out, found) = Redactor::default().redact(&bytes);
        for r in &found {
            prop_assert!(r.start < r.end && r.end <= bytes.len());
        }
        prop_assert!(found.is_empty() || out != bytes);
    }
}
