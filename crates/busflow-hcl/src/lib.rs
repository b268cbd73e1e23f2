//! busflow-hcl: a Terraform module read with `hcl-edit`, byte spans kept
//! and turned into 1-based line:column, and a small evaluator of the
//! expressions the contract checks need.
//!
//! Shared by the crates that check Terraform (swarm, ubicloud) the way
//! `busflow-yaml` is shared for YAML: parse errors are values with their
//! position, never panics, and what cannot be evaluated is an [`Unknown`]
//! with the position of the expression that stopped it.
//!
//! ```
//! use std::path::{Path, PathBuf};
//! use busflow_hcl::{Env, Module, Val};
//!
//! let tf = "variable \"n\" {\n  default = 3\n}\nlocals {\n  twice = var.n * 2\n}\n";
//! let module = Module::from_sources(Path::new("m"), vec![(PathBuf::from("main.tf"), tf.into())], vec![]);
//! let env = Env::new(&module);
//! assert_eq!(env.eval_var("n"), Ok(Val::Num(3.0)));
//! let (file, expr) = module.locals()["twice"];
//! assert_eq!(env.eval(file, expr), Ok(Val::Num(6.0)));
//! ```
#![deny(missing_docs)]

pub mod eval;
pub mod module;
mod source;

pub use eval::{Env, Unknown, Val, num, whole};
/// The `hcl-edit` this crate parses with, for callers that walk the tree.
pub use hcl_edit;
pub use module::{BlockRef, Module, ParseError, TfFile};
pub use source::{LineIndex, Pos};

/// A file or folder of a module that could not be read (busflow-fs: regular
/// files only, within the module's folder, under a size cap).
pub use busflow_fs::{Limits, ReadError, Skipped};
