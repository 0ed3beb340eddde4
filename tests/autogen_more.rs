//! Autogenerate beyond the corpus: the scanner and the derive agree; rows
//! survive SQLite table rebuilds; databases built by hand-written DDL are
//! adopted by equivalent models with an empty diff; introspection runs a
//! fixed number of queries whatever the number of tables.

#[path = "common/cli.rs"]
mod cli;
mod common;
#[allow(dead_code)]
#[path = "fixtures/scan_models.rs"]
mod scan_models;

use alembix::{Backend, Db, Model};
use alembix_autogen::introspect::{IntrospectOptions, introspect, queries_run};
use cli::Cli;

#[test]
fn scanner_and_derive_give_identical_tables() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema =
        alembix_autogen::scan::scan(root, &["tests/fixtures/scan_models.rs".into()]).unwrap();
    assert_eq!(schema.tables.len(), 2);
    let derived = [
        scan_models::Project::table(),
        scan_models::nested::Ticket::table(),
    ];
    for t in derived {
        let scanned = schema.table(&t.name).expect("scanned");
        assert_eq!(scanned, t, "table {}", t.name);
    }
    assert_eq!(schema.enums.len(), 1);
    assert_eq!(schema.enums[0].values, vec!["OPEN", "done"]);
}

#[test]
fn scanner_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.rs"),
        "use alembix::Model;\n\n#[derive(Model)]\nstruct Thing {\n    id: i64,\n    place: Address,\n}\n",
    )
    .unwrap();
    let err = alembix_autogen::scan::scan(dir.path(), &["*.rs".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.rs:6"), "{err}");
    assert!(err.contains("Address"), "{err}");
    std::fs::write(dir.path().join("bad.rs"), "struct {").unwrap();
    let err = alembix_autogen::scan::scan(dir.path(), &["*.rs".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.rs:1"), "{err}");
}

const REBUILD_V1: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: Option<String>,
    pub score: i32,
}
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "cascade")]
    pub author_id: i64,
    pub title: String,
}
"#;

/// On SQLite each change below needs a table rebuild of `authors`, which
/// `posts` references with ON DELETE CASCADE: no row may be lost.
const REBUILD_V2: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors", check(name = "ck_authors_score", expr = "score >= 0"))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100, default = "'anonymous'", renamed_from = "name")]
    pub full_name: String,
    pub score: i64,
    pub bio: Option<String>,
}
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "cascade")]
    pub author_id: i64,
    pub title: String,
}
"#;

async fn count(db: &Db, table: &str) -> i64 {
    cli::strings(
        db,
        &format!("SELECT CAST(COUNT(*) AS CHAR(20)) FROM {table}"),
    )
    .await
    .pop()
    .unwrap()
    .trim()
    .parse()
    .unwrap()
}

async fn rebuild_keeps_rows(t: Cli) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), REBUILD_V1).unwrap();
    t.run(&["autogen", "-m", "v1"]).ok();
    t.run(&["upgrade"]).ok();
    for i in 1..=50 {
        t.db.execute_sql(&format!(
            "INSERT INTO authors (id, name, score) VALUES ({i}, 'writer {i}', {i})"
        ))
        .await
        .unwrap();
        t.db.execute_sql(&format!(
            "INSERT INTO posts (author_id, title) VALUES ({i}, 'post {i}')"
        ))
        .await
        .unwrap();
    }
    std::fs::write(t.path().join("src/models.rs"), REBUILD_V2).unwrap();
    t.run(&["autogen", "-m", "v2"]).ok();
    if t.backend() == Backend::Sqlite {
        let file = std::fs::read_dir(t.migrations())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("_v2"))
            .unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("-- transaction: false"), "{text}");
        assert!(text.contains("_alembix_new_authors"), "{text}");
    }
    t.run(&["upgrade"]).ok();
    assert_eq!(count(&t.db, "authors").await, 50);
    assert_eq!(count(&t.db, "posts").await, 50, "no cascade fired");
    let names = cli::strings(&t.db, "SELECT full_name FROM authors WHERE id = 7").await;
    assert_eq!(names, vec!["writer 7"], "renamed column kept its values");
    assert_eq!(
        t.run(&["diff", "--format", "json"]).ok().json(),
        serde_json::json!([])
    );
    // The foreign key still points at authors and still works.
    assert!(
        t.db.execute_sql("INSERT INTO posts (author_id, title) VALUES (999, 'orphan')")
            .await
            .is_err()
    );
    t.run(&["downgrade", "-1"]).ok();
    assert_eq!(count(&t.db, "authors").await, 50);
    assert_eq!(count(&t.db, "posts").await, 50);
    let names = cli::strings(&t.db, "SELECT name FROM authors WHERE id = 7").await;
    assert_eq!(names, vec!["writer 7"]);
}

