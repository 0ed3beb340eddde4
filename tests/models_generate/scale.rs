//! A generated schema of many tables (the shape of `bench`'s scale
//! benchmark: 10 columns, 2 indexes and 1–2 foreign keys per table),
//! created in the database from model source.

use alembix::{Backend, Db};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection};

/// The name of table `i` of [`models`].
pub fn table_name(i: usize) -> String {
    format!("t{i:05}")
}

/// The model source for `n` tables.
pub fn models(n: usize) -> String {
    let mut s = String::from("use alembix::Model;\n");
    for i in 0..n {
        let parent = if i > 0 {
            format!(
                "    #[column(references = \"t{:05}.id\", on_delete = \"cascade\")]\n",
                i - 1
            )
        } else {
            String::new()
        };
        let other = if i > 1 && i % 2 == 0 {
            format!("    #[column(references = \"t{:05}.id\")]\n", i - 2)
        } else {
            String::new()
        };
        s.push_str(&format!(
            r#"
#[derive(Model)]
#[model(table = "t{i:05}", index(columns = "name"), index(columns = "score, created_at"))]
pub struct T{i:05} {{
    pub id: i64,
{parent}    pub parent_id: i64,
{other}    pub other_id: Option<i64>,
    #[column(max_length = 80)]
    pub name: String,
    #[column(default = "0")]
    pub score: i32,
    pub active: bool,
    pub ratio: f64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
}}
"#
        ));
    }
    s
}

/// Creates the schema of `models(n)` in `db` (at `url`).
///
/// Where DDL commits itself (MySQL/MariaDB), each statement waits for its
/// own flush of the server's log: the 3,000 statements one after another
/// took minutes on a busy machine. There they run over [`CONNECTIONS`]
/// connections at once instead (see [`spread`]), each table with its
/// indexes on one connection.
pub async fn create(db: &Db, url: &str, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/models.rs"), models(n)).unwrap();
    let schema = alembix_autogen::scan::scan(dir.path(), &["src/**/*.rs".into()]).unwrap();
    let dialect: Backend = db.backend();
    if dialect.caps().transactional_ddl {
        let ddl = alembix_schema::create_schema(&schema, dialect).unwrap();
        for s in &ddl {
            db.execute_sql(s).await.unwrap();
        }
        return;
    }
    // Each table's `CREATE TABLE` (its foreign keys inline) and `CREATE INDEX`es.
    let per_table: Vec<Vec<String>> = schema
        .tables
        .iter()
        .map(|t| {
            let one = alembix_schema::Schema {
                tables: vec![t.clone()],
                ..Default::default()
            };
            alembix_schema::create_schema(&one, dialect).unwrap()
        })
        .collect();
    spread(url, &per_table, false).await;
}

/// Drops the tables of `models(n)` from `db` (at `url`) where DDL commits
/// itself: dropping the database would drop them one after another, a
/// flush each (about half a minute for 1,000 tables on a busy machine);
/// here they go over [`CONNECTIONS`] connections. Elsewhere the database's
/// drop is quick, and this does nothing.
pub async fn drop_tables(db: &Db, url: &str, n: usize) {
    let dialect: Backend = db.backend();
    if dialect.caps().transactional_ddl {
        return;
    }
    let per_table: Vec<Vec<String>> = (0..n)
        .map(|i| {
            vec![format!(
                "DROP TABLE {}",
                dialect.quote_ident(&table_name(i))
            )]
        })
        .collect();
    spread(url, &per_table, true).await;
}

/// The connections [`spread`] uses.
const CONNECTIONS: usize = 8;

/// Runs each table's statements of `per_table` (in table order, or the
/// reverse) over [`CONNECTIONS`] MySQL/MariaDB connections at once: the
/// server's group commit shares its log flushes between them. Each
/// connection takes a contiguous run of tables, so two connections seldom
/// touch tables a foreign key joins at the same moment, and sets
/// `foreign_key_checks` off, so a table may name a parent not created yet
/// (or dropped already). A table whose statement still fails (a lock wait
/// between two connections) has its remaining statements run again
/// afterwards, on one connection alone, where a failure panics.
async fn spread(url: &str, per_table: &[Vec<String>], reverse: bool) {
    let run = per_table.len().div_ceil(CONNECTIONS).max(1);
    let lanes = per_table.chunks(run).map(|tables| async move {
        let mut conn = connect(url).await;
        let mut again: Vec<&[String]> = Vec::new();
        let order: Box<dyn Iterator<Item = &Vec<String>>> = if reverse {
            Box::new(tables.iter().rev())
        } else {
            Box::new(tables.iter())
        };
        for statements in order {
            for (k, sql) in statements.iter().enumerate() {
                if try_exec(&mut conn, sql).await.is_err() {
                    again.push(&statements[k..]);
                    break;
                }
            }
        }
        conn.close().await.unwrap();
        again
    });
    let again: Vec<&[String]> = futures_util::future::join_all(lanes)
        .await
        .into_iter()
        .flatten()
        .collect();
    if again.is_empty() {
        return;
    }
    let mut conn = connect(url).await;
    for statements in again {
        for sql in statements {
            if let Err(e) = try_exec(&mut conn, sql).await {
                panic!("{sql}: {e}");
            }
        }
    }
    conn.close().await.unwrap();
}

/// A connection to `url` with `foreign_key_checks` off.
async fn connect(url: &str) -> MySqlConnection {
    let mut conn = MySqlConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    if let Err(e) = try_exec(&mut conn, "SET SESSION foreign_key_checks = 0").await {
        panic!("SET SESSION foreign_key_checks = 0: {e}");
    }
    conn
}

async fn try_exec(conn: &mut MySqlConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(conn)
        .await
        .map(|_| ())
}
