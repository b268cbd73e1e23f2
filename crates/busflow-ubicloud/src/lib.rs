//! busflow-ubicloud: the `postgres-ubicloud` module, an Ubicloud REST client and the cutover runbook.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `UBI-`. Each is a [`Rule`] in [`RULES`], the crate's
//! catalog, so that users can select, silence and document rules by ID.
//!
//! ```
//! use busflow_ubicloud::{Rule, Severity};
//!
//! let rule = Rule::find("UBI-TF-001")?;
//! assert_eq!(rule.id, "UBI-TF-001");
//! assert!(rule.severity >= Severity::Info);
//! assert!(Rule::find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_ubicloud::Error>(())
//! ```
#![deny(missing_docs)]

pub mod api;
mod catalog;
pub mod connection;
pub mod cost;
pub mod cutover;
mod error;
mod finding;
pub mod location;
pub mod tf;
pub mod workflow;

pub use busflow_hcl::Module;
/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use catalog::{RULES, Rule, RuleKind, Severity};
pub use error::{Error, ErrorKind};
pub use finding::Finding;
pub use location::Location;
pub use tf::{GAPS, Gap, check_module, check_providers};
pub use workflow::check_workflow;
