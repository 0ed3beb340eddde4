//! Online DDL end to end on PostgreSQL and MariaDB: tables holding rows get
//! an index, a foreign key, a unique constraint, a check and a backfilled
//! NOT NULL column; `alembix autogen` writes the online forms (step markers
//! and `CONCURRENTLY`/`NOT VALID`/batched backfill on PostgreSQL,
//! `ALGORITHM` clauses on MariaDB); `upgrade` applies them, `check` finds
//! nothing, and `downgrade -1` then `upgrade` work. With `online_ddl =
//! false` the revision is plain DDL.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::Backend;
use alembix_migrate::{Direction, Revision};
use cli::Cli;

const V1: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    pub author_id: i64,
    #[column(max_length = 200)]
    pub title: String,
}
"#;

const V2: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100, unique)]
    pub name: String,
}
#[derive(Model)]
#[model(table = "posts", index(columns = "title"), check(name = "ck_posts_title", expr = "title <> ''"))]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
    #[column(max_length = 200)]
    pub title: String,
    #[column(max_length = 20, backfill = "'draft'")]
    pub status: String,
}
"#;

/// Posts seeded: more than two backfill batches on PostgreSQL.
const POSTS: i64 = 25_000;

fn models(t: &Cli, text: &str) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), text).unwrap();
}

/// 100 authors with distinct names, [`POSTS`] posts spread over them.
async fn seed(t: &Cli) {
    let sql = match t.backend() {
        Backend::Postgres => format!(
            "INSERT INTO authors (name) SELECT 'author ' || g FROM generate_series(1, 100) g;\n\
             INSERT INTO posts (author_id, title) SELECT 1 + g % 100, 'post ' || g FROM generate_series(1, {POSTS}) g"
        ),
        _ => format!(
            "INSERT INTO authors (name) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) SELECT CONCAT('author ', n) FROM s;\n\
             INSERT INTO posts (author_id, title) WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 199) \
             SELECT 1 + (a.n * 200 + b.n) % 100, CONCAT('post ', a.n * 200 + b.n) FROM s a, s b WHERE a.n * 200 + b.n < {POSTS}"
        ),
    };
    for stmt in sql.split(";\n") {
        t.db.execute_sql(stmt).await.unwrap();
    }
}

/// The text of the newest revision file (names sort by time, then id).
fn newest_revision(t: &Cli, message: &str) -> (std::path::PathBuf, String) {
    let mut files: Vec<_> = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(&format!("_{message}.sql")))
        .collect();
    files.sort();
    let path = files.pop().expect("the revision file");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// v1 applied, rows seeded, v2 in the models; the revision autogen wrote.
async fn online_revision(t: &Cli) -> (std::path::PathBuf, String) {
    models(t, V1);
    t.run(&["autogen", "-m", "v1"]).ok();
    t.run(&["upgrade", "head"]).ok();
    seed(t).await;
    models(t, V2);
    t.run(&["autogen", "-m", "online"]).ok();
    newest_revision(t, "online")
}

#[track_caller]
fn has(text: &str, part: &str) {
    assert!(text.contains(part), "want\n{part}\nin\n{text}");
}

fn assert_postgres_forms(text: &str) {
    let up = text.split("-- migrate:downgrade").next().unwrap();
    has(
        up,
        "ALTER TABLE \"posts\" ADD COLUMN \"status\" varchar(20);\n-- step: no-transaction\nDO $$\n",
    );
    has(
        up,
        "UPDATE \"posts\" SET \"status\" = 'draft' WHERE \"id\" > alembix_last_1 AND \"id\" <= alembix_next_1 AND \"status\" IS NULL;\n    COMMIT;",
    );
    has(
        up,
        "-- step: transaction\nALTER TABLE \"posts\" ADD CONSTRAINT \"ck_posts_status_not_null\" CHECK (\"status\" IS NOT NULL) NOT VALID;\n\
         -- step: transaction\nALTER TABLE \"posts\" VALIDATE CONSTRAINT \"ck_posts_status_not_null\";\n\
         -- step: transaction\nALTER TABLE \"posts\" ALTER COLUMN \"status\" SET NOT NULL;\n\
         ALTER TABLE \"posts\" DROP CONSTRAINT \"ck_posts_status_not_null\";\n",
    );
    has(
        up,
        "-- step: no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"uq_authors_name\" ON \"authors\" (\"name\");\n\
         -- step: transaction\nALTER TABLE \"authors\" ADD CONSTRAINT \"uq_authors_name\" UNIQUE USING INDEX \"uq_authors_name\";\n",
    );
    has(
        up,
        "-- step: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS \"ix_posts_title\" ON \"posts\" (\"title\");\n",
    );
    has(up, "CHECK (title <> '') NOT VALID;\n");
    has(up, "REFERENCES \"authors\" (\"id\") NOT VALID;\n");
    has(
        up,
        "-- step: transaction\nALTER TABLE \"posts\" VALIDATE CONSTRAINT \"ck_posts_title\";\n\
         ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"fk_posts_author_id_authors\";\n",
    );
    has(
        text,
        "-- step: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS \"ix_posts_title\";\n",
    );
}

