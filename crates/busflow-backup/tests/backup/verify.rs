//! BACKUP-005 to 014 on real services: dumps produced by the installed
//! pg_dump into S3 over TLS, verified by restoring them section by section
//! into the same PostgreSQL, and the fault matrix.

use std::path::Path;

use busflow_backup::{
    ObjectStore, Progress, RemoteConfig, S3Store, Secret, SoftFkAllowlist, Status, UtcTime,
    VerifyConfig, find_program, produce, verify,
};
use testkit::{Postgres, S3};

const SCHEMA: &str = "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE SCHEMA communications;
     CREATE EXTENSION IF NOT EXISTS pgcrypto;
     CREATE TABLE backoffice.users (id int PRIMARY KEY, email text);
     CREATE TABLE commerce.orders (id int PRIMARY KEY, user_id int REFERENCES backoffice.users(id));
     CREATE TABLE commerce.refunds (id int PRIMARY KEY, order_id int);
     CREATE TABLE operations.trips (id int PRIMARY KEY);
     CREATE TABLE communications.mails (id int PRIMARY KEY, user_id int);
     INSERT INTO backoffice.users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2000) g;
     INSERT INTO commerce.orders SELECT g, g FROM generate_series(1, 2000) g;
     INSERT INTO commerce.refunds VALUES (1, 1), (2, 999999);
     INSERT INTO communications.mails VALUES (1, 1), (2, 888888);
     ALTER TABLE commerce.refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES commerce.orders(id) NOT VALID;";

struct Fixture {
    pg: &'static Postgres,
    s3: S3,
    store: S3Store,
}

fn fixture() -> Fixture {
    let pg = Postgres::shared().expect("PostgreSQL");
    let s3 = S3::start().expect("S3");
    s3.create_bucket("dumps").expect("bucket");
    let store = crate::support::store(&s3, "hetzner-s3");
    Fixture { pg, s3, store }
}

/// Produces a dump of a fresh database made with `sql`, named for `at`.
async fn dump(f: &Fixture, sql: &str, at: UtcTime) -> String {
    let db = f.pg.fresh_database().await.expect("database");
    db.connect()
        .await
        .expect("connect")
        .batch_execute(sql)
        .await
        .expect("schema");
    let pg_dump = find_program("pg_dump").expect("pg_dump");
    produce(&pg_dump, db.url(), &f.store, "", at)
        .await
        .expect("dump")
        .name
        .key()
        .to_owned()
}

fn config(f: &Fixture, allow: &str) -> VerifyConfig {
    config_at(f.pg.admin_url(), allow)
}

/// The verify's configuration for the target at `url`.
fn config_at(url: &str, allow: &str) -> VerifyConfig {
    let mut c = VerifyConfig::new(url, find_program("pg_restore").expect("pg_restore"));
    c.allowlist =
        SoftFkAllowlist::parse(Path::new("soft-fk-allowlist.yaml"), allow).expect("allow-list");
    c
}

const ALLOW: &str = "- from: commerce.refunds(order_id)\n  to: commerce.orders(id)\n  reason: refunds outlive purged orders\n- from: communications.mails(user_id)\n  to: backoffice.users(id)\n  reason: mails to deleted users stay for the audit trail\n";

