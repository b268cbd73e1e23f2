//! BACKUP-003's pins file: dumps kept past the retention policy until a
//! date (the final pre-cutover dump for 30 days, UBI-CUT-004). Whoever pins
//! writes it; the retention job reads it before it prunes.
//!
//! ```yaml
//! - key: pg_dump_20261122_0300.dump
//!   until: 2026-12-22T03:00:00Z
//!   reason: "UBI-CUT-004: the final dump before the cutover"
//! ```
//!
//! `key` is a conforming dump name (BACKUP-001), `until` an RFC 3339
//! instant, `reason` free text; all three are required. A file that does
//! not read is an error with file, line and column, and is never
//! overwritten: [`PinFile::add`] reads it first and refuses to write over
//! what it cannot read. Expired pins stay in the file and simply stop
//! keeping their dump.

use std::path::{Path, PathBuf};

use busflow_yaml::{Node, Pos};

use crate::error::Error;
use crate::name::DumpName;
use crate::retention::Pin;
use crate::utc::UtcTime;

/// One pinned dump, where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedDump {
    /// The dump and how long it is kept.
    pub pin: Pin,
    /// Why.
    pub reason: String,
    /// The entry's line (0 for one not read from a file).
    pub line: u32,
}

/// The pins file's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinFile {
    /// The entries, in file order.
    pub entries: Vec<PinnedDump>,
}

fn err(path: &Path, pos: Pos, expected: impl Into<String>) -> Error {
    Error::pins(PathBuf::from(path), pos.line, pos.column, expected.into())
}

impl PinFile {
    /// Reads the pins file; a file that does not exist holds no pins.
    pub fn load(path: &Path) -> Result<Self, Error> {
        match busflow_fs::read_arg(path, &busflow_fs::Limits::default())
            .map_err(busflow_fs::ReadError::into_io)
        {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(err(path, Pos::START, format!("a readable file ({e})"))),
        }
    }

    /// Parses the pins file's text; `path` is for messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        let docs = busflow_yaml::parse(text)
            .map_err(|e| err(path, e.pos, format!("YAML ({})", e.message)))?;
        let Some(doc) = docs.first().filter(|d| !d.is_null()) else {
            return Ok(Self::default());
        };
        let items = doc.as_seq().ok_or_else(|| {
            err(
                path,
                doc.pos,
                format!("a list of pins, found {}", doc.kind()),
            )
        })?;
        let entries = items
            .iter()
            .map(|item| entry(path, item))
            .collect::<Result<_, _>>()?;
        Ok(Self { entries })
    }

    /// The pins, for [`crate::RetentionPolicy::plan`] and [`crate::prune`].
    pub fn pins(&self) -> Vec<Pin> {
        self.entries.iter().map(|e| e.pin.clone()).collect()
    }

    /// The file's text: one entry per pin, strings quoted.
    pub fn to_yaml(&self) -> String {
        use std::fmt::Write as _;
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        let mut out = String::from("# Dumps kept past the retention policy (BACKUP-003).\n");
        for e in &self.entries {
            let _ = write!(
                out,
                "- key: {}\n  until: {}\n  reason: {}\n",
                quote(&e.pin.key),
                e.pin.until,
                quote(&e.reason)
            );
        }
        out
    }

    /// Adds `pin` to the file at `path` (made if missing) and writes it
    /// back atomically. A key already pinned keeps the later of the two
    /// dates. A file that does not read is left as it is and the error
    /// returned. Returns the file as written.
    pub fn add(path: &Path, pin: Pin, reason: &str) -> Result<Self, Error> {
        DumpName::parse(&pin.key).map_err(|r| {
            err(
                path,
                Pos::START,
                format!("a conforming dump name to pin ({r})"),
            )
        })?;
        let mut file = Self::load(path)?;
        match file.entries.iter_mut().find(|e| e.pin.key == pin.key) {
            Some(e) => e.pin.until = e.pin.until.max(pin.until),
            None => file.entries.push(PinnedDump {
                pin,
                reason: reason.to_owned(),
                line: 0,
            }),
        }
        let tmp = path.with_extension("yaml.tmp");
        std::fs::write(&tmp, file.to_yaml())
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                err(path, Pos::START, format!("a writable file ({e})"))
            })?;
        Ok(file)
    }
}

fn entry(path: &Path, item: &Node) -> Result<PinnedDump, Error> {
    let map = item.as_map().ok_or_else(|| {
        err(
            path,
            item.pos,
            format!(
                "a mapping with key, until and reason, found {}",
                item.kind()
            ),
        )
    })?;
    let (mut key, mut until, mut reason) = (None, None, None);
    for (k, v) in map {
        let text = v
            .as_str()
            .ok_or_else(|| err(path, v.pos, format!("a string, found {}", v.kind())))?;
        match k.as_str().unwrap_or_default() {
            "key" => {
                DumpName::parse(text)
                    .map_err(|r| err(path, v.pos, format!("a dump name (BACKUP-001): {r}")))?;
                key = Some(text.to_owned());
            }
            "until" => {
                until = Some(UtcTime::parse_rfc3339(text).ok_or_else(|| {
                    err(
                        path,
                        v.pos,
                        format!("an RFC 3339 instant such as 2026-12-22T03:00:00Z, found `{text}`"),
                    )
                })?);
            }
            "reason" => reason = Some(text.to_owned()),
            other => {
                return Err(err(
                    path,
                    k.pos,
                    format!("one of key, until, reason; found `{other}`"),
                ));
            }
        }
    }
    match (key, until, reason) {
        (Some(key), Some(until), Some(reason)) => Ok(PinnedDump {
            pin: Pin { key, until },
            reason,
            line: item.pos.line,
        }),
        (k, u, _) => {
            let missing = if k.is_none() {
                "key"
            } else if u.is_none() {
                "until"
            } else {
                "reason"
            };
            Err(err(
                path,
                item.pos,
                format!("`{missing}` in every pin (key, until and reason are required)"),
            ))
        }
    }
}