fn assert_mariadb_forms(text: &str) {
    for part in [
        "ALTER TABLE `posts` ADD COLUMN `status` varchar(20), ALGORITHM=INSTANT;\n\
         UPDATE `posts` SET `status` = 'draft' WHERE `status` IS NULL;\n\
         ALTER TABLE `posts` MODIFY COLUMN `status` varchar(20) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;\n",
        "ALTER TABLE `authors` ADD CONSTRAINT `uq_authors_name` UNIQUE (`name`), ALGORITHM=INPLACE, LOCK=NONE;\n",
        "CREATE INDEX `ix_posts_title` ON `posts` (`title`) ALGORITHM=INPLACE LOCK=NONE;\n",
        // A check and a foreign key copy the table: no clause the server would refuse.
        "CHECK (title <> '');\n",
        "REFERENCES `authors` (`id`);\n",
        "ALTER TABLE `posts` DROP INDEX `ix_posts_title`, ALGORITHM=INPLACE, LOCK=NONE;\n",
        "ALTER TABLE `posts` DROP COLUMN `status`, ALGORITHM=INPLACE, LOCK=NONE;\n",
    ] {
        has(text, part);
    }
    assert!(!text.contains("-- step:"), "{text}");
}

/// The catalog after the upgrade: every row filled, no temporary check,
/// every constraint validated.
async fn assert_upgraded(t: &Cli) {
    let count = match t.backend() {
        Backend::Postgres => "COUNT(*)::text",
        _ => "CAST(COUNT(*) AS CHAR)",
    };
    let filled = t
        .strings(&format!("SELECT {count} FROM posts WHERE status = 'draft'"))
        .await;
    let want = POSTS.to_string();
    assert_eq!(filled, [want.as_str()]);
    if t.backend() == Backend::Postgres {
        let constraints = t
            .strings("SELECT conname::text || ' ' || convalidated::text FROM pg_constraint WHERE conrelid IN ('posts'::regclass, 'authors'::regclass) ORDER BY 1")
            .await;
        assert_eq!(
            constraints,
            [
                "ck_posts_title true",
                "fk_posts_author_id_authors true",
                "pk_authors true",
                "pk_posts true",
                "uq_authors_name true"
            ]
        );
    }
}

async fn online_ddl_round_trip(t: Cli) {
    let (_, text) = online_revision(&t).await;
    match t.backend() {
        Backend::Postgres => assert_postgres_forms(&text),
        _ => assert_mariadb_forms(&text),
    }
    t.run(&["lint"]).ok();
    let up = t.run(&["upgrade", "head"]).ok();
    assert!(up.stdout.contains("online"), "{}", up.stdout);
    assert_upgraded(&t).await;
    t.run(&["check"]).ok();
    t.run(&["downgrade", "-1"]).ok();
    t.run(&["upgrade", "head"]).ok();
    assert_upgraded(&t).await;
    let out = t.run(&["check"]).ok();
    assert!(out.stdout.starts_with("OK"), "{}", out.stdout);
}

async fn plain_when_online_ddl_is_off(t: Cli) {
    let config = t.path().join("alembix.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("online_ddl = false\n");
    std::fs::write(&config, text).unwrap();
    let (_, text) = online_revision(&t).await;
    for word in [
        "-- step:",
        "CONCURRENTLY",
        "NOT VALID",
        "VALIDATE",
        "USING INDEX",
        "DO $$",
        "ALGORITHM",
    ] {
        assert!(!text.contains(word), "{word} in\n{text}");
    }
    has(&text, "WHERE ");
    let q = |s: &str| t.backend().dialect().quote_ident(s);
    has(
        &text,
        &format!(
            "UPDATE {} SET {} = 'draft' WHERE {} IS NULL;\n",
            q("posts"),
            q("status"),
            q("status")
        ),
    );
    t.run(&["upgrade", "head"]).ok();
    t.run(&["check"]).ok();
}

/// The batched fill run again (a resume after a stop, or by hand) changes
/// nothing more: it only fills rows still NULL, and leaves the others.
async fn backfill_block_runs_again_harmlessly(t: Cli) {
    let (path, text) = online_revision(&t).await;
    let rev = Revision::parse(&path, &text).unwrap();
    let steps = rev.steps(Direction::Up, t.backend().dialect()).unwrap();
    let add_column = steps[0].statements[0].sql.clone();
    let block = steps[1].statements[0].sql.clone();
    assert!(block.starts_with("DO $$"), "{block}");
    t.db.execute_sql(&add_column).await.unwrap();
    t.db.execute_sql("UPDATE posts SET status = 'kept' WHERE id % 3 = 0")
        .await
        .unwrap();
    for _ in 0..2 {
        t.db.execute_sql(&block).await.unwrap();
        let counts = t
            .strings("SELECT status || ' ' || COUNT(*) FROM posts GROUP BY status ORDER BY 1")
            .await;
        assert_eq!(counts, ["draft 16667", "kept 8333"]);
    }
}

server_tests! {
    online_ddl_round_trip: Postgres => online_ddl_round_trip_postgres, MariaDb => online_ddl_round_trip_mariadb;
    plain_when_online_ddl_is_off: Postgres => plain_when_online_ddl_is_off_postgres, MariaDb => plain_when_online_ddl_is_off_mariadb;
    backfill_block_runs_again_harmlessly: Postgres => backfill_block_runs_again_harmlessly_postgres;
}
