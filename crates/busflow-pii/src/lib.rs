//! busflow-pii: log redaction of cards, emails and more, with exclusions,
//! false-positive accounting, and Promtail / LogQL output.
//!
//! The principal type is [`Redactor`]: built once from a [`RedactorConfig`],
//! it finds and replaces personal data in bytes, reporting each
//! [`Redaction`] (rule and span, never the value). Detectors validate what a
//! regex can only shape-match: card numbers need a brand's prefix and
//! length and a valid Luhn sum (PII-001); email addresses a real domain
//! (PII-002); IBANs the country's length and mod-97 (PIIX-001); IP addresses
//! must parse (PIIX-002).
//!
//! ```
//! use busflow_pii::Redactor;
//!
//! let (out, found) = Redactor::default().redact(b"card=4012-8888-8888-1881 to=ann@example.com ts=1748503543012");
//! assert_eq!(out, b"card=[CARD] to=[EMAIL] ts=1748503543012".to_vec());
//! assert_eq!(found.iter().map(|r| r.rule_id).collect::<Vec<_>>(), ["PII-001", "PII-002"]);
//! ```
//!
//! # Behaviour
//!
//! - Input is bytes: invalid UTF-8 passes through untouched but for what is
//!   redacted.
//! - The published test card numbers are redacted by default.
#![deny(missing_docs)]

mod boundary;
mod card;
mod catalog;
mod email;
mod engine;
mod error;
mod iban;
mod ip;

pub use catalog::{RULES, Rule, RuleKind, Severity};
pub use engine::{Redaction, Redactor, RedactorConfig, Replacement};
pub use error::{Error, ErrorKind};
