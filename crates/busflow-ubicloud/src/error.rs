/// An error of `busflow-ubicloud`: what went wrong is its [`ErrorKind`].
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error {
    // Transparent: its text is the kind's, its cause the kind's cause.
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The Ubicloud API refused or failed a request.
    #[error("ubicloud: {operation}: {message}")]
    Api {
        /// What was asked.
        operation: String,
        /// What went wrong (never the token).
        message: String,
    },
    /// The cutover's state file could not be read or is not a state file.
    #[error("{}: {detail}", path.display())]
    StateFile {
        /// The state file.
        path: std::path::PathBuf,
        /// What is wrong with it (`line 3 column 5: expected …`).
        detail: String,
        /// The underlying error, when the file could not be read.
        #[source]
        source: Option<busflow_fs::ReadError>,
    },
    /// The cutover's state could not be written: the step it records is
    /// done, but the file does not say so yet (run `status` before going
    /// on).
    #[error("{}: the cutover's state could not be written", path.display())]
    StateWrite {
        /// The state file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn state_file(
        path: &std::path::Path,
        detail: impl Into<String>,
        source: Option<busflow_fs::ReadError>,
    ) -> Self {
        Self {
            kind: ErrorKind::StateFile {
                path: path.to_path_buf(),
                detail: detail.into(),
                source,
            },
        }
    }

    pub(crate) fn state_write(path: &std::path::Path, source: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::StateWrite {
                path: path.to_path_buf(),
                source,
            },
        }
    }

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
}
