//! busflow-swarm: the Swarm-on-Hetzner topology, its Terraform module and stack files, and the Docker Engine operations on it.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `SWARM-`. Each is a [`Rule`] in [`RULES`], the crate's
//! catalog, so that users can select, silence and document rules by ID.
//!
//! ```
//! use busflow_swarm::{Rule, Severity};
//!
//! let rule = Rule::find("SWARM-TF-001")?;
//! assert_eq!(rule.id, "SWARM-TF-001");
//! assert!(rule.severity >= Severity::Info);
//! assert!(Rule::find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_swarm::Error>(())
//! ```
#![deny(missing_docs)]

mod catalog;
mod error;
mod finding;
pub mod hetzner;
pub mod ops;
pub mod quorum;
/// Positions, from busflow-hcl (shared with the stack checks).
mod source {
    pub use busflow_hcl::{LineIndex, Pos};
}
pub mod stack;
pub mod tf;

/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use catalog::{RULES, Rule, RuleKind, Severity};
pub use error::{Error, ErrorKind};
pub use finding::Finding;
pub use quorum::{QuorumPlan, RunbookStep, Threshold, Topology};
pub use source::Pos;
pub use stack::{Role, StackContract, check_stack};
pub use tf::check_module;
pub use tf::cluster::Cluster;
pub use tf::contract::TfContract;
pub use tf::module::Module;
