//! The verify against `pg_restore` of the same dump from a local file, in
//! one session, on throwaway local services.
//!
//! ```text
//! cargo bench --bench backup_speed -- [MEGABYTES] [ROUNDS]   # dump size (default 500), rounds (default 3)
//! ```
//!
//! Under `cargo test` it runs one round on a dump of about 2 MB and checks
//! that the verify passed and downloaded the dump once, timing nothing.
//!
//! Makes a database with the four documented schemas and enough rows (hex
//! text, which pg_dump's zlib halves) for a dump of about MEGABYTES,
//! dumps it with the producer into S3 over TLS (the in-process testkit
//! server), saves the same dump to a local file,
//! then runs ROUNDS rounds, alternating which goes first, of
//!
//! 1. the verify, in a child process of its own (this binary again, so its
//!    peak RSS is the verify's and not the S3 server's): newest-dump lookup,
//!    magic and TOC pre-check, extension probe, pre-data, data streamed from
//!    S3, post-data, probes; the database is kept and dropped afterwards,
//!    outside the timing;
//! 2. `CREATE DATABASE` + `pg_restore --dbname` from the local file, no
//!    probes, dropped afterwards outside the timing.
//!
//! It prints every round, the medians, their ratio, the bytes the verify
//! downloaded against the object size, and the verify process's peak RSS.

use std::process::ExitCode;
use std::time::Instant;

use busflow::backup::{
    ObjectStore, RemoteConfig, S3Store, Secret, UtcTime, VerifyConfig, find_program, produce,
    verify,
};

/// The child's inputs, passed in the environment.
const ENV_CHILD: &str = "BUSFLOW_SPEED_CHILD";
const ENV_ENDPOINT: &str = "BUSFLOW_SPEED_ENDPOINT";
const ENV_REGION: &str = "BUSFLOW_SPEED_REGION";
const ENV_ACCESS: &str = "BUSFLOW_SPEED_ACCESS_KEY";
const ENV_SECRET: &str = "BUSFLOW_SPEED_SECRET_KEY";
const ENV_CA: &str = "BUSFLOW_SPEED_CA_PEM";
const ENV_ADMIN: &str = "BUSFLOW_SPEED_ADMIN_URL";
const BUCKET: &str = "backups";

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

/// This process's CPU time (user + system) in seconds, from `/proc/self/stat`.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the line, in clock ticks (100 per second).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    approx(ticks) / 100.0
}

/// A count as a float, for display (exact below 2^53).
#[allow(clippy::cast_precision_loss)]
fn approx(n: u64) -> f64 {
    n as f64
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn remote(
    endpoint: &str,
    region: &str,
    access: &str,
    secret: &str,
    ca: Option<String>,
) -> RemoteConfig {
    let mut remote = RemoteConfig::new(
        "minio-inswarm",
        endpoint,
        BUCKET,
        access,
        Secret::new(secret),
    );
    region.clone_into(&mut remote.region);
    remote.ca_pem = ca;
    remote
}

/// The child: one verify, its result as one JSON line on stdout.
async fn child() -> Result<(), String> {
    let ca = std::env::var(ENV_CA).ok().filter(|c| !c.is_empty());
    let store = S3Store::new(remote(
        &env(ENV_ENDPOINT)?,
        &env(ENV_REGION)?,
        &env(ENV_ACCESS)?,
        &env(ENV_SECRET)?,
        ca,
    ))
    .map_err(|e| e.to_string())?;
    let mut config = VerifyConfig::new(
        &env(ENV_ADMIN)?,
        find_program("pg_restore").map_err(|e| e.to_string())?,
    );
    config.keep_database = true;
    let started = Instant::now();
    let out = verify(&store, None, &config).await;
    let secs = started.elapsed().as_secs_f64();
    if out.failure.is_some() {
        return Err(format!("the verify failed: {}", out.to_json()));
    }
    let sections: Vec<serde_json::Value> = out
        .sections
        .iter()
        .map(|s| serde_json::json!({"section": s.section, "ms": s.duration_ms, "bytes_in": s.bytes_in}))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "secs": secs,
            "rss_kib": peak_rss_kib(),
            "cpu_secs": cpu_secs(),
            "bytes_downloaded": out.bytes_downloaded,
            "sections": sections,
            "kept_database": out.kept_database,
        })
    );
    Ok(())
}

/// Fills `db` with the four schemas and rows for a dump of about
/// `megabytes` (a row of 140 bytes dumps to about 81 compressed).
async fn generate(db: &testkit::Database, megabytes: u64) -> Result<(), String> {
    let rows = megabytes * 1_000_000 / 81;
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

/// One verify round in a child process: (seconds, the child's JSON).
async fn verify_round(
    pg: &testkit::Postgres,
    s3: &testkit::S3,
    admin: &tokio_postgres::Client,
) -> Result<(f64, serde_json::Value), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let server_cpu = cpu_secs();
    let output = tokio::process::Command::new(exe)
        .env(ENV_CHILD, "1")
        .env(ENV_ENDPOINT, s3.endpoint())
        .env(ENV_REGION, s3.region())
        .env(ENV_ACCESS, s3.access_key())
        .env(ENV_SECRET, s3.secret_key())
        .env(ENV_CA, s3.ca_pem().unwrap_or_default())
        .env(ENV_ADMIN, pg.admin_url())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?
        .wait_with_output()
        .await
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("the verify child exited with {}", output.status));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("the child's output: {e}"))?;
    let secs = json["secs"].as_f64().unwrap_or(f64::NAN);
    let mut json = json;
    json["server_cpu_secs"] = serde_json::json!(cpu_secs() - server_cpu);
    if let Some(name) = json["kept_database"].as_str() {
        drop_database(admin, name).await?;
    }
    Ok((secs, json))
}

