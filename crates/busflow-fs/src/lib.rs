//! busflow-fs: reading the files a check is given, safely.
//!
//! busflow's binaries run as CI gates on pull requests, so the files they
//! read are written by whoever opened the pull request. A link in the
//! repository to `/proc/self/environ` must not put the runner's environment
//! in the log, a FIFO named `x.yaml` must not hang the job, and a link to
//! `/dev/zero` must not fill the memory. Every reader of busflow goes
//! through this crate:
//!
//! - [`read_text`] opens a path the caller named, without blocking (a FIFO
//!   cannot stall it), accepts only a regular file, and reads at most
//!   [`Limits::max_file_bytes`];
//! - [`read_arg`] is [`read_text`] for a command-line argument: a link given
//!   as a relative path is followed only when it stays inside the current
//!   folder (a glob such as `rules/*.yml` in a pull request's checkout must
//!   not reach out of it);
//! - [`Root`] reads below a folder: links are followed only when they stay
//!   inside it, links to folders are not descended, and everything that is
//!   not read is said in [`Walk::skipped`].

#![deny(missing_docs)]

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// How much a reader may take in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file read, in bytes; a larger one is an error
    /// ([`ReadError::TooLarge`]) or, in a walk, skipped.
    pub max_file_bytes: u64,
}

impl Limits {
    /// The default cap: 16 MiB per file (a 1 MB rule file or a 4 MB stack
    /// file is far inside it).
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Not a regular file (a FIFO, a socket, a device, a folder).
    #[error("{}: not a regular file ({kind}); only regular files are read", path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// Over the size cap.
    #[error("{}: larger than the {limit}-byte cap per file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        limit: u64,
    },
    /// A link whose target is outside the folder being read.
    #[error("{}: a link that leads outside {}; not followed", path.display(), root.display())]
    OutsideRoot {
        /// The link.
        path: PathBuf,
        /// The folder it had to stay in.
        root: PathBuf,
    },
    /// Not UTF-8 text.
    #[error("{}: not UTF-8 text (invalid byte at offset {offset})", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// Where the first invalid byte is.
        offset: usize,
    },
}

impl ReadError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        ReadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The error as an [`std::io::Error`] whose message leaves the path out,
    /// for readers whose own errors already name the file. The kind is the
    /// operating system's, or `InvalidInput`/`FileTooLarge`/`InvalidData`
    /// for what this crate refuses.
    pub fn into_io(self) -> std::io::Error {
        use std::io::ErrorKind;
        let (kind, reason) = match self {
            ReadError::Io { source, .. } => return source,
            ReadError::NotRegular { kind, .. } => (
                ErrorKind::InvalidInput,
                format!("not a regular file ({kind}); only regular files are read"),
            ),
            ReadError::TooLarge { limit, .. } => (ErrorKind::FileTooLarge, over_cap(limit)),
            ReadError::OutsideRoot { root, .. } => (
                ErrorKind::InvalidInput,
                format!("a link that leads outside {}; not followed", root.display()),
            ),
            ReadError::NotText { offset, .. } => (
                ErrorKind::InvalidData,
                format!("not UTF-8 text (invalid byte at offset {offset})"),
            ),
        };
        std::io::Error::new(kind, reason)
    }

    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::OutsideRoot { path, .. }
            | ReadError::NotText { path, .. } => path,
        }
    }
}

/// What kind of file a path names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A folder.
    Directory,
    /// A named pipe.
    Fifo,
    /// A socket.
    Socket,
    /// A character device (`/dev/zero`).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A symbolic link.
    Symlink,
    /// Anything else.
    Other,
}

impl FileKind {
    fn of(file_type: std::fs::FileType) -> Self {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_file() {
            FileKind::Regular
        } else if file_type.is_dir() {
            FileKind::Directory
        } else if file_type.is_symlink() {
            FileKind::Symlink
        } else if file_type.is_fifo() {
            FileKind::Fifo
        } else if file_type.is_socket() {
            FileKind::Socket
        } else if file_type.is_char_device() {
            FileKind::CharDevice
        } else if file_type.is_block_device() {
            FileKind::BlockDevice
        } else {
            FileKind::Other
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Regular => "a regular file",
            FileKind::Directory => "a folder",
            FileKind::Fifo => "a named pipe",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Symlink => "a symbolic link",
            FileKind::Other => "not a file",
        })
    }
}

