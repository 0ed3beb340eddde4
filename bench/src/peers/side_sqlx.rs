//! The hand-written sqlx side: `FromRow` structs, bound parameters
//! (prepared and cached by sqlx), the fastest bulk insert of each backend.

use std::collections::HashMap;
use std::time::Instant;

use sqlx::mysql::MySqlPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{MySqlPool, PgPool, SqlitePool};

use crate::data::{Backend, Env};
use crate::{
    JOINS, LOOKUPS, NewRow, PARENTS, ROWS, Res, SINGLES, TXS, Timed, Workload, join_params,
    lookup_id, new_rows, tx_ids,
};

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub age: i32,
    pub score: f64,
    pub active: bool,
}

// Every column is decoded, as the ORMs decode whole models; not all are read.
#[allow(dead_code)]
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct PostRow {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub votes: i32,
}

/// A post with its user, as one row of the join.
#[allow(dead_code)]
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct JoinRow {
    #[sqlx(flatten)]
    pub post: PostRow,
    pub u_id: i64,
    pub u_name: String,
    pub u_email: String,
    pub u_age: i32,
    pub u_score: f64,
    pub u_active: bool,
}

/// The workloads every backend writes the same way; `insert_one`,
/// `bulk_insert` and `children` differ per backend and are defined beside.
macro_rules! workloads {
    ($db:ty) => {
        pub async fn run(pool: &sqlx::Pool<$db>, w: Workload) -> Res<Timed> {
            match w {
                Workload::Fetch => fetch(pool).await,
                Workload::Lookup => lookup(pool).await,
                Workload::Update => update_rows(pool).await,
                Workload::Bulk => bulk(pool).await,
                Workload::Insert => insert(pool).await,
                Workload::Eager => eager(pool).await,
                Workload::Join => join(pool).await,
                Workload::Tx => txs(pool).await,
            }
        }

        async fn fetch(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let start = Instant::now();
            let rows: Vec<UserRow> = sqlx::query_as(s::FETCH).fetch_all(pool).await?;
            Ok((start.elapsed(), rows.len() as u64))
        }

        async fn lookup(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let start = Instant::now();
            let mut sum = 0u64;
            for k in 0..LOOKUPS {
                let row: UserRow = sqlx::query_as(s::GET)
                    .bind(lookup_id(k))
                    .fetch_one(pool)
                    .await?;
                sum += row.age as u64;
            }
            Ok((start.elapsed(), sum))
        }

        async fn update_rows(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let mut rows: Vec<UserRow> = sqlx::query_as(s::FIRST)
                .bind(SINGLES as i64)
                .fetch_all(pool)
                .await?;
            let start = Instant::now();
            for r in &mut rows {
                r.score += 1.0;
                r.age = (r.age + 1) % 100;
                update(pool, r).await?;
            }
            Ok((start.elapsed(), rows.len() as u64))
        }

        async fn bulk(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let rows = new_rows(ROWS);
            let start = Instant::now();
            let n = bulk_insert(pool, &rows).await?;
            Ok((start.elapsed(), n))
        }

        async fn insert(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let rows = new_rows(SINGLES);
            let start = Instant::now();
            let mut n = 0;
            for r in &rows {
                n += u64::from(insert_one(pool, r).await? > 0);
            }
            Ok((start.elapsed(), n))
        }

        async fn eager(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let start = Instant::now();
            let users: Vec<UserRow> = sqlx::query_as(s::FIRST)
                .bind(PARENTS as i64)
                .fetch_all(pool)
                .await?;
            let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
            let mut by_user: HashMap<i64, Vec<PostRow>> = HashMap::new();
            for p in children(pool, &ids).await? {
                by_user.entry(p.user_id).or_default().push(p);
            }
            let loaded: Vec<(UserRow, Vec<PostRow>)> = users
                .into_iter()
                .map(|u| {
                    let posts = by_user.remove(&u.id).unwrap_or_default();
                    (u, posts)
                })
                .collect();
            let n: usize = loaded.iter().map(|(_, p)| p.len()).sum();
            Ok((start.elapsed(), n as u64))
        }

        async fn join(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let start = Instant::now();
            let mut sum = 0u64;
            for k in 0..JOINS {
                let (votes, offset) = join_params(k);
                let rows: Vec<JoinRow> = sqlx::query_as(s::JOIN)
                    .bind(votes)
                    .bind(true)
                    .bind(offset as i64)
                    .fetch_all(pool)
                    .await?;
                sum += rows
                    .iter()
                    .map(|r| (r.post.id + r.u_id) as u64)
                    .sum::<u64>();
            }
            Ok((start.elapsed(), sum))
        }

        async fn update<'c, E: sqlx::Executor<'c, Database = $db>>(e: E, r: &UserRow) -> Res<()> {
            sqlx::query(s::UPDATE)
                .bind(&r.name)
                .bind(&r.email)
                .bind(r.age)
                .bind(r.score)
                .bind(r.active)
                .bind(r.id)
                .execute(e)
                .await?;
            Ok(())
        }

        async fn get<'c, E: sqlx::Executor<'c, Database = $db>>(e: E, id: i64) -> Res<UserRow> {
            Ok(sqlx::query_as(s::GET).bind(id).fetch_one(e).await?)
        }

        async fn txs(pool: &sqlx::Pool<$db>) -> Res<Timed> {
            let rows = new_rows(2);
            let start = Instant::now();
            let mut n = 0u64;
            for k in 0..TXS {
                let [a, b, c] = tx_ids(k);
                let mut tx = pool.begin().await?;
                let mut ua = get(&mut *tx, a).await?;
                let mut ub = get(&mut *tx, b).await?;
                ua.score += 1.0;
                update(&mut *tx, &ua).await?;
                ub.score -= 1.0;
                update(&mut *tx, &ub).await?;
                let added = insert_one(&mut *tx, &rows[0]).await?;
                let posts: Vec<PostRow> = sqlx::query_as(s::POSTS_OF)
                    .bind(a)
                    .fetch_all(&mut *tx)
                    .await?;
                sqlx::query(s::VOTE).bind(a).execute(&mut *tx).await?;
                let uc = get(&mut *tx, c).await?;
                sqlx::query(s::DELETE).bind(added).execute(&mut *tx).await?;
                insert_one(&mut *tx, &rows[1]).await?;
                tx.commit().await?;
                n += (posts.len() + usize::from(uc.id == c)) as u64;
            }
            Ok((start.elapsed(), n))
        }
    };
}