/// Hand-written DDL, as a team had it before Alembix, and equivalent models.
fn adoption_ddl(b: Backend) -> &'static str {
    match b {
        Backend::Postgres => {
            "CREATE TABLE orgs (
                id SERIAL PRIMARY KEY,
                name VARCHAR(80) NOT NULL DEFAULT 'acme',
                active BOOLEAN NOT NULL DEFAULT TRUE,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                CONSTRAINT ck_orgs_name CHECK (length(name) > 0)
            );
            CREATE INDEX ix_orgs_name ON orgs (name);
            CREATE TABLE members (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                org_id INTEGER NOT NULL,
                email VARCHAR(255) NOT NULL,
                CONSTRAINT uq_members_email UNIQUE (email),
                CONSTRAINT fk_members_org_id_orgs FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
            );
            CREATE UNIQUE INDEX ix_members_lower_email ON members (LOWER(email)) WHERE org_id>0;
            CREATE INDEX ix_members_live ON members (org_id) WHERE email <> '';"
        }
        Backend::MySql => {
            "CREATE TABLE orgs (
                id INT AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(80) NOT NULL DEFAULT 'acme',
                active TINYINT(1) NOT NULL DEFAULT 1,
                created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
                CONSTRAINT ck_orgs_name CHECK (char_length(name) > 0),
                INDEX ix_orgs_name (name)
            );
            CREATE TABLE members (
                id BIGINT AUTO_INCREMENT PRIMARY KEY,
                org_id INT NOT NULL,
                email VARCHAR(255) NOT NULL,
                CONSTRAINT uq_members_email UNIQUE (email),
                CONSTRAINT fk_members_org_id_orgs FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
            );"
        }
        Backend::Sqlite => {
            "CREATE TABLE orgs (
                id INTEGER PRIMARY KEY,
                name VARCHAR(80) NOT NULL DEFAULT 'acme',
                active BOOLEAN NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                CONSTRAINT ck_orgs_name CHECK (length(name) > 0)
            );
            CREATE INDEX ix_orgs_name ON orgs (name);
            CREATE TABLE members (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                org_id INTEGER NOT NULL,
                email TEXT NOT NULL,
                CONSTRAINT uq_members_email UNIQUE (email),
                CONSTRAINT fk_members_org_id_orgs FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
            );
            CREATE UNIQUE INDEX ix_members_lower_email ON members (LOWER( email )) WHERE org_id>0;
            CREATE INDEX ix_members_live ON members (org_id) WHERE email <> '';"
        }
    }
}

fn adoption_models(b: Backend) -> String {
    // Expression and partial indexes, spelt differently from the DDL
    // (MySQL/MariaDB has neither).
    let member_indexes = match b {
        Backend::MySql => "",
        _ => {
            r#", index(expr = "lower(email)", unique, where = "org_id > 0"), index(name = "ix_members_live", columns = "org_id", where = "email <> ''")"#
        }
    };
    let (check, now, active) = match b {
        Backend::Postgres => ("length(name) > 0", "now()", "true"),
        Backend::MySql => ("char_length(name) > 0", "CURRENT_TIMESTAMP(6)", "1"),
        Backend::Sqlite => ("length(name) > 0", "CURRENT_TIMESTAMP", "1"),
    };
    format!(
        r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "orgs", index(columns = "name"), check(name = "ck_orgs_name", expr = "{check}"))]
