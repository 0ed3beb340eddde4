//! The hand-written sqlx side: the SQL a competent sqlx user writes, rows
//! decoded as tuples and stitched with hash maps.

use std::collections::HashMap;

use sqlx::pool::PoolOptions;
use sqlx::{MySqlPool, PgPool, QueryBuilder, SqlitePool};

use crate::{JoinRow, Nested, PARENTS, Res};

pub enum Sqlx {
    Pg(PgPool),
    My(MySqlPool),
    Lite(SqlitePool),
}

type Wide = (
    i64,
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    i32,
    i64,
    String,
    bool,
);

const JOIN_SELECT: &str = "SELECT c.id, c.post_id, c.author_id, c.body, \
     p.id, p.author_id, p.title, p.votes, a.id, a.name, a.active \
     FROM comments c JOIN posts p ON p.id = c.post_id JOIN authors a ON a.id = p.author_id";

fn join_row(w: Wide) -> JoinRow {
    JoinRow {
        comment_id: w.0,
        body: w.3,
        post_title: w.6,
        author_name: w.9,
    }
}

/// The join's parameters for iteration `k`.
pub fn join_params(k: i32) -> (i32, u64) {
    (k % 50, (k as u64 % 10) * 20)
}

/// Pushes `col IN (?, ?, ...)` with every key bound.
macro_rules! in_list {
    ($qb:expr, $keys:expr) => {{
        let mut sep = $qb.separated(", ");
        for k in $keys {
            sep.push_bind(*k);
        }
        sep.push_unseparated(")");
    }};
}

macro_rules! nested_q {
    ($pool:expr, $db:ty) => {{
        let posts: Vec<(i64, i64, String, i32)> =
            sqlx::query_as("SELECT id, author_id, title, votes FROM posts ORDER BY id LIMIT ?")
                .bind(PARENTS as i64)
                .fetch_all($pool)
                .await?;
        let ids: Vec<i64> = posts.iter().map(|p| p.0).collect();
        let mut qb: QueryBuilder<$db> = QueryBuilder::new(
            "SELECT id, post_id, author_id, body FROM comments WHERE post_id IN (",
        );
        in_list!(qb, &ids);
        let comments: Vec<(i64, i64, i64, String)> = qb.build_query_as().fetch_all($pool).await?;
        let mut author_ids: Vec<i64> = comments.iter().map(|c| c.2).collect();
        author_ids.sort_unstable();
        author_ids.dedup();
        let mut qb: QueryBuilder<$db> =
            QueryBuilder::new("SELECT id, name, active FROM authors WHERE id IN (");
        in_list!(qb, &author_ids);
        let authors: Vec<(i64, String, bool)> = qb.build_query_as().fetch_all($pool).await?;
        stitch(posts, comments, authors)
    }};
}

impl Sqlx {
    /// The sqlx pool under `db`: both sides then run on the same
    /// connections, so the same server processes (whose speed differs by
    /// up to a fifth between two of them on this machine) serve both.
    pub fn sharing(db: &alembix::Db) -> Sqlx {
        if let Some(p) = db.as_postgres() {
            Sqlx::Pg(p.clone())
        } else if let Some(p) = db.as_mysql() {
            Sqlx::My(p.clone())
        } else {
            Sqlx::Lite(db.as_sqlite().expect("one of the three backends").clone())
        }
    }

    /// A pool of its own of at most `max` connections (sqlx's default, 10, when `None`).
    pub async fn connect(url: &str, max: Option<u32>) -> Res<Sqlx> {
        let max = max.unwrap_or(10);
        Ok(if url.starts_with("postgres") {
            Sqlx::Pg(PoolOptions::new().max_connections(max).connect(url).await?)
        } else if url.starts_with("mysql") {
            Sqlx::My(PoolOptions::new().max_connections(max).connect(url).await?)
        } else {
            Sqlx::Lite(PoolOptions::new().max_connections(max).connect(url).await?)
        })
    }

    pub async fn close(&self) {
        match self {
            Sqlx::Pg(p) => p.close().await,
            Sqlx::My(p) => p.close().await,
            Sqlx::Lite(p) => p.close().await,
        }
    }

    pub async fn join(&self, k: i32) -> Res<Vec<JoinRow>> {
        let (votes, offset) = join_params(k);
        let rows: Vec<Wide> = match self {
            Sqlx::Pg(p) => {
                let sql = format!(
                    "{JOIN_SELECT} WHERE p.votes >= $1 AND a.active = $2 ORDER BY c.id DESC LIMIT 20 OFFSET $3"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(votes)
                    .bind(true)
                    .bind(offset as i64)
                    .fetch_all(p)
                    .await?
            }
            Sqlx::My(p) => {
                let sql = format!(
                    "{JOIN_SELECT} WHERE p.votes >= ? AND a.active = ? ORDER BY c.id DESC LIMIT 20 OFFSET ?"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(votes)
                    .bind(true)
                    .bind(offset)
                    .fetch_all(p)
                    .await?
            }
            Sqlx::Lite(p) => {
                let sql = format!(
                    "{JOIN_SELECT} WHERE p.votes >= ? AND a.active = ? ORDER BY c.id DESC LIMIT 20 OFFSET ?"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(votes)
                    .bind(true)
                    .bind(offset as i64)
                    .fetch_all(p)
                    .await?
            }
        };
        Ok(rows.into_iter().map(join_row).collect())
    }

    pub async fn nested(&self) -> Res<Vec<Nested>> {
        Ok(match self {
            Sqlx::Pg(p) => {
                let posts: Vec<(i64, i64, String, i32)> = sqlx::query_as(
                    "SELECT id, author_id, title, votes FROM posts ORDER BY id LIMIT $1",
                )
                .bind(PARENTS as i64)
                .fetch_all(p)
                .await?;
                let ids: Vec<i64> = posts.iter().map(|p| p.0).collect();
                let comments: Vec<(i64, i64, i64, String)> = sqlx::query_as(
                    "SELECT id, post_id, author_id, body FROM comments WHERE post_id = ANY($1)",
                )
                .bind(&ids)
                .fetch_all(p)
                .await?;
                let mut author_ids: Vec<i64> = comments.iter().map(|c| c.2).collect();
                author_ids.sort_unstable();
                author_ids.dedup();
                let authors: Vec<(i64, String, bool)> =
                    sqlx::query_as("SELECT id, name, active FROM authors WHERE id = ANY($1)")
                        .bind(&author_ids)
                        .fetch_all(p)
                        .await?;
                stitch(posts, comments, authors)
            }
            Sqlx::My(p) => nested_q!(p, sqlx::MySql),
            Sqlx::Lite(p) => nested_q!(p, sqlx::Sqlite),
        })
    }
}

fn stitch(
    posts: Vec<(i64, i64, String, i32)>,
    comments: Vec<(i64, i64, i64, String)>,
    authors: Vec<(i64, String, bool)>,
) -> Vec<Nested> {
    let names: HashMap<i64, String> = authors.into_iter().map(|a| (a.0, a.1)).collect();
    let mut by_post: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for c in comments {
        by_post
            .entry(c.1)
            .or_default()
            .push((c.0, names.get(&c.2).cloned().unwrap_or_default()));
    }
    posts
        .into_iter()
        .map(|p| {
            let mut comments = by_post.remove(&p.0).unwrap_or_default();
            comments.sort_unstable_by_key(|c| c.0);
            Nested {
                post_id: p.0,
                comments,
            }
        })
        .collect()
}
