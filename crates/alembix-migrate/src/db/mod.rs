//! Database access for the engine: connections per backend, the migration
//! lock, the version and log tables, and running a step.

use alembix_schema::Dialect;

use crate::error::Result;

mod mysql;
mod postgres;
mod sqlite;

/// A database the engine migrates: a pool of one backend.
#[derive(Debug, Clone)]
pub struct Database {
    // helper: pool enum
}

impl Database {
    /// Connects from a URL: `postgres://`, `mysql://`/`mariadb://`,
    /// `sqlite://PATH` (created when missing) or `sqlite::memory:`.
    pub async fn connect(url: &str) -> Result<Database> {
        let _ = url;
        todo!()
    }

    /// Uses an existing PostgreSQL pool (the runtime's `Db`).
    pub fn from_postgres(pool: sqlx::PgPool) -> Database {
        let _ = pool;
        todo!()
    }

    /// Uses an existing MySQL/MariaDB pool.
    pub fn from_mysql(pool: sqlx::MySqlPool) -> Database {
        let _ = pool;
        todo!()
    }

    /// Uses an existing SQLite pool.
    pub fn from_sqlite(pool: sqlx::SqlitePool) -> Database {
        let _ = pool;
        todo!()
    }

    /// The SQL dialect of the backend.
    pub fn dialect(&self) -> Dialect {
        todo!()
    }
}
