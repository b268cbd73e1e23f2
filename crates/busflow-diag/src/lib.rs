//! busflow-diag: the vocabulary every busflow crate reports in.
//!
//! The five domain crates never depend on each other, but they all say the
//! same things: a [`Rule`] (a contract clause with its ID, title and default
//! severity) broken at a [`Span`] of a file is a [`Finding`]. This crate owns
//! those types once, so a finding of `busflow-swarm` and one of
//! `busflow-pii` are the same value and the output layer renders both
//! without converting them.
//!
//! Rule IDs are typed: each crate declares its catalog with [`catalog!`],
//! which makes one constant per rule, and a finding is built from the
//! constant. An ID that is not in a catalog does not compile.
//!
//! ```
//! use busflow_diag::{Finding, Pos, Severity};
//!
//! busflow_diag::catalog! {
//!     /// The rules of an example crate.
//!     pub static CATALOG: "example";
//!     EX_001 = "EX-001", Error, Static, "the answer is 42";
//!     EX_002 = "EX-002", Info, Live, "the service answers";
//! }
//!
//! let f = Finding::new(&EX_001, "answer.yml", Pos::new(3, 5), "the answer is 41")
//!     .with_end(Pos::new(3, 6))
//!     .with_help("write 42");
//! assert_eq!((f.rule_id, f.severity, f.start), ("EX-001", Severity::Error, Pos::new(3, 5)));
//! assert_eq!(CATALOG.find("EX-002")?.severity, Severity::Info);
//! assert!(CATALOG.find("EX-003").is_err());
//! # Ok::<(), busflow_diag::UnknownRule>(())
//! ```

#![deny(missing_docs)]

mod catalog;
mod finding;
mod severity;
mod span;

pub use catalog::{Catalog, Rule, RuleKind, UnknownRule};
pub use finding::Finding;
pub use severity::{Severity, UnknownSeverity};
pub use span::{Pos, Span};
