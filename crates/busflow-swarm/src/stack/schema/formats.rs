//! The value formats docker's stack loader checks: Go's
//! `time.ParseDuration` (schema format `duration`), `nat.ParsePortSpec`
//! (format `ports`); memory sizes, read after the schema, are
//! [`crate::stack::units::parse_bytes`]'s.

/// Go's `time.ParseDuration`: `0`, or a signed sequence of decimal numbers
/// each with a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`).
pub(crate) fn is_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let int = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut after = &rest[int..];
        let mut frac = 0;
        if let Some(f) = after.strip_prefix('.') {
            frac = f.bytes().take_while(u8::is_ascii_digit).count();
            after = &f[frac..];
        }
        if int == 0 && frac == 0 {
            return false;
        }
        let unit = after
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(after.len(), |(k, _)| k);
        if !matches!(
            &after[..unit],
            "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h"
        ) {
            return false;
        }
        rest = &after[unit..];
    }
    true
}

fn port_range(s: &str) -> Option<(u32, u32)> {
    let port = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u16>().ok().map(u32::from))
            .flatten()
    };
    match s.split_once('-') {
        None => port(s).map(|p| (p, p)),
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            (b >= a).then_some((a, b))
        }
    }
}

/// `nat.ParsePortSpec`: `[ip:][host[-range]:]container[-range][/proto]`.
pub(crate) fn is_port_spec(raw: &str) -> bool {
    // SplitProtoPort.
    let (proto, rest) = match raw.split('/').collect::<Vec<_>>().as_slice() {
        [] | [""] => return false,
        [p] | [p, ""] => ("tcp", *p),
        [p, proto, ..] if !p.is_empty() => (*proto, *p),
        _ => return false,
    };
    if !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
        return false;
    }
    // splitParts: an IPv6 address in brackets may hold colons.
    let (ip, host, container) = if let Some(v6) = rest.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return false;
        };
        let Some(after) = after.strip_prefix(':') else {
            return false;
        };
        let (host, container) = after.split_once(':').unwrap_or(("", after));
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        ("", host, container)
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.as_slice() {
            [c] => ("", "", *c),
            [h, c] => ("", *h, *c),
            [ip, h, c] => (*ip, *h, *c),
            _ => {
                // More colons: an unbracketed IPv6 address before host and
                // container ports.
                let n = parts.len();
                let ip = &rest[..rest.len() - parts[n - 1].len() - parts[n - 2].len() - 2];
                (ip, parts[n - 2], parts[n - 1])
            }
        }
    };
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return false;
    }
    let Some((c0, c1)) = port_range(container) else {
        return false;
    };
    if host.is_empty() {
        return true;
    }
    let Some((h0, h1)) = port_range(host) else {
        return false;
    };
    // A host range must match the container range's size, unless the
    // container side is one port.
    c0 == c1 || h1 - h0 == c1 - c0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swarm_compose_012_durations_as_go_reads_them() {
        for ok in [
            "0", "10s", "1m30s", "1.5h", "-2ms", "300us", "2µs", ".5s", "5.s",
        ] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "10", "s", "10x", "1m30", "ten", "1 s", "."] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn swarm_compose_012_port_specs_as_docker_reads_them() {
        for ok in [
            "80",
            "8080:80",
            "127.0.0.1:8080:80",
            "8080:80/udp",
            "3000-3005:3000-3005",
            "9000-9005:80",
            "[::1]:8080:80",
            "127.0.0.1::80",
        ] {
            assert!(is_port_spec(ok), "{ok}");
        }
        for bad in [
            "",
            "http",
            "80/ftp",
            "8080:",
            "70000",
            "1.2.3:80:80",
            "3000-3005:80-81",
        ] {
            assert!(!is_port_spec(bad), "{bad}");
        }
    }
}