#[tokio::test]
async fn backup_010_to_014_a_good_dump_is_restored_in_sections_and_probed() {
    let f = fixture();
    let t = UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t");
    dump(
        &f,
        "CREATE SCHEMA backoffice; CREATE TABLE backoffice.old (id int);",
        t.add_date(0, 0, -1),
    )
    .await;
    let key = dump(&f, SCHEMA, t).await;
    f.store
        .put_multipart("notes.txt", &mut &b"not a dump"[..])
        .await
        .expect("junk");
    let mut c = config(&f, ALLOW);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&seen);
    c.progress = Some(Progress::new(move |read, total| {
        sink.lock().expect("lock").push((read, total));
    }));
    let out = verify(&f.store, None, &c).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::PassedWithWarnings, "{json}");
    assert_eq!(
        out.dump.as_deref(),
        Some(key.as_str()),
        "the newest conforming dump"
    );
    // The data section's progress runs from 0 to the object's size.
    let size = out.size.expect("size");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.first(), Some(&(0, size)), "{json}");
    assert_eq!(seen.last(), Some(&(size, size)), "{json}");
    let sections: Vec<(&str, Option<i32>)> = out
        .sections
        .iter()
        .map(|s| (s.section, s.exit_code))
        .collect();
    assert_eq!(
        sections,
        [
            ("pre-data", Some(0)),
            ("data", Some(0)),
            ("post-data", Some(0))
        ],
        "{json}"
    );
    assert!(out.probes.iter().all(|p| p.passed), "{json}");
    let rules: Vec<&str> = out.probes.iter().map(|p| p.rule.id).collect();
    assert_eq!(
        rules,
        ["BACKUP-011", "BACKUP-012", "BACKUP-013", "BACKUP-014"]
    );
    // pgsodium and vector are not installed here, and pg_cron (installed)
    // cannot be created outside its scheduler database: reported, not fatal.
    assert_eq!(
        out.extensions_missing,
        ["pg_cron", "pgsodium", "vector"],
        "{json}"
    );
    assert!(
        out.warnings.iter().any(|w| w
            .to_string()
            .contains("1 orphaned rows in commerce.refunds(order_id)")),
        "{json}"
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.to_string().contains("communications.mails(user_id)")),
        "{json}"
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.to_string().contains("notes.txt")),
        "the misnamed object is reported: {json}"
    );
    // BACKUP-008: one full download, plus less than twice the TOC.
    let size = out.size.expect("size");
    assert!(
        out.bytes_downloaded < 3 * size && out.bytes_downloaded >= size,
        "{json}"
    );
    assert!(
        json.contains("\"status\": \"passed_with_warnings\""),
        "{json}"
    );
    assert!(out.kept_database.is_none());
    drop(f.s3);
}

#[tokio::test]
async fn backup_014_an_unlisted_orphan_under_a_not_valid_key_fails() {
    let f = fixture();
    dump(&f, SCHEMA, UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let out = verify(&f.store, None, &config(&f, "")).await;
    assert_eq!(out.status, Status::Failed, "{}", out.to_json());
    let probe = out
        .probes
        .iter()
        .find(|p| p.rule.id == "BACKUP-014")
        .expect("probe");
    assert!(
        !probe.passed && probe.detail.contains("commerce.refunds(order_id)"),
        "{}",
        probe.detail
    );
}

#[tokio::test]
async fn backup_012_013_a_missing_or_empty_schema_fails_before_any_restore() {
    let f = fixture();
    dump(&f, "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE TABLE backoffice.u (id int); CREATE TABLE commerce.o (id int); CREATE TABLE operations.t (id int);", UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let out = verify(&f.store, None, &config(&f, "")).await;
    assert_eq!(out.status, Status::Failed);
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-012") && w.contains("communications")),
        "{}",
        out.to_json()
    );
    assert!(out.sections.is_empty(), "nothing restored");
    let f2 = fixture();
    dump(&f2, "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE SCHEMA communications; CREATE TABLE backoffice.u (id int); CREATE TABLE commerce.o (id int); CREATE TABLE operations.t (id int);", UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let out = verify(&f2.store, None, &config(&f2, "")).await;
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-013") && w.contains("communications")),
        "{}",
        out.to_json()
    );
}

#[tokio::test]
async fn backup_005_007_009_missing_empty_too_big_plain_and_garbage_objects() {
    let f = fixture();
    let cfg = config(&f, "");
    let out = verify(&f.store, None, &cfg).await;
    assert!(
        out.status == Status::Failed
            && out
                .failure
                .as_ref()
                .map(ToString::to_string)
                .is_some_and(|w| w.contains("BACKUP-005")),
        "{}",
        out.to_json()
    );

    f.store
        .put_multipart("pg_dump_20261120_0300.dump", &mut &b""[..])
        .await
        .expect("empty");
    let out = verify(&f.store, None, &cfg).await;
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-005") && w.contains("empty")),
        "{}",
        out.to_json()
    );

    f.store
        .put_multipart(
            "pg_dump_20261121_0300.dump",
            &mut &b"%PDF-1.7 not a dump"[..],
        )
        .await
        .expect("garbage");
    let out = verify(&f.store, None, &cfg).await;
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-009")),
        "{}",
        out.to_json()
    );

    let plain = b"--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\nSET x = 1;\n";
    f.store
        .put_multipart("pg_dump_20261122_0300.dump", &mut &plain[..])
        .await
        .expect("plain");
    let out = verify(&f.store, None, &cfg).await;
    assert_eq!(out.status, Status::PassedWithWarnings, "{}", out.to_json());

    let mut small = config(&f, "");
    small.size_ceiling = 10;
    let out = verify(&f.store, None, &small).await;
    assert_eq!(out.status, Status::TooBig, "{}", out.to_json());
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-007"))
    );
}

