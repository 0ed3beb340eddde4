//! A fresh database per backend with the blog tables, seeded the same way
//! for both sides, and dropped at the end.

use alembix::{Db, Model};
use sqlx::{AssertSqlSafe, Connection};

use crate::side_alembix::{Author, Comment, Post};
use crate::{Backend, Res};

pub const AUTHORS: i64 = 1_000;
pub const POSTS: i64 = 5_000;
pub const COMMENTS: i64 = 50_000;

pub struct Env {
    backend: Backend,
    pub url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

const PG: &str = "postgres://postgres@127.0.0.1:5432";
const MARIADB: &str = "mysql://root@127.0.0.1:3306";

impl Env {
    pub async fn setup(backend: Backend) -> Res<Env> {
        let name = format!("alembix_bench_q_{}", std::process::id());
        let (url, dir) = match backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&format!("{PG}/postgres")).await?;
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut c)
                    .await?;
                (format!("{PG}/{name}"), None)
            }
            Backend::MariaDb => {
                let mut c = sqlx::MySqlConnection::connect(MARIADB).await?;
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await?;
                (format!("{MARIADB}/{name}"), None)
            }
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("q.db");
                (format!("sqlite://{}?mode=rwc", path.display()), Some(dir))
            }
        };
        let env = Env {
            backend,
            url,
            name,
            _dir: dir,
        };
        env.seed().await?;
        Ok(env)
    }

    async fn seed(&self) -> Res<()> {
        let db = Db::connect(&self.url).await?;
        db.create_all(&[
            &Author::meta().table,
            &Post::meta().table,
            &Comment::meta().table,
        ])
        .await?;
        let authors: Vec<Author> = (1..=AUTHORS)
            .map(|i| Author {
                id: i,
                name: format!("author {i}"),
                active: i % 3 != 0,
            })
            .collect();
        Author::insert_many(&db, &authors).await?;
        let posts: Vec<Post> = (1..=POSTS)
            .map(|i| Post {
                id: i,
                author_id: i % AUTHORS + 1,
                title: format!("post number {i}"),
                votes: (i % 100) as i32,
            })
            .collect();
        Post::insert_many(&db, &posts).await?;
        let comments: Vec<Comment> = (1..=COMMENTS)
            .map(|i| Comment {
                id: i,
                post_id: i % POSTS + 1,
                author_id: (i * 7) % AUTHORS + 1,
                body: format!("comment {i} says something about the post"),
            })
            .collect();
        Comment::insert_many(&db, &comments).await?;
        match self.backend {
            Backend::Postgres => db.execute_sql("ANALYZE").await?,
            Backend::MariaDb => {
                db.execute_sql("ANALYZE TABLE authors, posts, comments")
                    .await?
            }
            Backend::Sqlite => db.execute_sql("ANALYZE").await?,
        };
        db.close().await;
        Ok(())
    }

    pub async fn teardown(self) -> Res<()> {
        match self.backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&format!("{PG}/postgres")).await?;
                sqlx::query(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                )))
                .execute(&mut c)
                .await?;
            }
            Backend::MariaDb => {
                let mut c = sqlx::MySqlConnection::connect(MARIADB).await?;
                sqlx::query(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS `{}`",
                    self.name
                )))
                .execute(&mut c)
                .await?;
            }
            Backend::Sqlite => {}
        }
        Ok(())
    }
}
