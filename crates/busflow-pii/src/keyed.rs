//! Key context: which keys name a secret (their values are PII-007
//! wherever they stand) and which name an id (their digits are never a card
//! or a phone number).
//!
//! A secret key's value is redacted whole in every syntax: JSON (by
//! structure in JSON mode; `"password":"…"` in text), logfmt and form
//! bodies (`password=…`, `user[password]=…`), PostgreSQL's
//! `Key (password)=(…)` and SQL literals (`password = '…'`). The scan looks
//! at a key only where a word ends right before `=`, `:`, `"`, `]` or `)`
//! and its last byte can end a secret key (a table lookup), so clean text
//! pays one comparison per word.
//!
//! Only the configured PII-007 keys that name a secret count here: the
//! generic ones (`code`, `key`, `sid`, `auth`, `session`, `session_id`,
//! `sessionid`, `sig`, `pass`, and
//! the contact keys the email, phone and IBAN detectors already cover) are
//! status codes and ids in logfmt far more often than credentials, so they
//! stay URL-only. A key also counts when it ends in `_`/`-`/`.` and a secret
//! word (`db_password`, `stripe_api_key`, `csrf_token`).

/// The default id-key patterns: a whole key, or `*_` and the key's last
/// word (in snake case, so `*_id` matches `order_id`, `orderId`,
/// `order-id`, `statementID`).
pub const DEFAULT_ID_KEYS: &[&str] = &[
    "id",
    "*_id",
    "ids",
    "*_ids",
    "uuid",
    "*_uuid",
    "hash",
    "*_hash",
    "checksum",
    "*_checksum",
    "digest",
    "*_digest",
    "trace",
    "traceparent",
    "span",
    "request",
    "seq",
    "*_seq",
    "sequence",
    "offset",
    "*_offset",
    "nonce",
    "ts",
    "timestamp",
    "epoch",
    "counter",
    "count",
    "*_count",
    "etag",
];

/// The longest key the id-key check reads.
const MAX_KEY: usize = 64;

/// Compiled id-key patterns.
#[derive(Debug, Clone)]
pub(crate) struct IdKeys {
    /// Per pattern: the bytes to compare and whether it is a suffix.
    patterns: Vec<(Box<[u8]>, bool)>,
}

impl IdKeys {
    pub(crate) fn new(patterns: &[Box<str>]) -> Self {
        let patterns = patterns
            .iter()
            .map(|p| match p.strip_prefix('*') {
                Some(rest) => (snake(rest.as_bytes()).into_boxed_slice(), true),
                None => (snake(p.as_bytes()).into_boxed_slice(), false),
            })
            .collect();
        Self { patterns }
    }

    /// The index of the first pattern `key` matches.
    pub(crate) fn find(&self, key: &[u8]) -> Option<usize> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        let key = snake(key);
        self.patterns.iter().position(|(p, suffix)| {
            if *suffix {
                key.len() > p.len() && key.ends_with(p)
            } else {
                key == p.as_ref()
            }
        })
    }
}

/// `key` in lower snake case: `orderId` → `order_id`, `order-id` and
/// `order.id` → `order_id`, `statementID` → `statement_id`.
fn snake(key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for &b in key {
        match b {
            b'-' | b'.' | b'_' => {
                out.push(b'_');
                prev_lower = false;
            }
            b'A'..=b'Z' => {
                if prev_lower {
                    out.push(b'_');
                }
                out.push(b.to_ascii_lowercase());
                prev_lower = false;
            }
            _ => {
                out.push(b);
                prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            }
        }
    }
    out
}

/// Keys of the PII-007 list that stay URL-only.
const URL_ONLY: &[&str] = &[
    "code",
    "key",
    "sid",
    "auth",
    "session",
    "sessionid",
    "session_id",
    "sig",
    "pass",
    "mail",
    "e-mail",
    "email",
    "phone",
    "iban",
];

/// Words that make a compound key secret as its last part.
const SECRET_SUFFIXES: &[&str] = &["password", "passwd", "secret", "api_key", "apikey", "token"];

/// The secret-naming keys of a configuration, lower-cased once, with a
/// table of the bytes a secret key can end with, which rejects almost every
/// key without a comparison.
#[derive(Debug, Clone)]
pub(crate) struct SecretKeys {
    exact: Vec<Box<[u8]>>,
    suffixes: Vec<Box<[u8]>>,
    last: [bool; 256],
    /// Per last byte, the set of bytes that may come before it (a 256-bit
    /// set): `trace_id` ends in `d` like `password`, but not in `id`.
    before_last: Box<[[u64; 4]; 256]>,
}

