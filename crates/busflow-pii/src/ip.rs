//! IP addresses, parsed (not just matched) by the standard library.
//!
//! **Default policy: public addresses are redacted; addresses that name no
//! person are kept**, each range a choice ([`KeptRange`], the rules file's
//! `keep_ip_ranges`): loopback, unspecified, documentation (RFC 5737,
//! RFC 3849), private (RFC 1918), shared (RFC 6598, carrier-grade NAT),
//! unique local (`fc00::/7`) and link-local. An overlay address such as
//! `10.0.1.17` or `172.18.0.5` names a container: redacting it destroys what
//! operators debug with and protects no one. An IPv4-mapped IPv6 address
//! (`::ffff:198.51.100.28`) is judged by the IPv4 address it embeds.

use crate::boundary::is_word_byte;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A range of addresses that names no person, kept unless configured
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeptRange {
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `0.0.0.0`, `::`.
    Unspecified,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`.
    Documentation,
    /// RFC 1918: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
    Private,
    /// RFC 6598: `100.64.0.0/10`.
    Shared,
    /// `fc00::/7` (`fd00::/8` in practice).
    UniqueLocal,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
}

impl KeptRange {
    /// Every range, the default set.
    pub const ALL: [KeptRange; 7] = [
        KeptRange::Loopback,
        KeptRange::Unspecified,
        KeptRange::Documentation,
        KeptRange::Private,
        KeptRange::Shared,
        KeptRange::UniqueLocal,
        KeptRange::LinkLocal,
    ];

    /// The name used in the rules file (`private`, `unique-local`, …).
    pub fn name(self) -> &'static str {
        match self {
            KeptRange::Loopback => "loopback",
            KeptRange::Unspecified => "unspecified",
            KeptRange::Documentation => "documentation",
            KeptRange::Private => "private",
            KeptRange::Shared => "shared",
            KeptRange::UniqueLocal => "unique-local",
            KeptRange::LinkLocal => "link-local",
        }
    }

    /// The range named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether `ip` (an IPv4-mapped IPv6 address as its IPv4) is in the range.
    pub fn contains(self, ip: IpAddr) -> bool {
        match unmap(ip) {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                match self {
                    KeptRange::Loopback => v4.is_loopback(),
                    KeptRange::Unspecified => v4.is_unspecified(),
                    KeptRange::Documentation => {
                        matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113))
                    }
                    KeptRange::Private => v4.is_private(),
                    KeptRange::Shared => a == 100 && (64..128).contains(&b),
                    KeptRange::UniqueLocal => false,
                    KeptRange::LinkLocal => v4.is_link_local(),
                }
            }
            IpAddr::V6(v6) => {
                let s = v6.segments();
                match self {
                    KeptRange::Loopback => v6.is_loopback(),
                    KeptRange::Unspecified => v6.is_unspecified(),
                    KeptRange::Documentation => s[0] == 0x2001 && s[1] == 0x0db8,
                    KeptRange::Private | KeptRange::Shared => false,
                    KeptRange::UniqueLocal => s[0] & 0xfe00 == 0xfc00,
                    KeptRange::LinkLocal => s[0] & 0xffc0 == 0xfe80,
                }
            }
        }
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 address.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
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
    // `browser_version=124.0.0.0`, `"app_version": "1.2.3.4"`: a version
    // (checked last: only a dotted quad pays for it).
    if key_names_a_version(text, start) {
        return None;
    }
    Some((prefix_end(text, i, 32), IpAddr::V4(ip)))
}

/// Whether the key written just before `start` (`key=`, `key: `, `"key":"`,
/// `key%3D`) names a version (`version`, `*_version`, `ver`, `*_ver`).
fn key_names_a_version(text: &[u8], start: usize) -> bool {
    let mut i = start;
    // The separator: quotes, spaces, `=`, `:`, at most a few bytes.
    let sep_floor = start.saturating_sub(4);
    while i > sep_floor && matches!(text[i - 1], b'"' | b'\'' | b' ' | b'=' | b':') {
        i -= 1;
    }
    if i == start {
        return false;
    }
    let end = i;
    let floor = end.saturating_sub(40);
    while i > floor
        && (text[i - 1].is_ascii_alphanumeric() || matches!(text[i - 1], b'_' | b'-' | b'.'))
    {
        i -= 1;
    }
    let key = &text[i..end];
    let ends = |suffix: &[u8]| {
        key.len() >= suffix.len() && key[key.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    ends(b"version") || key.eq_ignore_ascii_case(b"ver") || ends(b"_ver") || ends(b"-ver")
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
        for t in [
            &b"browser_version=124.0.0.0"[..],
            b"\"app_version\": \"1.2.3.4\"",
            b"ver: 10.2.0.1",
        ] {
            let at = t.iter().position(u8::is_ascii_digit).expect("digit");
            assert_eq!(detect_v4(t, at), None, "{}", String::from_utf8_lossy(t));
        }
        assert!(detect_v4(b"client_ip=8.8.8.8", 10).is_some());
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
    fn every_kept_range_is_judged_and_mapped_addresses_by_their_ipv4() {
        let kept = |s: &str| {
            let ip: IpAddr = s.parse().expect("address");
            KeptRange::ALL.iter().any(|r| r.contains(ip))
        };
        for s in [
            "10.0.1.17",
            "172.18.0.5",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.1.1",
            "fd00::1",
            "fe80::1",
            "::ffff:198.51.100.28",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(kept(s), "{s} names no person");
        }
        for s in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "::ffff:8.8.8.8",
            "2a01:4f8::1",
        ] {
            assert!(!kept(s), "{s} is public");
        }
        assert_eq!(
            KeptRange::from_name("unique-local"),
            Some(KeptRange::UniqueLocal)
        );
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
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(KeptRange::ALL.iter().any(|r| r.contains(ip)), "{ip}");
        }
        // A private address is kept by the private range alone.
        let private: IpAddr = "10.1.2.3".parse().expect("ip");
        assert_eq!(
            KeptRange::ALL
                .iter()
                .filter(|r| r.contains(private))
                .collect::<Vec<_>>(),
            [&KeptRange::Private]
        );
    }
}
