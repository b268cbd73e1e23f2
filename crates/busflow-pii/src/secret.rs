//! PIIX-005: credentials of a well-known shape, wherever they stand (not only
//! after a sensitive key or `Bearer`). Each shape is checked for what its
//! vendor publishes (prefix, alphabet, fixed or minimum length):
//!
//! | shape | published form |
//! | --- | --- |
//! | Stripe secret / restricted keys, webhook secrets | `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_` + 24 or more letters and digits; `whsec_` + 32 or more |
//! | GitHub tokens | `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + exactly 36 letters and digits; `github_pat_` + 82 letters, digits and `_` |
//! | Slack tokens | `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-` + 10 or more letters, digits and `-` |
//! | AWS access key IDs | `AKIA`, `ASIA`, `ABIA`, `ACCA` + exactly 16 of `A-Z2-7` (base32) |
//! | PEM private keys | `-----BEGIN … PRIVATE KEY-----` to its `-----END … PRIVATE KEY-----` (or the end of the text) |
//!
//! Stripe publishable keys (`pk_live_`) are public by design and kept. A
//! shape glued to more word characters (`xghp_…`, a 37th character) is not a
//! match: a random identifier that happens to start with a prefix stays.

use crate::boundary::is_word_byte;

fn run(text: &[u8], from: usize, ok: impl Fn(u8) -> bool) -> usize {
    text[from..]
        .iter()
        .position(|b| !ok(*b))
        .map_or(text.len(), |k| from + k)
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The end of a credential of a known shape starting at `start` (a word
/// start), if there is one.
pub(crate) fn detect(text: &[u8], start: usize) -> Option<usize> {
    if text[start] != b'B'
        && start > 0
        && (is_word_byte(text[start - 1]) || text[start - 1] == b'-')
    {
        return None;
    }
    let rest = &text[start..];
    let body = |prefix: usize, ok: fn(u8) -> bool, min: usize, max: usize| {
        let end = run(text, start + prefix, ok);
        let n = end - start - prefix;
        let glued = text.get(end).is_some_and(|b| is_word_byte(*b));
        (min..=max).contains(&n).then_some(end).filter(|_| !glued)
    };
    match rest.first()? {
        b's' | b'r' => {
            let stripe = [&b"sk_live_"[..], b"sk_test_", b"rk_live_", b"rk_test_"];
            if stripe.iter().any(|p| rest.starts_with(p)) {
                return body(8, alnum, 24, 247);
            }
            None
        }
        b'w' if rest.starts_with(b"whsec_") => body(6, alnum, 32, 128),
        b'g' => {
            if rest.starts_with(b"github_pat_") {
                return body(11, |b| alnum(b) || b == b'_', 82, 82);
            }
            let github = [&b"ghp_"[..], b"gho_", b"ghu_", b"ghs_", b"ghr_"];
            if github.iter().any(|p| rest.starts_with(p)) {
                return body(4, alnum, 36, 36);
            }
            None
        }
        b'x' => {
            let slack = [
                &b"xoxb-"[..],
                b"xoxp-",
                b"xoxa-",
                b"xoxr-",
                b"xoxs-",
                b"xoxe-",
            ];
            if slack.iter().any(|p| rest.starts_with(p)) {
                return body(5, |b| alnum(b) || b == b'-', 10, 255);
            }
            None
        }
        b'A' => {
            let aws = [&b"AKIA"[..], b"ASIA", b"ABIA", b"ACCA"];
            if aws.iter().any(|p| rest.starts_with(p)) {
                return body(
                    4,
                    |b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b),
                    16,
                    16,
                );
            }
            None
        }
        b'B' => pem(text, start),
        _ => None,
    }
}

/// From `BEGIN` of `-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE
/// KEY-----` through the matching end marker, or the end of the text when it
/// is cut off (the five dashes before `BEGIN` stay).
fn pem(text: &[u8], start: usize) -> Option<usize> {
    if start < 5 || &text[start - 5..start] != b"-----" {
        return None;
    }
    let head = text[start..].strip_prefix(b"BEGIN ")?;
    let label_end = head.iter().take(40).position(|b| *b == b'-')?;
    let label = &head[..label_end];
    if !label.ends_with(b"PRIVATE KEY") || !head[label_end..].starts_with(b"-----") {
        return None;
    }
    let mut end_marker = b"-----END ".to_vec();
    end_marker.extend_from_slice(label);
    end_marker.extend_from_slice(b"-----");
    let body_from = start + 6 + label_end + 5;
    Some(
        memchr::memmem::find(&text[body_from..], &end_marker)
            .map_or(text.len(), |k| body_from + k + end_marker.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Option<&str> {
        let at = t.find(['s', 'r', 'w', 'g', 'x', 'A', 'B'])?;
        detect(t.as_bytes(), at).map(|e| &t[at..e])
    }

    #[test]
    fn piix_005_each_published_shape_is_found() {
        let github = format!("ghp_{}", "a1B2".repeat(9));
        let pat = format!("github_pat_{}", "A1_b".repeat(20) + "xy");
        for secret in [
            "sk_live_51HqLyjWDarjtT1zdp7dcXYZabcd",
            "rk_test_aaaaaaaaaaaaaaaaaaaaaaaa",
            "whsec_0123456789abcdef0123456789abcdef",
            github.as_str(),
            pat.as_str(),
            "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            let line = format!("config {secret} loaded");
            assert_eq!(found(&line[7..]), Some(secret), "{secret}");
        }
        let pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY----- rest";
        assert_eq!(found(pem), Some(&pem[5..pem.len() - 5]));
    }

    #[test]
    fn piix_005_confusers_stay() {
        let short = format!("ghp_{}", "a".repeat(35));
        let long = format!("ghp_{}", "a".repeat(37));
        for t in [
            "pk_live_51HqLyjWDarjtT1zdp7dcXYZabcd",
            "sk_live_short",
            short.as_str(),
            long.as_str(),
            "AKIAIOSFODNN7EXAMPL",
            "AKIAIOSFODNN7EXAMPLE1",
            "AKIAiosfodnn7example",
            "xoxb-short",
            "BEGIN PRIVATE KEY-----",
            "skill_live_aaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert_eq!(detect(t.as_bytes(), 0), None, "{t}");
        }
        // Glued to the word before it.
        assert_eq!(detect(b"xsk_live_aaaaaaaaaaaaaaaaaaaaaaaa", 1), None);
        assert_eq!(detect(b"-----BEGIN PUBLIC KEY-----", 5), None);
        assert_eq!(detect(b"-----BEGIN CERTIFICATE-----", 5), None);
    }
}
