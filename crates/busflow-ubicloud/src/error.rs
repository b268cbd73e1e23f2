/// An error of `busflow-ubicloud`: what went wrong is its [`ErrorKind`].
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
    #[error("unknown rule ID `{id}`; busflow-ubicloud knows {known}")]
    UnknownRule {
        /// The ID asked for.
        id: String,
        /// The IDs the catalog has, comma-separated.
        known: String,
    },
    /// The Ubicloud API refused or failed a request.
    #[error("ubicloud: {operation}: {message}")]
    Api {
        /// What was asked.
        operation: String,
        /// What went wrong (never the token).
        message: String,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn api(operation: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Api {
                operation: operation.to_owned(),
                message: message.into(),
            },
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
