//! Extensions on the verify target (BACKUP-010): which ones the target
//! can create in the verify database, the `--use-list` that keeps the
//! others and everything depending on them out of the restore, and
//! restored pg_cron jobs that must never run.
//!
//! An extension can be installed and still refuse: pg_cron only lives in
//! the database named by `cron.database_name`, others need a preload. The
//! data of an extension's configuration tables (pg_cron's `cron.job`)
//! names the extension only through objects the archive does not hold, so
//! it is skipped when its table is not on the target after pre-data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tokio_postgres::Client;

use crate::archive::Toc;
use crate::catalog::BACKUP_010;
use crate::outcome::Outcome;
use crate::restore;
use crate::verify::{VerifyConfig, ident, pg_error};

/// What stays out of the restore, and why.
pub(crate) struct ExtensionPlan {
    /// Extensions the target cannot create here, with its reason.
    refused: BTreeMap<String, String>,
    /// `pg_restore --list` of the archive (empty when nothing is skipped).
    listing: String,
    /// Dump ids commented out of the list.
    skip: BTreeSet<i64>,
    /// The `--use-list` file, once written.
    use_list: Option<PathBuf>,
    dir: tempfile::TempDir,
}

impl ExtensionPlan {
    /// Probes every extension the dump or the config names and writes the
    /// `--use-list` when the dump creates one the target refuses.
    pub(crate) async fn new(
        db: &Client,
        toc: &Toc,
        config: &VerifyConfig,
        prefix: &[u8],
        out: &mut Outcome,
    ) -> Result<Self, String> {
        let mut wanted: Vec<String> = toc.extensions().into_iter().map(str::to_owned).collect();
        wanted.extend(config.extensions.iter().cloned());
        wanted.sort();
        wanted.dedup();
        let mut refused = BTreeMap::new();
        for ext in &wanted {
            if let Err(why) = can_create(db, ext).await {
                refused.insert(ext.clone(), why);
            }
        }
        let dir =
            tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let mut plan = Self {
            refused,
            listing: String::new(),
            skip: BTreeSet::new(),
            use_list: None,
            dir,
        };
        let roots: Vec<i64> = toc
            .entries
            .iter()
            .filter(|e| e.desc == "EXTENSION" && plan.refused.contains_key(&e.tag))
            .map(|e| e.dump_id)
            .collect();
        if roots.is_empty() {
            return Ok(plan);
        }
        for e in toc.entries.iter().filter(|e| roots.contains(&e.dump_id)) {
            let why = plan.refused.get(&e.tag).map_or("", String::as_str);
            out.warn(&BACKUP_010, format!("the dump creates extension `{}`, which the target cannot create ({why}); it and the objects that depend on it were skipped", e.tag));
        }
        plan.listing = restore::list(&config.pg_restore, prefix)
            .await
            .map_err(|e| e.to_string())?;
        plan.skip = toc.dependents(&roots);
        plan.write()?;
        Ok(plan)
    }

    /// The `--use-list` file, when something is skipped.
    pub(crate) fn use_list(&self) -> Option<&PathBuf> {
        self.use_list.as_ref()
    }

    /// Creates the configured extensions the target can; records the others.
    pub(crate) async fn create_configured(
        &self,
        db: &Client,
        config: &VerifyConfig,
        out: &mut Outcome,
    ) {
        for ext in &config.extensions {
            if let Some(why) = self.refused.get(ext) {
                out.extensions_missing.push(ext.clone());
                tracing::info!(extension = %ext, reason = %why, "the target cannot create a configured extension");
                continue;
            }
            match db
                .batch_execute(&format!("CREATE EXTENSION IF NOT EXISTS {}", ident(ext)))
                .await
            {
                Ok(()) => out.extensions_created.push(ext.clone()),
                Err(e) => {
                    out.extensions_missing.push(ext.clone());
                    out.warn(
                        &BACKUP_010,
                        format!(
                            "CREATE EXTENSION {ext} failed on the target: {}",
                            pg_error(&e)
                        ),
                    );
                }
            }
        }
    }

