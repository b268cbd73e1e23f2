//! busflow: the operating rules of a SaaS on Docker Swarm at Hetzner, with
//! PostgreSQL, S3 and the Grafana LGTM stack, as typed models, real clients
//! and checks.
//!
//! This root package re-exports the five crates behind cargo features (all
//! on by default) and holds the output layer they share: one [`Finding`]
//! shape, rule [`Selection`] by ID, inline [suppression comments](suppress),
//! rendering as human text, JSON or SARIF 2.1.0 ([`Format`]), and exit codes
//! ([`ExitStatus`]: 0 clean, 1 could not run, 2 findings at or above the
//! `--fail-on` severity).
//!
//! ```
//! use busflow::{ExitStatus, Finding, Format, Pos, Report, Severity, Sources, catalog};
//! use busflow::swarm::catalog::SWARM_TF_001;
//!
//! let mut sources = Sources::new();
//! sources.insert("variables.tf", "variable \"manager_count\" {\n  default = 2\n}\n");
//! let finding = Finding::new(&SWARM_TF_001, "variables.tf", Pos::new(1, 1), "manager_count may be even")
//!     .with_end(Pos::new(1, 24))
//!     .with_help("add validation { condition = var.manager_count % 2 == 1 }");
//! let report = Report::new(vec![finding], 0);
//! let text = report.render(Format::Human, &sources, &catalog());
//! assert!(text.contains("error[SWARM-TF-001]") && text.contains("--> variables.tf:1:1"));
//! assert_eq!(ExitStatus::for_findings(report.findings(), Severity::Error).code(), 2);
//! ```
#![deny(missing_docs)]

mod catalog;
#[cfg(feature = "ubicloud")]
pub mod cutover;
mod error;
mod exit;
mod finding;
pub mod preflight;
mod render;
mod select;
mod sources;
pub mod suppress;

#[cfg(feature = "backup")]
pub use busflow_backup as backup;
#[cfg(feature = "obs-rules")]
pub use busflow_obs_rules as obs_rules;
#[cfg(feature = "pii")]
pub use busflow_pii as pii;
#[cfg(feature = "swarm")]
pub use busflow_swarm as swarm;
#[cfg(feature = "ubicloud")]
pub use busflow_ubicloud as ubicloud;

/// The shared vocabulary: severities, positions, rules, catalogs, findings.
pub use busflow_diag as diag;
pub use busflow_diag::{Catalog, Rule};
pub use catalog::{CATALOG, catalog, catalogs};
pub use error::Error;
pub use exit::ExitStatus;
pub use finding::{Finding, Pos, Severity, Span};
pub use render::{Format, Report};
pub use select::Selection;
pub use sources::Sources;
