//! A Terraform module read from its folder: every `.tf` file parsed with
//! `hcl-edit` (byte spans kept), and the scripts beside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body};

use crate::ReadError;
use crate::source::{LineIndex, Pos};

/// A `.tf` file that does not parse: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file.
    pub path: PathBuf,
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it expected.
    pub message: String,
}

/// One `.tf` file.
#[derive(Debug)]
pub struct TfFile {
    /// Its path, as given to [`Module::load`] joined with the file name.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    index: LineIndex,
    body: Option<Body>,
}

impl TfFile {
    /// Parses `text`; a syntax error leaves the file without a body and is
    /// returned beside it.
    pub fn parse(path: &Path, text: String) -> (Self, Option<ParseError>) {
        let index = LineIndex::new(&text);
        let (body, finding) = match hcl_edit::parser::parse_body(&text) {
            Ok(body) => (Some(body), None),
            Err(e) => {
                let loc = e.location();
                let pos = Pos {
                    line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
                };
                let error = ParseError {
                    path: path.to_path_buf(),
                    pos,
                    message: e.message().to_owned(),
                };
                (None, Some(error))
            }
        };
        let file = Self {
            path: path.to_path_buf(),
            text,
            index,
            body,
        };
        (file, finding)
    }

    /// The parsed body, when the file parsed.
    pub fn body(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    /// The position of byte `offset`.
    pub fn pos(&self, offset: usize) -> Pos {
        self.index.pos(&self.text, offset)
    }

    /// The position where `item` starts (1:1 when it has no span).
    pub fn pos_of(&self, item: &impl Span) -> Pos {
        self.pos(item.span().map_or(0, |s| s.start))
    }

    /// The source text of `item`.
    pub fn source_of(&self, item: &impl Span) -> &str {
        item.span()
            .and_then(|s| self.text.get(s))
            .unwrap_or_default()
    }
}

/// A block together with the file it is in.
#[derive(Debug, Clone, Copy)]
pub struct BlockRef<'m> {
    /// The file.
    pub file: &'m TfFile,
    /// The block.
    pub block: &'m Block,
}

impl<'m> BlockRef<'m> {
    /// The attribute `key` of the block's body.
    pub fn attr(&self, key: &str) -> Option<&'m Attribute> {
        self.block.body.get_attribute(key)
    }

    /// The value of attribute `key`.
    pub fn expr(&self, key: &str) -> Option<&'m Expression> {
        self.attr(key).map(|a| &a.value)
    }

    /// The nested blocks named `ident`, at any depth.
    pub fn nested(&self, ident: &str) -> Vec<BlockRef<'m>> {
        fn walk<'m>(file: &'m TfFile, body: &'m Body, ident: &str, out: &mut Vec<BlockRef<'m>>) {
            for block in body.blocks() {
                if block.ident.as_str() == ident {
                    out.push(BlockRef { file, block });
                }
                walk(file, &block.body, ident, out);
            }
        }
        let mut out = Vec::new();
        walk(self.file, &self.block.body, ident, &mut out);
        out
    }

    /// The direct nested blocks named `ident`.
    pub fn children(&self, ident: &str) -> Vec<BlockRef<'m>> {
        self.block
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == ident)
            .map(|block| BlockRef {
                file: self.file,
                block,
            })
            .collect()
    }

    /// Where the block starts.
    pub fn pos(&self) -> Pos {
        self.file.pos_of(self.block)
    }

    /// The block's `resource "type" "name"` address (`type.name`).
    pub fn address(&self) -> String {
        self.block
            .labels
            .iter()
            .map(hcl_edit::structure::BlockLabel::as_str)
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The byte offset where the block starts in its file.
    pub fn block_offset(&self) -> usize {
        self.block.span().map_or(0, |s| s.start)
    }

    /// The source text of the whole block.
    pub fn source(&self) -> &'m str {
        self.file.source_of(self.block)
    }
}

/// A Terraform module: its `.tf` files and its scripts.
#[derive(Debug)]
pub struct Module {
    /// The module's folder.
    pub dir: PathBuf,
    /// Its `.tf` files, in name order.
    pub files: Vec<TfFile>,
    /// Other text files below it (scripts, templates), for SWARM-TF-009.
    pub scripts: Vec<(PathBuf, String)>,
    /// Files that did not parse.
    pub parse_errors: Vec<ParseError>,
    /// Files of the folder that were not read (links out of it, special
    /// files, files over the size cap), and why.
    pub skipped: Vec<busflow_fs::Skipped>,
}

impl Module {
    /// Reads every `.tf` file in `dir` and every script or template below
    /// it (`.sh`, `.tpl`, `.tftpl`, `.yaml`, `.yml`, `.cfg`), with the default
    /// [`busflow_fs::Limits`].
    pub fn load(dir: &Path) -> Result<Self, ReadError> {
        Self::load_with(dir, &busflow_fs::Limits::default())
    }

