//! Placement constraints with swarmkit's grammar: `key ==|!= value`, the
//! keys swarm knows, and nothing else (an unknown key is accepted by the
//! engine and never matches: tasks stay pending forever).

/// The operator of a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
}

/// A parsed placement constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// The key (`node.labels.tier`).
    pub key: String,
    /// `==` or `!=`.
    pub op: Op,
    /// The value (`observability`).
    pub value: String,
}

/// The keys swarmkit matches; `node.labels.*` and `engine.labels.*` take
/// any label name.
const EXACT_KEYS: [&str; 6] = [
    "node.id",
    "node.hostname",
    "node.ip",
    "node.role",
    "node.platform.os",
    "node.platform.arch",
];

impl Constraint {
    /// Parses one constraint as swarmkit does: the first `==` or `!=`
    /// splits key and value, both trimmed; keys compare case-insensitively.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (at, op) = match (text.find("=="), text.find("!=")) {
            (Some(e), Some(n)) if n < e => (n, Op::Ne),
            (Some(e), _) => (e, Op::Eq),
            (None, Some(n)) => (n, Op::Ne),
            (None, None) => {
                return Err(format!(
                    "`{text}` has no `==` or `!=`: swarm constraints are `key == value` or `key != value`"
                ));
            }
        };
        let key = text[..at].trim();
        let value = text[at + 2..].trim();
        if key.is_empty() || value.is_empty() {
            return Err(format!(
                "`{text}` needs a key and a value around its operator"
            ));
        }
        if value.contains("==") || value.contains("!=") {
            return Err(format!("`{text}` has more than one operator"));
        }
        Ok(Self {
            key: key.to_owned(),
            op,
            value: value.to_owned(),
        })
    }

    /// Whether swarm knows the key (an unknown one never matches).
    pub fn key_is_known(&self) -> bool {
        let key = self.key.to_ascii_lowercase();
        EXACT_KEYS.contains(&key.as_str())
            || ["node.labels.", "engine.labels."]
                .iter()
                .any(|p| key.strip_prefix(p).is_some_and(|name| !name.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constraints_parse_with_swarmkit_grammar() {
        let c = Constraint::parse(" node.labels.tier == observability ").expect("parses");
        assert_eq!(
            (c.key.as_str(), c.op, c.value.as_str()),
            ("node.labels.tier", Op::Eq, "observability")
        );
        assert!(c.key_is_known());
        let c = Constraint::parse("node.role!=manager").expect("parses");
        assert_eq!(c.op, Op::Ne);
        assert!(c.key_is_known());
        assert!(
            !Constraint::parse("node.label.tier == stateful")
                .expect("parses")
                .key_is_known()
        );
        assert!(
            !Constraint::parse("node.labels. == x")
                .expect("parses")
                .key_is_known()
        );
        assert!(Constraint::parse("node.role = manager").is_err());
        assert!(Constraint::parse("== manager").is_err());
        assert!(Constraint::parse("a == b == c").is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused(s in "\\PC{0,40}") {
            if let Ok(c) = Constraint::parse(&s) {
                prop_assert!(!c.key.is_empty() && !c.value.is_empty());
                let _ = c.key_is_known();
            }
        }
    }
}
