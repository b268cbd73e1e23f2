//! busflow-backup: PostgreSQL dumps in S3: naming, retention, the producer and the streaming verify.
//!
//! The clauses this crate enforces are those of `CONTRACTS.md` whose IDs
//! start with `BACKUP-`. Each is a [`Rule`] constant in [`catalog`], and all
//! of them are [`CATALOG`], so that users can select, silence and document
//! rules by ID. Findings are `busflow-diag`'s, the same type every busflow
//! crate reports.
//!
//! ```
//! use busflow_backup::{CATALOG, Severity, catalog::BACKUP_001};
//!
//! let rule = CATALOG.find("BACKUP-001")?;
//! assert_eq!(rule, &BACKUP_001);
//! assert!(rule.severity >= Severity::Info);
//! assert!(CATALOG.find("NO-SUCH-001").is_err());
//! # Ok::<(), busflow_backup::UnknownRule>(())
//! ```
#![deny(missing_docs)]

mod allowlist;
mod archive;
pub mod catalog;
mod conninfo;
mod drill;
mod error;
mod extensions;
mod job;
mod name;
mod outcome;
mod pgtls;
mod pgtools;
mod pins;
mod producer;
mod progress;
mod prune;
mod restore;
mod retention;
mod routing;
mod settings;
mod source;
mod store;
mod utc;
mod verify;

pub use allowlist::{ColumnRef, SoftFkAllowlist, SoftReference};
pub use archive::{ArchiveError, Compression, Header, Magic, Toc, TocEntry, classify, parse_toc};
pub use busflow_diag::{Catalog, Finding, Rule, RuleKind, Severity, UnknownRule};
/// Timeouts and the https-only rule every HTTP client of this crate takes.
pub use busflow_http::{HttpSettings, InsecureUrl};
pub use catalog::CATALOG;
/// A connection string (URL or key-value) with its password replaced by `****`.
pub use conninfo::redact as redact_conninfo;
pub use drill::{Cadence, DrillResult, Due, next_drill};
pub use error::{Error, ErrorKind};
pub use job::{VerifyRun, verify_then_prune};
pub use name::{DumpName, RejectReason, Rejection, newest_dump};
pub use outcome::{Note, Outcome, Probe, SectionOutcome, Status};
pub use pgtools::find_program;
pub use pins::{PinFile, PinnedDump, pin_newest};
pub use producer::{Produced, produce};
pub use progress::Progress;
pub use prune::{Verified, prune};
pub use retention::{ALL, Counting, Kept, Period, Pin, Plan, Reason, RetentionPolicy, Span};
pub use routing::{
    Backoff, GitHubIssues, ISSUE_LABEL, IssueTracker, Notifier, NotifyError, Routed, SlackWebhook,
    dedup_key, file_issue, route,
};
pub use settings::{DEFAULT_ALLOWLIST, Overrides, RemoteSettings, VerifySettings};
pub use source::{FALLBACK_WINDOW, SourceChoice, choose_source};
pub use store::{ObjectInfo, ObjectReader, ObjectStore, PART_SIZE, RemoteConfig, S3Store, Secret};
pub use utc::{Civil, UtcTime};
pub use verify::{DEFAULT_EXTENSIONS, DEFAULT_SCHEMAS, DEFAULT_SIZE_CEILING, VerifyConfig, verify};