pub struct Org {{
    pub id: i32,
    #[column(max_length = 80, default = "'acme'")]
    pub name: String,
    #[column(default = "{active}")]
    pub active: bool,
    #[column(default = "{now}")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}}
#[derive(Model)]
#[model(table = "members"{member_indexes})]
pub struct Member {{
    pub id: i64,
    #[column(references = "orgs.id", on_delete = "cascade")]
    pub org_id: i32,
    #[column(max_length = 255, unique)]
    pub email: String,
}}
"#
    )
}

async fn adoption_gives_an_empty_diff(t: Cli) {
    for stmt in adoption_ddl(t.backend()).split(';') {
        if !stmt.trim().is_empty() {
            t.db.execute_sql(stmt).await.unwrap();
        }
    }
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), adoption_models(t.backend())).unwrap();
    let out = t.run(&["diff", "--format", "json"]).ok();
    assert_eq!(out.json(), serde_json::json!([]), "{}", out.stdout);
    let out = t.run(&["autogen", "-m", "adopt"]).ok();
    assert!(out.stdout.contains("nothing written"), "{}", out.stdout);
}

async fn introspection_query_count_is_fixed(t: Cli) {
    let d = t.backend().dialect();
    let create = |n: usize| {
        format!(
            "CREATE TABLE {} (id integer PRIMARY KEY, parent_id integer REFERENCES {}(id), name varchar(20) NOT NULL DEFAULT 'x', CONSTRAINT {} UNIQUE (name))",
            d.quote_ident(&format!("t{n}")),
            d.quote_ident(&format!("t{}", n.saturating_sub(1))),
            d.quote_ident(&format!("uq_t{n}_name"))
        )
    };
    let db = alembix_migrate::Database::connect(&t.url).await.unwrap();
    let opts = IntrospectOptions::default();
    // The counter is per process: measure one backend at a time.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _guard = ONE_AT_A_TIME.lock().await;
    for n in 0..2 {
        t.db.execute_sql(&create(n)).await.unwrap();
    }
    let before = queries_run();
    let small = introspect(&db, &opts).await.unwrap();
    let few = queries_run() - before;
    for n in 2..200 {
        t.db.execute_sql(&create(n)).await.unwrap();
    }
    let before = queries_run();
    let big = introspect(&db, &opts).await.unwrap();
    let many = queries_run() - before;
    assert_eq!(small.tables.len(), 2);
    assert_eq!(big.tables.len(), 200);
    assert_eq!(
        few, many,
        "the same number of catalog queries for 2 and 200 tables"
    );
    assert!(
        big.tables
            .iter()
            .all(|t| t.uniques.len() == 1 && t.columns.len() == 3)
    );
    db.close().await;
}

