//! IP addresses, parsed (not just matched) by the standard library.
//! Loopback, unspecified and documentation ranges (RFC 5737, RFC 3849) are
//! not personal data and are kept unless configured otherwise.

use crate::boundary::is_word_byte;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is loopback, unspecified, or reserved for documentation.
pub(crate) fn is_non_personal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_unspecified()
                || (a, b, c) == (192, 0, 2)
                || (a, b, c) == (198, 51, 100)
                || (a, b, c) == (203, 0, 113)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback() || v6.is_unspecified() || (s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

/// The IPv4 address starting at `start` (a digit): its end and value.
pub(crate) fn detect_v4(text: &[u8], start: usize) -> Option<(usize, IpAddr)> {
    if start > 0 && (is_word_byte(text[start - 1]) || text[start - 1] == b'.') {
        return None;
    }
    // `Chrome/131.0.6778.85`: a product's version, not an address.
    if start >= 2 && text[start - 1] == b'/' && text[start - 2].is_ascii_alphanumeric() {
        return None;
    }
    let mut i = start;
    let mut dots = 0;
    while i < text.len() && (text[i].is_ascii_digit() || text[i] == b'.') && i - start < 15 {
        if text[i] == b'.' {
            dots += 1;
        }
        i += 1;
    }
    // A trailing dot is punctuation.
    if i > start && text[i - 1] == b'.' {
        i -= 1;
        dots -= 1;
    }
    let glued_dot = text.get(i) == Some(&b'.') && text.get(i + 1).is_some_and(|b| is_word_byte(*b));
    if dots != 3 || (i < text.len() && is_word_byte(text[i])) || glued_dot {
        return None;
    }
    let s = std::str::from_utf8(&text[start..i]).ok()?;
    let ip = s.parse::<Ipv4Addr>().ok()?;
    Some((prefix_end(text, i, 32), IpAddr::V4(ip)))
}

/// After an address at `end`: the end of a CIDR prefix length (`/24`, at
/// most `max`) when one follows, else `end`.
fn prefix_end(text: &[u8], end: usize, max: u32) -> usize {
    if text.get(end) != Some(&b'/') {
        return end;
    }
    let digits = text[end + 1..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let value = std::str::from_utf8(&text[end + 1..end + 1 + digits])
        .ok()
        .and_then(|d| d.parse::<u32>().ok());
    let after = end + 1 + digits;
    match value {
        Some(v)
            if (1..=3).contains(&digits)
                && v <= max
                && !text.get(after).is_some_and(|b| is_word_byte(*b)) =>
        {
            after
        }
        _ => end,
    }
}

/// The IPv6 address starting at `start` (a hex digit or `:`): its end and
/// value. At least two colons; an embedded IPv4 tail is allowed.
pub(crate) fn detect_v6(text: &[u8], start: usize) -> Option<(usize, IpAddr)> {
    if start > 0 && (is_word_byte(text[start - 1]) || text[start - 1] == b':') {
        return None;
    }
    // The tail of a dotted word (`B0.BA00::a`) is not an address of its
    // own: found by fuzzing, redacting it made the text before it match.
    if start >= 2 && text[start - 1] == b'.' && is_word_byte(text[start - 2]) {
        return None;
    }
    // The first group: at most four hex digits, then a colon.
    let first = text[start..]
        .iter()
        .take(5)
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    if first > 4 || text.get(start + first) != Some(&b':') {
        return None;
    }
    // A dot belongs to the address only between digits (an IPv4 tail):
    // `::A:.::15` is two candidates, as it is when a token splits it.
    let v4_dot = |i: usize| {
        i > start && text[i - 1].is_ascii_digit() && text.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    let mut i = start;
    while i < text.len()
        && (text[i].is_ascii_hexdigit() || text[i] == b':' || (text[i] == b'.' && v4_dot(i)))
        && i - start < 45
    {
        i += 1;
    }
    // Trailing punctuation: `…:1.` or a lone trailing `:` (`addr: ::1:`).
    while i > start
        && (text[i - 1] == b'.'
            || (text[i - 1] == b':' && !(i >= start + 2 && text[i - 2] == b':')))
    {
        i -= 1;
    }
    if i < text.len() && is_word_byte(text[i]) {
        return None;
    }
    let s = std::str::from_utf8(&text[start..i]).ok()?;
    if s.bytes().filter(|b| *b == b':').count() < 2 {
        return None;
    }
    let ip = s.parse::<Ipv6Addr>().ok()?;
    // A zone (`%eth0`) belongs to the address.
    let mut end = i;
    if text.get(end) == Some(&b'%') {
        let zone = text[end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
        if zone > 0 {
            end += 1 + zone;
        }
    }
    Some((prefix_end(text, end, 128), IpAddr::V6(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piix_002_a_product_version_is_not_an_address() {
        let ua = b"Mozilla/5.0 Chrome/131.0.164.63 Safari/537.36";
        assert!(detect_v4(ua, 20).is_none());
        assert!(
            detect_v4(b"http://10.1.2.3/x", 7).is_some(),
            "a URL's host is"
        );
    }

    #[test]
    fn parses_ipv4_and_ipv6_with_boundaries() {
        assert_eq!(detect_v4(b"10.1.2.3 x", 0).map(|r| r.0), Some(8));
        assert_eq!(detect_v4(b"10.1.2.3.", 0).map(|r| r.0), Some(8));
        assert_eq!(detect_v4(b"10.1.2.300", 0), None);
        assert_eq!(detect_v4(b"1.2.3", 0), None, "a version");
        assert_eq!(detect_v4(b"1.2.3.4.5", 0), None, "an OID");
        assert_eq!(detect_v6(b"2a01:4f8::1 up", 0).map(|r| r.0), Some(11));
        assert_eq!(
            detect_v6(b"fe80::1ff:fe23:4567:890a", 0).map(|r| r.0),
            Some(24)
        );
        assert_eq!(detect_v6(b"::ffff:10.1.2.3", 0).map(|r| r.0), Some(15));
        assert_eq!(detect_v6(b"12:30:45", 0), None, "a time");
        assert_eq!(detect_v4(b"10.0.0.0/8.", 0).map(|r| r.0), Some(10), "CIDR");
        assert_eq!(
            detect_v4(b"10.0.0.0/33", 0).map(|r| r.0),
            Some(8),
            "not a prefix length"
        );
        assert_eq!(
            detect_v6(b"fe80::1%eth0/64 up", 0).map(|r| r.0),
            Some(15),
            "zone and prefix"
        );
        assert_eq!(detect_v6(b"deadbeef:cafe", 0), None);
    }

    #[test]
    fn documentation_and_loopback_ranges_are_not_personal() {
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "192.0.2.7",
            "198.51.100.1",
            "203.0.113.9",
            "::1",
            "2001:db8::1",
        ] {
            assert!(is_non_personal(ip.parse().expect("ip")), "{ip}");
        }
        assert!(!is_non_personal("10.1.2.3".parse().expect("ip")));
    }
}
