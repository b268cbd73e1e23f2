use testkit::Postgres;

#[tokio::test]
async fn a_fresh_database_answers_queries() {
    let pg = Postgres::shared().expect("PostgreSQL starts");
    let db = pg.fresh_database().await.expect("database created");
    let client = db.connect().await.expect("connects");
    client
        .batch_execute(
            "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b');",
        )
        .await
        .expect("DDL and inserts");
    let row = client
        .query_one("SELECT count(*), current_database() FROM t", &[])
        .await
        .expect("select");
    assert_eq!(row.get::<_, i64>(0), 2);
    assert_eq!(row.get::<_, String>(1), db.name());
}

#[tokio::test]
async fn databases_are_isolated_and_dropped_with_their_handle() {
    let pg = Postgres::shared().expect("PostgreSQL starts");
    let a = pg.fresh_database().await.expect("database a");
    let b = pg.fresh_database().await.expect("database b");
    assert_ne!(a.name(), b.name());
    a.connect()
        .await
        .expect("connect a")
        .batch_execute("CREATE TABLE only_in_a (x int)")
        .await
        .expect("create in a");
    let in_b = b
        .connect()
        .await
        .expect("connect b")
        .query_opt("SELECT 1 FROM pg_tables WHERE tablename = 'only_in_a'", &[])
        .await
        .expect("catalog query");
    assert!(
        in_b.is_none(),
        "a table made in one test database is visible in another"
    );

    let name = a.name().to_owned();
    drop(a);
    let admin = tokio_postgres::connect(pg.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(admin.1);
    let left = admin
        .0
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .expect("catalog query");
    assert!(left.is_none(), "database {name} outlived its handle");
}

#[tokio::test]
async fn an_owned_cluster_runs_unprivileged_and_is_removed_on_drop() {
    let pg = Postgres::start().expect("PostgreSQL starts");
    let dir = pg.dir().expect("a local cluster").to_path_buf();
    assert!(dir.join("data/PG_VERSION").is_file());
    let db = pg.fresh_database().await.expect("database created");
    let client = db.connect().await.expect("connects");
    let user: String = client
        .query_one("SELECT current_setting('data_directory')", &[])
        .await
        .expect("setting")
        .get(0);
    assert!(user.starts_with(dir.to_str().expect("utf-8 path")));
    // The server process must not run as root (PostgreSQL refuses anyway).
    let owner =
        std::fs::metadata(dir.join("data")).map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    assert_ne!(
        owner.expect("data dir metadata"),
        0,
        "cluster files are owned by root"
    );
    drop(client);
    drop(db);
    let url = pg.admin_url().to_owned();
    drop(pg);
    assert!(
        !dir.exists(),
        "cluster directory {} left behind",
        dir.display()
    );
    assert!(
        tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .is_err(),
        "server still answers after drop"
    );
}

#[tokio::test]
async fn an_existing_server_is_used_and_left_running() {
    let local = Postgres::start().expect("PostgreSQL starts");
    let existing = Postgres::existing(local.admin_url());
    assert!(existing.dir().is_none() && existing.version().is_none());
    let db = existing
        .fresh_database()
        .await
        .expect("database on the existing server");
    let client = db.connect().await.expect("connects");
    let one: i32 = client
        .query_one("SELECT 1", &[])
        .await
        .expect("query")
        .get(0);
    assert_eq!(one, 1);
    drop(client);
    drop(db);
    drop(existing);
    // The server it pointed at still answers.
    let (admin, conn) = tokio_postgres::connect(local.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("the existing server outlives its handle");
    tokio::spawn(conn);
    assert!(admin.simple_query("SELECT 1").await.is_ok());
}
