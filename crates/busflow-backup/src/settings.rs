//! The verify's settings file (`config/backup-verify/verify.yaml`): the
//! source and fallback remotes, what the verify expects, and its limits.
//!
//! ```yaml
//! source:                      # BACKUP-006: a named remote
//!   name: hetzner-s3
//!   endpoint: https://fsn1.your-objectstorage.com   # https only (BACKUP-015)
//!   bucket: backups
//!   region: fsn1               # optional, default us-east-1
//!   ca: ca.pem                 # optional PEM added to the trust
//!   access_key_env: BUSFLOW_S3_ACCESS_KEY   # optional, these defaults
//!   secret_key_env: BUSFLOW_S3_SECRET_KEY
//! fallback:                    # optional (BACKUP-017), same fields
//!   name: minio-inswarm
//!   endpoint: https://minio.swarm.internal:9000
//!   bucket: backups
//! prefix: ""                   # key prefix of the dumps
//! schemas: [backoffice, commerce, operations, communications]
//! extensions: [pg_cron, pgsodium, vector]
//! size_ceiling: 10GB           # bytes, or with kB/MB/GB/TB or KiB/MiB/GiB/TiB
//! deadline: 60m                # the whole job (BACKUP-016): s, m, h, combined
//! fallback_window: 10m         # BACKUP-017
//! allowlist: soft-fk-allowlist.yaml
//! keep_database: false
//! target_url_env: BUSFLOW_VERIFY_TARGET_URL
//! ```
//!
//! Every key is optional but `source`. Secrets never live in the file:
//! the remotes name the environment variables that hold their keys, and
//! the target's URL (which may hold a password) comes from the environment
//! too. Relative paths are read from the settings file's directory.

use crate::catalog::{BACKUP_005, BACKUP_006, BACKUP_015};
use std::path::{Path, PathBuf};
use std::time::Duration;

use busflow_yaml::{Node, Pos};

use crate::allowlist::SoftFkAllowlist;
use crate::error::Error;
use crate::source::FALLBACK_WINDOW;
use crate::store::{RemoteConfig, Secret};
use crate::verify::{DEFAULT_EXTENSIONS, DEFAULT_SCHEMAS, DEFAULT_SIZE_CEILING, VerifyConfig};

/// One remote as the settings file names it; its keys come from the
/// environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSettings {
    /// The remote's name (`hetzner-s3`, `minio-inswarm`).
    pub name: String,
    /// `https://host[:port]`.
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// The signing region, when not the default.
    pub region: Option<String>,
    /// A PEM CA file trusted in addition.
    pub ca: Option<PathBuf>,
    /// The variable that holds the access key id.
    pub access_key_env: String,
    /// The variable that holds the secret key.
    pub secret_key_env: String,
}

/// The verify's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifySettings {
    /// The file they were read from.
    pub path: PathBuf,
    /// The remote read first.
    pub source: RemoteSettings,
    /// The in-swarm fallback (BACKUP-017).
    pub fallback: Option<RemoteSettings>,
    /// The key prefix of the dumps.
    pub prefix: String,
    /// The expected schemas (BACKUP-012, 013).
    pub schemas: Vec<String>,
    /// Extensions created on the target (BACKUP-010).
    pub extensions: Vec<String>,
    /// The size ceiling in bytes (BACKUP-007).
    pub size_ceiling: u64,
    /// The whole job's deadline (BACKUP-016).
    pub deadline: Duration,
    /// How long the primary may be unreachable before the fallback is read.
    pub fallback_window: Duration,
    /// The soft-FK allow-list (BACKUP-014).
    pub allowlist: Option<PathBuf>,
    /// Keep the verify database afterwards.
    pub keep_database: bool,
    /// The variable that holds the target's URL.
    pub target_url_env: String,
}

fn err(path: &Path, pos: Pos, expected: impl Into<String>) -> Error {
    err_for(&BACKUP_005, path, pos, expected)
}

fn err_for(
    rule: &'static crate::Rule,
    path: &Path,
    pos: Pos,
    expected: impl Into<String>,
) -> Error {
    Error::settings(
        PathBuf::from(path),
        (pos.line, pos.column),
        rule,
        expected.into(),
    )
}

const START: Pos = Pos::START;

/// The allow-list a verify reads when its settings name none, relative to
/// the working directory (the infrastructure repository's root in CI).
pub const DEFAULT_ALLOWLIST: &str = "config/backup-verify/soft-fk-allowlist.yaml";