/// Schemas: a configured schema is compared (a table no model names is
/// dropped unless `exclude_tables` keeps it, as `schema.table`); a schema
/// that does not exist is refused with what to do; MySQL/MariaDB and
/// SQLite refuse `schemas` and models that name one.
async fn schemas_are_postgres_only_and_must_exist(t: Cli) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let config = t.path().join("alembix.toml");
    let base_config = std::fs::read_to_string(&config).unwrap();
    let with = |extra: &str| std::fs::write(&config, format!("{base_config}{extra}")).unwrap();
    let models = t.path().join("src/models.rs");
    std::fs::write(
        &models,
        "use alembix::Model;\n#[derive(Model)]\n#[model(table = \"events\", schema = \"audit\")]\npub struct Event { pub id: i64 }\n",
    )
    .unwrap();
    if t.backend() != Backend::Postgres {
        let out = t.run(&["diff"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("only PostgreSQL has schemas"),
            "{}",
            out.stderr
        );
        std::fs::write(
            &models,
            "use alembix::Model;\n#[derive(Model)]\npub struct Event { pub id: i64 }\n",
        )
        .unwrap();
        with("schemas = [\"audit\"]\n");
        let out = t.run(&["check"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("has no schemas"), "{}", out.stderr);
        return;
    }
    // The model's schema does not exist yet.
    let out = t.run(&["autogen", "-m", "x"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("schema `audit` (named by the model of `audit.events`) does not exist")
            && out.stderr.contains("CREATE SCHEMA \"audit\""),
        "{}",
        out.stderr
    );
    t.db.execute_sql("CREATE SCHEMA audit").await.unwrap();
    t.db.execute_sql("CREATE TABLE audit.stray (id int PRIMARY KEY)")
        .await
        .unwrap();
    t.db.execute_sql("CREATE TABLE audit.keep_me (id int PRIMARY KEY)")
        .await
        .unwrap();
    // Named by a model only: the schema is read; tables there no model names are dropped.
    let ops = |t: &Cli| -> Vec<String> {
        let out = t.run(&["diff", "--format", "json"]).ok();
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o["op"].as_str().unwrap(),
                    o["table"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        ops(&t),
        [
            "drop_table audit.stray",
            "drop_table audit.keep_me",
            "create_table audit.events"
        ]
    );
    with("exclude_tables = [\"audit.keep_*\"]\n");
    assert_eq!(
        ops(&t),
        ["drop_table audit.stray", "create_table audit.events"]
    );
    // A configured schema that does not exist.
    with("schemas = [\"public\", \"reports\"]\n");
    let out = t.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("schema `reports` (listed in `schemas`) does not exist"),
        "{}",
        out.stderr
    );
}

/// More tables than one SQLite scratch database takes (they are normalised
/// in several), with foreign keys from one to the next across them: a
/// clean round trip on every backend.
async fn many_tables_round_trip(t: Cli) {
    let mut models = String::from("use alembix::Model;\n");
    for i in 0..300 {
        let parent = if i == 0 {
            "    pub parent_id: i64,\n".to_string()
        } else {
            format!(
                "    #[column(references = \"t{:03}.id\", index)]\n    pub parent_id: i64,\n",
                i - 1
            )
        };
        models.push_str(&format!(
            "#[derive(Model)]\n#[model(table = \"t{i:03}\", check(expr = \"score >= 0\"))]\npub struct T{i:03} {{\n    pub id: i64,\n{parent}    #[column(default = \"0\")]\n    pub score: i32,\n}}\n"
        ));
    }
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), models).unwrap();
    t.run(&["autogen", "-m", "many"]).ok();
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.catalog_tables().await.len(), 300 + 2);
    let out = t.run(&["diff", "--format", "json"]).ok();
    assert_eq!(out.json(), serde_json::json!([]), "{}", out.stdout);
}

const KEYLESS_V1: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "readings", no_primary_key)]
pub struct Reading {
    #[column(max_length = 50, index)]
    pub sensor: String,
    pub taken_at: Option<i64>,
    pub id: Option<i32>,
}
"#;

/// A nullable column and a NOT NULL one (filled by a backfill, which the
/// online planner runs without a key to batch by) added to the table
/// without a key, and one dropped.
const KEYLESS_V2: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "readings", no_primary_key)]
pub struct Reading {
    #[column(max_length = 50, index)]
    pub sensor: String,
    pub value: Option<f64>,
    pub id: Option<i32>,
    #[column(backfill = "7")]
    pub level: i32,
}
"#;

/// An auto-increment column outside the key, added to the existing
/// keyless table and declared in a new table with a key of its own.
const KEYLESS_V3: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "readings", no_primary_key)]
pub struct Reading {
    #[column(max_length = 50, index)]
    pub sensor: String,
    pub value: Option<f64>,
    pub id: Option<i32>,
    #[column(backfill = "7")]
    pub level: i32,
    #[column(auto_increment, unique)]
    pub seq: i64,
}
#[derive(Model)]
#[model(table = "tickets")]
pub struct Ticket {
    #[column(primary_key, max_length = 20)]
    pub code: String,
    #[column(auto_increment, unique)]
    pub number: i64,
}
"#;

fn keyless_diff_is_empty(t: &Cli, what: &str) {
    let out = t.run(&["diff", "--format", "json"]).ok();
    assert_eq!(out.json(), serde_json::json!([]), "{what}: {}", out.stdout);
}

