//! PII-007: sensitive URL parts — the userinfo of `scheme://user:pass@host`
//! and the values of sensitive query keys (`?email=…&token=…`).
//!
//! The key list is configurable; a key matches case-insensitively, with a
//! trailing `[]` ignored (`email[]=`). Only the value is redacted, so the
//! URL keeps its shape and the key tells a reader what was there.

use crate::boundary::byte_table;

/// The default sensitive query keys.
pub const DEFAULT_SENSITIVE_KEYS: &[&str] = &[
    "email",
    "e-mail",
    "mail",
    "phone",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "auth",
    "authorization",
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "key",
    "session",
    "sessionid",
    "session_id",
    "sid",
    "code",
    "signature",
    "sig",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "iban",
];

fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace() || b"/?#\"'<>\\".contains(&b)
}

/// Bytes that end a query value (white space, `& # ; " ' < > \\`), and
/// bytes of a query key: tables, since a dense log meets a `?` or `&` on
/// most lines and the scan over them showed as a jump table per byte.
const ENDS_VALUE: [bool; 256] = byte_table(b" \t\n\x0c\r&#;\"'<>\\");
const KEY_BYTE: [bool; 256] =
    byte_table(b"_.-[]0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

fn ends_value(b: u8) -> bool {
    ENDS_VALUE[usize::from(b)]
}

/// The userinfo after the `:` at `colon` (which starts `://`): its span.
pub(crate) fn detect_userinfo(text: &[u8], colon: usize) -> Option<(usize, usize)> {
    if !text[colon..].starts_with(b"://") || colon == 0 || !text[colon - 1].is_ascii_alphanumeric()
    {
        return None;
    }
    let start = colon + 3;
    let mut end = start;
    let mut at = None;
    while end < text.len() && !ends_authority(text[end]) {
        if text[end] == b'@' {
            at = Some(end);
        }
        end += 1;
    }
    at.filter(|&at| at > start).map(|at| (start, at))
}

/// After the `?` or `&` at `at`: the value's span, if its key is sensitive.
pub(crate) fn detect_query(text: &[u8], at: usize, keys: &[Box<str>]) -> Option<(usize, usize)> {
    let key_start = at + 1;
    let mut eq = key_start;
    while eq < text.len() && KEY_BYTE[usize::from(text[eq])] {
        eq += 1;
    }
    if text.get(eq) != Some(&b'=') || eq == key_start {
        return None;
    }
    let key = &text[key_start..eq];
    let key = key.strip_suffix(b"[]").unwrap_or(key);
    if !keys.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(key)) {
        return None;
    }
    let start = eq + 1;
    let mut end = start;
    while end < text.len() && !ends_value(text[end]) {
        end += 1;
    }
    (end > start).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Box<str>> {
        DEFAULT_SENSITIVE_KEYS.iter().map(|k| (*k).into()).collect()
    }

    #[test]
    fn pii_007_userinfo_is_found() {
        let t = b"GET https://ann:s3cret@api.example.com/v1 200";
        let colon = 9;
        let (s, e) = detect_userinfo(t, colon).expect("userinfo");
        assert_eq!(&t[s..e], b"ann:s3cret");
        assert_eq!(
            detect_userinfo(b"https://api.example.com/a@b", 5),
            None,
            "@ in the path"
        );
        assert_eq!(detect_userinfo(b"https://@host", 5), None, "empty userinfo");
    }

    #[test]
    fn pii_007_sensitive_query_values_are_found() {
        let t = b"/reset?user=42&Email=ann%40example.com&token=abc#frag";
        let q = t.iter().position(|b| *b == b'&').expect("&");
        let (s, e) = detect_query(t, q, &keys()).expect("email");
        assert_eq!(&t[s..e], b"ann%40example.com");
        assert_eq!(detect_query(t, 6, &keys()), None, "user is not sensitive");
        let t = b"?token=&x=1";
        assert_eq!(detect_query(t, 0, &keys()), None, "empty value");
        let t = b"?email[]=a@b.io";
        assert!(detect_query(t, 0, &keys()).is_some());
    }
}
