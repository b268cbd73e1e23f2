/// An error of `busflow-obs-rules`: what went wrong is its [`ErrorKind`].
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file or folder could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file was refused before reading: a link out of the folder, a
    /// special file, a file over the size cap.
    #[error(transparent)]
    Read(#[from] busflow_fs::ReadError),
    /// The series source could not be reached.
    #[error("{url}: {detail}")]
    Transport {
        /// The endpoint (without credentials).
        url: String,
        /// What failed.
        detail: String,
    },
    /// The series source answered with an HTTP error.
    #[error("{url}: HTTP {status}: {body}")]
    Http {
        /// The endpoint.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The answer was not what the API documents.
    #[error("{url}: unexpected answer: {detail}")]
    BadResponse {
        /// The endpoint.
        url: String,
        /// What was wrong with it.
        detail: String,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether trying again later may succeed (network errors, 5xx, 429).
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Transport { .. } => true,
            ErrorKind::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        Self { kind }
    }
}
