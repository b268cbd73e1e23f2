//! The engine end to end: every detector in log lines, per-rule settings,
//! exclusions (PII-003) with what they suppressed, and JSON lines.

use std::path::Path;

use busflow_pii::{
    Detector, Exclusions, HmacKey, KeptBy, Mode, Outcome, Redactor, RedactorConfig, Replacement,
};

fn redact(r: &Redactor, text: &str) -> String {
    String::from_utf8(r.redact(text.as_bytes()).0).expect("utf-8 in, utf-8 out")
}

#[test]
fn every_detector_redacts_in_a_log_line() {
    let r = Redactor::default();
    let cases = [
        (
            "PII-001",
            "pay card=4012-8888-8888-1881 ok",
            "pay card=[CARD] ok",
        ),
        (
            "PII-002",
            "to=\"ann.lee@example.co.uk\".",
            "to=\"[EMAIL]\".",
        ),
        (
            "PII-007",
            "GET https://ann:pw@api.example.com/x?id=1&token=abc123&q=ok 200",
            "GET https://[REDACTED]@api.example.com/x?id=1&token=[REDACTED]&q=ok 200",
        ),
        (
            "PIIX-001",
            "iban DE89370400440532013000 ok",
            "iban [IBAN] ok",
        ),
        (
            "PIIX-002",
            "from 203.0.114.7 and 2a01:4f8:c17:1::1",
            "from [IP] and [IP]",
        ),
        (
            "PIIX-003",
            "call +49 30 1234567 or 0170-1234567",
            "call [PHONE] or [PHONE]",
        ),
        (
            "PIIX-004",
            "Authorization: Bearer abcdefgh12345678",
            "Authorization: Bearer [TOKEN]",
        ),
    ];
    for (rule, line, expected) in cases {
        assert_eq!(redact(&r, line), expected, "{rule}");
        assert!(
            r.find(line.as_bytes()).iter().all(|f| f.rule_id() == rule),
            "{rule}"
        );
    }
}

#[test]
fn pii_007_a_sensitive_value_is_redacted_whole_under_the_rule_of_what_it_is() {
    let r = Redactor::default();
    // The value of a sensitive key goes whole; when one detector matches
    // all of it, its rule and replacement apply (an email is counted as an
    // email), otherwise PII-007's.
    assert_eq!(
        redact(
            &r,
            "https://ann%40x.io:pw@host.example.com/?email=ann@example.com&token=abc.def&next=/a"
        ),
        "https://[REDACTED]@host.example.com/?email=[EMAIL]&token=[REDACTED]&next=/a"
    );
    assert_eq!(
        redact(&r, "/?phone=%2B49%2030%201234567&x=1"),
        "/?phone=[PHONE]&x=1",
        "a decoded value keeps its whole encoded span"
    );
    let emails_off = Redactor::new(RedactorConfig::default().with_enabled(Detector::Email, false));
    assert_eq!(
        redact(&emails_off, "/?email=ann@example.com"),
        "/?email=[REDACTED]"
    );
    let urls_off = Redactor::new(RedactorConfig::default().with_enabled(Detector::UrlPart, false));
    assert_eq!(
        redact(&urls_off, "/?email=ann@example.com"),
        "/?email=[EMAIL]"
    );
}

#[test]
fn pii_007_secret_keys_in_every_syntax() {
    let r = Redactor::default();
    for (line, want) in [
        (
            "level=warn password=hunter2 user=ann",
            "level=warn password=[REDACTED] user=ann",
        ),
        (
            "db_password=\"s3 cr;et\" ok",
            "db_password=\"[REDACTED]\" ok",
        ),
        (
            "body=\"user[password]=x1%29y&next=1\"",
            "body=\"user[password]=[REDACTED]&next=1\"",
        ),
        (
            "{\"password\":\"hunter2\",\"n\":1}",
            "{\"password\":\"[REDACTED]\",\"n\":1}",
        ),
        (
            "DETAIL:  Key (api_key)=(abc123) already exists.",
            "DETAIL:  Key (api_key)=([REDACTED]) already exists.",
        ),
        (
            "UPDATE users SET password = 'hunter2' WHERE id = 1",
            "UPDATE users SET password = '[REDACTED]' WHERE id = 1",
        ),
        (
            "{\"log\":\"{\\\"client_secret\\\":\\\"abc\\\"}\"}",
            "{\"log\":\"{\\\"client_secret\\\":\\\"[REDACTED]\\\"}\"}",
        ),
        (
            "stripe_api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "stripe_api_key=[SECRET]",
        ),
    ] {
        assert_eq!(redact(&r, line), want, "{line}");
    }
    for kept in [
        "password=[REDACTED] password=**** password=null password = $1",
        "token_type=Bearer max_tokens=5 code=200 key=tenants/1 session_id=abc",
        "reset password succeeded: password_changed=true",
    ] {
        assert_eq!(redact(&r, kept), kept);
    }
}