impl SecretKeys {
    /// The configured PII-007 keys that name a secret, and the secret words
    /// of compound keys among them.
    pub(crate) fn new(keys: &[Box<str>]) -> Self {
        let lower = |k: &str| k.to_ascii_lowercase().into_bytes().into_boxed_slice();
        let exact: Vec<Box<[u8]>> = keys
            .iter()
            .filter(|k| !URL_ONLY.iter().any(|u| u.eq_ignore_ascii_case(k)))
            .map(|k| lower(k))
            .collect();
        let suffixes: Vec<Box<[u8]>> = SECRET_SUFFIXES
            .iter()
            .map(|s| lower(s))
            .filter(|s| exact.contains(s))
            .collect();
        let mut last = [false; 256];
        for k in exact.iter().chain(&suffixes) {
            if let Some(&b) = k.last() {
                last[usize::from(b)] = true;
                last[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        let mut before_last = Box::new([[0u64; 4]; 256]);
        for k in exact.iter().chain(&suffixes) {
            if let [.., a, b] = k.as_ref() {
                for b in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                    for a in [a.to_ascii_lowercase(), a.to_ascii_uppercase()] {
                        before_last[usize::from(b)][usize::from(a >> 6)] |= 1 << (a & 63);
                    }
                }
            }
        }
        Self {
            exact,
            suffixes,
            last,
            before_last,
        }
    }

    /// Whether a key ending in the bytes `a`, `b` can name a secret: two
    /// table lookups.
    pub(crate) fn may_end(&self, a: u8, b: u8) -> bool {
        self.last[usize::from(b)]
            && self.before_last[usize::from(b)][usize::from(a >> 6)] & (1 << (a & 63)) != 0
    }

    /// Whether `key` names a secret.
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        let [.., a, b] = key else {
            return false;
        };
        if !self.may_end(*a, *b) {
            return false;
        }
        let eq = |k: &[u8], want: &[u8]| k.len() == want.len() && k.eq_ignore_ascii_case(want);
        if self.exact.iter().any(|k| eq(key, k)) {
            return true;
        }
        self.suffixes.iter().any(|s| {
            key.len() > s.len() + 1
                && eq(&key[key.len() - s.len()..], s)
                && matches!(key[key.len() - s.len() - 1], b'_' | b'-' | b'.')
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_in_snake_case() {
        let keys: Vec<Box<str>> = DEFAULT_ID_KEYS.iter().map(|k| (*k).into()).collect();
        let keys = IdKeys::new(&keys);
        for k in [
            "id",
            "order_id",
            "orderId",
            "statementID",
            "order-id",
            "metadata.order_id",
            "plan_hash",
            "planHash",
            "seq",
            "trace",
            "request_id",
            "retry_count",
        ] {
            assert!(keys.find(k.as_bytes()).is_some(), "{k}");
        }
        for k in [
            "paid",
            "valid",
            "number",
            "card_number",
            "phone",
            "android",
            "hashes",
        ] {
            assert_eq!(keys.find(k.as_bytes()), None, "{k}");
        }
        let custom = IdKeys::new(&["*_number".into(), "invoice".into()]);
        assert_eq!(custom.find(b"invoiceNumber"), Some(0));
        assert_eq!(custom.find(b"Invoice"), Some(1));
        assert_eq!(custom.find(b"order_id"), None);
    }

    #[test]
    fn pii_007_secret_keys_and_generic_ones() {
        let keys: Vec<Box<str>> = crate::url::DEFAULT_SENSITIVE_KEYS
            .iter()
            .map(|k| (*k).into())
            .collect();
        let keys = SecretKeys::new(&keys);
        for k in [
            "password",
            "API_KEY",
            "db_password",
            "stripe_api_key",
            "csrf_token",
            "client_secret",
        ] {
            assert!(keys.contains(k.as_bytes()), "{k}");
        }
        for k in [
            "code",
            "key",
            "sid",
            "session",
            "token_type",
            "max_tokens",
            "email",
            "passwordless",
        ] {
            assert!(!keys.contains(k.as_bytes()), "{k}");
        }
    }
}
