//! The daily verify (BACKUP-005 to 014): take the newest conforming dump,
//! guard its size, check its magic, read its table of contents from the
//! first bytes and pre-check it, restore it section by section into a
//! fresh database, and probe the result.

use std::path::PathBuf;

use std::sync::atomic::{AtomicU64, Ordering};

use tokio_postgres::Client;

/// The server's message for a database error, else the client's.
/// A client error carries its cause (a TLS handshake's reason, an I/O
/// error) as its source; it is named too.
pub(crate) fn pg_error(e: &tokio_postgres::Error) -> String {
    if let Some(d) = e.as_db_error() {
        return d.message().to_owned();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text = format!("{text}: {s_text}");
        }
        source = s.source();
    }
    text
}

use crate::allowlist::{ColumnRef, SoftFkAllowlist};
use crate::archive::{self, ArchiveError, Magic, Toc};
use crate::catalog::{
    BACKUP_001, BACKUP_005, BACKUP_007, BACKUP_008, BACKUP_009, BACKUP_010, BACKUP_011, BACKUP_012,
    BACKUP_013, BACKUP_014, BACKUP_016,
};
use crate::extensions::{self, ExtensionPlan};
use crate::name::newest_dump;
use crate::outcome::{Note, Outcome, Probe, Status};
use crate::pgtls;
use crate::pgtools::{self, split_password};
use crate::progress::{Counted, Progress};
use crate::restore::{self, Input};
use crate::store::ObjectStore;

/// The documented schemas.
pub const DEFAULT_SCHEMAS: [&str; 4] = ["backoffice", "commerce", "operations", "communications"];
/// The documented extensions (pgvector's extension is `vector`).
pub const DEFAULT_EXTENSIONS: [&str; 3] = ["pg_cron", "pgsodium", "vector"];
/// The documented size ceiling: 10 GB.
pub const DEFAULT_SIZE_CEILING: u64 = 10_000_000_000;

/// How the verify runs. `Debug` shows the target URL without its password.
#[derive(Clone)]
pub struct VerifyConfig {
    /// A URL on the target server with the right to create databases.
    /// Its `sslmode` and `sslrootcert` mean what they mean to libpq, for
    /// `pg_restore` and the probes alike.
    pub target_admin_url: String,
    /// `pg_restore`.
    pub pg_restore: PathBuf,
    /// The key prefix of the dumps.
    pub prefix: String,
    /// Schemas that must exist, each with tables (BACKUP-012, 013).
    pub schemas: Vec<String>,
    /// Extensions created on the target before the data (BACKUP-010).
    pub extensions: Vec<String>,
    /// Above this size the verify stops with [`Status::TooBig`].
    pub size_ceiling: u64,
    /// Orphans tolerated (BACKUP-014).
    pub allowlist: SoftFkAllowlist,
    /// Keep the verify database afterwards.
    pub keep_database: bool,
    /// The most bytes read to find the end of the TOC.
    pub toc_limit: usize,
    /// The whole job's deadline (BACKUP-016: 60 min by default); the
    /// verify database is dropped when it passes.
    pub deadline: std::time::Duration,
    /// Told the bytes read as the data section streams (none by default).
    pub progress: Option<Progress>,
}

impl std::fmt::Debug for VerifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyConfig")
            .field(
                "target_admin_url",
                &crate::conninfo::redact(&self.target_admin_url),
            )
            .field("pg_restore", &self.pg_restore)
            .field("prefix", &self.prefix)
            .field("schemas", &self.schemas)
            .field("extensions", &self.extensions)
            .field("size_ceiling", &self.size_ceiling)
            .field("allowlist", &self.allowlist)
            .field("keep_database", &self.keep_database)
            .field("toc_limit", &self.toc_limit)
            .field("deadline", &self.deadline)
            .field("progress", &self.progress)
            .finish()
    }
}

