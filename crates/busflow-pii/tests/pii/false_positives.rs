//! The false-positive corpus: realistic log lines without personal data
//! (see `benches/corpus/pii.rs`), counted per rule and reported per million
//! lines. Target: at most 1 per million for cards and IBANs; this run
//! asserts none at all.

use crate::corpus;

use busflow_pii::{Detector, Mode, Outcome, Redactor, Tally};

const LINES: u32 = 200_000;

#[test]
fn pii_001_piix_001_the_clean_corpus_yields_no_cards_or_ibans() {
    let redactor = Redactor::default();
    let mut rng = corpus::Rng::new(7);
    let mut tally = Tally::default();
    let mut outcome = Outcome::default();
    let mut out = Vec::new();
    let mut examples = Vec::new();
    for _ in 0..LINES {
        let line = corpus::clean_line(&mut rng);
        outcome.clear();
        out.clear();
        redactor.redact_into(line.as_bytes(), Mode::Text, &mut out, &mut outcome);
        for r in &outcome.redactions {
            if examples
                .iter()
                .filter(|e: &&String| e.starts_with(r.rule_id()))
                .count()
                < 3
            {
                examples.push(format!(
                    "{}: {:?} in {line:?}",
                    r.rule_id(),
                    &line[r.start..r.end]
                ));
            }
        }
        tally.add(&outcome);
    }
    for d in Detector::ALL {
        let per_million = tally.redacted(d) * 1_000_000 / u64::from(LINES);
        eprintln!(
            "{} {:<5} false positives: {} in {LINES} lines = {per_million} per million",
            d.rule_id(),
            d.name(),
            tally.redacted(d)
        );
    }
    assert_eq!(tally.redacted(Detector::Card), 0, "{examples:#?}");
    assert_eq!(tally.redacted(Detector::Iban), 0, "{examples:#?}");
    let total: u64 = Detector::ALL.iter().map(|d| tally.redacted(*d)).sum();
    assert_eq!(
        total, 0,
        "no rule may fire on the clean corpus: {examples:#?}"
    );
}

#[test]
fn the_dense_corpus_is_dense() {
    let redactor = Redactor::default();
    let mut rng = corpus::Rng::new(11);
    let mut tally = Tally::default();
    for _ in 0..2_000 {
        let line = corpus::dense_line(&mut rng);
        let mut outcome = Outcome::default();
        redactor.redact_into(line.as_bytes(), Mode::Json, &mut Vec::new(), &mut outcome);
        assert!(outcome.redactions.len() >= 3, "{line}");
        tally.add(&outcome);
    }
    assert!(
        Detector::ALL.iter().all(|d| tally.redacted(*d) > 0),
        "{tally:?}"
    );
}
