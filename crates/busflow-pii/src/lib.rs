//! busflow-pii: log redaction of cards, emails and more, with exclusions,
//! false-positive accounting, and Promtail / LogQL output.
//!
//! The principal type is [`Redactor`]: built once from a [`RedactorConfig`]
//! (and optionally [`Exclusions`]), it finds and replaces personal data in
//! bytes, reporting each [`Redaction`] (rule and span, never the value).
//! Detectors validate what a regex can only shape-match:
//!
//! | Rule | Detector | Precision strategy |
//! |------|----------|--------------------|
//! | PII-001 | cards | IIN prefix and length table, Luhn, one separator kind in card groupings, boundaries; epoch and id guards |
//! | PII-002 | emails | WHATWG local part, domain labels and a letter TLD, no trailing dot |
//! | PII-007 | URL parts and secret keys | userinfo before `@` in the authority; values of sensitive query keys; values of keys naming a secret (`password`, `*_token`, `client_secret` …) in JSON, logfmt, form bodies, `Key (…)=(…)` and SQL |
//! | PIIX-001 | IBANs | per-country length table, mod-97 |
//! | PIIX-002 | IPs | parsed v4/v6; public addresses redacted; loopback, unspecified, documentation, private, shared, unique-local and link-local kept (each a choice, `keep_ip_ranges`); IPv4-mapped judged by the IPv4; a dotted quad under a version key is a version |
//! | PIIX-003 | phones | E.164 digit counts; `00` + a country code apart, or `0049`; German trunk + area code apart from the subscriber; unseparated: mobile prefixes, or a landline after a phone word or key |
//! | PIIX-004 | tokens | JWT header decodes to a JSON object; credentials after `Bearer`/`Basic` |
//! | PIIX-005 | credentials | a vendor's published shape: Stripe secret/restricted keys and webhook secrets, GitHub tokens, Slack tokens, AWS access key IDs, PEM private keys |
//!
//! ```
//! use busflow_pii::Redactor;
//!
//! let (out, found) = Redactor::default().redact(b"card=4012-8888-8888-1881 to=ann@example.com ts=1748503543012");
//! assert_eq!(out, b"card=[CARD] to=[EMAIL] ts=1748503543012".to_vec());
//! assert_eq!(found.iter().map(|r| r.rule_id()).collect::<Vec<_>>(), ["PII-001", "PII-002"]);
//! ```
//!
//! # Behaviour
//!
//! - Input is bytes: invalid UTF-8 passes through untouched but for what is
//!   redacted. [`Mode::Json`] handles JSON lines structurally.
//! - Encoded values are found: a line with percent-encoding, JSON string
//!   escapes, HTML entities or ANSI colour codes is scanned in its decoded
//!   view, and the encoded span is what gets replaced (`julia%40web.de`
//!   becomes `[EMAIL]`, `\u0026token=…` keeps its `\u0026`).
//! - The published test card numbers are redacted by default.
//! - Replacements are a type token, the last four digits of a card, or a
//!   keyed hash ([`Replacement`]); never an unkeyed hash.
//! - [`Ledger`] counts redactions and false positives per rule and UTC day
//!   (PII-004); [`emit`] writes the rule set for Promtail, Alloy and the
//!   Loki ruler (PII-005, PII-006).
//!
//! # Default policy: what is redacted, what is kept and why
//!
//! Redacted: card numbers, emails, IBANs, public IP addresses, phone
//! numbers, JWTs and bearer/basic credentials, vendor credentials, URL
//! userinfo, and the values of sensitive keys — wherever they stand and
//! however they are encoded. A value of a sensitive key that one detector
//! matches whole takes that detector's rule (`?email=…` is PII-002).
//!
//! Kept on purpose, each a setting:
//!
//! - Loopback, unspecified, documentation, private, shared, unique-local and
//!   link-local addresses: they name containers and hosts, not people
//!   ([`KeptRange`], `keep_ip_ranges`; `redact_non_personal_ips` redacts
//!   all). A dotted quad in a version position (`Chrome/124.0.0.0`,
//!   `browser_version=`) is a version.
//! - Digits under an id key (`order_id`, `metadata[order_id]`, `Key
//!   (order_id)=(…)`, `plan_hash`, `seq` …; [`DEFAULT_ID_KEYS`], `id_keys`)
//!   are ids, not cards or phones; each is reported as a [`Suppression`]
//!   kept [`KeptBy::IdKey`], like an exclusion.
//! - Generic keys (`code`, `key`, `sid`, `session`, `session_id`, `auth`,
//!   `sig`, `pass`) are sensitive in URLs only: in logfmt they are status
//!   codes and ids.
//! - An unseparated landline-shaped run of digits with no phone word or key
//!   before it is an id; `Bearer` without a credential's shape is a word;
//!   `user@host` without a top-level domain and `@scope/pkg` are not
//!   emails; publishable Stripe keys (`pk_`) are not secrets.
#![deny(missing_docs)]

mod boundary;
mod card;
pub mod catalog;
mod check;
mod config;
mod decode;
mod detector;
mod email;
pub mod emit;
mod engine;
mod error;
mod exclusions;
#[cfg(feature = "gateway")]
pub mod gateway;
mod iban;
mod ip;
mod json;
mod keyed;
mod ledger;
mod logpath;
mod phone;
mod replacement;
mod secret;
pub mod stream;
mod tally;
mod token;
mod url;
mod yamlfile;

pub use busflow_diag::{Catalog, Finding, Rule, RuleKind, Severity, Span, UnknownRule};
pub use catalog::CATALOG;
pub use check::{check_exclusions, check_promtail};
pub use config::{RedactorConfig, RuleSetting};
pub use detector::Detector;
pub use engine::{KeptBy, Mode, Outcome, Redaction, Redactor, Suppression};
pub use error::{Error, ErrorKind};
pub use exclusions::{Exclusion, Exclusions};
pub use ip::KeptRange;
pub use keyed::DEFAULT_ID_KEYS;
pub use ledger::{DEFAULT_BUDGET, DayCounts, Ledger, UtcDay};
pub use logpath::check_log_path;
pub use replacement::{HmacKey, Replacement};
pub use tally::Tally;
pub use url::DEFAULT_SENSITIVE_KEYS;