    /// After pre-data: skips the data of configuration tables whose
    /// extension was skipped (their relation is not on the target).
    pub(crate) async fn skip_absent_tables(
        &mut self,
        db: &Client,
        toc: &Toc,
        out: &mut Outcome,
    ) -> Result<(), String> {
        if self.use_list.is_none() {
            return Ok(());
        }
        let absent = absent_extension_tables(db, toc).await;
        if absent.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = absent.iter().map(|(_, n)| n.as_str()).collect();
        out.warn(
            &BACKUP_010,
            format!(
                "the data of {} was not restored: its extension is not on the target",
                names.join(", ")
            ),
        );
        self.skip.extend(absent.iter().map(|(id, _)| *id));
        self.write()
    }

    fn write(&mut self) -> Result<(), String> {
        let path = self.dir.path().join("restore.list");
        write_use_list(&self.listing, &self.skip, &path)?;
        self.use_list = Some(path);
        Ok(())
    }
}

/// Writes a `--use-list` file: the archive's `listing` with the entries
/// in `skip` commented out.
fn write_use_list(listing: &str, skip: &BTreeSet<i64>, path: &Path) -> Result<(), String> {
    let filtered: String = listing
        .lines()
        .map(|line| {
            let id = line
                .split_once(';')
                .and_then(|(id, _)| id.trim().parse::<i64>().ok());
            if id.is_some_and(|id| skip.contains(&id)) {
                format!(";{line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(path, filtered).map_err(|e| format!("cannot write the restore list: {e}"))
}

/// Data entries of tables the archive does not define (an extension's
/// configuration tables and sequences) whose relation is not on the
/// target: (dump id, `schema.name`).
async fn absent_extension_tables(db: &Client, toc: &Toc) -> Vec<(i64, String)> {
    let ids: BTreeSet<i64> = toc.entries.iter().map(|e| e.dump_id).collect();
    let mut absent = Vec::new();
    for e in &toc.entries {
        let member_data = matches!(e.desc.as_str(), "TABLE DATA" | "SEQUENCE SET")
            && !e.dependencies.is_empty()
            && e.dependencies.iter().all(|d| !ids.contains(d));
        if !member_data {
            continue;
        }
        let name = format!("{}.{}", ident(&e.namespace), ident(&e.tag));
        let exists = db
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .await
            .is_ok_and(|r| r.get::<_, bool>(0));
        if !exists {
            absent.push((e.dump_id, format!("{}.{}", e.namespace, e.tag)));
        }
    }
    absent
}

/// Whether `ext` can be created in this database: tried in a transaction
/// that is rolled back.
async fn can_create(db: &Client, ext: &str) -> Result<(), String> {
    let tried = db
        .batch_execute(&format!(
            "BEGIN; CREATE EXTENSION IF NOT EXISTS {} CASCADE; ROLLBACK",
            ident(ext)
        ))
        .await;
    match tried {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = db.batch_execute("ROLLBACK").await;
            Err(pg_error(&e))
        }
    }
}

/// Deactivates restored `pg_cron` jobs, if the restore brought `cron.job`.
pub(crate) async fn deactivate_cron(db: &Client, out: &mut Outcome) -> Result<(), String> {
    let has_jobs = db
        .query_opt(
            "SELECT 1 FROM pg_tables WHERE schemaname = 'cron' AND tablename = 'job'",
            &[],
        )
        .await
        .ok()
        .flatten()
        .is_some();
    if has_jobs {
        db.batch_execute("UPDATE cron.job SET active = false")
            .await
            .map_err(|e| {
                format!(
                    "restored pg_cron jobs could not be deactivated: {}",
                    pg_error(&e)
                )
            })?;
        out.warn(&BACKUP_010, "restored pg_cron jobs were deactivated");
    }
    Ok(())
}
