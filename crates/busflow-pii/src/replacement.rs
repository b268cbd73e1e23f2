//! What a redacted value becomes: a type token, a PCI mask, or a keyed hash.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::detector::Detector;

/// How a match is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Replacement {
    /// A type token: `[CARD]`, `[EMAIL]` (the default).
    #[default]
    Token,
    /// What PCI DSS allows to be shown of a card: the last four digits
    /// (`[CARD ****1881]`). Other detectors fall back to their token.
    MaskLast4,
    /// A keyed hash, `[EMAIL:1f0c…]`: HMAC-SHA-256 of the normalised value
    /// (digits of a card, lowercase email, IBAN without spaces) under the
    /// user's key, first 8 bytes in hex. The same value gives the same hash
    /// on every line, so values can be joined, but nobody without the key
    /// can test a guess. There is no unkeyed hash.
    Hmac(HmacKey),
}

/// The secret key of [`Replacement::Hmac`]; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey(Arc<[u8]>);

impl HmacKey {
    /// A key of at least 16 bytes (`None` if shorter: a short key can be
    /// guessed, and then every hash read back).
    pub fn new(key: &[u8]) -> Option<Self> {
        (key.len() >= 16).then(|| Self(key.into()))
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HmacKey(<{} bytes, hidden>)", self.0.len())
    }
}

/// Appends the replacement of `value` (found by `detector`) to `out`.
pub(crate) fn write(
    replacement: &Replacement,
    detector: Detector,
    value: &[u8],
    out: &mut Vec<u8>,
) {
    out.push(b'[');
    out.extend_from_slice(detector.token().as_bytes());
    match replacement {
        Replacement::MaskLast4 if detector == Detector::Card => {
            let digits: Vec<u8> = value.iter().copied().filter(u8::is_ascii_digit).collect();
            out.extend_from_slice(b" ****");
            out.extend_from_slice(&digits[digits.len().saturating_sub(4)..]);
        }
        Replacement::Hmac(key) => {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0)
                .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
            mac.update(detector.token().as_bytes());
            mac.update(&[0]);
            mac.update(&normalise(detector, value));
            let digest = mac.finalize().into_bytes();
            out.push(b':');
            for b in &digest[..8] {
                out.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
        Replacement::Token | Replacement::MaskLast4 => {}
    }
    out.push(b']');
}

/// The canonical spelling of a value, so that one card, address or IBAN
/// hashes the same however a line wrote it.
pub(crate) fn normalise(detector: Detector, value: &[u8]) -> Vec<u8> {
    match detector {
        Detector::Card | Detector::Phone => {
            value.iter().copied().filter(u8::is_ascii_digit).collect()
        }
        Detector::Iban => value
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .map(u8::to_ascii_uppercase)
            .collect(),
        Detector::Email | Detector::Ip => value.to_ascii_lowercase(),
        Detector::UrlPart | Detector::Token | Detector::Secret => value.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(r: &Replacement, d: Detector, value: &str) -> String {
        let mut out = Vec::new();
        write(r, d, value.as_bytes(), &mut out);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn a_key_is_never_shown_and_must_be_long_enough() {
        assert!(HmacKey::new(b"short").is_none());
        let key = HmacKey::new(b"0123456789abcdef-secret").expect("key");
        let shown = format!("{:?}", Replacement::Hmac(key));
        assert!(
            !shown.contains("secret") && !shown.contains("0123"),
            "{shown}"
        );
    }

    #[test]
    fn hashes_are_keyed_stable_and_normalised() {
        let a = Replacement::Hmac(HmacKey::new(b"0123456789abcdef").expect("key"));
        let b = Replacement::Hmac(HmacKey::new(b"fedcba9876543210").expect("key"));
        let one = replaced(&a, Detector::Card, "4012 8888 8888 1881");
        assert_eq!(one, replaced(&a, Detector::Card, "4012-8888-8888-1881"));
        assert_ne!(one, replaced(&b, Detector::Card, "4012888888881881"));
        assert!(
            one.starts_with("[CARD:") && one.len() == "[CARD:]".len() + 16,
            "{one}"
        );
        assert_eq!(
            replaced(&a, Detector::Email, "Ann@Example.com"),
            replaced(&a, Detector::Email, "ann@example.com")
        );
        // Known answer, computed with Python's hmac module:
        // hmac.new(b"0123456789abcdef", b"CARD\x004012888888881881", sha256).hexdigest()[:16]
        assert_eq!(one, "[CARD:4e912021c6c75edd]");
    }

    #[test]
    fn pii_001_the_mask_keeps_only_the_last_four() {
        assert_eq!(
            replaced(
                &Replacement::MaskLast4,
                Detector::Card,
                "4012 8888 8888 1881"
            ),
            "[CARD ****1881]"
        );
        assert_eq!(
            replaced(&Replacement::MaskLast4, Detector::Email, "a@b.io"),
            "[EMAIL]"
        );
    }
}
