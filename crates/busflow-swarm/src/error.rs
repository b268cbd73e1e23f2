/// An error of `busflow-swarm`: what went wrong is its [`ErrorKind`].
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
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An operation the contract refuses (a shrink without its runbook).
    #[error("refused: {0}")]
    Refused(String),
    /// The Docker Engine answered with an error.
    #[error("docker engine: {operation}: {message}")]
    Engine {
        /// What was asked (`update service api`).
        operation: String,
        /// What the engine said.
        message: String,
    },
    /// A service update carried a stale version index (another writer came
    /// first); read the spec again and retry.
    #[error("update of `{service}` out of sequence: the spec changed since it was read")]
    OutOfSequence {
        /// The service.
        service: String,
    },
    /// The engine refused to demote a manager because the swarm would lose
    /// its quorum.
    #[error("refused by the engine to keep the Raft quorum: {0}")]
    QuorumRefused(String),
    /// Something named does not exist on the swarm.
    #[error("{kind} `{name}` does not exist on the swarm")]
    NotFound {
        /// `secret`, `config`, `service`, `node`.
        kind: &'static str,
        /// Its name.
        name: String,
    },
    /// A service update did not converge (paused, rolled back, or too slow).
    #[error("service `{service}` did not converge: {state}")]
    NotConverged {
        /// The service.
        service: String,
        /// Its last update state.
        state: String,
    },
    /// An Alertmanager webhook that cannot be read or received.
    #[error("alertmanager webhook: {0}")]
    Webhook(String),
    /// A command on a node failed (the filesystem grown after a resize).
    #[error("on {host}: {message}")]
    Remote {
        /// The node.
        host: String,
        /// What failed.
        message: String,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }

    pub(crate) fn refused(why: String) -> Self {
        Self {
            kind: ErrorKind::Refused(why),
        }
    }

    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }
}
