//! busflow-swarm: the Swarm-on-Hetzner topology, its Terraform module and stack files, and the Docker Engine operations on it.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `SWARM-`. Each is a [`Rule`] constant in [`catalog`], and all
//! of them are [`CATALOG`], so that users can select, silence and document
//! rules by ID. Findings are `busflow-diag`'s, the same type every busflow
//! crate reports.
//!
//! ```
//! use busflow_swarm::{CATALOG, Severity, catalog::SWARM_TF_001};
//!
//! let rule = CATALOG.find("SWARM-TF-001")?;
//! assert_eq!(rule, &SWARM_TF_001);
//! assert!(rule.severity >= Severity::Info);
//! assert!(CATALOG.find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_swarm::UnknownRule>(())
//! ```
#![deny(missing_docs)]

pub mod catalog;
mod error;
pub mod hetzner;
pub mod ops;
pub mod quorum;
/// Positions, from busflow-hcl (shared with the stack checks).
mod source {
    pub use busflow_hcl::{LineIndex, Pos};
}
pub mod stack;
pub mod tf;

pub use busflow_diag::{Catalog, Finding, Rule, RuleKind, Severity, Span, UnknownRule};
/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use catalog::CATALOG;
pub use error::{Error, ErrorKind};
pub use quorum::{QuorumDecision, QuorumPlan, RunbookStep, Threshold, Topology};
pub use source::Pos;
pub use stack::{Role, StackContract, StackFile, check_stack};
pub use tf::check_module;
pub use tf::cluster::Cluster;
pub use tf::contract::TfContract;
pub use tf::module::Module;
