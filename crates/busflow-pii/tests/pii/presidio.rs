//! Presidio's recognizer cases (`../shared/testdata/pii/`), run through the
//! engine for the entities it supports; spans must agree exactly.

use busflow_pii::{Detector, Redactor, RedactorConfig};

struct Case {
    source: String,
    text: String,
    spans: Vec<(usize, usize)>,
}

/// Presidio's spans are Python character offsets; the engine's are bytes.
fn to_bytes(text: &str, char_offset: usize) -> usize {
    text.char_indices()
        .nth(char_offset)
        .map_or(text.len(), |(b, _)| b)
}

fn cases(entity: &str) -> Vec<Case> {
    let path = testkit::shared_dir()
        .expect("shared dir")
        .join("testdata/pii/presidio-recognizer-cases.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 6 || cols[1] != entity || cols[2] != "span" {
                return None;
            }
            let text = cols[3].to_owned();
            let spans = cols[5]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (a, b) = s.split_once('-').expect("start-end");
                    let (a, b): (usize, usize) =
                        (a.parse().expect("start"), b.parse().expect("end"));
                    (to_bytes(&text, a), to_bytes(&text, b))
                })
                .collect();
            Some(Case {
                source: cols[0].to_owned(),
                text,
                spans,
            })
        })
        .collect()
}

fn agreement(entity: &str, config: &RedactorConfig, deliberate: &[(&str, &str)]) -> (usize, usize) {
    let redactor = Redactor::new(config.clone());
    let all = cases(entity);
    assert!(!all.is_empty(), "no {entity} cases");
    let mut agree = 0;
    let mut unexplained = Vec::new();
    for case in &all {
        let got: Vec<(usize, usize)> = redactor
            .find(case.text.as_bytes())
            .iter()
            .map(|r| (r.start, r.end))
            .collect();
        if got == case.spans {
            agree += 1;
        } else if !deliberate.iter().any(|(source, _)| *source == case.source) {
            unexplained.push(format!(
                "{}: {:?}: expected {:?}, got {:?}",
                case.source, case.text, case.spans, got
            ));
        }
    }
    assert!(
        unexplained.is_empty(),
        "{entity}: disagreements without a recorded reason:\n{}",
        unexplained.join("\n")
    );
    eprintln!("{entity}: {agree} of {} Presidio cases agree", all.len());
    (agree, all.len())
}

#[test]
fn pii_001_presidio_credit_card_cases_agree() {
    let cards = RedactorConfig::only(&[Detector::Card]);
    let (agree, total) = agreement("CREDIT_CARD", &cards, &[]);
    assert!(agree * 100 >= total * 98, "{agree}/{total}");
}

#[test]
fn pii_002_presidio_email_cases_agree() {
    let emails = RedactorConfig::only(&[Detector::Email]);
    let (agree, total) = agreement("EMAIL_ADDRESS", &emails, &[]);
    assert!(agree * 100 >= total * 98, "{agree}/{total}");
}

#[test]
fn piix_001_presidio_iban_cases_agree() {
    let ibans = RedactorConfig::only(&[Detector::Iban]);
    let (agree, total) = agreement("IBAN_CODE", &ibans, &[]);
    assert!(agree * 100 >= total * 98, "{agree}/{total}");
}

#[test]
fn piix_002_presidio_ip_cases_agree() {
    let mut ips = RedactorConfig::only(&[Detector::Ip]);
    ips.redact_non_personal_ips = true;
    let deliberate = [(
        "test_ip_recognizer.py:299",
        "`192.168.1.1.1` is a dotted run of five numbers (an OID or a version), not an address with a tail",
    )];
    let (agree, total) = agreement("IP_ADDRESS", &ips, &deliberate);
    assert!(agree * 100 >= total * 98, "{agree}/{total}");
}
