//! Which detectors run and how each replaces: built in code or read from a
//! rules file (`--rules`).
//!
//! ```yaml
//! # pii-rules.yaml
//! rules:
//!   PII-001: {replacement: mask-last4}   # token | mask-last4 | hmac
//!   PIIX-003: {enabled: false}
//!   PII-002: {replacement: hmac}
//! hmac_key_env: BUSFLOW_PII_HMAC_KEY      # the key comes from the environment
//! redact_test_cards: true
//! redact_non_personal_ips: false      # true: keep_ip_ranges is empty
//! keep_ip_ranges: [loopback, unspecified, documentation, private, shared, unique-local, link-local]
//! url_sensitive_keys: [email, token, password, session]
//! id_keys: [id, "*_id", "*_hash", seq, offset]   # digits under these are ids, not cards or phones
//! ```

use std::path::Path;

use crate::detector::Detector;
use crate::error::Error;
use crate::ip::KeptRange;
use crate::keyed::DEFAULT_ID_KEYS;
use crate::replacement::{HmacKey, Replacement};
use crate::url::DEFAULT_SENSITIVE_KEYS;
use crate::yamlfile;

/// One detector's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetting {
    /// Whether it runs.
    pub enabled: bool,
    /// What its matches become.
    pub replacement: Replacement,
}

/// Which detectors run, and how they replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactorConfig {
    rules: [RuleSetting; Detector::ALL.len()],
    /// Redact every address, whatever its range (default: no). When set,
    /// [`RedactorConfig::kept_ip_ranges`] is ignored.
    pub redact_non_personal_ips: bool,
    /// The ranges whose addresses are kept (default: all of
    /// [`KeptRange::ALL`]; they identify nobody).
    pub kept_ip_ranges: Vec<KeptRange>,
    /// Redact the card networks' published test numbers too (default: yes;
    /// to a reader of the logs they are indistinguishable from a leak).
    pub redact_test_cards: bool,
    sensitive_keys: Vec<Box<str>>,
    id_keys: Vec<Box<str>>,
}

impl Default for RedactorConfig {
    fn default() -> Self {
        Self {
            rules: std::array::from_fn(|_| RuleSetting {
                enabled: true,
                replacement: Replacement::Token,
            }),
            redact_non_personal_ips: false,
            kept_ip_ranges: KeptRange::ALL.to_vec(),
            redact_test_cards: true,
            sensitive_keys: DEFAULT_SENSITIVE_KEYS.iter().map(|k| (*k).into()).collect(),
            id_keys: DEFAULT_ID_KEYS.iter().map(|k| (*k).into()).collect(),
        }
    }
}

impl RedactorConfig {
    /// Only `detectors` enabled, with type tokens.
    pub fn only(detectors: &[Detector]) -> Self {
        let mut config = Self::default();
        for d in Detector::ALL {
            config.rules[d.index()].enabled = detectors.contains(&d);
        }
        config
    }

    /// `detector` turned on or off.
    #[must_use]
    pub fn with_enabled(mut self, detector: Detector, enabled: bool) -> Self {
        self.rules[detector.index()].enabled = enabled;
        self
    }

    /// `detector` replacing with `replacement`.
    #[must_use]
    pub fn with_replacement(mut self, detector: Detector, replacement: Replacement) -> Self {
        self.rules[detector.index()].replacement = replacement;
        self
    }

    /// The query keys whose values PII-007 redacts (replacing the default
    /// list).
    #[must_use]
    pub fn with_sensitive_keys<I: IntoIterator<Item = S>, S: AsRef<str>>(
        mut self,
        keys: I,
    ) -> Self {
        self.sensitive_keys = keys.into_iter().map(|k| k.as_ref().into()).collect();
        self
    }

