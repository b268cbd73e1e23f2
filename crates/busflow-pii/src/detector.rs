//! The detectors: one per kind of personal data, each with its rule ID and
//! replacement token.

use std::fmt;

use crate::{Rule, catalog};

/// A kind of personal data the engine finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Detector {
    /// PII-001: payment card numbers (IIN and length table, Luhn).
    Card,
    /// PII-002: email addresses (WHATWG grammar, real domain shape).
    Email,
    /// PII-007: userinfo and values of sensitive query keys in URLs.
    UrlPart,
    /// PIIX-001: IBANs (country length, mod-97).
    Iban,
    /// PIIX-002: IPv4 and IPv6 addresses (parsed).
    Ip,
    /// PIIX-003: phone numbers, E.164 and German national.
    Phone,
    /// PIIX-004: JWTs (header decodes to a JSON object) and bearer / basic
    /// credentials.
    Token,
    /// PIIX-005: credentials of a vendor's published shape (Stripe, GitHub,
    /// Slack, AWS access key IDs, PEM private keys), wherever they stand.
    Secret,
}

impl Detector {
    /// Every detector, in rule-ID order.
    pub const ALL: [Detector; 8] = [
        Detector::Card,
        Detector::Email,
        Detector::UrlPart,
        Detector::Iban,
        Detector::Ip,
        Detector::Phone,
        Detector::Token,
        Detector::Secret,
    ];

    /// The rule its redactions carry.
    pub const fn rule(self) -> &'static Rule {
        match self {
            Detector::Card => &catalog::PII_001,
            Detector::Email => &catalog::PII_002,
            Detector::UrlPart => &catalog::PII_007,
            Detector::Iban => &catalog::PIIX_001,
            Detector::Ip => &catalog::PIIX_002,
            Detector::Phone => &catalog::PIIX_003,
            Detector::Token => &catalog::PIIX_004,
            Detector::Secret => &catalog::PIIX_005,
        }
    }

    /// The rule ID its redactions carry.
    pub const fn rule_id(self) -> &'static str {
        self.rule().id
    }

    /// The replacement token's name: `[CARD]`, `[EMAIL]`.
    pub const fn token(self) -> &'static str {
        match self {
            Detector::Card => "CARD",
            Detector::Email => "EMAIL",
            Detector::UrlPart => "REDACTED",
            Detector::Iban => "IBAN",
            Detector::Ip => "IP",
            Detector::Phone => "PHONE",
            Detector::Token => "TOKEN",
            Detector::Secret => "SECRET",
        }
    }

    /// A short lowercase name (`card`, `email`, `url`), for files and labels.
    pub const fn name(self) -> &'static str {
        match self {
            Detector::Card => "card",
            Detector::Email => "email",
            Detector::UrlPart => "url",
            Detector::Iban => "iban",
            Detector::Ip => "ip",
            Detector::Phone => "phone",
            Detector::Token => "token",
            Detector::Secret => "secret",
        }
    }

    /// The detector whose rule ID or name is `s`.
    pub fn parse(s: &str) -> Option<Detector> {
        Detector::ALL
            .into_iter()
            .find(|d| d.rule_id() == s || d.name() == s)
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rule_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detector_is_a_catalogued_rule() {
        for d in Detector::ALL {
            assert_eq!(crate::CATALOG.find(d.rule_id()), Ok(d.rule()), "{d}");
            assert_eq!(Detector::parse(d.rule_id()), Some(d));
            assert_eq!(Detector::parse(d.name()), Some(d));
            assert_eq!(Detector::ALL[d.index()], d);
        }
        assert_eq!(Detector::parse("PII-003"), None);
    }
}