/// Values given over a settings file (a command line's flags); `None`
/// keeps the file's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Read the remote of this name first (BACKUP-006).
    pub source: Option<String>,
    /// The source remote's endpoint.
    pub endpoint: Option<String>,
    /// The source remote's bucket.
    pub bucket: Option<String>,
    /// The dumps' key prefix.
    pub prefix: Option<String>,
    /// A PEM CA to trust for the remotes.
    pub ca: Option<PathBuf>,
    /// An in-swarm fallback remote's endpoint.
    pub fallback_endpoint: Option<String>,
    /// The soft-FK allow-list.
    pub allowlist: Option<PathBuf>,
    /// Keep the verify database.
    pub keep_database: bool,
}

impl VerifySettings {
    /// The documented defaults, reading `source`.
    pub fn new(source: RemoteSettings) -> Self {
        Self {
            path: PathBuf::new(),
            source,
            fallback: None,
            prefix: String::new(),
            schemas: DEFAULT_SCHEMAS.iter().map(|s| (*s).to_owned()).collect(),
            extensions: DEFAULT_EXTENSIONS.iter().map(|s| (*s).to_owned()).collect(),
            size_ceiling: DEFAULT_SIZE_CEILING,
            deadline: Duration::from_hours(1),
            fallback_window: FALLBACK_WINDOW,
            allowlist: None,
            keep_database: false,
            target_url_env: "BUSFLOW_VERIFY_TARGET_URL".into(),
        }
    }

    /// Reads the remote named `name` first (BACKUP-006: only the source
    /// switches, as the daily verify's `source` input does): the settings'
    /// fallback of that name becomes the source and the source its
    /// fallback. An unknown name is an error naming the remotes there are.
    pub fn with_source(mut self, name: &str) -> Result<Self, Error> {
        if self.source.name == name {
            return Ok(self);
        }
        match self.fallback.take() {
            Some(fallback) if fallback.name == name => {
                self.fallback = Some(std::mem::replace(&mut self.source, fallback));
                Ok(self)
            }
            fallback => {
                let known: Vec<&str> = std::iter::once(self.source.name.as_str())
                    .chain(fallback.as_ref().map(|f| f.name.as_str()))
                    .collect();
                Err(err_for(
                    &BACKUP_006,
                    &self.path,
                    START,
                    format!(
                        "a remote named `{name}` (the settings name {})",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                ))
            }
        }
    }

    /// These settings with `o` over them, as a command line overrides a
    /// settings file: the named source first, then each value given. A
    /// fallback endpoint makes an in-swarm fallback remote (`minio-inswarm`)
    /// with the source's bucket and CA. Without an allow-list in either,
    /// [`DEFAULT_ALLOWLIST`] is used when it exists.
    pub fn overridden(mut self, o: &Overrides) -> Result<Self, Error> {
        if let Some(name) = &o.source {
            self = self.with_source(name)?;
        }
        if let Some(e) = &o.endpoint {
            self.source.endpoint.clone_from(e);
        }
        if let Some(b) = &o.bucket {
            self.source.bucket.clone_from(b);
        }
        if let Some(p) = &o.prefix {
            self.prefix.clone_from(p);
        }
        if let Some(ca) = &o.ca {
            self.source.ca = Some(ca.clone());
        }
        if let Some(fb) = &o.fallback_endpoint {
            let mut remote = RemoteSettings::new("minio-inswarm", fb, &self.source.bucket);
            remote.ca.clone_from(&self.source.ca);
            self.fallback = Some(remote);
        }
        if let Some(list) = &o.allowlist {
            self.allowlist = Some(list.clone());
        } else if self.allowlist.is_none() && Path::new(DEFAULT_ALLOWLIST).exists() {
            self.allowlist = Some(PathBuf::from(DEFAULT_ALLOWLIST));
        }
        self.keep_database |= o.keep_database;
        Ok(self)
    }

    /// Reads the settings file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = busflow_fs::read_arg(path, &busflow_fs::Limits::default())
            .map_err(busflow_fs::ReadError::into_io)
            .map_err(|e| err(path, START, format!("a readable file ({e})")))?;
        Self::parse(path, &text)
    }

