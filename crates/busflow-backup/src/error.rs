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
    /// A remote's configuration that cannot be used.
    #[error("remote `{remote}`: {message}")]
    Config {
        /// The remote's name.
        remote: String,
        /// What is wrong.
        message: String,
    },
    /// An object-store operation failed (after the retries).
    #[error("remote `{remote}`: could not {action} `{key}`: {detail}")]
    Store {
        /// The remote's name.
        remote: String,
        /// What was being done.
        action: String,
        /// The key (or prefix).
        key: String,
        /// The cause, without credentials.
        detail: String,
    },
    /// An external program (pg_dump, pg_restore) is missing or failed to
    /// start.
    #[error("{program}: {detail}")]
    Tool {
        /// The program.
        program: String,
        /// What went wrong.
        detail: String,
    },
    /// The dump failed; the upload was aborted and no object is left.
    #[error("dump `{key}` failed and was not kept: {detail}")]
    Dump {
        /// The key it would have had.
        key: String,
        /// pg_dump's status and stderr tail (passwords removed).
        detail: String,
    },
    /// The soft-FK allow-list cannot be used.
    #[error("{}:{line}:{column}: expected {expected}", path.display())]
    Allowlist {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What was expected.
        expected: String,
    },
    /// The verify's settings file cannot be used.
    #[error("{}:{line}:{column}: expected {expected}", path.display())]
    Settings {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The clause the setting serves (`BACKUP-015` for an endpoint
        /// without TLS, `BACKUP-006` for the rest of a remote's
        /// definition, `BACKUP-005` otherwise).
        rule: &'static crate::Rule,
        /// What was expected.
        expected: String,
    },
    /// The pins file cannot be used (BACKUP-003).
    #[error("{}:{line}:{column}: expected {expected}", path.display())]
    Pins {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What was expected.
        expected: String,
    },
    /// Pruning was asked for before the newest dump was verified.
    #[error(
        "retention refuses to prune: the newest dump is `{newest}`, but the verified one is `{verified}`; verify the newest dump first"
    )]
    Unverified {
        /// The newest conforming dump.
        newest: String,
        /// The dump the proof is for.
        verified: String,
    },
    /// A store holds no dump under the prefix (to pin, or to verify).
    #[error("remote `{remote}` has no dump named pg_dump_YYYYMMDD_HHMM.dump under `{prefix}`")]
    NoDump {
        /// The remote.
        remote: String,
        /// The key prefix searched.
        prefix: String,
    },
    /// A retention policy that keeps nothing: planning with it would
    /// delete every dump.
    #[error("the retention policy keeps nothing; refusing to plan a deletion of every dump")]
    EmptyPolicy,
}

impl Error {
    /// The error as a finding of the clause it breaks, at `at`, when it is
    /// the contract failing rather than a run that could not happen: a dump
    /// that failed and was not kept is a BACKUP-004 error. `None` for the
    /// rest (configuration, I/O, a missing tool), which callers report as
    /// "could not run".
    pub fn finding(&self, at: &std::path::Path) -> Option<crate::Finding> {
        match &self.kind {
            ErrorKind::Dump { .. } => Some(
                crate::Finding::new(
                    &crate::catalog::BACKUP_004,
                    at,
                    busflow_diag::Pos::START,
                    self.to_string(),
                )
                .with_help("read pg_dump's message above; nothing was left in the bucket, and the previous dumps are untouched"),
            ),
            _ => None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn config(remote: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Config {
                remote: remote.to_owned(),
                message: message.into(),
            },
        }
    }

    pub(crate) fn store(remote: &str, action: &str, key: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Store {
                remote: remote.to_owned(),
                action: action.to_owned(),
                key: key.to_owned(),
                detail: detail.into(),
            },
        }
    }

    pub(crate) fn tool(program: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Tool {
                program: program.to_owned(),
                detail: detail.into(),
            },
        }
    }

    pub(crate) fn dump(key: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Dump {
                key: key.to_owned(),
                detail: detail.into(),
            },
        }
    }

    pub(crate) fn allowlist(
        path: std::path::PathBuf,
        line: u32,
        column: u32,
        expected: String,
    ) -> Self {
        Self {
            kind: ErrorKind::Allowlist {
                path,
                line,
                column,
                expected,
            },
        }
    }

    pub(crate) fn pins(path: std::path::PathBuf, line: u32, column: u32, expected: String) -> Self {
        Self {
            kind: ErrorKind::Pins {
                path,
                line,
                column,
                expected,
            },
        }
    }

    pub(crate) fn settings(
        path: std::path::PathBuf,
        (line, column): (u32, u32),
        rule: &'static crate::Rule,
        expected: String,
    ) -> Self {
        Self {
            kind: ErrorKind::Settings {
                path,
                line,
                column,
                rule,
                expected,
            },
        }
    }

    pub(crate) fn unverified(newest: &str, verified: &str) -> Self {
        Self {
            kind: ErrorKind::Unverified {
                newest: newest.to_owned(),
                verified: verified.to_owned(),
            },
        }
    }

    pub(crate) fn no_dump(remote: &str, prefix: &str) -> Self {
        Self {
            kind: ErrorKind::NoDump {
                remote: remote.to_owned(),
                prefix: prefix.to_owned(),
            },
        }
    }

    pub(crate) fn empty_policy() -> Self {
        Self {
            kind: ErrorKind::EmptyPolicy,
        }
    }
}