/// One baseline round: (seconds for CREATE DATABASE + pg_restore).
async fn baseline_round(pg: &testkit::Postgres, local: &std::path::Path) -> Result<f64, String> {
    let started = Instant::now();
    let target = pg.fresh_database().await.map_err(|e| e.to_string())?;
    let status =
        tokio::process::Command::new(find_program("pg_restore").map_err(|e| e.to_string())?)
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg("--exit-on-error")
            .arg("--dbname")
            .arg(target.url())
            .arg(local)
            .status()
            .await
            .map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!(
            "pg_restore from the local file exited with {status}"
        ));
    }
    drop(target); // DROP DATABASE, outside the timing
    Ok(secs)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn run(megabytes: u64, rounds: usize) -> Result<(), String> {
    let pg = testkit::Postgres::start().map_err(|e| e.to_string())?;
    let s3 = testkit::S3::start().map_err(|e| e.to_string())?;
    s3.create_bucket(BUCKET).map_err(|e| e.to_string())?;
    let db = pg.fresh_database().await.map_err(|e| e.to_string())?;
    generate(&db, megabytes).await?;
    let store = S3Store::new(remote(
        s3.endpoint(),
        s3.region(),
        s3.access_key(),
        s3.secret_key(),
        s3.ca_pem().map(str::to_owned),
    ))
    .map_err(|e| e.to_string())?;
    let produced = produce(
        &find_program("pg_dump").map_err(|e| e.to_string())?,
        db.url(),
        &store,
        "",
        UtcTime::now(),
    )
    .await
    .map_err(|e| e.to_string())?;
    drop(db);
    let size = produced.bytes;
    eprintln!(
        "dump {}: {size} bytes in {:.1} s",
        produced.name,
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
    let started = Instant::now();
    tokio::io::copy(&mut stream, &mut file)
        .await
        .map_err(|e| e.to_string())?;
    drop(file);
    let download = started.elapsed().as_secs_f64();
    eprintln!(
        "download alone to a local file: {download:.2} s ({:.0} MB/s)",
        approx(size) / 1e6 / download
    );

    let scratch = pg.fresh_database().await.map_err(|e| e.to_string())?;
    let admin = scratch.connect().await.map_err(|e| e.to_string())?;
    let (mut verifies, mut baselines, mut rss, mut downloaded) = (vec![], vec![], 0u64, 0u64);
    for round in 0..rounds {
        let (v, json, b) = if round % 2 == 0 {
            let (v, json) = verify_round(&pg, &s3, &admin).await?;
            (v, json, baseline_round(&pg, &local).await?)
        } else {
            let b = baseline_round(&pg, &local).await?;
            let (v, json) = verify_round(&pg, &s3, &admin).await?;
            (v, json, b)
        };
        let sections: Vec<String> = json["sections"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| format!("{} {} ms", s["section"].as_str().unwrap_or("?"), s["ms"]))
            .collect();
        eprintln!(
            "round {}: verify {v:.2} s ({}; CPU: verify process {:.2} s, S3 server {:.2} s), local restore {b:.2} s, ratio {:.2}",
            round + 1,
            sections.join(", "),
            json["cpu_secs"].as_f64().unwrap_or(0.0),
            json["server_cpu_secs"].as_f64().unwrap_or(0.0),
            v / b
        );
        rss = rss.max(json["rss_kib"].as_u64().unwrap_or(0));
        downloaded = downloaded.max(json["bytes_downloaded"].as_u64().unwrap_or(0));
        verifies.push(v);
        baselines.push(b);
    }
    let (v, b) = (median(&mut verifies), median(&mut baselines));
    println!("dump size: {size} bytes; {rounds} rounds, alternating which runs first");
    println!("busflow verify (download, TOC pre-check, 3 sections, probes), median: {v:.2} s");
    println!("CREATE DATABASE + pg_restore from a local file (no probes), median: {b:.2} s");
    println!("ratio verify / local restore: {:.2}", v / b);
    println!(
        "bytes downloaded by the verify: {downloaded} = size + {}",
        downloaded.saturating_sub(size)
    );
    println!(
        "peak RSS of the verify process: {rss} KiB ({:.1} MiB; pg_restore is a process of its own)",
        approx(rss) / 1024.0
    );
    // BACKUP-008: one full download, plus less than twice the TOC.
    if downloaded < size || downloaded >= 2 * size + 1_000_000 {
        return Err(format!(
            "the verify downloaded {downloaded} bytes of a {size}-byte dump"
        ));
    }
    Ok(())
}

/// `DROP DATABASE name WITH (FORCE)` over `admin`.
async fn drop_database(admin: &tokio_postgres::Client, name: &str) -> Result<(), String> {
    admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            name.replace('"', "\"\"")
        ))
        .await
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let child_mode = std::env::var_os(ENV_CHILD).is_some();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; `cargo test` runs a smoke round.
    let full = args.iter().any(|a| a == "--bench");
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let megabytes = numbers
        .first()
        .copied()
        .unwrap_or(if full { 500 } else { 2 });
    let rounds = numbers
        .get(1)
        .and_then(|&r| usize::try_from(r).ok())
        .unwrap_or(if full { 3 } else { 1 })
        .max(1);
    // The verify is I/O between a socket and a pipe: one thread does it
    // without waking another for every chunk. The parent runs the S3
    // server and PostgreSQL clients on all cores.
    let runtime = if child_mode {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    };
    let result = runtime.map_err(|e| e.to_string()).and_then(|rt| {
        rt.block_on(async {
            if child_mode {
                child().await
            } else {
                run(megabytes, rounds).await
            }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backup_speed: error: {e}");
            ExitCode::from(1)
        }
    }
}
