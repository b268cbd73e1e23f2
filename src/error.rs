/// An error of the output layer: bad options, never findings.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option's value is not one of those allowed.
    #[error("unknown {what} `{value}`; expected one of: {expected}")]
    UnknownValue {
        /// Which option.
        what: &'static str,
        /// The value given.
        value: String,
        /// The values allowed.
        expected: &'static str,
    },
    /// `--select` or `--ignore` names no rule of the catalog.
    #[error(
        "`{pattern}` in --{flag} matches no rule; rule IDs look like SWARM-TF-001, prefixes like SWARM-TF"
    )]
    UnknownRule {
        /// `select` or `ignore`.
        flag: &'static str,
        /// The pattern given.
        pattern: String,
    },
    /// An input that could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file was refused or could not be read (busflow-fs).
    #[error(transparent)]
    Read(#[from] busflow_fs::ReadError),
    /// The path to check is not a folder.
    #[error("{}: not a directory", .0.display())]
    NotADirectory(std::path::PathBuf),
}

impl Error {
    pub(crate) fn unknown_value(what: &'static str, value: &str, expected: &'static str) -> Self {
        Error::UnknownValue {
            what,
            value: value.to_owned(),
            expected,
        }
    }
}