/// Reads the file at `path` as bytes: opened without blocking (a FIFO
/// neither blocks the open nor is read), checked to be a regular file on the
/// open descriptor, and read to at most `limits.max_file_bytes`.
pub fn read_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| ReadError::io(path, e))?;
    let meta = file.metadata().map_err(|e| ReadError::io(path, e))?;
    let kind = FileKind::of(meta.file_type());
    if kind != FileKind::Regular {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(path, limits.max_file_bytes));
    }
    read_capped(file, path, limits.max_file_bytes)
}

fn too_large(path: &Path, limit: u64) -> ReadError {
    ReadError::TooLarge {
        path: path.to_path_buf(),
        limit,
    }
}

/// Reads at most the cap, whatever the size the file claims (files under
/// `/proc` claim 0 bytes).
fn read_capped(file: File, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}

/// [`read_bytes`], then UTF-8.
pub fn read_text(path: &Path, limits: &Limits) -> Result<String, ReadError> {
    text(read_bytes(path, limits)?, path)
}

/// `bytes` of the file at `path` as UTF-8 text.
fn text(bytes: Vec<u8>, path: &Path) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Why a file over the cap was not read, as a walk says it.
fn over_cap(limit: u64) -> String {
    format!("larger than the {limit}-byte cap per file")
}

/// [`read_text`] for a path given on the command line. A path that is itself
/// a link and was given relative to the current folder is followed only
/// when its target is inside the current folder: an argument such as
/// `rules/x.yml` that a pull request turned into a link to
/// `/proc/self/environ` is refused. Absolute paths and real files are read
/// as given.
pub fn read_arg(path: &Path, limits: &Limits) -> Result<String, ReadError> {
    check_arg(path)?;
    read_text(path, limits)
}

/// [`read_bytes`] with [`read_arg`]'s rule for links.
pub fn read_arg_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    check_arg(path)?;
    read_bytes(path, limits)
}

fn check_arg(path: &Path) -> Result<(), ReadError> {
    if path.is_relative() {
        let meta = std::fs::symlink_metadata(path).map_err(|e| ReadError::io(path, e))?;
        if meta.file_type().is_symlink() {
            let cwd = std::env::current_dir().map_err(|e| ReadError::io(Path::new("."), e))?;
            let root = cwd.canonicalize().map_err(|e| ReadError::io(&cwd, e))?;
            inside(&root, path)?;
        }
    }
    Ok(())
}

/// Resolves `path` and checks that it stays inside `root` (canonical).
fn inside(root: &Path, path: &Path) -> Result<PathBuf, ReadError> {
    let target = path.canonicalize().map_err(|e| ReadError::io(path, e))?;
    if target.starts_with(root) {
        Ok(target)
    } else {
        Err(ReadError::OutsideRoot {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
        })
    }
}

/// A folder whose files are read, never anything outside it.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
    canonical: PathBuf,
    limits: Limits,
}

/// A file below a [`Root`] that a walk did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path, relative to the root.
    pub path: PathBuf,
    /// Why, in a few words (`a named pipe`, `a link that leads outside the
    /// folder`, `larger than the 16777216-byte cap`).
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: skipped, {}", self.path.display(), self.reason)
    }
}

/// What a walk found.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// The files taken, relative to the root, in path order.
    pub files: Vec<PathBuf>,
    /// The entries that matched but were not taken, and why.
    pub skipped: Vec<Skipped>,
}