impl VerifyConfig {
    /// The documented defaults for a target and a `pg_restore`.
    pub fn new(target_admin_url: &str, pg_restore: PathBuf) -> Self {
        Self {
            target_admin_url: target_admin_url.to_owned(),
            pg_restore,
            prefix: String::new(),
            schemas: DEFAULT_SCHEMAS.iter().map(|s| (*s).to_owned()).collect(),
            extensions: DEFAULT_EXTENSIONS.iter().map(|s| (*s).to_owned()).collect(),
            size_ceiling: DEFAULT_SIZE_CEILING,
            allowlist: SoftFkAllowlist::default(),
            keep_database: false,
            toc_limit: 64 << 20,
            deadline: std::time::Duration::from_hours(1),
            progress: None,
        }
    }
}

/// A quoted SQL identifier.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn with_database(url: &str, db: &str) -> String {
    let conn_end = url.find('?').unwrap_or(url.len());
    let (base, query) = url.split_at(conn_end);
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..path_start])
}

async fn connect(url: &str) -> Result<Client, String> {
    let password = split_password(url).password;
    let scrub = |m: String| pgtools::scrub(&m, password.as_deref());
    let target = pgtls::parse(url).map_err(|e| scrub(format!("the verify target: {e}")))?;
    let tls = target
        .connector()
        .map_err(|e| scrub(format!("the verify target: {e}")))?;
    let config = target
        .config()
        .map_err(|e| scrub(format!("the verify target's URL: {}", pg_error(&e))))?;
    let (client, connection) = config.connect(tls).await.map_err(|e| {
        scrub(format!(
            "cannot connect to the verify target: {}",
            pg_error(&e)
        ))
    })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "verify connection ended");
        }
    });
    Ok(client)
}

/// Verifies the newest conforming dump of `source`. Never deletes
/// anything; failures are in the outcome.
///
/// The work is moving bytes from a socket into `pg_restore`'s pipe; run
/// it on a current-thread runtime where you can: on a multi-thread one,
/// every chunk of the download wakes another thread (measured with
/// the `backup_speed` benchmark: twice the CPU, and a slower data section on a
/// two-core machine).
pub async fn verify(
    source: &dyn ObjectStore,
    fell_back: Option<String>,
    config: &VerifyConfig,
) -> Outcome {
    let deadline = tokio::time::Instant::now() + config.deadline;
    let out = Outcome::new(source.name(), fell_back.clone());
    // The restore stops at the deadline; a minute more lets the verify
    // database be dropped.
    let cleanup = deadline + std::time::Duration::from_mins(1);
    match tokio::time::timeout_at(cleanup, verify_until(source, config, out, deadline)).await {
        Ok(out) => out,
        Err(_) => Outcome::new(source.name(), fell_back).fail(&BACKUP_016, overdue(config)),
    }
}

fn overdue(config: &VerifyConfig) -> String {
    format!(
        "the verify did not finish within the job deadline of {:?}",
        config.deadline
    )
}

async fn verify_until(
    source: &dyn ObjectStore,
    config: &VerifyConfig,
    mut out: Outcome,
    deadline: tokio::time::Instant,
) -> Outcome {
    // BACKUP-005: the newest conforming dump.
    let listing = match source.list(&config.prefix).await {
        Ok(l) => l,
        Err(e) => return out.fail(&BACKUP_005, e.to_string()),
    };
    let (newest, rejected) = newest_dump(&listing);
    for r in rejected {
        out.warn(&BACKUP_001, r.to_string());
    }
    let Some((name, size)) = newest else {
        return out.fail(
            &BACKUP_005,
            format!(
                "no dump named pg_dump_YYYYMMDD_HHMM.dump under `{}` on `{}`",
                config.prefix,
                source.name()
            ),
        );
    };
    out.dump = Some(name.key().to_owned());
    out.size = Some(size);
    if size == 0 {
        return out.fail(
            &BACKUP_005,
            format!("`{}` is empty: the producer did not finish", name.key()),
        );
    }
    // BACKUP-007: the size guard.
    if size > config.size_ceiling {
        out.status = Status::TooBig;
        out.failure = Some(Note::new(
            &BACKUP_007,
            format!(
                "`{}` is {size} bytes, above the ceiling of {} bytes: move the verify to a runner with more disk and memory",
                name.key(),
                config.size_ceiling
            ),
        ));
        return out;
    }
    // BACKUP-009: one ranged read for the magic, more only for a long TOC.
    let (toc, prefix) = match read_toc(source, name.key(), size, config, &mut out).await {
        Ok(Some(read)) => read,
        Ok(None) => return out.settle(),
        Err(why) => return out.fail(&BACKUP_009, why),
    };
    // Pre-check from the TOC, before anything is restored.
    let dumped = toc.schemas();
    let missing: Vec<&String> = config
        .schemas
        .iter()
        .filter(|s| !dumped.contains(&s.as_str()))
        .collect();
    if !missing.is_empty() {
        return out.fail(
            &BACKUP_012,
            format!("(pre-check) the dump has no schema {missing:?}; nothing was restored"),
        );
    }
    let empty: Vec<&String> = config
        .schemas
        .iter()
        .filter(|s| toc.tables_in(s) == 0)
        .collect();
    if !empty.is_empty() {
        return out.fail(
            &BACKUP_013,
            format!("(pre-check) the dump has no tables in {empty:?}; nothing was restored"),
        );
    }
    restore_and_probe(source, name.key(), &toc, &prefix, config, out, deadline)
        .await
        .settle()
}

