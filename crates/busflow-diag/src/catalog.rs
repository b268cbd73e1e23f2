//! Rules and the catalogs that hold them.

/// What a rule is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleKind {
    /// Files: Terraform, stack files, rule files, configuration. Preflight
    /// runs every static rule of the crates it enables.
    Static,
    /// A running service, through the crate's client.
    Live,
    /// Something the library does (and tests prove).
    Action,
}

/// One rule: a contract clause with its ID, title, default severity and
/// owner. Declared with [`catalog!`](crate::catalog!), one constant each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rule {
    /// The clause ID from `CONTRACTS.md`, used verbatim (`SWARM-TF-001`).
    pub id: &'static str,
    /// What the rule holds, in a line.
    pub title: &'static str,
    /// The severity of its findings unless configured otherwise.
    pub severity: crate::Severity,
    /// What it is checked against.
    pub kind: RuleKind,
    /// The crate that owns it (`busflow-swarm`).
    pub owner: &'static str,
    /// A second way it is checked, when it has one: a live clause whose
    /// configuration preflight also checks in files is `Live` and also
    /// `Static`.
    pub also: Option<RuleKind>,
}

impl Rule {
    /// A rule. Catalogs are declared with [`catalog!`](crate::catalog!),
    /// which calls this.
    pub const fn new(
        id: &'static str,
        title: &'static str,
        severity: crate::Severity,
        kind: RuleKind,
        owner: &'static str,
    ) -> Self {
        Self {
            id,
            title,
            severity,
            kind,
            owner,
            also: None,
        }
    }

    /// The same rule, also checked the way `kind` says.
    #[must_use]
    pub const fn also(mut self, kind: RuleKind) -> Self {
        self.also = Some(kind);
        self
    }

    /// Whether it is checked in files, so preflight runs it.
    pub const fn is_static(&self) -> bool {
        matches!(self.kind, RuleKind::Static) || matches!(self.also, Some(RuleKind::Static))
    }
}

/// A rule ID that is not in the catalog asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule ID `{id}`; {owner} knows {}", known.join(", "))]
pub struct UnknownRule {
    /// The ID asked for.
    pub id: String,
    /// The catalog's owner.
    pub owner: &'static str,
    /// The IDs the catalog has.
    pub known: Vec<&'static str>,
}

/// The rules of one crate, in the order of `CONTRACTS.md`.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    owner: &'static str,
    rules: &'static [Rule],
}

impl Catalog {
    /// A catalog of `owner`'s rules.
    pub const fn new(owner: &'static str, rules: &'static [Rule]) -> Self {
        Self { owner, rules }
    }

    /// The crate that owns the rules (`busflow-swarm`).
    pub const fn owner(&self) -> &'static str {
        self.owner
    }

    /// Every rule, in catalog order.
    pub const fn rules(&self) -> &'static [Rule] {
        self.rules
    }

    /// The rules checked in files (their kind or their second kind is
    /// [`RuleKind::Static`]): what preflight runs.
    pub fn static_rules(&self) -> impl Iterator<Item = &'static Rule> + use<> {
        self.rules.iter().filter(|r| r.is_static())
    }

    /// The rule with this ID (exact, case-sensitive).
    pub fn find(&self, id: &str) -> Result<&'static Rule, UnknownRule> {
        self.rules
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| UnknownRule {
                id: id.to_owned(),
                owner: self.owner,
                known: self.rules.iter().map(|r| r.id).collect(),
            })
    }
}

/// Declares a crate's catalog: one constant per rule (named after its ID,
/// with its title as documentation) and a [`Catalog`] holding them all in
/// the order written. Each entry is `NAME = "ID", Severity, Kind, "title";`
/// where `Kind` may name a second kind after a `+` (`Live + Static`).
///
/// ```
/// busflow_diag::catalog! {
///     /// The rules of an example crate.
///     pub static CATALOG: "example";
///     EX_001 = "EX-001", Error, Static, "the answer is 42";
/// }
/// assert_eq!(EX_001.owner, "example");
/// assert_eq!(CATALOG.rules().len(), 1);
/// ```
#[macro_export]
macro_rules! catalog {
    (
        $(#[$meta:meta])*
        $vis:vis static $catalog:ident: $owner:literal;
        $( $name:ident = $id:literal, $severity:ident, $kind:ident $(+ $also:ident)?, $title:literal; )*
    ) => {
        $(
            #[doc = concat!("`", $id, "`: ", $title, ".")]
            $vis const $name: $crate::Rule = $crate::Rule::new(
                $id,
                $title,
                $crate::Severity::$severity,
                $crate::RuleKind::$kind,
                $owner,
            )$(.also($crate::RuleKind::$also))?;
        )*
        $(#[$meta])*
        $vis static $catalog: $crate::Catalog = $crate::Catalog::new($owner, &[$($name),*]);
    };
}

#[cfg(test)]
mod tests {
    use crate::{RuleKind, Severity};

    crate::catalog! {
        static CATALOG: "test";
        T_001 = "T-001", Error, Static, "one";
        T_002 = "T-002", Warning, Live, "two";
        T_003 = "T-003", Error, Live + Static, "three";
    }

    #[test]
    fn a_catalog_finds_its_rules_and_names_the_rest() {
        assert_eq!(
            CATALOG.find("T-002").map(|r| r.severity),
            Ok(Severity::Warning)
        );
        assert_eq!(T_002.kind, RuleKind::Live);
        let ids: Vec<_> = CATALOG.static_rules().map(|r| r.id).collect();
        assert_eq!(ids, ["T-001", "T-003"]);
        let err = CATALOG.find("t-001").expect_err("IDs are case-sensitive");
        assert_eq!(
            err.to_string(),
            "unknown rule ID `t-001`; test knows T-001, T-002, T-003"
        );
    }
}