    /// The keys whose digits are ids, never cards or phone numbers
    /// (replacing the default list, [`DEFAULT_ID_KEYS`]): a key (`seq`), or
    /// `*_` and a last word (`*_id` matches `order_id`, `orderId`,
    /// `metadata[order_id]`). Keys are compared in snake case.
    #[must_use]
    pub fn with_id_keys<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, keys: I) -> Self {
        self.id_keys = keys.into_iter().map(|k| k.as_ref().into()).collect();
        self
    }

    /// The id-key patterns.
    pub fn id_keys(&self) -> &[Box<str>] {
        &self.id_keys
    }

    /// Whether `detector` runs.
    pub fn is_enabled(&self, detector: Detector) -> bool {
        self.rules[detector.index()].enabled
    }

    /// The settings of `detector`.
    pub fn setting(&self, detector: Detector) -> &RuleSetting {
        &self.rules[detector.index()]
    }

    /// The detectors that run, in rule-ID order.
    pub fn active(&self) -> impl Iterator<Item = Detector> + '_ {
        Detector::ALL.into_iter().filter(|d| self.is_enabled(*d))
    }

    /// The sensitive query keys of PII-007.
    pub fn sensitive_keys(&self) -> &[Box<str>] {
        &self.sensitive_keys
    }

    /// Reads a rules file. `env` looks up the variable `hmac_key_env`
    /// names (pass `|k| std::env::var_os(k)` in a program).
    pub fn load(
        path: &Path,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, Error> {
        let text = busflow_fs::read_arg(path, &busflow_fs::Limits::default())
            .map_err(busflow_fs::ReadError::into_io)
            .map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text, env)
    }

    /// Parses a rules file's text; `path` is for messages.
    pub fn parse(
        path: &Path,
        text: &str,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, Error> {
        let doc = yamlfile::document(path, text)?;
        let mut config = Self::default();
        let mut key: Option<HmacKey> = None;
        let top = yamlfile::map(path, &doc, None, "the rules file")?;
        // The key first: rules may refer to it.
        for (k, v) in top {
            if k.as_str() == Some("hmac_key_env") {
                let name = yamlfile::scalar(path, v, None, "hmac_key_env")?;
                let value = env(name).ok_or_else(|| {
                    Error::file(
                        path,
                        v.pos,
                        None,
                        format!("hmac_key_env: the environment variable `{name}` is not set"),
                    )
                })?;
                key = Some(HmacKey::new(value.as_encoded_bytes()).ok_or_else(|| {
                    Error::file(
                        path,
                        v.pos,
                        None,
                        format!("hmac_key_env: `{name}` must hold at least 16 bytes"),
                    )
                })?);
            }
        }
        for (k, v) in top {
            match k.as_str().unwrap_or_default() {
                "hmac_key_env" => {}
                "redact_test_cards" => {
                    config.redact_test_cards =
                        yamlfile::boolean(path, v, None, "redact_test_cards")?;
                }
                "redact_non_personal_ips" => {
                    config.redact_non_personal_ips =
                        yamlfile::boolean(path, v, None, "redact_non_personal_ips")?;
                }
                "keep_ip_ranges" => {
                    let items = v.as_seq().ok_or_else(|| {
                        Error::file(
                            path,
                            v.pos,
                            Some("PIIX-002"),
                            "keep_ip_ranges: expected a list of range names",
                        )
                    })?;
                    config.kept_ip_ranges = items
                        .iter()
                        .map(|i| {
                            let name = yamlfile::scalar(path, i, Some("PIIX-002"), "a range name")?;
                            KeptRange::from_name(name).ok_or_else(|| {
                                Error::file(
                                    path,
                                    i.pos,
                                    Some("PIIX-002"),
                                    format!(
                                        "one of loopback, unspecified, documentation, private, shared, unique-local, link-local; found `{name}`"
                                    ),
                                )
                            })
                        })
                        .collect::<Result<_, _>>()?;
                }
                "url_sensitive_keys" => {
                    config.sensitive_keys =
                        key_list(path, v, Some("PII-007"), "url_sensitive_keys")?;
                }
                "id_keys" => config.id_keys = key_list(path, v, None, "id_keys")?,
                "rules" => config.parse_rules(path, v, key.as_ref())?,
                other => {
                    return Err(Error::file(
                        path,
                        k.pos,
                        None,
                        format!(
                            "a known key (rules, hmac_key_env, redact_test_cards, redact_non_personal_ips, keep_ip_ranges, url_sensitive_keys, id_keys), found `{other}`"
                        ),
                    ));
                }
            }
        }
        Ok(config)
    }

    /// The `rules:` mapping: per rule, `enabled` and `replacement`.
    fn parse_rules(
        &mut self,
        path: &Path,
        rules: &busflow_yaml::Node,
        key: Option<&HmacKey>,
    ) -> Result<(), Error> {
        for (id, setting) in yamlfile::map(path, rules, None, "rules")? {
            let id_text = yamlfile::scalar(path, id, None, "a rule ID")?;
            let rule = Some(id_text);
            let detector = Detector::parse(id_text).ok_or_else(|| {
                Error::file(
                    path,
                    id.pos,
                    rule,
                    "a redacting rule (PII-001, PII-002, PII-007, PIIX-001 … PIIX-004)",
                )
            })?;
            for (field, value) in yamlfile::map(path, setting, rule, "the rule")? {
                let setting = &mut self.rules[detector.index()];
                match field.as_str().unwrap_or_default() {
                    "enabled" => setting.enabled = yamlfile::boolean(path, value, rule, "enabled")?,
                    "replacement" => {
                        setting.replacement = match yamlfile::scalar(path, value, rule, "replacement")? {
                            "token" => Replacement::Token,
                            "mask-last4" => Replacement::MaskLast4,
                            "hmac" => Replacement::Hmac(key.cloned().ok_or_else(|| {
                                Error::file(path, value.pos, rule, "replacement: hmac needs `hmac_key_env` naming the key's environment variable")
                            })?),
                            _ => return Err(Error::file(path, value.pos, rule, "replacement: one of token, mask-last4, hmac")),
                        };
                    }
                    _ => {
                        return Err(Error::file(
                            path,
                            field.pos,
                            rule,
                            "`enabled` or `replacement`",
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A list of keys (`url_sensitive_keys`, `id_keys`).
fn key_list(
    path: &Path,
    v: &busflow_yaml::Node,
    rule: Option<&str>,
    what: &str,
) -> Result<Vec<Box<str>>, Error> {
    let items = v.as_seq().ok_or_else(|| {
        Error::file(
            path,
            v.pos,
            rule,
            format!("{what}: expected a list of keys"),
        )
    })?;
    items
        .iter()
        .map(|i| yamlfile::scalar(path, i, rule, "a key").map(Into::into))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RedactorConfig, Error> {
        RedactorConfig::parse(Path::new("pii-rules.yaml"), text, |k| {
            (k == "KEY").then(|| "0123456789abcdef0123".into())
        })
    }

    #[test]
    fn a_rules_file_sets_detectors_and_replacements() {
        let c = parse("rules:\n  PII-001: {replacement: mask-last4}\n  phone: {enabled: false}\n  PII-002: {replacement: hmac}\nhmac_key_env: KEY\nurl_sensitive_keys: [email]\n").expect("valid");
        assert_eq!(
            c.setting(Detector::Card).replacement,
            Replacement::MaskLast4
        );
        assert!(!c.is_enabled(Detector::Phone));
        assert!(matches!(
            c.setting(Detector::Email).replacement,
            Replacement::Hmac(_)
        ));
        assert_eq!(c.sensitive_keys(), [Box::<str>::from("email")]);
        assert!(
            !format!("{c:?}").contains("0123456789"),
            "the key never shows"
        );
    }

    #[test]
    fn bad_rules_files_name_the_rule_and_line() {
        let err = parse("rules:\n  PII-001: {replacement: sha256}\n").expect_err("no unkeyed hash");
        assert_eq!(
            err.to_string(),
            "pii-rules.yaml:2:26: PII-001: replacement: one of token, mask-last4, hmac"
        );
        let err = parse("rules:\n  PII-002: {replacement: hmac}\n").expect_err("no key");
        assert!(err.to_string().starts_with("pii-rules.yaml:2:"), "{err}");
        let err = parse("hmac_key_env: NOPE\n").expect_err("unset");
        assert!(err.to_string().contains("`NOPE` is not set"), "{err}");
        let err = parse("rules:\n  PII-009: {}\n").expect_err("unknown");
        assert!(
            err.to_string().starts_with("pii-rules.yaml:2:3: PII-009:"),
            "{err}"
        );
        assert!(parse("rules: [\n").is_err());
    }
}
