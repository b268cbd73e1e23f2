//! busflow-ubicloud: the `postgres-ubicloud` module, an Ubicloud REST client and the cutover runbook.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `UBI-`. Each is a [`Rule`] constant in [`catalog`], and all
//! of them are [`CATALOG`], so that users can select, silence and document
//! rules by ID. Findings are `busflow-diag`'s, the same type every busflow
//! crate reports.
//!
//! ```
//! use busflow_ubicloud::{CATALOG, Severity, catalog::UBI_TF_001};
//!
//! let rule = CATALOG.find("UBI-TF-001")?;
//! assert_eq!(rule, &UBI_TF_001);
//! assert!(rule.severity >= Severity::Info);
//! assert!(CATALOG.find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_ubicloud::UnknownRule>(())
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod catalog;
pub mod connection;
pub mod cost;
pub mod cutover;
mod error;
pub mod location;
pub mod tf;
pub mod workflow;

pub use busflow_diag::{Catalog, Finding, Pos, Rule, RuleKind, Severity, Span, UnknownRule};
pub use busflow_hcl::Module;
/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use catalog::CATALOG;
pub use error::{Error, ErrorKind};
pub use location::Location;
pub use tf::{GAPS, Gap, check_module, check_providers};
pub use workflow::check_workflow;
