//! The six `information_schema` queries of MySQL/MariaDB introspection
//! (each with the database name as its one parameter) and how they are
//! sent: one after another on one connection, or on three connections at
//! once for the live database.
//!
//! Three of them (KEY_COLUMN_USAGE, REFERENTIAL_CONSTRAINTS,
//! CHECK_CONSTRAINTS) make MariaDB open every table of the database in
//! full. Past the server's `table_open_cache` (2,000 by default) each such
//! pass opens every table again; run at once, the passes find in the
//! table cache what the others have just opened, and the server works on
//! several CPUs. At 10,000 tables the three took 1.75–2.05 s one after
//! another and 0.66–1.25 s at once (BENCHMARKS.md, "MariaDB `check` from
//! 1,000 to 10,000 tables").

use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{ConnectOptions, Connection, MySqlPool};

use super::count_query;
use crate::error::Result;

/// The base tables and views, with comments and types.
const TABLES: &str =
    "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_COMMENT AS CHAR), CAST(TABLE_TYPE AS CHAR)
 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?";

/// The columns of every table, in their order.
const COLUMNS: &str =
    "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR),
    CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR),
    CAST(COLUMN_COMMENT AS CHAR)
 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
 ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// Each foreign key's rules. Read apart from the key columns: MariaDB
/// joins two information_schema views without an index, which grows with
/// the square of the keys.
const RULES: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR),
    CAST(UPDATE_RULE AS CHAR), CAST(DELETE_RULE AS CHAR)
 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?";

/// The columns of primary, unique and foreign keys, in key order.
const KEYS: &str =
    "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR),
    CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR),
    CAST(REFERENCED_TABLE_SCHEMA AS CHAR)
 FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ?
 ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/// Check constraints.
const CHECKS: &str =
    "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR)
 FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?";

/// Index columns, in index order.
const INDEXES: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), NON_UNIQUE, CAST(COLUMN_NAME AS CHAR)
 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// The rows of each query.
pub(super) struct Rows {
    pub(super) tables: Vec<MySqlRow>,
    pub(super) columns: Vec<MySqlRow>,
    pub(super) rules: Vec<MySqlRow>,
    pub(super) keys: Vec<MySqlRow>,
    pub(super) checks: Vec<MySqlRow>,
    pub(super) indexes: Vec<MySqlRow>,
}

/// Runs one query for database `db` (counted, as every catalog query is).
async fn run(conn: &mut MySqlConnection, sql: &'static str, db: &str) -> Result<Vec<MySqlRow>> {
    count_query();
    Ok(sqlx::query(sql).bind(db).fetch_all(conn).await?)
}

/// Two queries one after the other on `conn`.
async fn pair(
    conn: &mut MySqlConnection,
    (first, second): (&'static str, &'static str),
    db: &str,
) -> Result<(Vec<MySqlRow>, Vec<MySqlRow>)> {
    Ok((run(conn, first, db).await?, run(conn, second, db).await?))
}

/// The queries in three pairs, each led by one of the passes that open
/// every table in full: on three connections, those three run at once.
const PAIRS: [(&str, &str); 3] = [(KEYS, TABLES), (RULES, COLUMNS), (CHECKS, INDEXES)];

/// The answers of [`PAIRS`], in their order.
type Pairs = [(Vec<MySqlRow>, Vec<MySqlRow>); 3];

impl Rows {
    fn from_pairs([(keys, tables), (rules, columns), (checks, indexes)]: Pairs) -> Rows {
        Rows {
            tables,
            columns,
            rules,
            keys,
            checks,
            indexes,
        }
    }
}

/// Every query, one after another on `conn` (the scratch database's few
/// tables).
pub(super) async fn fetch_serial(conn: &mut MySqlConnection, db: &str) -> Result<Rows> {
    Ok(Rows::from_pairs([
        pair(conn, PAIRS[0], db).await?,
        pair(conn, PAIRS[1], db).await?,
        pair(conn, PAIRS[2], db).await?,
    ]))
}

/// Every query, on `conn` and two more connections made with the pool's
/// options (not taken from the pool, whose size the caller chose): the
/// three full-open passes at once, then the three others. When a
/// connection cannot be made, one after another on `conn`.
pub(super) async fn fetch_parallel(
    pool: &MySqlPool,
    conn: &mut MySqlConnection,
    db: &str,
) -> Result<Rows> {
    let options = pool.connect_options();
    let (b, c) = tokio::join!(options.connect(), options.connect());
    let (Ok(mut b), Ok(mut c)) = (b, c) else {
        return fetch_serial(conn, db).await;
    };
    let read = tokio::try_join!(
        pair(conn, PAIRS[0], db),
        pair(&mut b, PAIRS[1], db),
        pair(&mut c, PAIRS[2], db),
    );
    // Closed whatever the result (a failed close loses nothing).
    let _ = tokio::join!(b.close(), c.close());
    let (first, second, third) = read?;
    Ok(Rows::from_pairs([first, second, third]))
}