    /// Parses the settings' text; `path` is for messages and for relative
    /// paths.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        let docs = busflow_yaml::parse(text)
            .map_err(|e| err(path, e.pos, format!("YAML ({})", e.message)))?;
        let doc = docs
            .first()
            .filter(|d| !d.is_null())
            .ok_or_else(|| err(path, START, "a mapping with at least `source`"))?;
        let map = doc
            .as_map()
            .ok_or_else(|| err(path, doc.pos, format!("a mapping, found {}", doc.kind())))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut s = Self::new(RemoteSettings::new("", "", ""));
        path.clone_into(&mut s.path);
        let mut has_source = false;
        for (k, v) in map {
            let key = k.as_str().unwrap_or_default();
            match key {
                "source" => {
                    s.source = RemoteSettings::parse(path, dir, v)?;
                    has_source = true;
                }
                "fallback" => s.fallback = Some(RemoteSettings::parse(path, dir, v)?),
                "prefix" => string(path, v)?.clone_into(&mut s.prefix),
                "schemas" => s.schemas = strings(path, v)?,
                "extensions" => s.extensions = strings(path, v)?,
                "size_ceiling" => {
                    s.size_ceiling = parse_bytes(string(path, v)?).ok_or_else(|| {
                        err(path, v.pos, "a size such as `10GB`, `512MiB` or bytes")
                    })?;
                }
                "deadline" | "fallback_window" => {
                    let d = parse_duration(string(path, v)?).ok_or_else(|| {
                        err(path, v.pos, "a duration such as `60m`, `1h30m` or `90s`")
                    })?;
                    if key == "deadline" {
                        s.deadline = d;
                    } else {
                        s.fallback_window = d;
                    }
                }
                "allowlist" => s.allowlist = Some(dir.join(string(path, v)?)),
                "keep_database" => {
                    s.keep_database = match string(path, v)? {
                        "true" => true,
                        "false" => false,
                        _ => return Err(err(path, v.pos, "`true` or `false`")),
                    };
                }
                "target_url_env" => string(path, v)?.clone_into(&mut s.target_url_env),
                other => {
                    return Err(err(
                        path,
                        k.pos,
                        format!(
                            "one of source, fallback, prefix, schemas, extensions, size_ceiling, deadline, fallback_window, allowlist, keep_database, target_url_env; found `{other}`"
                        ),
                    ));
                }
            }
        }
        if !has_source {
            return Err(err(path, doc.pos, "a `source` remote"));
        }
        Ok(s)
    }

    /// The verify's configuration for `target_admin_url` and `pg_restore`,
    /// with the allow-list read.
    pub fn verify_config(
        &self,
        target_admin_url: &str,
        pg_restore: PathBuf,
    ) -> Result<VerifyConfig, Error> {
        let mut c = VerifyConfig::new(target_admin_url, pg_restore);
        c.prefix.clone_from(&self.prefix);
        c.schemas.clone_from(&self.schemas);
        c.extensions.clone_from(&self.extensions);
        c.size_ceiling = self.size_ceiling;
        c.deadline = self.deadline;
        c.keep_database = self.keep_database;
        if let Some(list) = &self.allowlist {
            c.allowlist = SoftFkAllowlist::load(list)?;
        }
        Ok(c)
    }
}

impl RemoteSettings {
    /// A remote with its keys in the default variables.
    pub fn new(name: &str, endpoint: &str, bucket: &str) -> Self {
        Self {
            name: name.to_owned(),
            endpoint: endpoint.to_owned(),
            bucket: bucket.to_owned(),
            region: None,
            ca: None,
            access_key_env: "BUSFLOW_S3_ACCESS_KEY".into(),
            secret_key_env: "BUSFLOW_S3_SECRET_KEY".into(),
        }
    }

    fn parse(path: &Path, dir: &Path, node: &Node) -> Result<Self, Error> {
        let map = node.as_map().ok_or_else(|| {
            err_for(
                &BACKUP_006,
                path,
                node.pos,
                format!(
                    "a remote with name, endpoint and bucket, found {}",
                    node.kind()
                ),
            )
        })?;
        let mut r = Self::new("", "", "");
        for (k, v) in map {
            let text = string(path, v)?;
            match k.as_str().unwrap_or_default() {
                "name" => text.clone_into(&mut r.name),
                "endpoint" => {
                    if !text.starts_with("https://") {
                        return Err(err_for(
                            &BACKUP_015,
                            path,
                            v.pos,
                            format!(
                                "an https:// endpoint (BACKUP-015: TLS is required), found `{text}`"
                            ),
                        ));
                    }
                    text.clone_into(&mut r.endpoint);
                }
                "bucket" => text.clone_into(&mut r.bucket),
                "region" => r.region = Some(text.to_owned()),
                "ca" => r.ca = Some(dir.join(text)),
                "access_key_env" => text.clone_into(&mut r.access_key_env),
                "secret_key_env" => text.clone_into(&mut r.secret_key_env),
                other => {
                    return Err(err_for(
                        &BACKUP_006,
                        path,
                        k.pos,
                        format!(
                            "one of name, endpoint, bucket, region, ca, access_key_env, secret_key_env; found `{other}`"
                        ),
                    ));
                }
            }
        }
        for (field, value) in [
            ("name", &r.name),
            ("endpoint", &r.endpoint),
            ("bucket", &r.bucket),
        ] {
            if value.is_empty() {
                return Err(err_for(
                    &BACKUP_006,
                    path,
                    node.pos,
                    format!("the remote's `{field}`"),
                ));
            }
        }
        Ok(r)
    }

