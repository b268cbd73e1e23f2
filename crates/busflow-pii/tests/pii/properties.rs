//! Properties of the engine: valid cards, emails, IBANs, phones and JWTs
//! in random log text are always redacted; text without PII comes out
//! byte-identical; redaction is idempotent; JSON stays JSON; no input
//! panics.

use busflow_pii::{Mode, Outcome, Redactor};
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

/// A valid IBAN: country, check digits computed by mod-97, BBAN of the
/// country's length; printed plain or in groups of four.
fn iban() -> impl Strategy<Value = String> {
    let country = prop_oneof![
        Just(("DE", 22)),
        Just(("FR", 27)),
        Just(("NL", 18)),
        Just(("AT", 20)),
        Just(("IT", 27))
    ];
    (country, "[0-9]{30}", any::<bool>()).prop_map(|((cc, len), digits, spaced)| {
        let bban = &digits[..len - 4];
        let numeric: String = format!("{bban}{cc}00")
            .chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    c.to_string()
                } else {
                    (c as u32 - 'A' as u32 + 10).to_string()
                }
            })
            .collect();
        let rem = numeric
            .bytes()
            .fold(0u32, |acc, d| (acc * 10 + u32::from(d - b'0')) % 97);
        let plain = format!("{cc}{:02}{bban}", 98 - rem);
        if spaced {
            plain
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("ascii"))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            plain
        }
    })
}

/// A phone number: E.164 (German, grouped or not) or German national.
fn phone() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\+49 [1-9][0-9]{1,3} [1-9][0-9]{5,7}",
        "\\+49[1-9][0-9]{8,10}",
        "\\+[1-9][0-9] [0-9]{3} [0-9]{3} [0-9]{4}",
        "0[2-9][0-9]{1,3}[ /-][1-9][0-9]{5,7}",
        "01[5-7][0-9]{8}",
    ]
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (k, b)| acc | u32::from(*b) << (16 - 8 * k));
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// A JWT: a JSON header, a JSON payload and a signature, base64url.
fn jwt() -> impl Strategy<Value = String> {
    (
        "(HS256|RS256|ES384|none)",
        "[a-z0-9]{1,12}",
        prop::collection::vec(any::<u8>(), 0..48),
    )
        .prop_map(|(alg, sub, sig)| {
            let header = format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
            let payload = format!("{{\"sub\":\"{sub}\",\"iat\":1516239022}}");
            format!(
                "{}.{}.{}",
                b64url(header.as_bytes()),
                b64url(payload.as_bytes()),
                b64url(&sig)
            )
        })
}

/// Log text without PII: words, key=value pairs, timestamps, short numbers,
/// UUIDs, durations, versions.
fn clean_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-z]{1,10}",
            "[a-z_]{1,8}=[a-z][a-z0-9]{0,7}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z",
            "1[0-9]{12}",
            "[1-9][0-9]{0,5}",
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[0-9]{1,4}ms",
            "v[0-9]\\.[0-9]{1,2}\\.[0-9]{1,2}",
            "blk_-?[0-9]{10,19}",
        ],
        0..12,
    )
    .prop_map(|words| words.join(" "))
}

/// Inputs the fuzzer (`fuzz/fuzz_targets/redact.rs`) found, kept as
/// regression cases.
#[test]
fn fuzzer_findings_stay_fixed() {
    for input in [
        &b"\nBA::B0.BA00::a%a"[..],
        b": B:~BA:: B::D:D~BA::%B::D:+",
        b"[::A:.::15:.\x0e\x14",
        b"\x080666 66666 66D::/",
    ] {
        let once = Redactor::default().redact(input).0;
        let twice = Redactor::default().redact(&once).0;
        assert_eq!(once, twice, "{:?}", String::from_utf8_lossy(input));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn pii_001_generated_cards_in_log_text_are_redacted(before in clean_text(), n in card(), after in clean_text()) {
        // A delimiter after the card: grouped digits followed by two more
        // plain numbers in the same grouping read as a list (card.rs).
        let line = format!("{before} card={n}, {after}");
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
    fn piix_001_generated_ibans_in_log_text_are_redacted(before in clean_text(), iban in iban(), after in clean_text()) {
        let line = format!("{before} iban={iban} {after}");
        let (out, found) = Redactor::default().redact(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(out.contains("iban=[IBAN] "), "{} -> {}", line, out);
        prop_assert!(found.iter().any(|r| r.rule_id() == "PIIX-001"));
    }

    #[test]
    fn piix_003_generated_phones_in_log_text_are_redacted(before in clean_text(), phone in phone(), after in clean_text()) {
        let line = format!("{before} tel: {phone}, {after}");
        let (out, _) = Redactor::default().redact(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(out.contains("tel: [PHONE], "), "{} -> {}", line, out);
    }

    #[test]
    fn piix_004_generated_jwts_in_log_text_are_redacted(before in clean_text(), token in jwt(), after in clean_text()) {
        let line = format!("{before} token={token} {after}");
        let (out, _) = Redactor::default().redact(line.as_bytes());
        let out = String::from_utf8(out).expect("utf-8");
        prop_assert!(out.contains("token=[TOKEN] "), "{} -> {}", line, out);
    }

    #[test]
    fn json_lines_stay_json(words in prop::collection::vec(clean_text(), 1..4), n in card(), e in email(), p in phone()) {
        let value = serde_json::json!({"msg": words.join("\n"), "pan": n, "nested": [{"to": e}, p, 42, null, true], "k\"ey": "x\\y"});
        let line = value.to_string();
        let mut out = Vec::new();
        Redactor::default().redact_into(line.as_bytes(), Mode::Json, &mut out, &mut Outcome::default());
        let back: serde_json::Value = serde_json::from_slice(&out).expect("still JSON");
        prop_assert_eq!(&back["pan"], "[CARD]");
        prop_assert_eq!(&back["nested"][0]["to"], "[EMAIL]");
        prop_assert_eq!(&back["nested"][1], "[PHONE]");
        prop_assert_eq!(&back["k\"ey"], "x\\y");
    }

    #[test]
    fn text_without_pii_is_unchanged(text in clean_text()) {
        let (out, found) = Redactor::default().redact(text.as_bytes());
        prop_assert!(found.is_empty(), "false positive in {:?}: {:?}", text, found);
        prop_assert_eq!(out, text.into_bytes());
    }

    #[test]
    fn redaction_is_idempotent(before in clean_text(), n in card(), e in email(), i in iban(), p in phone(), t in jwt()) {
        let line = format!("{before} {n} {e} {i} {p} {t}");
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
        let mut json = Vec::new();
        Redactor::default().redact_into(&bytes, Mode::Json, &mut json, &mut Outcome::default());
    }
}
