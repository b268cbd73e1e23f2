//! BACKUP-009: what the first bytes of a dump say, and the table of
//! contents of a custom-format archive, read before anything is restored.
//!
//! A custom-format archive (`pg_dump --format=custom`) starts with `PGDMP`,
//! the archive version (1.14 up to PostgreSQL 15, 1.15 from 16 with a
//! compression algorithm byte, 1.16 from 17 with a `relkind` per entry),
//! the integer and offset sizes, the format byte (1 = custom), the
//! compression, the dump's time and database, and then the whole table of
//! contents — before any data. So schemas, tables per schema, extensions
//! and foreign keys are known from a prefix of the object, and the
//! pre-data and post-data restores need only that prefix.

use std::fmt;

/// What the first bytes of an object are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Magic {
    /// A custom-format archive, with its header.
    Custom(Header),
    /// A plain SQL dump as pg_dump writes it (restorable, but not in
    /// sections: passes with a warning).
    Plain,
    /// Anything else.
    Unknown,
}

/// How an archive's data is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip at a level (archives before 1.15 store only the level).
    Gzip(i64),
    /// LZ4 (1.15+).
    Lz4,
    /// Zstandard (1.15+).
    Zstd,
}

/// The header of a custom-format archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Archive version: (major, minor, revision), e.g. (1, 14, 0).
    pub version: (u8, u8, u8),
    /// Bytes per integer.
    pub int_size: u8,
    /// Bytes per file offset.
    pub offset_size: u8,
    /// The format byte (1 = custom, 3 = tar, 5 = directory).
    pub format: u8,
    /// The compression.
    pub compression: Compression,
    /// The database that was dumped.
    pub database: String,
    /// The server's version string (archives 1.10+).
    pub server_version: Option<String>,
    /// pg_dump's version string (archives 1.10+).
    pub pg_dump_version: Option<String>,
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b, c) = self.version;
        write!(
            f,
            "custom-format archive {a}.{b}.{c}, format byte {}, compression {:?}",
            self.format, self.compression
        )?;
        if let Some(v) = &self.server_version {
            write!(f, ", server {v}")?;
        }
        Ok(())
    }
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// pg_dump's id of the object.
    pub dump_id: i64,
    /// Whether the entry has data in the archive.
    pub has_data: bool,
    /// The object's name (`users`, `vector`).
    pub tag: String,
    /// Its kind: `TABLE`, `SCHEMA`, `EXTENSION`, `FK CONSTRAINT`, `TABLE DATA`, …
    pub desc: String,
    /// The section: 1 none, 2 pre-data, 3 data, 4 post-data (archives 1.11+).
    pub section: i64,
    /// The SQL that creates it.
    pub defn: String,
    /// Its schema.
    pub namespace: String,
    /// Its owner.
    pub owner: String,
    /// The dump ids it depends on.
    pub dependencies: Vec<i64>,
}

/// A parsed table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toc {
    /// The archive header.
    pub header: Header,
    /// The entries, in archive order.
    pub entries: Vec<TocEntry>,
    /// The byte where the TOC ends (the data begins).
    pub end: usize,
}

/// Why a prefix could not be read as an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The prefix ends inside the header or TOC: read more bytes.
    Incomplete,
    /// The bytes are not a custom-format archive busflow can read.
    Invalid {
        /// Where reading stopped.
        offset: usize,
        /// What was expected there.
        expected: String,
    },
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArchiveError::Incomplete => {
                f.write_str("the archive's table of contents continues beyond the bytes read")
            }
            ArchiveError::Invalid { offset, expected } => {
                write!(f, "byte {offset}: expected {expected}")
            }
        }
    }
}

impl std::error::Error for ArchiveError {}

/// pg_dump's plain-format preamble.
const PLAIN: &[u8] = b"--\n-- PostgreSQL database dump\n--\n";

