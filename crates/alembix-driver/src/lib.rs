//! The connection layer of Alembix, shared by the runtime (`alembix`) and
//! the migration engine (`alembix-migrate`): database URLs, one [`Pool`]
//! type over the backends enabled in this build, dedicated
//! [`Connection`]s, [`Transaction`]s, and the one place that knows how to
//! run SQL on each backend.
//!
//! Each backend is a cargo feature (`postgres`, `mysql`, `sqlite`; all
//! three by default). A backend left out is not compiled: its sqlx driver
//! is not even a dependency, and a URL naming it is refused with an error
//! that names the missing feature.
//!
//! ```
//! use alembix_schema::Dialect::{Sqlite};
//! use alembix_driver::{Pool, PoolOptions, Values};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let pool = Pool::connect("sqlite::memory:", &PoolOptions::default()).await?;
//! assert_eq!(pool.dialect(), Sqlite);
//! pool.raw("CREATE TABLE t (x integer)").await?;
//! let done = pool.execute("INSERT INTO t (x) VALUES (?)".into(), Values(vec![7i64.into()])).await?;
//! assert_eq!(done.rows_affected, 1);
//! let rows = pool.fetch_all("SELECT x FROM t".into(), Values(Vec::new())).await?;
//! assert_eq!(rows.get_i64(0, 0)?, 7);
//! # Ok::<_, alembix_driver::Error>(()) }).unwrap();
//! ```
//!
//! Backend-specific code lives in `backend/{postgres,mysql,sqlite}.rs`;
//! everything else goes through the one dispatch over the pool,
//! connection, transaction and row enums.

#[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
compile_error!(
    "alembix-driver needs at least one backend: enable the `postgres`, `mysql` or `sqlite` feature"
);

/// Runs `$body` with `$inner` bound to the value inside whichever variant
/// of `$ty` (`Pool`, `Connection`, `Transaction`, `Rows`, `Row`) `$value`
/// is. The body is the same text for every backend and is type-checked per
/// backend: the one place that matches on the enabled backends.
macro_rules! dispatch {
    ($ty:ident, $value:expr, $inner:pat => $body:expr) => {
        match $value {
            #[cfg(feature = "postgres")]
            $ty::Postgres($inner) => $body,
            #[cfg(feature = "mysql")]
            $ty::MySql($inner) => $body,
            #[cfg(feature = "sqlite")]
            $ty::Sqlite($inner) => $body,
        }
    };
}

mod backend;
mod conn;
mod error;
mod lease;
mod lock;
mod pool;
mod pooler;
mod rows;
mod safety;
mod tx;
mod url;

pub use alembix_schema::Dialect;
pub use backend::{BackendSql, ReplicaSql, backend_sql};
pub use conn::Connection;
pub use error::Error;
pub use lease::{LEASE_TABLE, Lease, LeaseRow, LockKind};
pub use lock::{Holder, LockAttempt, LockHolder, MigrationLock};
pub use pool::{Pool, PoolOptions};
pub use pooler::statements_unprepared;
pub use rows::{Done, Row, RowDecoder, Rows};
pub use safety::{Blocker, FailureKind, TimeoutScope, Timeouts};
pub use sea_query::Values;
pub use tx::Transaction;
pub use url::{parse_url, redact, redact_in};