#[tokio::test]
async fn backup_011_a_truncated_dump_fails_its_data_section() {
    let f = fixture();
    let key = dump(&f, SCHEMA, UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let size = f.store.list("").await.expect("list")[0].size;
    let mut whole = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(
        &mut f.store.get_stream(&key).await.expect("open"),
        &mut whole,
    )
    .await
    .expect("read");
    let cut = &whole[..usize::try_from(size).expect("size") - 200];
    f.store
        .put_multipart("pg_dump_20261122_0300.dump", &mut &cut[..])
        .await
        .expect("truncated");
    let out = verify(&f.store, None, &config(&f, ALLOW)).await;
    assert_eq!(out.status, Status::Failed, "{}", out.to_json());
    let probe = out
        .probes
        .iter()
        .find(|p| p.rule.id == "BACKUP-011")
        .expect("probe");
    assert!(!probe.passed, "{}", out.to_json());
}

#[tokio::test]
async fn backup_002_003_pruning_waits_for_the_verified_newest_dump_and_keeps_what_the_plan_and_the_pins_file_keep()
 {
    let f = fixture();
    let newest = UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t");
    // 40 older nightly objects (their content does not matter to pruning),
    // a misnamed object, and a pinned one.
    for d in 1..=40 {
        let key = busflow_backup::DumpName::for_instant("", newest.add_date(0, 0, -d))
            .key()
            .to_owned();
        f.store
            .put_multipart(&key, &mut &b"PGDMP old"[..])
            .await
            .expect("old");
    }
    f.store
        .put_multipart("pg_dump_latest.dump", &mut &b"?"[..])
        .await
        .expect("junk");
    let key = dump(&f, SCHEMA, newest).await;
    let out = verify(&f.store, None, &config(&f, ALLOW)).await;
    let proof = out.verified().expect("a passing verify gives the proof");
    assert_eq!(proof.key(), key);
    let pinned = busflow_backup::DumpName::for_instant("", newest.add_date(0, 0, -39))
        .key()
        .to_owned();
    // BACKUP-003: the pin goes through the pins file, as the cutover
    // writes it and the retention job reads it.
    let dir = tempfile::tempdir().expect("dir");
    let pins_file = dir.path().join("backup-pins.yaml");
    busflow_backup::PinFile::add(
        &pins_file,
        busflow_backup::Pin {
            key: pinned.clone(),
            until: newest.add_date(0, 0, 30),
        },
        "UBI-CUT-004: the final dump before the cutover",
    )
    .expect("pinned");
    let pins = busflow_backup::PinFile::load(&pins_file)
        .expect("pins file")
        .pins();
    let policy = busflow_backup::RetentionPolicy::documented();
    // A newer, unverified dump arrives: pruning refuses.
    let newer = busflow_backup::DumpName::for_instant("", newest.add_date(0, 0, 1))
        .key()
        .to_owned();
    f.store
        .put_multipart(&newer, &mut &b"PGDMP new"[..])
        .await
        .expect("newer");
    let err = busflow_backup::prune(&f.store, "", &policy, &pins, newest, &proof)
        .await
        .expect_err("not verified");
    assert!(err.to_string().contains(&newer), "{err}");
    f.store.delete(&newer).await.expect("remove");
    let plan = busflow_backup::prune(&f.store, "", &policy, &pins, newest, &proof)
        .await
        .expect("prune");
    let left: Vec<String> = f
        .store
        .list("")
        .await
        .expect("list")
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(left.len(), plan.keep.len() + plan.rejected.len());
    assert_eq!(plan.keep.len(), 19, "14 daily + 4 weekly + the pinned dump");
    assert!(
        left.contains(&key)
            && left.contains(&pinned)
            && left.contains(&"pg_dump_latest.dump".to_owned())
    );
    assert!(plan.delete.iter().all(|k| !left.contains(k)));
    let why = plan.keep.iter().find(|k| k.key == pinned).map(|k| {
        k.reasons
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    });
    assert_eq!(
        why,
        Some(vec![format!("pinned until {}", newest.add_date(0, 0, 30))]),
        "{:#}",
        plan.to_json()
    );
}

#[tokio::test]
async fn backup_016_a_passed_job_deadline_stops_the_verify() {
    let f = fixture();
    dump(&f, SCHEMA, UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let mut cfg = config(&f, ALLOW);
    // Already passed when the restore starts: no machine is fast enough to
    // finish first, so the test does not depend on timing.
    cfg.deadline = std::time::Duration::ZERO;
    let out = verify(&f.store, None, &cfg).await;
    assert_eq!(out.status, Status::Failed, "{}", out.to_json());
    assert!(
        out.failure
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("BACKUP-016")),
        "{}",
        out.to_json()
    );
}

#[tokio::test]
async fn backup_008_a_connection_cut_in_the_data_section_fails_the_verify_and_keeps_the_dump() {
    let f = fixture();
    let key = dump(&f, SCHEMA, UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let size = f.store.list("").await.expect("list")[0].size;
    let s3_port: u16 =
        f.s3.endpoint()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
    // Every connection is cut after 20 000 bytes from the server: enough for
    // the TOC reads, not for the full download of the data section.
    let proxy = testkit::CutProxy::start(s3_port, 20_000).expect("proxy");
    let mut remote = RemoteConfig::new(
        "hetzner-s3",
        &format!("https://localhost:{}", proxy.port()),
        "dumps",
        f.s3.access_key(),
        Secret::new(f.s3.secret_key()),
    );
    f.s3.region().clone_into(&mut remote.region);
    remote.ca_pem = f.s3.ca_pem().map(str::to_owned);
    let cut = S3Store::new(remote).expect("store");
    let out = verify(&cut, None, &config(&f, ALLOW)).await;
    assert_eq!(out.status, Status::Failed, "{}", out.to_json());
    assert!(proxy.cuts() > 0, "the proxy cut a connection");
    let data = out
        .sections
        .iter()
        .find(|s| s.section == "data")
        .expect("the data section ran");
    assert_ne!(data.exit_code, Some(0), "{}", out.to_json());
    // The dump is untouched.
    let listed = f.store.list("").await.expect("list");
    assert_eq!(
        (listed[0].key.as_str(), listed[0].size),
        (key.as_str(), size)
    );
}

/// A cluster with the real pg_cron preloaded (Debian's
/// `postgresql-NN-cron`, which `scripts/test` installs): its scheduler
/// reads jobs from `cron.database_name`, `postgres` here.
fn cron_cluster() -> Postgres {
    Postgres::builder()
        .setting("shared_preload_libraries", "pg_cron")
        .start()
        .expect("PostgreSQL with pg_cron preloaded (install postgresql-15-cron)")
}

#[tokio::test]
async fn backup_010_restored_pg_cron_jobs_never_run_on_the_verify_target() {
    let pg = cron_cluster();
    let s3 = S3::start().expect("S3");
    s3.create_bucket("dumps").expect("bucket");
    let store = crate::support::store(&s3, "hetzner-s3");
    // The source is the scheduler's own database, with a job every minute.
    let (admin, conn) = tokio_postgres::connect(pg.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    admin
        .batch_execute(&format!(
            "{SCHEMA}
             CREATE EXTENSION pg_cron;
             CREATE TABLE operations.ticks (at timestamptz);
             SELECT cron.schedule('tick', '* * * * *', 'INSERT INTO operations.ticks VALUES (now())');"
        ))
        .await
        .expect("source with a pg_cron job");
    let pg_dump = find_program("pg_dump").expect("pg_dump");
    let at = UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t");
    produce(&pg_dump, pg.admin_url(), &store, "", at)
        .await
        .expect("dump");
    let mut c = VerifyConfig::new(
        pg.admin_url(),
        find_program("pg_restore").expect("pg_restore"),
    );
    c.allowlist =
        SoftFkAllowlist::parse(Path::new("soft-fk-allowlist.yaml"), ALLOW).expect("allow-list");
    c.keep_database = true;
    let out = verify(&store, None, &c).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::PassedWithWarnings, "{json}");
    assert!(
        out.sections.iter().all(|s| s.exit_code == Some(0)),
        "{json}"
    );
    // pg_cron is installed and preloaded, and still refuses any database
    // but the scheduler's: it and its job table stay out of the restore.
    assert!(
        out.extensions_missing.iter().any(|e| e == "pg_cron"),
        "{json}"
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.to_string().contains("extension `pg_cron`")
                && w.message.contains("can only create extension in database")),
        "{json}"
    );
    let kept = out.kept_database.clone().expect("kept");
    let url = pg
        .admin_url()
        .rsplit_once('/')
        .map(|(base, _)| format!("{base}/{kept}"))
        .expect("url");
    let (db, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("verify database");
    tokio::spawn(conn);
    let cron_tables: i64 = db
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'cron'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(cron_tables, 0, "no restored job table: {json}");
    let rows: i64 = db
        .query_one("SELECT count(*) FROM operations.trips", &[])
        .await
        .expect("restored data")
        .get(0);
    assert_eq!(rows, 0);
    // The scheduler still knows exactly the source's one job, aimed at the
    // source database: the verify added nothing it would run.
    let jobs: Vec<(String, String)> = admin
        .query("SELECT jobname, database FROM cron.job", &[])
        .await
        .expect("jobs")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(jobs, [("tick".to_owned(), "postgres".to_owned())]);
    drop(db);
    admin
        .batch_execute(&format!("DROP DATABASE {kept} WITH (FORCE)"))
        .await
        .expect("drop");
}

#[tokio::test]
async fn backup_011_a_post_data_failure_fails_the_verify_and_keeps_the_dump() {
    let f = fixture();
    // A classic restore-only failure: an expression index over a function
    // that calls another one unqualified works on the source (its
    // search_path) and fails in post-data, where pg_restore's search_path
    // is empty.
    let sql = format!(
        "{SCHEMA}
         SET search_path = commerce, public;
         CREATE FUNCTION commerce.norm_inner(t text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(t)';
         CREATE FUNCTION commerce.norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT norm_inner(t)';
         CREATE INDEX users_email_norm ON backoffice.users (commerce.norm(email));"
    );
    let key = dump(&f, &sql, UtcTime::ymd_hm(2026, 11, 21, 3, 0).expect("t")).await;
    let out = verify(&f.store, None, &config(&f, ALLOW)).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::Failed, "{json}");
    let sections: Vec<(&str, Option<i32>)> = out
        .sections
        .iter()
        .map(|s| (s.section, s.exit_code))
        .collect();
    assert_eq!(
        sections,
        [
            ("pre-data", Some(0)),
            ("data", Some(0)),
            ("post-data", Some(1))
        ],
        "{json}"
    );
    let probe = out
        .probes
        .iter()
        .find(|p| p.rule.id == "BACKUP-011")
        .expect("probe");
    assert!(
        !probe.passed && probe.detail.contains("post-data"),
        "{json}"
    );
    assert!(
        probe.detail.contains("norm_inner"),
        "the stderr tail says why: {json}"
    );
    // Nothing is lost: the dump is still there.
    let keys: Vec<String> = f
        .store
        .list("")
        .await
        .expect("list")
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys, [key]);
}

/// The verify's configuration for `pg`'s admin URL with `query`.
fn config_with(pg: &Postgres, query: &str) -> VerifyConfig {
    config_at(&format!("{}?{query}", pg.admin_url()), ALLOW)
}

#[tokio::test]
async fn backup_010_a_verify_target_that_only_speaks_tls_is_restored_and_probed_over_it() {
    let f = fixture();
    let target = Postgres::builder()
        .tls_only()
        .start()
        .expect("TLS PostgreSQL");
    let ca = target.ca_file().expect("CA file").display().to_string();
    let t = UtcTime::ymd_hm(2026, 11, 23, 3, 0).expect("t");
    dump(&f, SCHEMA, t).await;
    // Both pg_restore (libpq) and the probes (tokio-postgres) read the
    // same URL; the server refuses any TCP client that does not encrypt.
    for query in [
        // libpq's default: TLS when the server offers it, unchecked.
        "application_name=verify".to_owned(),
        "sslmode=require".to_owned(),
        format!("sslmode=verify-full&sslrootcert={ca}"),
        format!("sslmode=verify-ca&sslrootcert={ca}"),
    ] {
        let out = verify(&f.store, None, &config_with(&target, &query)).await;
        let json = out.to_json();
        assert_eq!(out.status, Status::PassedWithWarnings, "{query}: {json}");
        assert!(out.probes.iter().all(|p| p.passed), "{query}: {json}");
    }
    // Without TLS the server says no, and the outcome says why.
    let out = verify(&f.store, None, &config_with(&target, "sslmode=disable")).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::Failed, "{json}");
    assert!(json.contains("no encryption"), "{json}");
    // A CA the server's certificate does not lead to is refused.
    let other = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(other.path(), testkit::unrelated_ca_pem().expect("CA")).expect("write");
    let out = verify(
        &f.store,
        None,
        &config_with(
            &target,
            &format!("sslmode=verify-full&sslrootcert={}", other.path().display()),
        ),
    )
    .await;
    let json = out.to_json();
    assert_eq!(out.status, Status::Failed, "{json}");
    assert!(json.contains("invalid peer certificate"), "{json}");
    drop(f.s3);
}