    /// The remote's configuration, with its keys read through `env` (the
    /// process environment in production) and its CA file read.
    pub fn remote_config(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<RemoteConfig, Error> {
        let var = |name: &str| {
            env(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                Error::config(
                    &self.name,
                    format!("the environment variable {name} is not set"),
                )
            })
        };
        let mut c = RemoteConfig::new(
            &self.name,
            &self.endpoint,
            &self.bucket,
            &var(&self.access_key_env)?,
            Secret::new(var(&self.secret_key_env)?),
        );
        if let Some(region) = &self.region {
            region.clone_into(&mut c.region);
        }
        if let Some(ca) = &self.ca {
            c.ca_pem = Some(std::fs::read_to_string(ca).map_err(|e| {
                Error::config(
                    &self.name,
                    format!("cannot read the CA file {}: {e}", ca.display()),
                )
            })?);
        }
        Ok(c)
    }
}

fn string<'a>(path: &Path, v: &'a Node) -> Result<&'a str, Error> {
    v.as_str()
        .ok_or_else(|| err(path, v.pos, format!("a scalar, found {}", v.kind())))
}

fn strings(path: &Path, v: &Node) -> Result<Vec<String>, Error> {
    let items = v
        .as_seq()
        .ok_or_else(|| err(path, v.pos, format!("a list, found {}", v.kind())))?;
    items
        .iter()
        .map(|i| string(path, i).map(str::to_owned))
        .collect()
}