/// Classifies the first bytes of an object (BACKUP-009). A custom archive
/// whose header does not fit in `head` is still [`Magic::Custom`] only if
/// the header parses; otherwise [`Magic::Unknown`].
pub fn classify(head: &[u8]) -> Magic {
    if head.starts_with(b"PGDMP") {
        return match Reader::new(head).header() {
            Ok(h) => Magic::Custom(h),
            Err(_) => Magic::Unknown,
        };
    }
    if head.starts_with(PLAIN) {
        return Magic::Plain;
    }
    Magic::Unknown
}

/// Parses the header and TOC of a custom-format archive from its first
/// bytes.
pub fn parse_toc(prefix: &[u8]) -> Result<Toc, ArchiveError> {
    let mut r = Reader::new(prefix);
    let header = r.header()?;
    if header.format != 1 {
        return Err(r.invalid(format!("format byte 1 (custom), found {}", header.format)));
    }
    let count = r.int()?;
    if !(0..=10_000_000).contains(&count) {
        return Err(r.invalid(format!("a TOC entry count, found {count}")));
    }
    let v = header.version;
    let mut entries = Vec::new();
    for _ in 0..count {
        entries.push(r.entry(v)?);
    }
    Ok(Toc {
        header,
        entries,
        end: r.at,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    int_size: usize,
    offset_size: usize,
}

/// Archive versions busflow reads: 1.12 (PostgreSQL 10) to 1.16 (17).
const SUPPORTED: std::ops::RangeInclusive<(u8, u8)> = (1, 12)..=(1, 16);

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            at: 0,
            int_size: 4,
            offset_size: 8,
        }
    }

    fn invalid(&self, expected: impl Into<String>) -> ArchiveError {
        ArchiveError::Invalid {
            offset: self.at,
            expected: expected.into(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ArchiveError> {
        let end = self.at.checked_add(n).ok_or(ArchiveError::Incomplete)?;
        let s = self
            .bytes
            .get(self.at..end)
            .ok_or(ArchiveError::Incomplete)?;
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, ArchiveError> {
        Ok(self.take(1)?[0])
    }

    /// pg_dump's `ReadInt`: a sign byte, then `int_size` bytes, least
    /// significant first.
    fn int(&mut self) -> Result<i64, ArchiveError> {
        let sign = self.byte()?;
        let mut v: i64 = 0;
        for (k, b) in self.take(self.int_size)?.iter().enumerate() {
            if k < 8 {
                v |= i64::from(*b) << (8 * k);
            }
        }
        Ok(if sign == 0 { v } else { -v })
    }

    /// `ReadStr`: a length (negative for NULL), then the bytes.
    fn str(&mut self) -> Result<Option<String>, ArchiveError> {
        let len = self.int()?;
        if len < 0 {
            return Ok(None);
        }
        let len = usize::try_from(len).map_err(|_| self.invalid("a string length"))?;
        if len > 1 << 30 {
            return Err(self.invalid(format!("a string length, found {len}")));
        }
        Ok(Some(String::from_utf8_lossy(self.take(len)?).into_owned()))
    }

    fn string(&mut self) -> Result<String, ArchiveError> {
        Ok(self.str()?.unwrap_or_default())
    }

    fn header(&mut self) -> Result<Header, ArchiveError> {
        if self.take(5)? != b"PGDMP" {
            return Err(ArchiveError::Invalid {
                offset: 0,
                expected: "the magic PGDMP".into(),
            });
        }
        let version = (self.byte()?, self.byte()?, self.byte()?);
        if !SUPPORTED.contains(&(version.0, version.1)) {
            return Err(self.invalid(format!(
                "archive version 1.12 to 1.16 (PostgreSQL 10 to 17), found {}.{}.{}",
                version.0, version.1, version.2
            )));
        }
        let int_size = self.byte()?;
        let offset_size = self.byte()?;
        if !(1..=8).contains(&int_size) || !(1..=8).contains(&offset_size) {
            return Err(self.invalid(format!(
                "integer and offset sizes of 1 to 8 bytes, found {int_size} and {offset_size}"
            )));
        }
        self.int_size = usize::from(int_size);
        self.offset_size = usize::from(offset_size);
        let format = self.byte()?;
        let compression = if (version.0, version.1) >= (1, 15) {
            match self.byte()? {
                0 => Compression::None,
                1 => Compression::Gzip(-1),
                2 => Compression::Lz4,
                3 => Compression::Zstd,
                other => {
                    return Err(
                        self.invalid(format!("a compression algorithm 0 to 3, found {other}"))
                    );
                }
            }
        } else {
            match self.int()? {
                0 => Compression::None,
                level => Compression::Gzip(level),
            }
        };
        // The dump's time: seconds, minutes, hours, day, month, year, isdst.
        for _ in 0..7 {
            self.int()?;
        }
        let database = self.string()?;
        let server_version = self.str()?;
        let pg_dump_version = self.str()?;
        Ok(Header {
            version,
            int_size,
            offset_size,
            format,
            compression,
            database,
            server_version,
            pg_dump_version,
        })
    }

    fn entry(&mut self, v: (u8, u8, u8)) -> Result<TocEntry, ArchiveError> {
        let at_least = |minor: u8| (v.0, v.1) >= (1, minor);
        let dump_id = self.int()?;
        let has_data = self.int()? != 0;
        let _table_oid = self.str()?;
        let _oid = self.str()?;
        let tag = self.string()?;
        let desc = self.string()?;
        let section = if at_least(11) { self.int()? } else { 0 };
        let defn = self.string()?;
        let _drop = self.str()?;
        let _copy = self.str()?;
        let namespace = self.string()?;
        let _tablespace = self.str()?;
        if at_least(14) {
            let _table_am = self.str()?;
        }
        if at_least(16) {
            let _relkind = self.int()?;
        }
        let owner = self.string()?;
        let _with_oids = self.str()?;
        let mut dependencies = Vec::new();
        while let Some(dep) = self.str()? {
            dependencies.push(
                dep.parse()
                    .map_err(|_| self.invalid(format!("a dependency id, found `{dep}`")))?,
            );
            if dependencies.len() > 100_000 {
                return Err(self.invalid("a dependency list that ends"));
            }
        }
        // The custom format's data position: a flag byte and an offset.
        let _flag = self.byte()?;
        self.take(self.offset_size)?;
        Ok(TocEntry {
            dump_id,
            has_data,
            tag,
            desc,
            section,
            defn,
            namespace,
            owner,
            dependencies,
        })
    }
}

impl Toc {
    /// `roots` and every entry that depends on one of them, directly or
    /// through other entries.
    pub fn dependents(&self, roots: &[i64]) -> std::collections::BTreeSet<i64> {
        let mut set: std::collections::BTreeSet<i64> = roots.iter().copied().collect();
        loop {
            let before = set.len();
            for e in &self.entries {
                if !set.contains(&e.dump_id) && e.dependencies.iter().any(|d| set.contains(d)) {
                    set.insert(e.dump_id);
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// Schemas the archive creates.
    pub fn schemas(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.desc == "SCHEMA")
            .map(|e| e.tag.as_str())
            .collect()
    }

    /// Tables per schema.
    pub fn tables_in(&self, schema: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.desc == "TABLE" && e.namespace == schema)
            .count()
    }

    /// Extensions the archive creates.
    pub fn extensions(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.desc == "EXTENSION")
            .map(|e| e.tag.as_str())
            .collect()
    }

    /// Foreign-key constraints: (schema, constraint tag, `NOT VALID`?).
    pub fn foreign_keys(&self) -> Vec<(&str, &str, bool)> {
        self.entries
            .iter()
            .filter(|e| e.desc == "FK CONSTRAINT")
            .map(|e| {
                (
                    e.namespace.as_str(),
                    e.tag.as_str(),
                    e.defn.contains("NOT VALID"),
                )
            })
            .collect()
    }
}