#[test]
fn pii_001_piix_003_digits_under_an_id_key_are_kept_and_the_key_is_reported() {
    let r = Redactor::default();
    for line in [
        "metadata[order_id]=4242424242424242",
        "metadata%5Border_id%5D=4242424242424242",
        "DETAIL:  Key (order_id)=(4242424242424242) already exists.",
        "WHERE order_id = 4242424242424242",
        "plan_hash=4242424242424242 orderId=015112345678",
        "{\"log\":\"{\\\"orderId\\\":\\\"4242424242424242\\\"}\"}",
    ] {
        let mut out = Vec::new();
        let mut outcome = Outcome::default();
        r.redact_into(line.as_bytes(), Mode::Text, &mut out, &mut outcome);
        assert_eq!(String::from_utf8_lossy(&out), line);
        assert!(!outcome.suppressed.is_empty(), "{line}");
        for s in &outcome.suppressed {
            assert!(matches!(s.by, KeptBy::IdKey(_)), "{line}");
            assert!(r.kept_by_name(s.detector, s.by).starts_with("id key "));
        }
    }
    assert_eq!(
        redact(&r, "payment_method_data[card][number]=4242424242424242"),
        "payment_method_data[card][number]=[CARD]"
    );
    let custom = Redactor::new(RedactorConfig::default().with_id_keys(["*_number"]));
    assert_eq!(
        redact(
            &custom,
            "order_id=4242424242424242 invoice_number=4242424242424242"
        ),
        "order_id=[CARD] invoice_number=4242424242424242"
    );
}

#[test]
fn detectors_can_be_turned_off_and_given_their_replacement() {
    let key = HmacKey::new(b"a key of sixteen bytes").expect("key");
    let config = RedactorConfig::only(&[Detector::Card, Detector::Email])
        .with_replacement(Detector::Card, Replacement::MaskLast4)
        .with_replacement(Detector::Email, Replacement::Hmac(key));
    let r = Redactor::new(config);
    let a = redact(
        &r,
        "card 4012 8888 8888 1881 by Ann@Example.com from 203.0.114.7",
    );
    let b = redact(&r, "refund by ann@example.com");
    assert!(a.starts_with("card [CARD ****1881] by [EMAIL:"), "{a}");
    assert!(a.ends_with(" from 203.0.114.7"), "IPs are off: {a}");
    let hash = |s: &str| {
        s[s.find("[EMAIL:").expect("hash")..]
            .split(']')
            .next()
            .expect("]")
            .to_owned()
    };
    assert_eq!(
        hash(&a),
        hash(&b),
        "one address, one hash: lines can be joined"
    );
    assert!(
        !format!("{r:?}").contains("sixteen"),
        "Debug never shows the key"
    );
}

fn exclusions(text: &str) -> Exclusions {
    Exclusions::parse(Path::new("pii-exclusions.yaml"), text).expect("valid exclusions")
}

#[test]
fn pii_003_exclusions_suppress_and_say_which() {
    let ex = exclusions(
        "PII-002:\n  - regex: '^[a-z]+@busflow\\.app$'\n    name: system-senders\nPII-001:\n  - key: reference\n  - preceded_by: sku\nPIIX-002:\n  - literal: 203.0.114.7\n",
    );
    let r = Redactor::with_exclusions(RedactorConfig::default(), ex);
    let line = b"from noreply@busflow.app to ann@example.com reference=4012888888881881 sku 5555555555554444 pan 4012888888881881 ip 203.0.114.7";
    let mut out = Vec::new();
    let mut outcome = Outcome::default();
    r.redact_into(line, Mode::Text, &mut out, &mut outcome);
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "from noreply@busflow.app to [EMAIL] reference=4012888888881881 sku 5555555555554444 pan [CARD] ip 203.0.114.7"
    );
    let suppressed: Vec<(&str, KeptBy)> = outcome
        .suppressed
        .iter()
        .map(|s| (s.detector.rule_id(), s.by))
        .collect();
    assert_eq!(
        suppressed,
        [
            ("PII-002", KeptBy::Exclusion(0)),
            ("PII-001", KeptBy::Exclusion(0)),
            ("PII-001", KeptBy::Exclusion(1)),
            ("PIIX-002", KeptBy::Exclusion(0))
        ]
    );
    assert_eq!(
        &line[outcome.suppressed[0].start..outcome.suppressed[0].end],
        b"noreply@busflow.app"
    );
}

#[test]
fn pii_003_a_json_key_is_context_in_json_mode() {
    let r = Redactor::with_exclusions(
        RedactorConfig::default(),
        exclusions("PII-001:\n  - key: order_id\n"),
    );
    let mut out = Vec::new();
    let mut outcome = Outcome::default();
    r.redact_into(
        br#"{"order_id":"4012888888881881","pan":"4012888888881881","order_id2":4012888888881881}"#,
        Mode::Json,
        &mut out,
        &mut outcome,
    );
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        r#"{"order_id":"4012888888881881","pan":"[CARD]","order_id2":"[CARD]"}"#
    );
    assert_eq!(outcome.suppressed.len(), 1);
}

#[test]
fn a_buffer_of_lines_reports_spans_in_the_buffer() {
    let r = Redactor::default();
    let input = b"a 1.2.3.4\nb ann@example.com\n{\"u\":\"bob@example.com\"}\n";
    for mode in [Mode::Text, Mode::Json] {
        let mut out = Vec::new();
        let mut outcome = Outcome::default();
        r.redact_into(input, mode, &mut out, &mut outcome);
        assert_eq!(
            out,
            b"a [IP]\nb [EMAIL]\n{\"u\":\"[EMAIL]\"}\n".to_vec(),
            "{mode:?}"
        );
        let spans: Vec<&[u8]> = outcome
            .redactions
            .iter()
            .map(|f| &input[f.start..f.end])
            .collect();
        assert_eq!(
            spans,
            [&b"1.2.3.4"[..], b"ann@example.com", b"bob@example.com"],
            "{mode:?}"
        );
    }
}
