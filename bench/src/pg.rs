//! The hand-written sqlx side on PostgreSQL, in a fresh database.

use std::fmt::Write;

use alembix::Db;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Postgres, QueryBuilder};

use crate::{Res, Target, UserRow};

const COLUMNS: &str = "id, name, email, age, score, created_at";
const INSERT_COLUMNS: &str = "name, email, age, score, created_at";

pub struct Pg {
    pub admin: String,
    pub dbname: String,
    pool: PgPool,
    db: Db,
}

impl Pg {
    /// Creates a uniquely named database on the server at `server` and
    /// connects both sides to it.
    pub async fn setup(server: &str) -> Res<Pg> {
        let admin = format!("{server}/postgres");
        let dbname = format!(
            "alembix_bench_{}_{}",
            std::process::id(),
            Utc::now().timestamp()
        );
        let mut conn = PgConnection::connect(&admin).await?;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{dbname}\"")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let url = format!("{server}/{dbname}");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .connect(&url)
            .await?;
        let db = Db::connect(&url).await?;
        Ok(Pg {
            admin,
            dbname,
            pool,
            db,
        })
    }

    /// Multi-row `VALUES`, as many rows per statement as the 65,535
    /// parameters allow (what `insert_many` renders).
    async fn insert_values(&self, rows: &[UserRow]) -> Res<()> {
        for chunk in rows.chunks(65_535 / 5) {
            let mut qb: QueryBuilder<Postgres> =
                QueryBuilder::new(format!("INSERT INTO bench_users ({INSERT_COLUMNS}) "));
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(&r.name)
                    .push_bind(&r.email)
                    .push_bind(r.age)
                    .push_bind(r.score)
                    .push_bind(r.created_at);
            });
            qb.build().execute(&self.pool).await?;
        }
        Ok(())
    }

    /// One statement binding one array per column.
    async fn insert_unnest(&self, rows: &[UserRow]) -> Res<()> {
        let mut names = Vec::with_capacity(rows.len());
        let mut emails = Vec::with_capacity(rows.len());
        let mut ages = Vec::with_capacity(rows.len());
        let mut scores = Vec::with_capacity(rows.len());
        let mut created = Vec::with_capacity(rows.len());
        for r in rows {
            names.push(r.name.as_str());
            emails.push(r.email.as_str());
            ages.push(r.age);
            scores.push(r.score);
            created.push(r.created_at);
        }
        sqlx::query(
            "INSERT INTO bench_users (name, email, age, score, created_at) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::int4[], $4::float8[], $5::timestamptz[])",
        )
        .bind(names)
        .bind(emails)
        .bind(ages)
        .bind(scores)
        .bind(created)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// `COPY ... FROM STDIN` in the text format.
    async fn insert_copy(&self, rows: &[UserRow]) -> Res<()> {
        let mut buf = String::with_capacity(rows.len() * 80);
        for r in rows {
            copy_text(&mut buf, &r.name);
            buf.push('\t');
            copy_text(&mut buf, &r.email);
            write!(buf, "\t{}\t{}\t", r.age, r.score)?;
            copy_time(&mut buf, r.created_at)?;
            buf.push('\n');
        }
        let mut conn = self.pool.acquire().await?;
        let mut copy = conn
            .copy_in_raw(&format!(
                "COPY bench_users ({INSERT_COLUMNS}) FROM STDIN (FORMAT text)"
            ))
            .await?;
        copy.send(buf.as_bytes()).await?;
        copy.finish().await?;
        Ok(())
    }
}

fn copy_text(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

fn copy_time(buf: &mut String, t: DateTime<Utc>) -> std::fmt::Result {
    write!(buf, "{}", t.format("%Y-%m-%d %H:%M:%S%.6f+00"))
}

pub async fn drop_database(admin: &str, dbname: &str) -> Res<()> {
    let mut conn = PgConnection::connect(admin).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{dbname}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(())
}

impl Target for Pg {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn db(&self) -> &Db {
        &self.db
    }

    async fn truncate(&self) -> Res<()> {
        sqlx::query("TRUNCATE bench_users RESTART IDENTITY")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn settle(&self) -> Res<()> {
        sqlx::query("VACUUM ANALYZE bench_users")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn fetch_all(&self) -> Res<Vec<UserRow>> {
        Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM bench_users"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn get(&self, id: i64) -> Res<UserRow> {
        Ok(sqlx::query_as::<_, UserRow>(
            "SELECT id, name, email, age, score, created_at FROM bench_users WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn first_rows(&self, n: usize) -> Res<Vec<UserRow>> {
        Ok(sqlx::query_as::<_, UserRow>(
            "SELECT id, name, email, age, score, created_at FROM bench_users ORDER BY id LIMIT $1",
        )
        .bind(n as i64)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn bulk_insert(&self, rows: &[UserRow]) -> Res<()> {
        self.insert_unnest(rows).await
    }

    fn bulk_variants(&self) -> Vec<&'static str> {
        vec!["sqlx multi-row VALUES", "sqlx UNNEST", "sqlx COPY"]
    }

    async fn bulk_insert_variant(&self, variant: &str, rows: &[UserRow]) -> Res<()> {
        match variant {
            "sqlx multi-row VALUES" => self.insert_values(rows).await,
            "sqlx UNNEST" => self.insert_unnest(rows).await,
            "sqlx COPY" => self.insert_copy(rows).await,
            _ => unreachable!("unknown variant {variant}"),
        }
    }

    async fn insert_one(&self, r: &UserRow) -> Res<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "INSERT INTO bench_users (name, email, age, score, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
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
            "UPDATE bench_users SET name = $1, email = $2, age = $3, score = $4, created_at = $5 \
             WHERE id = $6",
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
