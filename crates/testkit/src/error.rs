use std::path::PathBuf;

/// Why a test service could not be started or used.
///
/// Every variant names the service and what to do about it, so that a test
/// that cannot get its service fails with a message a person can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A program the service needs is not installed.
    #[error(
        "{service}: `{binary}` not found (looked in {searched}); install the Debian package `{package}` \
         (the README's test command does this: scripts/test)"
    )]
    MissingBinary {
        /// The service that needs it.
        service: &'static str,
        /// The program's file name.
        binary: &'static str,
        /// Where it was looked for.
        searched: String,
        /// The Debian package that provides it.
        package: &'static str,
    },
    /// An I/O operation failed.
    #[error("{service}: {action}: {source}")]
    Io {
        /// The service being set up.
        service: &'static str,
        /// What was being done.
        action: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A helper program ran but failed.
    #[error("{service}: `{command}` failed with {status}:\n{output}")]
    Command {
        /// The service being set up.
        service: &'static str,
        /// The command line that failed.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed (the tail of stdout and stderr).
        output: String,
    },
    /// The service started but did not become ready in time.
    #[error(
        "{service}: not ready after {waited_ms} ms: {detail}\n--- log tail ({log}) ---\n{log_tail}"
    )]
    NotReady {
        /// The service.
        service: &'static str,
        /// How long we waited.
        waited_ms: u128,
        /// The last error seen while polling.
        detail: String,
        /// The service's log file.
        log: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },
    /// The service answered, but not as expected.
    #[error("{service}: {detail}")]
    Service {
        /// The service.
        service: &'static str,
        /// What went wrong.
        detail: String,
    },
}

impl Error {
    pub(crate) fn io(
        service: &'static str,
        action: impl Into<String>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            service,
            action: action.into(),
            source,
        }
    }

    pub(crate) fn service(service: &'static str, detail: impl std::fmt::Display) -> Self {
        Error::Service {
            service,
            detail: detail.to_string(),
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
