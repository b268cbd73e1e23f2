//! The JSON Schema (draft-04) keywords docker/cli's stack schema uses, as
//! static data.

/// A JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Object,
    Array,
}

impl Ty {
    /// The name docker prints (`object` is a mapping, `array` a list).
    pub(crate) fn human(self) -> &'static str {
        match self {
            Ty::String => "a string",
            Ty::Integer => "an integer",
            Ty::Number => "a number",
            Ty::Boolean => "a boolean",
            Ty::Null => "null",
            Ty::Object => "a mapping",
            Ty::Array => "a list",
        }
    }

    /// The name in the schema.
    #[cfg(test)]
    pub(crate) fn json(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::Boolean => "boolean",
            Ty::Null => "null",
            Ty::Object => "object",
            Ty::Array => "array",
        }
    }
}

/// The `patternProperties` patterns of the schema (no regex engine needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pat {
    /// `^x-`.
    Extension,
    /// `^[a-zA-Z0-9._-]+$`.
    Name,
    /// `^.+$`: one line, not empty.
    NonEmpty,
    /// `.+`: a character other than a line ending anywhere.
    NonEmptyAnywhere,
    /// `^[a-z]+$`.
    Lowercase,
}

impl Pat {
    pub(crate) fn matches(self, key: &str) -> bool {
        match self {
            Pat::Extension => key.starts_with("x-"),
            Pat::Name => {
                !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            }
            // Go's `$` matches only at the end of the text (no multi-line
            // flag), and `.` matches no `\n`.
            Pat::NonEmpty => !key.is_empty() && !key.contains('\n'),
            Pat::NonEmptyAnywhere => key.chars().any(|c| c != '\n'),
            Pat::Lowercase => !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase()),
        }
    }

    /// The pattern as written in the schema.
    #[cfg(test)]
    pub(crate) fn source(self) -> &'static str {
        match self {
            Pat::Extension => "^x-",
            Pat::Name => "^[a-zA-Z0-9._-]+$",
            Pat::NonEmpty => "^.+$",
            Pat::NonEmptyAnywhere => ".+",
            Pat::Lowercase => "^[a-z]+$",
        }
    }
}

/// `additionalProperties` (docker's schema uses only booleans).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Additional {
    /// Absent.
    Any,
    /// `true`, written out.
    Allowed,
    /// `false`.
    Refused,
}

/// The formats docker/cli registers (`expose` is not registered, so it
/// checks nothing, as in docker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Go's `time.ParseDuration`.
    Duration,
    /// `nat.ParsePortSpec`.
    Ports,
    /// Not checked.
    Expose,
}

impl Format {
    #[cfg(test)]
    pub(crate) fn json(self) -> &'static str {
        match self {
            Format::Duration => "duration",
            Format::Ports => "ports",
            Format::Expose => "expose",
        }
    }
}

/// One (sub)schema.
#[derive(Debug)]
pub(crate) struct Schema {
    pub(crate) types: &'static [Ty],
    pub(crate) properties: &'static [(&'static str, &'static Schema)],
    pub(crate) patterns: &'static [(Pat, &'static Schema)],
    pub(crate) additional: Additional,
    pub(crate) items: Option<&'static Schema>,
    pub(crate) unique_items: bool,
    pub(crate) one_of: &'static [&'static Schema],
    pub(crate) any_of: &'static [&'static Schema],
    pub(crate) required: &'static [&'static str],
    pub(crate) enumeration: &'static [&'static str],
    pub(crate) format: Option<Format>,
    pub(crate) minimum: Option<i64>,
}

impl Schema {
    /// The empty schema: anything is valid.
    pub(crate) const ANY: Schema = Schema {
        types: &[],
        properties: &[],
        patterns: &[],
        additional: Additional::Any,
        items: None,
        unique_items: false,
        one_of: &[],
        any_of: &[],
        required: &[],
        enumeration: &[],
        format: None,
        minimum: None,
    };
}
