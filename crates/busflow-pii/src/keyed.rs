//! PII-007 outside URLs, in JSON mode: the string value of a JSON key that
//! names a secret (`{"password":"…"}`, `"db_password"`, `"stripe_api_key"`)
//! is redacted whole. (The same in logfmt and form bodies, `password=…`, is
//! not done yet: an `=` trigger measured 1.3× slower on clean lines.)
//!
//! Only the configured PII-007 keys that name a secret count here: the
//! generic ones (`code`, `key`, `sid`, `auth`, `session`, `sig`, `pass`, and
//! the contact keys the email, phone and IBAN detectors already cover) are
//! status codes and ids in logfmt far more often than credentials, so they
//! stay URL-only. A key also counts when it ends in `_`/`-`/`.` and a secret
//! word (`db_password`, `stripe_api_key`, `csrf_token`).

/// Keys of the PII-007 list that stay URL-only.
const URL_ONLY: &[&str] = &[
    "code", "key", "sid", "auth", "session", "sig", "pass", "mail", "e-mail", "email", "phone",
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
        Self {
            exact,
            suffixes,
            last,
        }
    }

    /// Whether `key` names a secret.
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        if !key.last().is_some_and(|b| self.last[usize::from(*b)]) {
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
