//! The hand-written sqlx side on SQLite, in a temporary file in WAL mode.

use std::path::Path;
use std::time::Duration;

use alembix::Db;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite};

use crate::{Res, Target, UserRow};

const INSERT_COLUMNS: &str = "name, email, age, score, created_at";
/// SQLite's default bound-parameter limit (since 3.32) over 5 columns.
const MAX_ROWS_PER_STATEMENT: usize = 32_766 / 5;

pub struct Lite {
    pool: SqlitePool,
    db: Db,
}

impl Lite {
    pub async fn setup(path: &Path) -> Res<Lite> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(10)
            .connect_with(options)
            .await?;
        let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
        Ok(Lite { pool, db })
    }

    async fn insert_values<'c, E>(&self, ex: E, rows: &[UserRow], per_stmt: usize) -> Res<()>
    where
        E: sqlx::Executor<'c, Database = Sqlite> + Copy,
    {
        for chunk in rows.chunks(per_stmt) {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT INTO bench_users ({INSERT_COLUMNS}) "));
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(&r.name)
                    .push_bind(&r.email)
                    .push_bind(r.age)
                    .push_bind(r.score)
                    .push_bind(r.created_at);
            });
            qb.build().execute(ex).await?;
        }
        Ok(())
    }

    /// Multi-row `VALUES` batches inside one transaction.
    async fn insert_values_tx(&self, rows: &[UserRow], per_stmt: usize) -> Res<()> {
        let mut tx = self.pool.begin().await?;
        for chunk in rows.chunks(per_stmt) {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT INTO bench_users ({INSERT_COLUMNS}) "));
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(&r.name)
                    .push_bind(&r.email)
                    .push_bind(r.age)
                    .push_bind(r.score)
                    .push_bind(r.created_at);
            });
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One prepared single-row `INSERT` per row, inside one transaction.
    async fn insert_rows_tx(&self, rows: &[UserRow]) -> Res<()> {
        let mut tx = self.pool.begin().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO bench_users (name, email, age, score, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&r.name)
            .bind(&r.email)
            .bind(r.age)
            .bind(r.score)
            .bind(r.created_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Target for Lite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn db(&self) -> &Db {
        &self.db
    }

    async fn truncate(&self) -> Res<()> {
        sqlx::query("DELETE FROM bench_users")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn settle(&self) -> Res<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn fetch_all(&self) -> Res<Vec<UserRow>> {
        Ok(sqlx::query_as::<_, UserRow>(
            "SELECT id, name, email, age, score, created_at FROM bench_users",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn get(&self, id: i64) -> Res<UserRow> {
        Ok(sqlx::query_as::<_, UserRow>(
            "SELECT id, name, email, age, score, created_at FROM bench_users WHERE id = ?",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn first_rows(&self, n: usize) -> Res<Vec<UserRow>> {
        Ok(sqlx::query_as::<_, UserRow>(
            "SELECT id, name, email, age, score, created_at FROM bench_users ORDER BY id LIMIT ?",
        )
        .bind(n as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn bulk_insert(&self, rows: &[UserRow]) -> Res<()> {
        self.insert_values(&self.pool, rows, MAX_ROWS_PER_STATEMENT)
            .await
    }

    fn bulk_variants(&self) -> Vec<&'static str> {
        vec![
            "sqlx multi-row VALUES, 6553 rows/statement",
            "sqlx multi-row VALUES, 500 rows/statement",
            "sqlx multi-row VALUES, 6553 rows/statement, in a transaction",
            "sqlx prepared one-row INSERTs in a transaction",
        ]
    }

    async fn bulk_insert_variant(&self, variant: &str, rows: &[UserRow]) -> Res<()> {
        match variant {
            "sqlx multi-row VALUES, 6553 rows/statement" => {
                self.insert_values(&self.pool, rows, MAX_ROWS_PER_STATEMENT)
                    .await
            }
            "sqlx multi-row VALUES, 500 rows/statement" => {
                self.insert_values(&self.pool, rows, 500).await
            }
            "sqlx multi-row VALUES, 6553 rows/statement, in a transaction" => {
                self.insert_values_tx(rows, MAX_ROWS_PER_STATEMENT).await
            }
            "sqlx prepared one-row INSERTs in a transaction" => self.insert_rows_tx(rows).await,
            _ => unreachable!("unknown variant {variant}"),
        }
    }

    async fn insert_one(&self, r: &UserRow) -> Res<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "INSERT INTO bench_users (name, email, age, score, created_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&r.name)
        .bind(&r.email)
        .bind(r.age)
        .bind(r.score)
        .bind(r.created_at)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn update(&self, r: &UserRow) -> Res<()> {
        sqlx::query(
            "UPDATE bench_users SET name = ?, email = ?, age = ?, score = ?, created_at = ? \
             WHERE id = ?",
        )
        .bind(&r.name)
        .bind(&r.email)
        .bind(r.age)
        .bind(r.score)
        .bind(r.created_at)
        .bind(r.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn count(&self) -> Res<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM bench_users")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn close(self) -> Res<()> {
        self.pool.close().await;
        self.db.close().await;
        Ok(())
    }
}
