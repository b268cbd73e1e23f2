/// An error of `busflow-backup`: what went wrong is its [`ErrorKind`].
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A rule ID that is not in this crate's catalog.
    #[error("unknown rule ID `{id}`; busflow-backup knows {known}")]
    UnknownRule {
        /// The ID asked for.
        id: String,
        /// The IDs the catalog has, comma-separated.
        known: String,
    },
    /// A retention policy that keeps nothing: planning with it would
    /// delete every dump.
    #[error("the retention policy keeps nothing; refusing to plan a deletion of every dump")]
    EmptyPolicy,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn empty_policy() -> Self {
        Self {
            kind: ErrorKind::EmptyPolicy,
        }
    }

    pub(crate) fn unknown_rule(id: &str, known: String) -> Self {
        Self {
            kind: ErrorKind::UnknownRule {
                id: id.to_owned(),
                known,
            },
        }
    }
}
