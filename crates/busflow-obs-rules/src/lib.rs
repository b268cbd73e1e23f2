//! busflow-obs-rules: Prometheus rule files as code: a linter, cardinality budgets, the documented alerts and SLOs.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `OBS-`. Each is a [`Rule`] in [`RULES`], the crate's
//! catalog, so that users can select, silence and document rules by ID.
//!
//! ```
//! use busflow_obs_rules::{Rule, Severity};
//!
//! let rule = Rule::find("OBS-001")?;
//! assert_eq!(rule.id, "OBS-001");
//! assert!(rule.severity >= Severity::Info);
//! assert!(Rule::find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_obs_rules::Error>(())
//! ```
#![deny(missing_docs)]

mod catalog;
mod error;

pub use catalog::{RULES, Rule, RuleKind, Severity};
pub use error::{Error, ErrorKind};
