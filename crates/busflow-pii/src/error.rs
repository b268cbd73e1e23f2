/// An error of `busflow-pii`: what went wrong is its [`ErrorKind`].
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
    #[error("unknown rule ID `{id}`; busflow-pii knows {known}")]
    UnknownRule {
        /// The ID asked for.
        id: String,
        /// The IDs the catalog has, comma-separated.
        known: String,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
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
