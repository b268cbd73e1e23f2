//! The module `terraform/modules/postgres-ubicloud` and the production
//! `providers.tf`: UBI-TF-001 … 004, judged against what the published
//! provider can really express ([`provider`]).
//!
//! The document's module declares resources the provider does not have
//! (`ubicloud_postgres_firewall_rule`, `ubicloud_postgres_metric_destination`)
//! and outputs it cannot fill (connection URIs, the CA). The checks flag
//! what `terraform validate` would refuse, and [`GAPS`] says which clause
//! the provider cannot express and what in this crate covers it.

mod checks;
pub mod provider;

use busflow_hcl::{BlockRef, Module, Pos};

use crate::Finding;

pub use checks::{check_module, check_providers};

/// A clause the provider cannot express, and what covers it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// The clause.
    pub clause: &'static str,
    /// What the provider lacks.
    pub missing: &'static str,
    /// What busflow-ubicloud does instead.
    pub covered_by: &'static str,
}

/// Every gap between the module contract and the published provider.
pub static GAPS: &[Gap] = &[
    Gap {
        clause: "UBI-TF-002",
        missing: "a firewall-rule resource for Postgres (`ubicloud_firewall_rule` is for VM firewalls); the API opens 5432 and 6432 per CIDR",
        covered_by: "`ensure_firewall(allowed_cidrs)` reconciles the database's rules through the REST API, never leaving 0.0.0.0/0",
    },
    Gap {
        clause: "UBI-TF-002",
        missing: "a metric-destination resource",
        covered_by: "`ensure_metric_destination(url, credentials)` through the REST API",
    },
    Gap {
        clause: "UBI-TF-002",
        missing: "`restrict_by_default`: a database the provider creates is open to 0.0.0.0/0 and ::/0 on 5432 and 6432",
        covered_by: "the client creates databases with `restrict_by_default = true`; the module's instance is then imported or its rules reconciled at once",
    },
    Gap {
        clause: "UBI-TF-003",
        missing: "connection strings and the CA certificate on the resource (only the data source has one `connection_string`)",
        covered_by: "the client reads the CA (`ca-certificates`) and builds writer and reader URIs with `sslmode=verify-full` (UBI-CUT-006)",
    },
    Gap {
        clause: "UBI-TF-004",
        missing: "a release matching the documented `~> 0.3` (published: 0.1.0 … 0.1.3)",
        covered_by: "the checker refuses a constraint no release satisfies; the reference pins `~> 0.1`",
    },
];

fn at(
    rule: &'static crate::Rule,
    b: BlockRef<'_>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding::new(rule, &b.file.path, b.pos(), message).with_help(help)
}

fn missing(
    rule: &'static crate::Rule,
    module: &Module,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding::new(rule, module.anchor(), Pos::START, message).with_help(help)
}
