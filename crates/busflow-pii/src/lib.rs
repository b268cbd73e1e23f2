//! busflow-pii: log redaction of cards, emails and more, with exclusions, false-positive accounting and Promtail/LogQL output.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `PII-`. Each is a [`Rule`] in [`RULES`], the crate's
//! catalog, so that users can select, silence and document rules by ID.
//!
//! ```
//! use busflow_pii::{Rule, Severity};
//!
//! let rule = Rule::find("PII-001")?;
//! assert_eq!(rule.id, "PII-001");
//! assert!(rule.severity >= Severity::Info);
//! assert!(Rule::find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_pii::Error>(())
//! ```
#![deny(missing_docs)]

mod catalog;
mod error;

pub use catalog::{RULES, Rule, RuleKind, Severity};
pub use error::{Error, ErrorKind};