/// `10GB`, `512MiB`, `1048576`: decimal and binary units, as a byte count.
pub(crate) fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// `60m`, `1h30m`, `90s`: a duration of hours, minutes and seconds.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.trim().chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    (number.is_none() && total > 0).then(|| Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_006_flags_override_the_file_and_a_fallback_endpoint_makes_the_in_swarm_remote() {
        let base = VerifySettings::new(RemoteSettings::new(
            "hetzner-s3",
            "https://fsn1.example",
            "backups",
        ));
        let o = Overrides {
            bucket: Some("dumps".into()),
            prefix: Some("prod/".into()),
            ca: Some(PathBuf::from("ca.pem")),
            fallback_endpoint: Some("https://minio.internal:9000".into()),
            allowlist: Some(PathBuf::from("list.yaml")),
            keep_database: true,
            ..Overrides::default()
        };
        let s = base.clone().overridden(&o).expect("overrides");
        assert_eq!(
            (s.source.bucket.as_str(), s.prefix.as_str()),
            ("dumps", "prod/")
        );
        let fb = s.fallback.as_ref().expect("fallback");
        assert_eq!(
            (fb.name.as_str(), fb.bucket.as_str()),
            ("minio-inswarm", "dumps")
        );
        assert_eq!(fb.ca, Some(PathBuf::from("ca.pem")));
        assert_eq!(s.allowlist, Some(PathBuf::from("list.yaml")));
        assert!(s.keep_database);
        // The named source switches first, then the values apply to it.
        let s = s
            .overridden(&Overrides {
                source: Some("minio-inswarm".into()),
                ..Overrides::default()
            })
            .expect("switch");
        assert_eq!(s.source.name, "minio-inswarm");
        assert_eq!(s.fallback.map(|f| f.name), Some("hetzner-s3".into()));
        let err = base
            .overridden(&Overrides {
                source: Some("r2".into()),
                ..Overrides::default()
            })
            .expect_err("unknown remote");
        assert!(err.to_string().contains("`r2`"), "{err}");
    }

    fn parse(text: &str) -> Result<VerifySettings, Error> {
        VerifySettings::parse(Path::new("config/backup-verify/verify.yaml"), text)
    }

    const SOURCE: &str =
        "source:\n  name: hetzner-s3\n  endpoint: https://fsn1.example\n  bucket: backups\n";

    #[test]
    fn the_settings_file_with_defaults_and_overrides() {
        let s = parse(SOURCE).expect("minimal");
        assert_eq!(s.source.name, "hetzner-s3");
        assert_eq!(s.schemas, DEFAULT_SCHEMAS);
        assert_eq!(s.size_ceiling, 10_000_000_000);
        assert_eq!(s.deadline, Duration::from_hours(1));
        assert_eq!(s.fallback_window, FALLBACK_WINDOW);
        let s = parse(&format!(
            "{SOURCE}fallback:\n  name: minio-inswarm\n  endpoint: https://minio:9000\n  bucket: b\n  ca: ca.pem\nsize_ceiling: 512MiB\ndeadline: 1h30m\nschemas: [a, b]\nallowlist: soft-fk-allowlist.yaml\nkeep_database: true\n"
        ))
        .expect("full");
        let fb = s.fallback.expect("fallback");
        assert_eq!(fb.ca, Some(PathBuf::from("config/backup-verify/ca.pem")));
        assert_eq!(s.size_ceiling, 512 << 20);
        assert_eq!(s.deadline, Duration::from_mins(90));
        assert_eq!(s.schemas, ["a", "b"]);
        assert_eq!(
            s.allowlist,
            Some(PathBuf::from("config/backup-verify/soft-fk-allowlist.yaml"))
        );
        assert!(s.keep_database);
    }

    #[test]
    fn backup_015_bad_settings_name_the_line_and_what_was_expected() {
        for (text, at, says) in [
            (
                "source:\n  name: m\n  endpoint: http://minio:9000\n  bucket: b\n",
                "verify.yaml:3:13:",
                "https://",
            ),
            ("prefix: x\n", "verify.yaml:1:1:", "`source`"),
            (
                &format!("{SOURCE}size_ceiling: ten\n"),
                "verify.yaml:5:15:",
                "size",
            ),
            (
                &format!("{SOURCE}deadline: 5x\n"),
                "verify.yaml:5:11:",
                "duration",
            ),
            (
                &format!("{SOURCE}colour: red\n"),
                "verify.yaml:5:1:",
                "`colour`",
            ),
            ("source:\n  name: m\n", "verify.yaml:2:3:", "`endpoint`"),
            ("source: [\n", "verify.yaml:", "YAML"),
        ] {
            let e = parse(text).expect_err(text).to_string();
            assert!(
                e.starts_with(&format!("config/backup-verify/{at}")) && e.contains(says),
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn backup_006_only_the_source_switches() {
        let text = "source:\n  name: hetzner-s3\n  endpoint: https://fsn1.example\n  bucket: b\nfallback:\n  name: minio-inswarm\n  endpoint: https://minio.swarm:9000\n  bucket: b\n";
        let s = parse(text).expect("parses");
        let same = s.clone().with_source("hetzner-s3").expect("the source");
        assert_eq!(same, s);
        let swapped = s
            .clone()
            .with_source("minio-inswarm")
            .expect("the fallback");
        assert_eq!(swapped.source.name, "minio-inswarm");
        assert_eq!(
            swapped.fallback.as_ref().map(|f| f.name.as_str()),
            Some("hetzner-s3")
        );
        assert_eq!(swapped.schemas, s.schemas, "nothing else changes");
        let e = s.with_source("r2").expect_err("unknown");
        assert!(
            matches!(
                e.kind(),
                crate::ErrorKind::Settings { rule, .. } if rule.id == "BACKUP-006"
            ),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("`hetzner-s3` and `minio-inswarm`"),
            "{e}"
        );
    }

    #[test]
    fn remote_keys_come_from_the_environment_and_never_show() {
        let s = parse(SOURCE).expect("settings");
        let missing = s.source.remote_config(|_| None).expect_err("no keys");
        assert!(
            missing.to_string().contains("BUSFLOW_S3_ACCESS_KEY"),
            "{missing}"
        );
        let c = s
            .source
            .remote_config(|name| Some(format!("value-of-{name}")))
            .expect("keys");
        assert_eq!(c.access_key, "value-of-BUSFLOW_S3_ACCESS_KEY");
        assert!(!format!("{c:?}").contains("value-of-BUSFLOW_S3_SECRET_KEY"));
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_bytes("10GB"), Some(10_000_000_000));
        assert_eq!(parse_bytes("1 GiB"), Some(1 << 30));
        assert_eq!(parse_bytes("42"), Some(42));
        assert_eq!(parse_bytes("99999999999999TB"), None);
        assert_eq!(parse_bytes("GB"), None);
        assert_eq!(parse_duration("10m"), Some(Duration::from_mins(10)));
        assert_eq!(parse_duration("1h1s"), Some(Duration::from_secs(3601)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("0s"), None);
        assert_eq!(parse_duration("m"), None);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_settings_never_panic(text in "(?s)[a-z_:\\- \n\\[\\]{}\"'0-9./]{0,200}") {
            let _ = parse(&text);
            let _ = parse_bytes(&text);
            let _ = parse_duration(&text);
        }
    }
}