/// Reads the object's head in growing ranges, each continuing the last,
/// until the TOC parses: at most twice the TOC's size is read.
async fn read_toc(
    source: &dyn ObjectStore,
    key: &str,
    size: u64,
    config: &VerifyConfig,
    out: &mut Outcome,
) -> Result<Option<(Toc, Vec<u8>)>, String> {
    let mut prefix: Vec<u8> = Vec::new();
    let mut want = (8u64 << 10).min(size);
    loop {
        let have = prefix.len() as u64;
        let more = source
            .get_range(key, have, want - have)
            .await
            .map_err(|e| e.to_string())?;
        out.bytes_downloaded += more.len() as u64;
        let first = prefix.is_empty();
        prefix.extend_from_slice(&more);
        // The magic and header are in the first read; later reads only
        // extend the TOC.
        if first {
            match archive::classify(&prefix) {
                Magic::Custom(h) => out.archive = Some(h.to_string()),
                Magic::Plain => {
                    out.archive = Some("plain SQL dump".into());
                    out.warn(&BACKUP_009, "a plain-text dump: it cannot be restored in sections, so restore and probes were skipped; produce with --format=custom");
                    return Ok(None);
                }
                _ => {
                    return Err(format!(
                        "`{key}` is neither a custom-format archive (PGDMP) nor a plain pg_dump script"
                    ));
                }
            }
        }
        match archive::parse_toc(&prefix) {
            Ok(toc) => {
                prefix.truncate(toc.end);
                return Ok(Some((toc, prefix)));
            }
            Err(ArchiveError::Incomplete) if want < size && want < config.toc_limit as u64 => {
                want = (want * 2).min(size);
            }
            Err(ArchiveError::Incomplete) => {
                return Err(format!(
                    "the table of contents of `{key}` does not end within {want} bytes (truncated?)"
                ));
            }
            Err(e) => {
                return Err(format!("the table of contents of `{key}` is corrupt: {e}"));
            }
        }
    }
}

