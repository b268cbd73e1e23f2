//! PIIX-004: JSON Web Tokens and bearer / basic credentials.
//!
//! A JWT is three base64url segments joined by dots whose first segment
//! decodes to a JSON object (the JOSE header: `eyJ…` is `{"` encoded); the
//! signature may be empty (`alg: none`). Anything else shaped like
//! `eyJ….….` — a dotted id, a truncated token — is left alone. After the
//! word `Bearer` or `Basic` (any case, then spaces) the credential itself is
//! redacted, whatever its shape, if it is at least 8 characters long; the
//! scheme word stays so a reader sees what was there.

use crate::boundary::is_word_byte;

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn b64url_value(b: u8) -> Option<u32> {
    Some(u32::from(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// Unpadded base64url, as JWTs use it.
/// Decodes unpadded base64url into `out` (which holds at least three
/// quarters of `text`), giving the decoded bytes.
fn decode_b64url<'a>(text: &[u8], out: &'a mut [u8]) -> Option<&'a [u8]> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut n = 0;
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for (k, b) in chunk.iter().enumerate() {
            acc |= b64url_value(*b)? << (18 - 6 * k);
        }
        let bytes = acc.to_be_bytes();
        let take = chunk.len() - 1;
        out[n..n + take].copy_from_slice(&bytes[1..chunk.len()]);
        n += take;
    }
    Some(&out[..n])
}

/// A JWT's header is a JSON object: a header longer than this is no JWT
/// this scan needs to read (real ones are under 200 bytes).
const MAX_JWT_HEADER: usize = 1024;

fn run(text: &[u8], from: usize, pred: fn(u8) -> bool) -> usize {
    let mut i = from;
    while i < text.len() && pred(text[i]) {
        i += 1;
    }
    i
}

/// A JWT starting at `start` (which holds `eyJ`): its end.
pub(crate) fn detect_jwt(text: &[u8], start: usize) -> Option<usize> {
    let header_end = run(text, start, is_b64url);
    if text.get(header_end) != Some(&b'.') {
        return None;
    }
    let payload_end = run(text, header_end + 1, is_b64url);
    if payload_end == header_end + 1 || text.get(payload_end) != Some(&b'.') {
        return None;
    }
    let end = run(text, payload_end + 1, is_b64url);
    if text
        .get(end)
        .is_some_and(|b| is_word_byte(*b) || *b == b'.')
    {
        return None;
    }
    let encoded = &text[start..header_end];
    if encoded.len() > MAX_JWT_HEADER {
        return None;
    }
    let mut buf = [0u8; MAX_JWT_HEADER * 3 / 4];
    let header = decode_b64url(encoded, &mut buf)?;
    // An object, read without building it (the scan meets one per token).
    if header.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(header).ok()?;
    Some(end)
}

fn is_credential(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

/// After `Bearer ` or `Basic ` at `start`: the credential's span.
pub(crate) fn detect_scheme(text: &[u8], start: usize) -> Option<(usize, usize)> {
    let word_end = run(text, start, |b| b.is_ascii_alphabetic());
    let word = &text[start..word_end];
    if !(word.eq_ignore_ascii_case(b"bearer") || word.eq_ignore_ascii_case(b"basic")) {
        return None;
    }
    let value = run(text, word_end, |b| b == b' ' || b == b'\t');
    if value == word_end {
        return None;
    }
    let mut end = run(text, value, is_credential);
    while text.get(end) == Some(&b'=') {
        end += 1;
    }
    let credential = &text[value..end];
    let shaped = if word.eq_ignore_ascii_case(b"basic") {
        is_basic_credential(credential)
    } else {
        is_bearer_credential(credential)
    };
    shaped.then_some((value, end))
}

/// `Basic`: base64 of `user:password`, so the base64 alphabet in whole
/// quads (padding included), at least 8 characters. `Basic realm=…` and
/// prose are not.
fn is_basic_credential(v: &[u8]) -> bool {
    v.len() >= 8
        && v.len().is_multiple_of(4)
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// `Bearer`: an opaque token, a JWT or base64(url)/hex of at least 16
/// characters mixing at least two of lower case, upper case and digits
/// (`Bearer HTTP/1.1` in a quoted request line, or `token_type=Bearer
/// expires_in` are not credentials).
fn is_bearer_credential(v: &[u8]) -> bool {
    let classes = [
        v.iter().any(u8::is_ascii_lowercase),
        v.iter().any(u8::is_ascii_uppercase),
        v.iter().any(u8::is_ascii_digit),
    ];
    v.len() >= 16 && classes.iter().filter(|c| **c).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn piix_004_a_jwt_is_three_segments_with_a_json_header() {
        let line = format!("auth ok token={JWT} user=42");
        let start = line.find("eyJ").expect("jwt");
        assert_eq!(detect_jwt(line.as_bytes(), start), Some(start + JWT.len()));
        // alg none: empty signature.
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.";
        assert_eq!(detect_jwt(unsigned.as_bytes(), 0), Some(unsigned.len()));
    }

    #[test]
    fn piix_004_jwt_shapes_that_are_not_tokens() {
        // The header does not decode to JSON.
        assert_eq!(detect_jwt(b"eyJfoo.bar.baz", 0), None);
        // Two segments only.
        assert_eq!(detect_jwt(b"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0", 0), None);
        // Glued to more text.
        let glued = format!("{JWT}x.y");
        assert_eq!(detect_jwt(glued.as_bytes(), 0), None);
    }

    #[test]
    fn piix_004_bearer_and_basic_credentials() {
        let t = b"Authorization: Bearer abc.DEF-123_xyz~ next";
        let (s, e) = detect_scheme(t, 15).expect("bearer");
        assert_eq!(&t[s..e], b"abc.DEF-123_xyz~");
        let t = b"basic dXNlcjpwYXNzd29yZA== ok";
        let (s, e) = detect_scheme(t, 0).expect("basic");
        assert_eq!(&t[s..e], b"dXNlcjpwYXNzd29yZA==");
        assert_eq!(detect_scheme(b"Bearer short", 0), None);
        // Not a credential's shape.
        assert_eq!(detect_scheme(b"token_type=Bearer HTTP/1.1\"", 11), None);
        assert_eq!(detect_scheme(b"Bearer expires_in_seconds", 0), None);
        assert_eq!(detect_scheme(b"Basic realm=\"api\"", 0), None);
        assert_eq!(detect_scheme(b"bearers abcdefghijk", 0), None);
        assert_eq!(detect_scheme(b"Bearer\nabcdefghijk", 0), None);
    }
}
