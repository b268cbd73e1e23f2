//! What the published `ubicloud/ubicloud` Terraform provider can express:
//! its resources and their attributes, its data sources, and the releases
//! that exist, with Terraform's version-constraint semantics to judge a
//! `required_providers` pin (UBI-TF-002, UBI-TF-004).

/// Whether an attribute must, may or cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    /// Required.
    Required,
    /// Optional.
    Optional,
    /// Read-only (computed by the provider).
    Computed,
}

/// One resource or data source type of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// Its type (`ubicloud_postgres`).
    pub kind: &'static str,
    /// Its attributes.
    pub attributes: &'static [(&'static str, Attr)],
}

impl Schema {
    /// The attribute `name`, if the type has it.
    pub fn attribute(&self, name: &str) -> Option<Attr> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }
}

use Attr::{Computed, Optional, Required};

/// The provider's resources (0.1.x: generated from the API spec it ships).
pub static RESOURCES: &[Schema] = &[
    Schema {
        kind: "ubicloud_postgres",
        attributes: &[
            ("project_id", Required),
            ("location", Required),
            ("name", Required),
            ("size", Required),
            ("ha_type", Optional),
            ("storage_size", Optional),
            ("version", Optional),
            ("id", Computed),
            ("state", Computed),
            ("primary", Computed),
            ("earliest_restore_time", Computed),
            ("latest_restore_time", Computed),
            ("firewall_rules", Computed),
        ],
    },
    Schema {
        kind: "ubicloud_firewall",
        attributes: &[
            ("project_id", Required),
            ("name", Required),
            ("description", Optional),
            ("id", Computed),
            ("firewall_rules", Computed),
        ],
    },
    Schema {
        kind: "ubicloud_firewall_rule",
        attributes: &[
            ("project_id", Required),
            ("firewall_id", Required),
            ("cidr", Required),
            ("port_range", Optional),
            ("id", Computed),
        ],
    },
    Schema {
        kind: "ubicloud_private_subnet",
        attributes: &[
            ("project_id", Required),
            ("location", Required),
            ("name", Required),
            ("id", Computed),
        ],
    },
    Schema {
        kind: "ubicloud_project",
        attributes: &[("name", Required), ("id", Computed)],
    },
    Schema {
        kind: "ubicloud_vm",
        attributes: &[
            ("project_id", Required),
            ("location", Required),
            ("name", Required),
            ("public_key", Required),
            ("size", Optional),
            ("unix_user", Optional),
            ("boot_image", Optional),
            ("enable_ip4", Optional),
            ("private_subnet_id", Optional),
            ("storage_size", Optional),
            ("id", Computed),
            ("ip4", Computed),
            ("ip6", Computed),
            ("state", Computed),
        ],
    },
];

/// The provider's data sources.
pub static DATA_SOURCES: &[Schema] = &[Schema {
    kind: "ubicloud_postgres",
    attributes: &[
        ("project_id", Required),
        ("location", Required),
        ("name", Required),
        ("id", Computed),
        ("connection_string", Computed),
        ("size", Computed),
        ("state", Computed),
        ("ha_type", Computed),
        ("storage_size", Computed),
        ("version", Computed),
    ],
}];

/// The provider's releases on the Terraform registry.
pub static RELEASES: &[Version] = &[
    Version(0, 1, 0),
    Version(0, 1, 1),
    Version(0, 1, 2),
    Version(0, 1, 3),
];

/// The schema of resource type `kind`.
pub fn resource(kind: &str) -> Option<&'static Schema> {
    RESOURCES.iter().find(|s| s.kind == kind)
}

/// The schema of data source type `kind`.
pub fn data_source(kind: &str) -> Option<&'static Schema> {
    DATA_SOURCES.iter().find(|s| s.kind == kind)
}

/// A release version (major, minor, patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// One term of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Eq(Version),
    Ne(Version),
    Gt(Version),
    Ge(Version),
    Lt(Version),
    Le(Version),
    /// `~> X.Y` (`parts` = 2) or `~> X.Y.Z` (3): the rightmost given part may grow.
    Pessimistic(Version, usize),
}

/// A Terraform version constraint (`~> 0.3`, `>= 0.1.2, < 0.2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    terms: Vec<Term>,
}

impl Constraint {
    /// Parses a constraint string as Terraform does: comma-separated terms,
    /// each an optional operator and a version of one to three parts.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for raw in text.split(',') {
            let t = raw.trim();
            let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
                .iter()
                .find_map(|op| t.strip_prefix(op).map(|r| (*op, r.trim())))
                .unwrap_or(("=", t));
            let parts: Vec<&str> = rest.split('.').collect();
            if parts.is_empty()
                || parts.len() > 3
                || parts
                    .iter()
                    .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
            {
                return Err(format!(
                    "`{t}` is not a version constraint term (expected e.g. `~> 0.1` or `>= 1.2.0`)"
                ));
            }
            let n = |i: usize| {
                parts
                    .get(i)
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let v = Version(n(0), n(1), n(2));
            terms.push(match op {
                "~>" => Term::Pessimistic(v, parts.len()),
                ">=" => Term::Ge(v),
                "<=" => Term::Le(v),
                "!=" => Term::Ne(v),
                ">" => Term::Gt(v),
                "<" => Term::Lt(v),
                _ => Term::Eq(v),
            });
        }
        Ok(Self { terms })
    }

    /// Whether `v` satisfies every term.
    pub fn allows(&self, v: Version) -> bool {
        self.terms.iter().all(|t| match *t {
            Term::Eq(x) => v == x,
            Term::Ne(x) => v != x,
            Term::Gt(x) => v > x,
            Term::Ge(x) => v >= x,
            Term::Lt(x) => v < x,
            Term::Le(x) => v <= x,
            Term::Pessimistic(x, parts) => {
                v >= x
                    && match parts {
                        1 | 2 => v.0 == x.0,
                        _ => v.0 == x.0 && v.1 == x.1,
                    }
            }
        })
    }

    /// Whether it pins with `~>` (so a new major or minor line is opt-in).
    pub fn is_pessimistic(&self) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t, Term::Pessimistic(..)))
    }

    /// The known releases it allows.
    pub fn matching(&self) -> Vec<Version> {
        RELEASES
            .iter()
            .copied()
            .filter(|v| self.allows(*v))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pessimistic_constraints_follow_terraform() {
        let c = Constraint::parse("~> 0.3").expect("parses");
        assert!(c.allows(Version(0, 3, 0)) && c.allows(Version(0, 9, 1)));
        assert!(!c.allows(Version(1, 0, 0)) && !c.allows(Version(0, 2, 9)));
        assert!(c.matching().is_empty(), "no 0.3 was ever published");
        let c = Constraint::parse("~> 0.1.2").expect("parses");
        assert!(c.allows(Version(0, 1, 3)) && !c.allows(Version(0, 2, 0)));
        assert_eq!(
            Constraint::parse("~> 0.1")
                .expect("parses")
                .matching()
                .len(),
            4
        );
        let c = Constraint::parse(">= 0.1.1, < 0.1.3").expect("parses");
        assert_eq!(c.matching(), [Version(0, 1, 1), Version(0, 1, 2)]);
        assert!(!c.is_pessimistic());
        assert!(Constraint::parse("~> x").is_err());
        assert!(Constraint::parse("").is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused(s in "\\PC{0,20}") {
            let _ = Constraint::parse(&s).map(|c| c.matching());
        }
    }
}