mod pg {
    use super::*;
    use crate::sqlx_queries::{PG_CHILDREN, PG_UNNEST, pg as s};
    use sqlx::Postgres;

    workloads!(Postgres);

    async fn insert_one<'c, E: sqlx::Executor<'c, Database = Postgres>>(
        e: E,
        r: &NewRow,
    ) -> Res<i64> {
        Ok(sqlx::query_scalar(s::INSERT)
            .bind(&r.name)
            .bind(&r.email)
            .bind(r.age)
            .bind(r.score)
            .bind(r.active)
            .fetch_one(e)
            .await?)
    }

    async fn bulk_insert(pool: &PgPool, rows: &[NewRow]) -> Res<u64> {
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
        let ages: Vec<i32> = rows.iter().map(|r| r.age).collect();
        let scores: Vec<f64> = rows.iter().map(|r| r.score).collect();
        let active: Vec<bool> = rows.iter().map(|r| r.active).collect();
        let done = sqlx::query(PG_UNNEST)
            .bind(names)
            .bind(emails)
            .bind(ages)
            .bind(scores)
            .bind(active)
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn children(pool: &PgPool, ids: &[i64]) -> Res<Vec<PostRow>> {
        Ok(sqlx::query_as(PG_CHILDREN)
            .bind(ids)
            .fetch_all(pool)
            .await?)
    }
}

/// Multi-row `VALUES` and `IN (..)` lists, built with sqlx's `QueryBuilder`.
macro_rules! lists {
    ($db:ty, $rows_per_statement:expr) => {
        async fn bulk_insert(pool: &sqlx::Pool<$db>, rows: &[NewRow]) -> Res<u64> {
            let mut n = 0;
            for chunk in rows.chunks($rows_per_statement) {
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO p_inserts (name, email, age, score, active) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(&r.name)
                        .push_bind(&r.email)
                        .push_bind(r.age)
                        .push_bind(r.score)
                        .push_bind(r.active);
                });
                n += qb.build().execute(pool).await?.rows_affected();
            }
            Ok(n)
        }

        async fn children(pool: &sqlx::Pool<$db>, ids: &[i64]) -> Res<Vec<PostRow>> {
            let mut qb = sqlx::QueryBuilder::<$db>::new(
                "SELECT id, user_id, title, votes FROM p_posts WHERE user_id IN (",
            );
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            qb.push(")");
            Ok(qb.build_query_as().fetch_all(pool).await?)
        }
    };
}

mod my {
    use super::*;
    use crate::sqlx_queries::q as s;
    use sqlx::MySql;

    workloads!(MySql);
    lists!(MySql, ROWS);

    async fn insert_one<'c, E: sqlx::Executor<'c, Database = MySql>>(e: E, r: &NewRow) -> Res<i64> {
        let done = sqlx::query(s::INSERT)
            .bind(&r.name)
            .bind(&r.email)
            .bind(r.age)
            .bind(r.score)
            .bind(r.active)
            .execute(e)
            .await?;
        Ok(done.last_insert_id() as i64)
    }
}

mod lite {
    use super::*;
    use crate::sqlx_queries::q as s;
    use sqlx::Sqlite;

    workloads!(Sqlite);
    // SQLite takes at most 32,766 parameters a statement.
    lists!(Sqlite, 6_553);

    async fn insert_one<'c, E: sqlx::Executor<'c, Database = Sqlite>>(
        e: E,
        r: &NewRow,
    ) -> Res<i64> {
        let done = sqlx::query(s::INSERT)
            .bind(&r.name)
            .bind(&r.email)
            .bind(r.age)
            .bind(r.score)
            .bind(r.active)
            .execute(e)
            .await?;
        Ok(done.last_insert_rowid())
    }
}

pub enum Sqlx {
    Pg(PgPool),
    My(MySqlPool),
    Lite(SqlitePool),
}

impl Sqlx {
    pub async fn connect(env: &Env) -> Res<Sqlx> {
        let url = env.url.as_str();
        Ok(match env.backend {
            Backend::Postgres => {
                Sqlx::Pg(PgPoolOptions::new().max_connections(5).connect(url).await?)
            }
            Backend::MariaDb => Sqlx::My(
                MySqlPoolOptions::new()
                    .max_connections(5)
                    .connect(url)
                    .await?,
            ),
            Backend::Sqlite => Sqlx::Lite(
                SqlitePoolOptions::new()
                    .max_connections(5)
                    .connect(url)
                    .await?,
            ),
        })
    }

    pub async fn run(&self, w: Workload) -> Res<Timed> {
        match self {
            Sqlx::Pg(p) => pg::run(p, w).await,
            Sqlx::My(p) => my::run(p, w).await,
            Sqlx::Lite(p) => lite::run(p, w).await,
        }
    }

    pub async fn close(&self) {
        match self {
            Sqlx::Pg(p) => p.close().await,
            Sqlx::My(p) => p.close().await,
            Sqlx::Lite(p) => p.close().await,
        }
    }
}