/// Pins the newest dump under `prefix` of `store` until `days` from now
/// in the pins file at `path` (BACKUP-003; the cutover's UBI-CUT-004 pins
/// its final dump this way), with `reason` beside it. A pins file that does
/// not read is an error and is never overwritten; pinning the same dump
/// again keeps the later of the two ends. The pin.
pub async fn pin_newest(
    store: &dyn crate::store::ObjectStore,
    prefix: &str,
    path: &Path,
    days: u32,
    reason: &str,
) -> Result<Pin, Error> {
    let listing = store.list(prefix).await?;
    let (newest, _) = crate::name::newest_dump(&listing);
    let (name, _) = newest.ok_or_else(|| Error::no_dump(store.name(), prefix))?;
    let pin = Pin {
        key: name.key().to_owned(),
        until: UtcTime::now().add_date(0, 0, i64::from(days)),
    };
    PinFile::add(path, pin.clone(), reason)?;
    Ok(pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "- key: pg_dump_20261122_0300.dump\n  until: 2026-12-22T03:00:00Z\n  reason: final dump before the cutover\n";

    #[test]
    fn backup_003_a_pin_reads_with_its_date_and_line() {
        let f = PinFile::parse(Path::new("pins.yaml"), FILE).expect("parses");
        assert_eq!(f.entries.len(), 1);
        let e = &f.entries[0];
        assert_eq!(e.pin.key, "pg_dump_20261122_0300.dump");
        assert_eq!(e.pin.until, UtcTime::ymd_hm(2026, 12, 22, 3, 0).expect("t"));
        assert_eq!(e.line, 1);
        assert_eq!(
            PinFile::parse(Path::new("p"), &f.to_yaml()).expect("round trip"),
            PinFile {
                entries: vec![PinnedDump {
                    line: 2,
                    ..e.clone()
                }]
            }
        );
        assert_eq!(
            PinFile::parse(Path::new("p"), "").expect("empty"),
            PinFile::default()
        );
    }

    #[test]
    fn backup_003_bad_pins_name_file_line_and_what_was_expected() {
        for (text, at, expected) in [
            ("key: x\n", "p.yaml:1:1", "a list of pins"),
            (
                "- key: notes.txt\n  until: 2026-12-22T03:00:00Z\n  reason: r\n",
                "p.yaml:1:8",
                "a dump name",
            ),
            (
                "- key: pg_dump_20261122_0300.dump\n  until: next week\n  reason: r\n",
                "p.yaml:2:10",
                "an RFC 3339 instant",
            ),
            (
                "- key: pg_dump_20261122_0300.dump\n  reason: r\n",
                "p.yaml:1:3",
                "`until` in every pin",
            ),
            (
                "- key: pg_dump_20261122_0300.dump\n  untill: 2026-12-22T03:00:00Z\n",
                "p.yaml:2:3",
                "one of key, until, reason",
            ),
            ("- [unclosed\n", "p.yaml:", "YAML"),
        ] {
            let e = PinFile::parse(Path::new("p.yaml"), text)
                .expect_err(text)
                .to_string();
            assert!(e.starts_with(at), "{text:?}: {e}");
            assert!(e.contains(expected), "{text:?}: {e}");
        }
    }

    #[test]
    fn backup_003_adding_keeps_the_later_date_and_never_writes_over_an_unreadable_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("pins.yaml");
        let t = UtcTime::ymd_hm(2026, 12, 22, 3, 0).expect("t");
        let pin = |until| Pin {
            key: "pg_dump_20261122_0300.dump".into(),
            until,
        };
        PinFile::add(&path, pin(t), "cutover").expect("made");
        PinFile::add(&path, pin(t.add_date(0, 0, -5)), "again").expect("merged");
        let f = PinFile::load(&path).expect("reads");
        assert_eq!(f.pins(), [pin(t)], "the later date stays");
        assert_eq!(f.entries[0].reason, "cutover");
        std::fs::write(&path, "- key: [broken\n").expect("write");
        let e = PinFile::add(&path, pin(t), "cutover").expect_err("refused");
        assert!(e.to_string().contains("pins.yaml:"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "- key: [broken\n",
            "an unreadable pins file is left as it was"
        );
        let e = PinFile::add(
            &path,
            Pin {
                key: "x.dump".into(),
                until: t,
            },
            "r",
        )
        .expect_err("name");
        assert!(e.to_string().contains("conforming dump name"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn backup_003_any_text_parses_or_errors_without_panicking(text in "\\PC{0,200}") {
            let _ = PinFile::parse(Path::new("p.yaml"), &text);
            let _ = UtcTime::parse_rfc3339(&text);
        }
    }
}
