//! BACKUP-009: the magic check and the table of contents of real pg_dump
//! archives (the installed PostgreSQL), read from a prefix of the bytes.

use busflow_backup::{ArchiveError, Compression, Magic, classify, find_program, parse_toc};
use proptest::prelude::*;
use testkit::Postgres;

/// A database with the documented schemas, an extension, a declared and a
/// `NOT VALID` foreign key; dumped as custom and plain.
async fn dumps() -> (Vec<u8>, Vec<u8>) {
    let pg = Postgres::shared().expect("PostgreSQL");
    let db = pg.fresh_database().await.expect("database");
    db.connect()
        .await
        .expect("connect")
        .batch_execute(
            "CREATE SCHEMA backoffice; CREATE SCHEMA commerce; CREATE SCHEMA operations; CREATE SCHEMA communications;
             CREATE EXTENSION IF NOT EXISTS pgcrypto;
             CREATE TABLE backoffice.users (id int PRIMARY KEY);
             CREATE TABLE commerce.orders (id int PRIMARY KEY, user_id int REFERENCES backoffice.users(id));
             CREATE TABLE commerce.refunds (id int PRIMARY KEY, order_id int);
             ALTER TABLE commerce.refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES commerce.orders(id) NOT VALID;
             CREATE TABLE operations.trips (id int); CREATE TABLE communications.mails (id int);
             INSERT INTO backoffice.users SELECT generate_series(1, 100);",
        )
        .await
        .expect("schema");
    let pg_dump = find_program("pg_dump").expect("pg_dump");
    let run = |format: &str| {
        let out = std::process::Command::new(&pg_dump)
            .arg(format!("--format={format}"))
            .arg("--dbname")
            .arg(db.url())
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    (run("custom"), run("plain"))
}

#[tokio::test]
async fn backup_009_magic_and_toc_of_a_real_archive() {
    let (custom, plain) = dumps().await;
    let Magic::Custom(header) = classify(&custom[..256.min(custom.len())]) else {
        panic!("not recognised as custom: {:?}", &custom[..16]);
    };
    assert_eq!(header.format, 1);
    assert!((1, 12) <= (header.version.0, header.version.1), "{header}");
    assert!(
        matches!(header.compression, Compression::Gzip(_) | Compression::None),
        "{header}"
    );
    assert_eq!(
        classify(&plain),
        Magic::Plain,
        "{:?}",
        String::from_utf8_lossy(&plain[..60])
    );
    assert_eq!(classify(b"SELECT 1;\n"), Magic::Unknown);
    assert_eq!(classify(b""), Magic::Unknown);

    let toc = parse_toc(&custom).expect("TOC");
    assert!(toc.end < custom.len(), "the TOC precedes the data");
    let mut schemas = toc.schemas();
    schemas.sort_unstable();
    assert_eq!(
        schemas,
        ["backoffice", "commerce", "communications", "operations"]
    );
    assert_eq!(toc.tables_in("commerce"), 2);
    assert_eq!(toc.tables_in("backoffice"), 1);
    assert_eq!(toc.extensions(), ["pgcrypto"]);
    let mut fks = toc.foreign_keys();
    fks.sort_unstable();
    assert_eq!(
        fks,
        [
            ("commerce", "orders orders_user_id_fkey", false),
            ("commerce", "refunds refunds_order_fk", true)
        ]
    );
    // The TOC alone suffices: its prefix parses the same.
    assert_eq!(parse_toc(&custom[..toc.end]).expect("prefix"), toc);
    // Any shorter prefix asks for more bytes, never misreads.
    for cut in (0..toc.end).step_by(97) {
        assert_eq!(
            parse_toc(&custom[..cut]),
            Err(ArchiveError::Incomplete),
            "cut at {cut}"
        );
    }
}

#[tokio::test]
async fn backup_009_flipped_bytes_in_the_toc_never_panic() {
    let (custom, _) = dumps().await;
    let end = parse_toc(&custom).expect("TOC").end;
    let mut rng = 0x9e37_79b9_u64;
    for _ in 0..2_000 {
        let mut copy = custom[..end].to_vec();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let at = usize::try_from(rng % end as u64).expect("index");
        copy[at] ^= u8::try_from(rng >> 56).expect("byte") | 1;
        let _ = parse_toc(&copy);
    }
}

proptest! {
    #[test]
    fn backup_009_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), magic in any::<bool>()) {
        let mut input = if magic { b"PGDMP\x01\x0e\x00\x04\x08\x01".to_vec() } else { Vec::new() };
        input.extend(bytes);
        let _ = classify(&input);
        let _ = parse_toc(&input);
    }
}
