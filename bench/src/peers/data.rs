//! A fresh, uniquely named database per backend, its tables created and
//! seeded by Alembix (the same rows for every side), dropped at the end.

use alembix::{Db, Model};
use sqlx::{AssertSqlSafe, Connection};

use crate::side_alembix::{Post, User};
use crate::{PARENTS, ROWS, Res};

const PG: &str = "postgres://postgres@127.0.0.1:5432";
const MARIADB: &str = "mysql://root@127.0.0.1:3306";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Postgres,
    MariaDb,
    Sqlite,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::MariaDb => "MariaDB",
            Backend::Sqlite => "SQLite",
        }
    }
}

pub struct Env {
    pub backend: Backend,
    /// The URL every async side connects with.
    pub url: String,
    /// What Diesel connects with (a file path for SQLite).
    pub diesel_url: String,
    name: String,
    admin: Db,
    _dir: Option<tempfile::TempDir>,
}

impl Env {
    pub async fn setup(backend: Backend) -> Res<Env> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let name = format!("alembix_peers_{}_{nanos}", std::process::id());
        let (url, diesel_url, dir) = match backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&format!("{PG}/postgres")).await?;
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut c)
                    .await?;
                let url = format!("{PG}/{name}");
                (url.clone(), url, None)
            }
            Backend::MariaDb => {
                let mut c = sqlx::MySqlConnection::connect(MARIADB).await?;
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await?;
                let url = format!("{MARIADB}/{name}");
                (url.clone(), url, None)
            }
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("peers.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                (url, path.display().to_string(), Some(dir))
            }
        };
        let admin = Db::connect(&url).await?;
        let env = Env {
            backend,
            url,
            diesel_url,
            name,
            admin,
            _dir: dir,
        };
        if let Err(e) = env.seed().await {
            env.teardown().await?;
            return Err(e);
        }
        Ok(env)
    }

    /// 10,000 users; posts 1..=10,000 belong to the first 1,000 users, ten
    /// each.
    async fn seed(&self) -> Res<()> {
        let db = &self.admin;
        db.create_all(&[
            User::table(),
            Post::table(),
            crate::side_alembix::Insert::table(),
        ])
        .await?;
        let users: Vec<User> = (1..=ROWS as i64)
            .map(|i| User {
                id: i,
                name: format!("user {i}"),
                email: format!("user{i}@example.com"),
                age: 18 + (i % 60) as i32,
                score: i as f64 * 0.25,
                active: i % 3 != 0,
            })
            .collect();
        User::insert_many(db, &users).await?;
        let posts: Vec<Post> = (1..=ROWS as i64)
            .map(|i| Post {
                id: i,
                user_id: (i - 1) % PARENTS as i64 + 1,
                title: format!("post number {i}"),
                votes: (i % 100) as i32,
            })
            .collect();
        Post::insert_many(db, &posts).await?;
        match self.backend {
            Backend::MariaDb => db.execute_sql("ANALYZE TABLE p_users, p_posts").await?,
            _ => db.execute_sql("ANALYZE").await?,
        };
        Ok(())
    }

    /// Empties the table of the insert workloads (not timed).
    pub async fn clear_inserts(&self) -> Res<()> {
        let sql = match self.backend {
            Backend::Postgres => "TRUNCATE p_inserts RESTART IDENTITY",
            Backend::MariaDb => "TRUNCATE TABLE p_inserts",
            Backend::Sqlite => "DELETE FROM p_inserts",
        };
        self.admin.execute_sql(sql).await?;
        Ok(())
    }

    pub async fn teardown(self) -> Res<()> {
        self.admin.close().await;
        match self.backend {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&format!("{PG}/postgres")).await?;
                let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await?;
            }
            Backend::MariaDb => {
                let mut c = sqlx::MySqlConnection::connect(MARIADB).await?;
                let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
                sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await?;
            }
            Backend::Sqlite => {}
        }
        Ok(())
    }
}
