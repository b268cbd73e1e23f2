//! The allowed CIDRs of a database's firewall, parsed and judged as address
//! space, never as strings: `0:0::/0`, `::0/0` and `0.0.0.0/00` are all the
//! whole internet, `0.0.0.0/1` + `128.0.0.0/1` together are too, and
//! `10.0.0.1/24` is the network `10.0.0.0/24`.
//!
//! **Policy.** After host bits are cleared, IPv4-mapped IPv6 blocks
//! (`::ffff:a.b.c.d/n`) are read as the IPv4 block they embed, and adjacent
//! blocks are merged, a rule set is refused when any merged block that
//! reaches public address space is wider than [`MIN_PUBLIC_PREFIX_V4`]
//! (IPv4) or [`MIN_PUBLIC_PREFIX_V6`] (IPv6). Private, shared, loopback,
//! link-local, documentation and ULA blocks may be as wide as the network
//! needs (`10.0.0.0/8` is fine); a swarm node's public address (`/32`) or a
//! provider's `/24` is fine; anything wider that reaches the internet opens
//! the database to it.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};

/// The widest IPv4 block that may include public addresses.
pub const MIN_PUBLIC_PREFIX_V4: u8 = 24;
/// The widest IPv6 block that may include public addresses.
pub const MIN_PUBLIC_PREFIX_V6: u8 = 48;

/// Why an allowed list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CidrError {
    /// An entry is not an address or a CIDR.
    #[error("`{0}` is not an IP address or a CIDR block")]
    Invalid(String),
    /// The union reaches too much of the internet.
    #[error(
        "{block} (from {entries}) opens the database to the internet: allow the swarm's addresses only (public blocks up to /{MIN_PUBLIC_PREFIX_V4} for IPv4, /{MIN_PUBLIC_PREFIX_V6} for IPv6)"
    )]
    OpenToInternet {
        /// The merged block.
        block: IpNet,
        /// The entries it was merged from, as given.
        entries: String,
    },
}

/// Parses one entry: an address (a single host) or a CIDR block, with its
/// host bits cleared and an IPv4-mapped IPv6 block read as IPv4.
pub fn parse(entry: &str) -> Result<IpNet, CidrError> {
    let text = entry.trim();
    let invalid = || CidrError::Invalid(entry.to_owned());
    let net = if text.contains('/') {
        let (addr, len) = text.split_once('/').ok_or_else(invalid)?;
        let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
        // `00` and `+0` are not prefixes people mean; digits only, then
        // the family's range.
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let len: u8 = len.parse().map_err(|_| invalid())?;
        IpNet::new(addr, len).map_err(|_| invalid())?
    } else {
        IpNet::from(text.parse::<IpAddr>().map_err(|_| invalid())?)
    };
    Ok(unmap(net.trunc()))
}

/// An IPv4-mapped IPv6 block (`::ffff:0:0/96` and narrower) as IPv4.
fn unmap(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net
        && v6.prefix_len() >= 96
        && let Some(v4) = v6.addr().to_ipv4_mapped()
    {
        return Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net, |n| IpNet::V4(n.trunc()));
    }
    net
}

/// Blocks that are not the public internet.
fn non_public() -> impl Iterator<Item = IpNet> {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "2001:db8::/32",
        "ff00::/8",
    ]
    .into_iter()
    .filter_map(|s| s.parse().ok())
}

/// Whether `net` includes any public address.
fn reaches_public(net: &IpNet) -> bool {
    !non_public().any(|private| private.contains(net))
}

/// Parses and normalises every entry, and refuses the set when its merged
/// blocks open the database to the internet (see the module's policy).
/// Returns the entries normalised, in the order given, without duplicates.
pub fn allowed(entries: &[String]) -> Result<Vec<IpNet>, CidrError> {
    let mut nets = Vec::new();
    for e in entries {
        let net = parse(e)?;
        if !nets.contains(&net) {
            nets.push(net);
        }
    }
    for block in IpNet::aggregate(&nets) {
        let min = match block {
            IpNet::V4(_) => MIN_PUBLIC_PREFIX_V4,
            IpNet::V6(_) => MIN_PUBLIC_PREFIX_V6,
        };
        if block.prefix_len() < min && reaches_public(&block) {
            let from: Vec<&str> = entries
                .iter()
                .filter(|e| parse(e).is_ok_and(|n| block.contains(&n)))
                .map(String::as_str)
                .collect();
            return Err(CidrError::OpenToInternet {
                block,
                entries: from.join(", "),
            });
        }
    }
    Ok(nets)
}

/// The normalised text of an existing rule's CIDR (as the API returns it),
/// for comparison; an unparsable one stays as written, so it is removed.
pub(crate) fn normalise(cidr: &str) -> String {
    parse(cidr).map_or_else(|_| cidr.trim().to_owned(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(list: &[&str]) -> bool {
        let v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        matches!(allowed(&v), Err(CidrError::OpenToInternet { .. }))
    }

    #[test]
    fn every_spelling_of_the_whole_internet_is_refused() {
        for list in [
            &["0.0.0.0/0"][..],
            &["0:0::/0"],
            &["::0/0"],
            &["0.0.0.0/00"],
            &["0.0.0.0/1", "128.0.0.0/1"],
            &["::ffff:0:0/96"],
            &["::/1", "8000::/1"],
            &["1.0.0.0/8"],
            &["10.0.0.0/8", "11.0.0.0/8"],
            &["203.0.113.0/24", "203.0.112.0/24"],
        ] {
            assert!(refused(list), "{list:?} must be refused");
        }
    }

    #[test]
    fn the_swarms_addresses_pass_normalised() {
        let v: Vec<String> = [
            "10.0.1.17/24",
            "10.0.0.0/8",
            "192.168.0.1",
            "::ffff:198.51.100.28",
            "fd00::/8",
            "2a01:4f8::1",
            "5.9.10.0/24",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let nets = allowed(&v).expect("allowed");
        let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "10.0.1.0/24",
                "10.0.0.0/8",
                "192.168.0.1/32",
                "198.51.100.28/32",
                "fd00::/8",
                "2a01:4f8::1/128",
                "5.9.10.0/24"
            ]
        );
        assert_eq!(normalise("10.0.0.1/24"), normalise("10.0.0.0/24"));
    }

    #[test]
    fn what_is_not_a_cidr_is_an_error() {
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "10.0.0.0/+8",
            "10.0.0.0/",
            "x/8",
        ] {
            assert!(
                matches!(allowed(&[bad.to_owned()]), Err(CidrError::Invalid(_))),
                "{bad:?}"
            );
        }
    }
}
