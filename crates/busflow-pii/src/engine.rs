//! The redaction engine: bytes in, bytes out, with what it redacted.

use crate::{card, email, iban, ip};

/// How a match is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replacement {
    /// A type token: `[CARD]`, `[EMAIL]`.
    Token,
    /// For cards, what PCI DSS allows to be shown: the last four digits
    /// (`[CARD ****1881]`); other rules use their token.
    MaskKeepLast4,
}

/// Which detectors run, and how they replace.
// Independent on/off switches, one per detector, as a configuration file
// states them; per-rule settings (own replacements) will replace them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactorConfig {
    /// PII-001 payment cards (on by default).
    pub cards: bool,
    /// PII-002 email addresses (on by default).
    pub emails: bool,
    /// PIIX-001 IBANs (on by default).
    pub ibans: bool,
    /// PIIX-002 IP addresses (on by default).
    pub ips: bool,
    /// Redact loopback, unspecified and documentation addresses too
    /// (default: no; they identify nobody).
    pub redact_non_personal_ips: bool,
    /// Redact the card networks' published test numbers too (default: yes;
    /// they are indistinguishable from a leak to a reader of the logs).
    pub redact_test_cards: bool,
    /// How matches are replaced ([`Replacement::Token`] by default).
    pub replacement: Replacement,
}

impl Default for RedactorConfig {
    fn default() -> Self {
        Self {
            cards: true,
            emails: true,
            ibans: true,
            ips: true,
            redact_non_personal_ips: false,
            redact_test_cards: true,
            replacement: Replacement::Token,
        }
    }
}

/// One redaction: the rule and the byte span it replaced in the input. The
/// value itself is never kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redaction {
    /// `PII-001`, `PII-002`.
    pub rule_id: &'static str,
    /// Start byte in the input.
    pub start: usize,
    /// End byte (exclusive) in the input.
    pub end: usize,
}

/// The engine. Build once, use for every line or buffer.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    config: RedactorConfig,
}

impl Redactor {
    /// An engine with `config`.
    pub fn new(config: RedactorConfig) -> Self {
        Self { config }
    }

    /// What would be redacted in `input`, in order, without overlaps.
    /// Works on any bytes: invalid UTF-8 is simply not matched.
    pub fn find(&self, input: &[u8]) -> Vec<Redaction> {
        let mut out: Vec<Redaction> = Vec::new();
        let mut i = 0;
        while i < input.len() {
            match self.detect_at(input, i, out.last().map_or(0, |r| r.end)) {
                Some(r) => {
                    i = r.end;
                    out.push(r);
                }
                None => i += 1,
            }
        }
        out
    }

    /// A match starting at (or, for emails, around) byte `i`, not reaching
    /// back before `floor` (the end of the previous match).
    fn detect_at(&self, input: &[u8], i: usize, floor: usize) -> Option<Redaction> {
        let b = input[i];
        let word_start = i == 0 || !(input[i - 1].is_ascii_alphanumeric() || input[i - 1] == b'_');
        let hit = |rule_id, start, end| {
            Some(Redaction {
                rule_id,
                start,
                end,
            })
        };
        if b == b'@' {
            let (start, end) =
                email::detect(input, i).filter(|(s, _)| self.config.emails && *s >= floor)?;
            return hit("PII-002", start, end);
        }
        if !word_start && b != b':' {
            return None;
        }
        if b.is_ascii_digit() {
            if self.config.cards
                && let Some((end, _)) = card::detect(input, i, self.config.redact_test_cards)
            {
                return hit("PII-001", i, end);
            }
            if self.config.ips
                && let Some((end, addr)) = ip::detect_v4(input, i)
                && (self.config.redact_non_personal_ips || !ip::is_non_personal(addr))
            {
                return hit("PIIX-002", i, end);
            }
        }
        if self.config.ibans
            && b.is_ascii_uppercase()
            && let Some(end) = iban::detect(input, i)
        {
            return hit("PIIX-001", i, end);
        }
        if self.config.ips
            && (b.is_ascii_hexdigit() || b == b':')
            && let Some((end, addr)) = ip::detect_v6(input, i)
            && (self.config.redact_non_personal_ips || !ip::is_non_personal(addr))
        {
            return hit("PIIX-002", i, end);
        }
        None
    }

    /// `input` with every match replaced, and the matches.
    pub fn redact(&self, input: &[u8]) -> (Vec<u8>, Vec<Redaction>) {
        let found = self.find(input);
        if found.is_empty() {
            return (input.to_vec(), found);
        }
        let mut out = Vec::with_capacity(input.len());
        let mut at = 0;
        for r in &found {
            out.extend_from_slice(&input[at..r.start]);
            self.replace(&input[r.start..r.end], r.rule_id, &mut out);
            at = r.end;
        }
        out.extend_from_slice(&input[at..]);
        (out, found)
    }

    fn replace(&self, value: &[u8], rule_id: &str, out: &mut Vec<u8>) {
        let token: &[u8] = match rule_id {
            "PII-001" => b"CARD",
            "PII-002" => b"EMAIL",
            "PIIX-001" => b"IBAN",
            _ => b"IP",
        };
        out.push(b'[');
        out.extend_from_slice(token);
        if rule_id == "PII-001" && self.config.replacement == Replacement::MaskKeepLast4 {
            let digits: Vec<u8> = value.iter().copied().filter(u8::is_ascii_digit).collect();
            out.extend_from_slice(b" ****");
            out.extend_from_slice(&digits[digits.len().saturating_sub(4)..]);
        }
        out.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> String {
        String::from_utf8(Redactor::default().redact(text.as_bytes()).0)
            .expect("utf-8 in, utf-8 out")
    }

    #[test]
    fn redacts_cards_and_emails_in_a_log_line() {
        assert_eq!(
            redact(
                "2026-11-22T10:00:00Z payment card=4012-8888-8888-1881 user=ann@example.com amount=12.50"
            ),
            "2026-11-22T10:00:00Z payment card=[CARD] user=[EMAIL] amount=12.50"
        );
        assert_eq!(
            redact("4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881"),
            "[CARD] [CARD] [CARD]"
        );
    }

    #[test]
    fn redacts_ibans_and_personal_ips_and_keeps_documentation_ranges() {
        assert_eq!(
            redact(
                "sepa iban=DE89 3704 0044 0532 0130 00 from 10.20.30.40 via 2a01:4f8::1, probe 127.0.0.1 doc 192.0.2.1"
            ),
            "sepa iban=[IBAN] from [IP] via [IP], probe 127.0.0.1 doc 192.0.2.1"
        );
    }

    #[test]
    fn masks_keep_the_last_four_digits() {
        let r = Redactor::new(RedactorConfig {
            replacement: Replacement::MaskKeepLast4,
            ..RedactorConfig::default()
        });
        assert_eq!(
            r.redact(b"pan 4012 8888 8888 1881 ok").0,
            b"pan [CARD ****1881] ok".to_vec()
        );
    }

    #[test]
    fn invalid_utf8_passes_through_except_what_is_redacted() {
        let input = b"\xff\xfe a@b.io \xc3";
        let (out, found) = Redactor::default().redact(input);
        assert_eq!(out, b"\xff\xfe [EMAIL] \xc3".to_vec());
        assert_eq!((found[0].start, found[0].end), (3, 9));
    }
}