impl Root {
    /// The folder `dir`, with the default limits.
    pub fn new(dir: &Path) -> Result<Self, ReadError> {
        let canonical = dir.canonicalize().map_err(|e| ReadError::io(dir, e))?;
        let meta = std::fs::metadata(&canonical).map_err(|e| ReadError::io(dir, e))?;
        if !meta.is_dir() {
            return Err(ReadError::NotRegular {
                path: dir.to_path_buf(),
                kind: FileKind::of(meta.file_type()),
            });
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            canonical,
            limits: Limits::default(),
        })
    }

    /// Uses these limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The folder as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads `relative` (a path below the root): a link is followed only
    /// when its target is inside the root.
    pub fn read(&self, relative: &Path) -> Result<String, ReadError> {
        text(self.read_bytes(relative)?, &self.dir.join(relative))
    }

    /// [`Root::read`] as bytes.
    pub fn read_bytes(&self, relative: &Path) -> Result<Vec<u8>, ReadError> {
        let path = self.dir.join(relative);
        let resolved = inside(&self.canonical, &path).map_err(|e| match e {
            ReadError::OutsideRoot { .. } => ReadError::OutsideRoot {
                path: path.clone(),
                root: self.dir.clone(),
            },
            other => other,
        })?;
        read_bytes(&resolved, &self.limits).map_err(|e| relabel(e, &path))
    }

    /// Every file below the root for which `want` (given the relative path)
    /// is true, descending into folders for which `descend` (given the
    /// relative path of the folder) is true. Links to files are taken when
    /// their target is inside the root; links to folders are never
    /// descended (no loop can form); special files and files over the cap
    /// are skipped and said.
    pub fn walk(
        &self,
        descend: &dyn Fn(&Path) -> bool,
        want: &dyn Fn(&Path) -> bool,
    ) -> Result<Walk, ReadError> {
        let mut walk = Walk::default();
        // walkdir does the descent: links are not followed, so a link to a
        // folder is an entry of its own and never a way into a loop.
        let mut entries = walkdir::WalkDir::new(&self.dir)
            .follow_links(false)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&self.dir).to_path_buf();
                ReadError::io(&path, std::io::Error::from(e))
            })?;
            let path = entry.path();
            let rel = path.strip_prefix(&self.dir).unwrap_or(path).to_path_buf();
            let skip = |reason: String, walk: &mut Walk| {
                walk.skipped.push(Skipped {
                    path: rel.clone(),
                    reason,
                });
            };
            match FileKind::of(entry.file_type()) {
                FileKind::Directory => {
                    if !descend(&rel) {
                        entries.skip_current_dir();
                    }
                }
                _ if !want(&rel) => {}
                FileKind::Regular => match entry.metadata() {
                    Ok(m) if m.len() > self.limits.max_file_bytes => {
                        skip(over_cap(self.limits.max_file_bytes), &mut walk);
                    }
                    _ => walk.files.push(rel.clone()),
                },
                FileKind::Symlink => match inside(&self.canonical, path) {
                    Err(ReadError::OutsideRoot { .. }) => {
                        skip("a link that leads outside the folder".to_owned(), &mut walk);
                    }
                    Err(_) => skip("a link that leads nowhere".to_owned(), &mut walk),
                    Ok(target) => match std::fs::metadata(&target) {
                        Ok(m) if m.is_file() && m.len() <= self.limits.max_file_bytes => {
                            walk.files.push(rel.clone());
                        }
                        Ok(m) if m.is_file() => {
                            skip(over_cap(self.limits.max_file_bytes), &mut walk);
                        }
                        Ok(m) => skip(
                            format!("a link to {}", FileKind::of(m.file_type())),
                            &mut walk,
                        ),
                        Err(e) => skip(format!("unreadable link ({e})"), &mut walk),
                    },
                },
                other => skip(other.to_string(), &mut walk),
            }
        }
        walk.files.sort();
        walk.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(walk)
    }
}

/// An error about the resolved target, told about the path as the walk saw it.
fn relabel(error: ReadError, path: &Path) -> ReadError {
    let path = path.to_path_buf();
    match error {
        ReadError::Io { source, .. } => ReadError::Io { path, source },
        ReadError::NotRegular { kind, .. } => ReadError::NotRegular { path, kind },
        ReadError::TooLarge { limit, .. } => ReadError::TooLarge { path, limit },
        ReadError::NotText { offset, .. } => ReadError::NotText { path, offset },
        other @ ReadError::OutsideRoot { .. } => other,
    }
}

#[cfg(test)]
mod tests;