#[tokio::test]
async fn backup_010_scram_with_channel_binding_required_over_tls_passes() {
    let f = fixture();
    let target = Postgres::builder()
        .tls_only()
        .start()
        .expect("TLS PostgreSQL");
    let (admin, connection) = tokio_postgres::connect(
        &target.socket_conninfo().expect("local cluster"),
        tokio_postgres::NoTls,
    )
    .await
    .expect("socket");
    tokio::spawn(connection);
    admin
        .batch_execute("CREATE ROLE verifier LOGIN CREATEDB PASSWORD 'pw;s3cret'")
        .await
        .expect("role");
    let ca = target.ca_file().expect("CA file").display().to_string();
    let port = target.port().expect("local cluster");
    dump(&f, SCHEMA, UtcTime::ymd_hm(2026, 11, 23, 4, 0).expect("t")).await;
    // SCRAM-SHA-256-PLUS: libpq (pg_restore) and the probes both bind the
    // authentication to the TLS channel, or refuse to connect.
    let url = format!(
        "postgres://verifier:pw%3Bs3cret@127.0.0.1:{port}/postgres?sslmode=verify-full&sslrootcert={ca}&channel_binding=require"
    );
    let out = verify(&f.store, None, &config_at(&url, ALLOW)).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::PassedWithWarnings, "{json}");
    assert!(
        !json.contains("s3cret"),
        "the password never reaches the outcome: {json}"
    );
    // A wrong password is refused by SCRAM, and not echoed.
    let bad = url.replace("pw%3Bs3cret", "wrong-s3cret");
    let out = verify(&f.store, None, &config_at(&bad, ALLOW)).await;
    let json = out.to_json();
    assert_eq!(out.status, Status::Failed, "{json}");
    assert!(json.contains("password authentication failed"), "{json}");
    assert!(!json.contains("wrong-s3cret"), "{json}");
    drop(f.s3);
}