async fn restore_and_probe(
    source: &dyn ObjectStore,
    key: &str,
    toc: &Toc,
    prefix: &[u8],
    config: &VerifyConfig,
    mut out: Outcome,
    deadline: tokio::time::Instant,
) -> Outcome {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let admin = match connect(&config.target_admin_url).await {
        Ok(c) => c,
        Err(e) => return out.fail(&BACKUP_010, e),
    };
    let stamp = crate::utc::UtcTime::now().unix_seconds();
    let db = format!(
        "busflow_verify_{stamp}_{}_{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    );
    if let Err(e) = admin
        .batch_execute(&format!("CREATE DATABASE {}", ident(&db)))
        .await
    {
        return out.fail(
            &BACKUP_010,
            format!("cannot create the verify database: {}", pg_error(&e)),
        );
    }
    let url = with_database(&config.target_admin_url, &db);
    // The restore stops at the deadline; the database is dropped either way.
    let partial = out.clone();
    out = match tokio::time::timeout_at(
        deadline,
        restore_into(source, key, toc, prefix, config, &url, out),
    )
    .await
    {
        Ok(done) => done,
        Err(_) => partial.fail(&BACKUP_016, overdue(config)),
    };
    if config.keep_database {
        out.kept_database = Some(db);
    } else if let Err(e) = admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            ident(&db)
        ))
        .await
    {
        out.warn(
            &BACKUP_010,
            format!(
                "the verify database {db} could not be dropped: {}",
                pg_error(&e)
            ),
        );
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn restore_into(
    source: &dyn ObjectStore,
    key: &str,
    toc: &Toc,
    prefix: &[u8],
    config: &VerifyConfig,
    url: &str,
    mut out: Outcome,
) -> Outcome {
    let conn = split_password(url);
    let db = match connect(url).await {
        Ok(c) => c,
        Err(e) => return out.fail(&BACKUP_010, e),
    };
    let mut plan = match ExtensionPlan::new(&db, toc, config, prefix, &mut out).await {
        Ok(p) => p,
        Err(e) => return out.fail(&BACKUP_010, e),
    };
    // pre-data from the TOC prefix.
    let pre = restore::section(
        &config.pg_restore,
        &conn,
        "pre-data",
        plan.use_list(),
        Input::Prefix(prefix),
    )
    .await;
    let ok = pre.exit_code == Some(0);
    out.sections.push(pre);
    if !ok {
        return section_failed(out);
    }
    // The configured extensions the target can create.
    plan.create_configured(&db, config, &mut out).await;
    if let Err(e) = plan.skip_absent_tables(&db, toc, &mut out).await {
        return out.fail(&BACKUP_010, e);
    }
    // data: the one full download, streamed.
    let data = match source.get_stream(key).await {
        Ok(mut stream) => {
            let mut counted;
            let reader: &mut (dyn tokio::io::AsyncRead + Send + Unpin) = match &config.progress {
                Some(p) => {
                    counted = Counted::new(&mut stream, out.size.unwrap_or(0), p.clone());
                    &mut counted
                }
                None => &mut stream,
            };
            let s = restore::section(
                &config.pg_restore,
                &conn,
                "data",
                plan.use_list(),
                Input::Stream(reader),
            )
            .await;
            out.bytes_downloaded += s.bytes_in;
            s
        }
        Err(e) => return out.fail(&BACKUP_008, e.to_string()),
    };
    let ok = data.exit_code == Some(0);
    out.sections.push(data);
    if !ok {
        return section_failed(out);
    }
    // Restored pg_cron jobs never run here.
    if let Err(why) = extensions::deactivate_cron(&db, &mut out).await {
        return out.fail(&BACKUP_010, why);
    }
    let post = restore::section(
        &config.pg_restore,
        &conn,
        "post-data",
        plan.use_list(),
        Input::Prefix(prefix),
    )
    .await;
    let ok = post.exit_code == Some(0);
    out.sections.push(post);
    if !ok {
        return section_failed(out);
    }
    out.probes.push(Probe {
        rule: &BACKUP_011,
        passed: true,
        detail: "pg_restore exited 0 for pre-data, data and post-data".into(),
    });
    probe(&db, config, &mut out).await;
    out
}

fn section_failed(mut out: Outcome) -> Outcome {
    let s = out
        .sections
        .last()
        .map(|s| (s.section, s.exit_code, s.stderr_tail.clone()));
    if let Some((section, code, tail)) = s {
        out.probes.push(Probe {
            rule: &BACKUP_011,
            passed: false,
            detail: format!("pg_restore --section={section} exited with {code:?}: {tail}"),
        });
    }
    out
}

async fn probe(db: &Client, config: &VerifyConfig, out: &mut Outcome) {
    // BACKUP-012: the schemas exist.
    let found: Vec<String> = db
        .query(
            "SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1)",
            &[&config.schemas],
        )
        .await
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    let missing: Vec<&String> = config
        .schemas
        .iter()
        .filter(|s| !found.contains(s))
        .collect();
    out.probes.push(Probe {
        rule: &BACKUP_012,
        passed: missing.is_empty(),
        detail: if missing.is_empty() {
            format!("schemas present: {}", config.schemas.join(", "))
        } else {
            format!("missing schemas: {missing:?}")
        },
    });
    // BACKUP-013: tables in each.
    let counts: Vec<(String, i64)> = db
        .query(
            "SELECT s, (SELECT count(*) FROM information_schema.tables t WHERE t.table_schema = s) FROM unnest($1::text[]) s",
            &[&config.schemas],
        )
        .await
        .map(|rows| rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        .unwrap_or_default();
    let empty: Vec<&String> = counts
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(s, _)| s)
        .collect();
    out.probes.push(Probe {
        rule: &BACKUP_013,
        passed: empty.is_empty() && counts.len() == config.schemas.len(),
        detail: counts
            .iter()
            .map(|(s, n)| format!("{s}: {n} tables"))
            .collect::<Vec<_>>()
            .join(", "),
    });
    orphans(db, config, out).await;
}

/// BACKUP-014: orphaned rows under `NOT VALID` foreign keys and listed
/// soft references.
async fn orphans(db: &Client, config: &VerifyConfig, out: &mut Outcome) {
    let sql = "SELECT cn.nspname::text, c.relname::text, a.attname::text, pn.nspname::text, p.relname::text, pa.attname::text
               FROM pg_constraint k
               JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
               JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
               JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
               WHERE k.contype = 'f' AND NOT k.convalidated AND cardinality(k.conkey) = 1";
    let mut refs: Vec<(ColumnRef, ColumnRef)> = match db.query(sql, &[]).await {
        Ok(rows) => rows
            .iter()
            .map(|r| {
                let col = |s: usize| ColumnRef {
                    schema: r.get(s),
                    table: r.get(s + 1),
                    column: r.get(s + 2),
                };
                (col(0), col(3))
            })
            .collect(),
        Err(e) => {
            out.probes.push(Probe {
                rule: &BACKUP_014,
                passed: false,
                detail: format!("cannot read foreign keys: {}", pg_error(&e)),
            });
            return;
        }
    };
    // Multi-column keys are not probed yet: say so rather than pass them.
    let wide: i64 = db
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated AND cardinality(conkey) > 1",
            &[],
        )
        .await
        .map_or(0, |r| r.get(0));
    if wide > 0 {
        out.warn(
            &BACKUP_014,
            format!("{wide} multi-column NOT VALID foreign keys were not probed for orphans"),
        );
    }
    for e in &config.allowlist.entries {
        if !refs.iter().any(|(f, t)| f == &e.from && t == &e.to) {
            refs.push((e.from.clone(), e.to.clone()));
        }
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (from, to) in refs {
        let q = format!(
            "SELECT count(*) FROM {}.{} c WHERE c.{} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {}.{} p WHERE p.{} = c.{})",
            ident(&from.schema),
            ident(&from.table),
            ident(&from.column),
            ident(&to.schema),
            ident(&to.table),
            ident(&to.column),
            ident(&from.column)
        );
        let n: i64 = match db.query_one(&q, &[]).await {
            Ok(row) => row.get(0),
            Err(e) => {
                failures.push(format!(
                    "{from} → {to}: cannot count orphans: {}",
                    pg_error(&e)
                ));
                continue;
            }
        };
        checked += 1;
        if n == 0 {
            continue;
        }
        match config.allowlist.find(&from, &to) {
            Some(allowed) => out.warn(&BACKUP_014, format!(
                "{n} orphaned rows in {from} → {to}, allowed by the soft-FK allow-list (line {}: {})",
                allowed.line, allowed.reason
            )),
            None => failures.push(format!("{n} orphaned rows in {from} → {to}")),
        }
    }
    out.probes.push(Probe {
        rule: &BACKUP_014,
        passed: failures.is_empty(),
        detail: if failures.is_empty() {
            format!("no unlisted orphans in {checked} references checked")
        } else {
            failures.join("; ")
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_urls_rewritten() {
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(
            with_database("postgres://u:p@h:5/admin?sslmode=disable", "v"),
            "postgres://u:p@h:5/v?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "v"), "postgres://u@h/v");
    }
}
