//! `backup-speed`: the verify against `pg_restore` of the same dump from a
//! local file, in one session, on throwaway local services.
//!
//! ```text
//! backup-speed [MEGABYTES]     # size of the table data to generate (default 500)
//! ```
//!
//! Makes a database with the four documented schemas and about MEGABYTES
//! of incompressible rows, dumps it with the producer into S3 over TLS,
//! then times (1) `busflow` verify — TOC pre-check, three sections, probes —
//! and (2) `pg_restore --dbname` of the same dump from a local file into a
//! fresh database, and prints both, their ratio, the bytes the verify
//! downloaded, and this process's peak RSS (which includes the in-process
//! S3 server).

use std::process::ExitCode;
use std::time::Instant;

use busflow::backup::{
    ObjectStore, RemoteConfig, S3Store, Secret, UtcTime, VerifyConfig, find_program, produce,
    verify,
};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Fills `db` with the four schemas and about `megabytes` of rows.
async fn generate(db: &testkit::Database, megabytes: u64) -> Result<(), String> {
    let rows = megabytes * 1_000_000 / 140;
    let started = Instant::now();
    db.connect()
        .await
        .map_err(|e| e.to_string())?
        .batch_execute(&format!(
            "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE SCHEMA communications;
             CREATE TABLE backoffice.users (id int PRIMARY KEY, email text);
             CREATE TABLE commerce.orders (id bigint PRIMARY KEY, user_id int REFERENCES backoffice.users(id), note text);
             CREATE TABLE operations.trips (id int PRIMARY KEY);
             CREATE TABLE communications.mails (id int PRIMARY KEY);
             INSERT INTO backoffice.users SELECT g, md5(g::text) || '@example.com' FROM generate_series(1, 100000) g;
             INSERT INTO commerce.orders SELECT g, 1 + g % 100000, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) || md5((g * 31)::text) FROM generate_series(1, {rows}) g;
             INSERT INTO operations.trips SELECT generate_series(1, 1000);
             INSERT INTO communications.mails SELECT generate_series(1, 1000);"
        ))
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "generated {rows} rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn run(megabytes: u64) -> Result<(), String> {
    let pg = testkit::Postgres::start().map_err(|e| e.to_string())?;
    let s3 = testkit::S3::start().map_err(|e| e.to_string())?;
    s3.create_bucket("backups").map_err(|e| e.to_string())?;
    let db = pg.fresh_database().await.map_err(|e| e.to_string())?;
    generate(&db, megabytes).await?;
    let mut remote = RemoteConfig::new(
        "minio-inswarm",
        s3.endpoint(),
        "backups",
        s3.access_key(),
        Secret::new(s3.secret_key()),
    );
    s3.region().clone_into(&mut remote.region);
    remote.ca_pem = s3.ca_pem().map(str::to_owned);
    let store = S3Store::new(remote).map_err(|e| e.to_string())?;
    let produced = produce(
        &find_program("pg_dump").map_err(|e| e.to_string())?,
        db.url(),
        &store,
        "",
        UtcTime::now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    eprintln!(
        "dump {}: {} bytes in {:.1} s",
        produced.name,
        produced.bytes,
        produced.duration.as_secs_f64()
    );
    // The baseline's input: the same dump in a local file.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let local = dir.path().join("dump.pgdump");
    let mut file = tokio::fs::File::create(&local)
        .await
        .map_err(|e| e.to_string())?;
    let mut stream = store
        .get_stream(produced.name.key())
        .await
        .map_err(|e| e.to_string())?;
    tokio::io::copy(&mut stream, &mut file)
        .await
        .map_err(|e| e.to_string())?;
    drop(file);
    // Reset the peak-RSS mark (Linux `clear_refs` 5), so it measures the verify.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = peak_rss_kib();

    let config = VerifyConfig::new(
        pg.admin_url(),
        find_program("pg_restore").map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let out = verify(&store, None, &config).await;
    let verify_secs = started.elapsed().as_secs_f64();
    if out.failure.is_some() {
        return Err(format!("the verify failed: {}", out.to_json()));
    }

    let target = pg.fresh_database().await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status =
        tokio::process::Command::new(find_program("pg_restore").map_err(|e| e.to_string())?)
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg("--exit-on-error")
            .arg("--dbname")
            .arg(target.url())
            .arg(&local)
            .status()
            .await
            .map_err(|e| e.to_string())?;
    let baseline_secs = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!(
            "pg_restore from the local file exited with {status}"
        ));
    }
    let size = produced.bytes;
    println!("dump size: {size} bytes");
    println!("busflow verify (download, TOC pre-check, 3 sections, probes): {verify_secs:.2} s");
    println!("pg_restore from a local file (no probes): {baseline_secs:.2} s");
    println!(
        "ratio verify / local restore: {:.2}",
        verify_secs / baseline_secs
    );
    println!(
        "bytes downloaded by the verify: {} = size + {} (TOC end at {} bytes)",
        out.bytes_downloaded,
        out.bytes_downloaded.saturating_sub(size),
        out.sections.first().map_or(0, |s| s.bytes_in)
    );
    println!(
        "peak RSS during the verify: {} KiB (mark reset before it; {} KiB at the reset; includes the in-process S3 server)",
        peak_rss_kib(),
        rss_before
    );
    Ok(())
}

fn main() -> ExitCode {
    let megabytes = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(run(megabytes)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backup-speed: error: {e}");
            ExitCode::from(1)
        }
    }
}