/// A table without a primary key: created without one, a column added and
/// one dropped, the rows kept, and each downgrade restoring the table; an
/// auto-increment column outside the key where the backend has one, and a
/// refusal (exit 2) where it has not.
async fn keyless_table_autogen(t: Cli) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), KEYLESS_V1).unwrap();
    t.run(&["autogen", "-m", "v1"]).ok();
    let v1 = std::fs::read_dir(t.migrations()).unwrap().count();
    assert_eq!(v1, 1);
    t.run(&["upgrade"]).ok();
    keyless_diff_is_empty(&t, "v1");
    for _ in 0..2 {
        // Identical rows: the table has no key to refuse them.
        t.db.execute_sql("INSERT INTO readings (sensor, taken_at) VALUES ('a', 1)")
            .await
            .unwrap();
    }
    std::fs::write(t.path().join("src/models.rs"), KEYLESS_V2).unwrap();
    let ops = t.run(&["diff", "--format", "json"]).ok().json();
    let mut kinds: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec!["add_column", "add_column", "drop_column"],
        "{ops}"
    );
    t.run(&["autogen", "-m", "v2"]).ok();
    t.run(&["upgrade"]).ok();
    keyless_diff_is_empty(&t, "v2");
    assert_eq!(count(&t.db, "readings").await, 2);
    let levels = cli::strings(&t.db, "SELECT CAST(level AS CHAR(20)) FROM readings").await;
    let levels: Vec<&str> = levels.iter().map(|l| l.trim()).collect();
    assert_eq!(levels, vec!["7", "7"], "the backfill filled every row");
    let rule = t.backend().caps().auto_increment_outside_key;
    std::fs::write(t.path().join("src/models.rs"), KEYLESS_V3).unwrap();
    if rule == alembix::schema::dialect::AutoIncrementOutsideKey::Nowhere {
        let out = t.run(&["autogen", "-m", "v3"]).expect(2);
        assert!(
            out.stderr
                .contains("auto_increment outside the primary key")
                && out.stderr.contains("SQLite")
                && out.stderr.contains("models.rs:"),
            "{}",
            out.stderr
        );
        assert_eq!(std::fs::read_dir(t.migrations()).unwrap().count(), 2);
    } else {
        t.run(&["autogen", "-m", "v3"]).ok();
        t.run(&["upgrade"]).ok();
        keyless_diff_is_empty(&t, "v3");
        // The rows already there were numbered, and a new one is too.
        t.db.execute_sql("INSERT INTO readings (sensor, level) VALUES ('b', 1)")
            .await
            .unwrap();
        let seqs = cli::strings(
            &t.db,
            "SELECT CAST(seq AS CHAR(20)) FROM readings ORDER BY seq",
        )
        .await;
        assert_eq!(seqs.len(), 3);
        assert!(
            seqs.iter().all(|s| s.trim().parse::<i64>().unwrap() > 0),
            "{seqs:?}"
        );
        t.run(&["downgrade", "-1"]).ok();
        assert!(!t.table_exists("tickets").await);
        std::fs::write(t.path().join("src/models.rs"), KEYLESS_V2).unwrap();
        keyless_diff_is_empty(&t, "v3 downgraded");
    }
    t.run(&["downgrade", "-1"]).ok();
    std::fs::write(t.path().join("src/models.rs"), KEYLESS_V1).unwrap();
    keyless_diff_is_empty(&t, "v2 downgraded");
    t.run(&["downgrade", "base"]).ok();
    assert!(!t.table_exists("readings").await);
}

/// MySQL/MariaDB: an auto-increment column outside the key that is not
/// unique is refused before anything is written, naming the fix.
async fn auto_increment_outside_key_needs_unique(t: Cli) {
    if t.backend().caps().auto_increment_outside_key
        != alembix::schema::dialect::AutoIncrementOutsideKey::Unique
    {
        return;
    }
    t.models(
        r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "tickets")]
pub struct Ticket {
    #[column(primary_key, max_length = 20)]
    pub code: String,
    #[column(auto_increment, index)]
    pub number: i64,
}
"#,
    );
    let out = t.run(&["autogen", "-m", "tickets"]).expect(2);
    assert!(
        out.stderr.contains(
            "column `number` of table `tickets` is auto_increment outside the primary key"
        ) && out.stderr.contains("#[column(unique)]"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

cli_tests!(
    keyless_table_autogen,
    auto_increment_outside_key_needs_unique,
    many_tables_round_trip,
    schemas_are_postgres_only_and_must_exist,
    rebuild_keeps_rows,
    adoption_gives_an_empty_diff,
    introspection_query_count_is_fixed,
);
