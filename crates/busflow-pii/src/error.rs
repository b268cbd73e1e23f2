use std::path::PathBuf;

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
    /// A rules or exclusions file that cannot be used, with the position
    /// and the rule the entry belongs to. Key material is never quoted.
    #[error("{}:{line}:{column}: {}{expected}", path.display(), rule.as_ref().map(|r| format!("{r}: ")).unwrap_or_default())]
    File {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The rule the entry belongs to, when known.
        rule: Option<String>,
        /// What was expected there.
        expected: String,
    },
    /// A file that cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn file(
        path: &std::path::Path,
        pos: busflow_yaml::Pos,
        rule: Option<&str>,
        expected: impl Into<String>,
    ) -> Self {
        Self {
            kind: ErrorKind::File {
                path: path.to_owned(),
                line: pos.line,
                column: pos.column,
                rule: rule.map(str::to_owned),
                expected: expected.into(),
            },
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::Io {
                path: path.to_owned(),
                source,
            },
        }
    }
}