    /// [`Module::load`] with these limits. Only regular files inside `dir`
    /// are read (a link that leads out of it, a FIFO or a device is skipped
    /// and listed in [`Module::skipped`]); hidden entries are passed over.
    pub fn load_with(dir: &Path, limits: &busflow_fs::Limits) -> Result<Self, ReadError> {
        let root = busflow_fs::Root::new(dir)?.with_limits(*limits);
        let hidden = |p: &Path| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        };
        let walk = root.walk(&|p| !hidden(p), &|p| {
            let top = p.parent() == Some(Path::new(""));
            !hidden(p)
                && match p.extension().and_then(|e| e.to_str()) {
                    Some("tf") => top,
                    Some("sh" | "tpl" | "tftpl" | "yaml" | "yml" | "cfg") => true,
                    _ => false,
                }
        })?;
        let mut sources = Vec::new();
        let mut read = Vec::new();
        let mut skipped = walk.skipped;
        for relative in walk.files {
            let text = match root.read(&relative) {
                Ok(t) => t,
                Err(busflow_fs::ReadError::NotText { .. }) => {
                    skipped.push(busflow_fs::Skipped {
                        path: relative,
                        reason: "not UTF-8 text".to_owned(),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            let path = dir.join(&relative);
            if relative.extension().is_some_and(|e| e == "tf")
                && relative.parent() == Some(Path::new(""))
            {
                sources.push((path, text));
            } else {
                read.push((path, text));
            }
        }
        let mut module = Self::from_sources(dir, sources, read);
        module.skipped = skipped;
        Ok(module)
    }

    /// A module from texts already read: `.tf` files and scripts.
    pub fn from_sources(
        dir: &Path,
        tf: Vec<(PathBuf, String)>,
        scripts: Vec<(PathBuf, String)>,
    ) -> Self {
        let mut files = Vec::new();
        let mut parse_errors = Vec::new();
        for (path, text) in tf {
            let (file, error) = TfFile::parse(&path, text);
            files.push(file);
            parse_errors.extend(error);
        }
        Self {
            dir: dir.to_path_buf(),
            files,
            scripts,
            parse_errors,
            skipped: Vec::new(),
        }
    }

    /// Every top-level block `ident` with `labels` as its first labels.
    pub fn blocks<'m>(
        &'m self,
        ident: &'m str,
        labels: &'m [&'m str],
    ) -> impl Iterator<Item = BlockRef<'m>> + 'm {
        self.files.iter().flat_map(move |file| {
            file.body()
                .into_iter()
                .flat_map(|b| b.blocks())
                .filter(move |b| {
                    b.ident.as_str() == ident
                        && b.labels.len() >= labels.len()
                        && b.labels
                            .iter()
                            .zip(labels)
                            .all(|(l, want)| l.as_str() == *want)
                })
                .map(move |block| BlockRef { file, block })
        })
    }

    /// `resource "kind" "name"`.
    pub fn resource<'m>(&'m self, kind: &'m str, name: &'m str) -> Option<BlockRef<'m>> {
        self.blocks("resource", &[]).find(|b| {
            b.block.labels.len() == 2
                && b.block.labels[0].as_str() == kind
                && b.block.labels[1].as_str() == name
        })
    }

    /// Every `resource "kind" …`.
    pub fn resources<'m>(&'m self, kind: &'m str) -> Vec<BlockRef<'m>> {
        self.blocks("resource", &[])
            .filter(|b| b.block.labels.first().is_some_and(|l| l.as_str() == kind))
            .collect()
    }

    /// `variable "name"`.
    pub fn variable<'m>(&'m self, name: &'m str) -> Option<BlockRef<'m>> {
        self.blocks("variable", &[])
            .find(|b| b.block.labels.first().is_some_and(|l| l.as_str() == name))
    }

    /// `output "name"`.
    pub fn output<'m>(&'m self, name: &'m str) -> Option<BlockRef<'m>> {
        self.blocks("output", &[])
            .find(|b| b.block.labels.first().is_some_and(|l| l.as_str() == name))
    }

    /// Every `locals` entry: name → (file, expression).
    pub fn locals(&self) -> HashMap<&str, (&TfFile, &Expression)> {
        let mut out = HashMap::new();
        for b in self.blocks("locals", &[]) {
            for attr in b.block.body.attributes() {
                out.insert(attr.key.as_str(), (b.file, &attr.value));
            }
        }
        out
    }

    /// The first file (for findings about something missing).
    pub fn anchor(&self) -> PathBuf {
        self.files
            .iter()
            .find(|f| f.path.file_name().is_some_and(|n| n == "main.tf"))
            .or_else(|| self.files.first())
            .map_or_else(|| self.dir.join("main.tf"), |f| f.path.clone())
    }
}
