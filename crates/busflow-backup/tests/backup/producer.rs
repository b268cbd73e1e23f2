//! BACKUP-004: pg_dump from a real PostgreSQL into a real S3 over TLS, and
//! a failing pg_dump that leaves nothing behind.

use busflow_backup::{DumpName, ObjectStore, S3Store, UtcTime, find_program, produce};
use testkit::{Postgres, S3};
use tokio::io::AsyncReadExt;

fn store(s3: &S3) -> S3Store {
    crate::support::store(s3, "minio-inswarm")
}

#[tokio::test]
async fn backup_004_pg_dump_streams_into_the_bucket_under_the_conventional_name() {
    let pg = Postgres::shared().expect("PostgreSQL");
    let db = pg.fresh_database().await.expect("database");
    let client = db.connect().await.expect("connect");
    client
        .batch_execute(
            "CREATE SCHEMA backoffice; CREATE SCHEMA commerce;
             CREATE TABLE backoffice.users (id int PRIMARY KEY, email text);
             CREATE TABLE commerce.orders (id int PRIMARY KEY, user_id int REFERENCES backoffice.users(id));
             INSERT INTO backoffice.users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 500) g;
             INSERT INTO commerce.orders SELECT g, g FROM generate_series(1, 500) g;",
        )
        .await
        .expect("schema");
    let s3 = S3::start().expect("S3");
    s3.create_bucket("dumps").expect("bucket");
    let store = store(&s3);
    let now = UtcTime::ymd_hm(2026, 11, 22, 3, 0).expect("t");
    let pg_dump = find_program("pg_dump").expect("pg_dump");
    let produced = produce(&pg_dump, db.url(), &store, "nightly/", now)
        .await
        .expect("dump");
    assert_eq!(produced.name.key(), "nightly/pg_dump_20261122_0300.dump");
    let f = produced.finding(std::path::Path::new("dumps/nightly/"));
    assert_eq!(
        (f.rule_id, f.severity),
        ("BACKUP-004", busflow_backup::Severity::Info)
    );
    assert!(
        f.message
            .starts_with("produced nightly/pg_dump_20261122_0300.dump ("),
        "{}",
        f.message
    );
    assert_eq!(
        DumpName::parse(produced.name.key())
            .expect("conforming")
            .at(),
        now
    );
    let listed = store.list("nightly/").await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].size, produced.bytes);
    assert_eq!(
        store
            .get_range(produced.name.key(), 0, 5)
            .await
            .expect("magic"),
        b"PGDMP"
    );
    // pg_restore reads the object back: both tables are in its table of contents.
    let mut dump = Vec::new();
    store
        .get_stream(produced.name.key())
        .await
        .expect("open")
        .read_to_end(&mut dump)
        .await
        .expect("read");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("d.dump");
    std::fs::write(&file, &dump).expect("write");
    let list = std::process::Command::new(find_program("pg_restore").expect("pg_restore"))
        .arg("--list")
        .arg(&file)
        .output()
        .expect("pg_restore");
    let toc = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{toc}");
    assert!(
        toc.contains("TABLE backoffice users") && toc.contains("TABLE commerce orders"),
        "{toc}"
    );
}

#[tokio::test]
async fn backup_004_a_failing_pg_dump_leaves_no_dump_and_no_password_in_the_error() {
    let pg = Postgres::shared().expect("PostgreSQL");
    let s3 = S3::start().expect("S3");
    s3.create_bucket("dumps").expect("bucket");
    let store = store(&s3);
    let now = UtcTime::ymd_hm(2026, 11, 22, 3, 0).expect("t");
    let pg_dump = find_program("pg_dump").expect("pg_dump");
    // A database that does not exist, with a password in the URL.
    let url = pg
        .admin_url()
        .replacen("postgres://", "postgres://nobody:hunter2-secret@", 1);
    let url = match url.rfind('/') {
        Some(i) if i > "postgres://".len() => format!("{}/no_such_database", &url[..i]),
        _ => format!("{url}/no_such_database"),
    };
    let err = produce(&pg_dump, &url, &store, "", now)
        .await
        .expect_err("pg_dump fails");
    let text = err.to_string();
    assert!(text.contains("pg_dump"), "{text}");
    assert!(!text.contains("hunter2-secret"), "{text}");
    assert!(
        store.list("").await.expect("list").is_empty(),
        "nothing named like a dump is left"
    );
    // The failure is the clause's finding, with no password either.
    let at = std::path::Path::new("https://s3/dumps");
    let f = err.finding(at).expect("a failed dump is a finding");
    assert_eq!(
        (f.rule_id, f.severity),
        ("BACKUP-004", busflow_backup::Severity::Error)
    );
    assert!(!f.message.contains("hunter2-secret"), "{}", f.message);
}

/// A stand-in `pg_dump` that records its arguments and `PGPASSWORD`, then
/// fails: what any user of the runner would see in `ps`, and what libpq gets.
fn recording_pg_dump(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("pg_dump");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {dir}/argv\nprintf '%s' \"$PGPASSWORD\" > {dir}/env\necho 'connection failed' >&2\nexit 1\n",
            dir = dir.display()
        ),
    )
    .expect("write script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

#[tokio::test]
async fn backup_004_passwords_in_a_query_or_a_conninfo_never_reach_the_command_line() {
    let s3 = S3::start().expect("S3");
    s3.create_bucket("dumps").expect("bucket");
    let store = store(&s3);
    let now = UtcTime::ymd_hm(2026, 11, 22, 3, 0).expect("t");
    let dir = tempfile::tempdir().expect("temp dir");
    let pg_dump = recording_pg_dump(dir.path());
    for (conninfo, password) in [
        (
            "postgresql://app@db.internal/main?password=q-secret-1&sslmode=require",
            "q-secret-1",
        ),
        (
            "host=db.internal user=app password='kv secret 2' dbname=main",
            "kv secret 2",
        ),
        ("postgres://app:u%40secret-3@db.internal/main", "u@secret-3"),
    ] {
        let err = produce(&pg_dump, conninfo, &store, "", now)
            .await
            .expect_err("the stand-in fails");
        let argv = std::fs::read_to_string(dir.path().join("argv")).expect("argv recorded");
        let env = std::fs::read_to_string(dir.path().join("env")).expect("env recorded");
        assert!(!argv.contains(password), "{conninfo}: argv {argv}");
        assert!(!argv.contains("secret"), "{conninfo}: argv {argv}");
        assert_eq!(env, password, "{conninfo}: PGPASSWORD");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
    // Neither a URL nor key=value pairs: refused before pg_dump, not echoed.
    std::fs::remove_file(dir.path().join("argv")).expect("rm");
    let err = produce(&pg_dump, "postgres:/app:plain-secret@db", &store, "", now)
        .await
        .expect_err("refused");
    assert!(!err.to_string().contains("plain-secret"), "{err}");
    assert!(!dir.path().join("argv").exists(), "pg_dump never ran");
}

#[test]
fn backup_005_debug_of_the_verify_config_hides_the_password() {
    let config = busflow_backup::VerifyConfig::new(
        "postgres://admin:dbg-secret@db/postgres?password=dbg-secret-2",
        std::path::PathBuf::from("/usr/bin/pg_restore"),
    );
    let shown = format!("{config:?}");
    assert!(!shown.contains("dbg-secret"), "{shown}");
    assert!(
        shown.contains("postgres://admin:****@db/postgres"),
        "{shown}"
    );
    assert_eq!(
        busflow_backup::redact_conninfo("host=db password=x"),
        "host=db password=****"
    );
}
