//! The scale benchmark's database: one per size and backend, made empty,
//! emptied again between runs of `upgrade head`, and dropped.

use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection, SqliteConnection};

use super::Res;

/// A scratch database of one backend: its URL, made and dropped here.
pub struct Scratch {
    backend: Backend,
    pub url: String,
    admin_url: String,
    name: String,
    file: std::path::PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Postgres,
    MySql,
    Sqlite,
}

impl Scratch {
    /// An empty database for `n` tables; SQLite's file goes into `dir`.
    pub async fn create(backend: &str, n: usize, dir: &std::path::Path) -> Res<Scratch> {
        let name = format!("alembix_scale_{}_{n}", std::process::id());
        let file = dir.join("scale.db");
        let s = match backend {
            "postgres" => {
                let server = std::env::var("ALEMBIX_TEST_POSTGRES")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
                Scratch {
                    backend: Backend::Postgres,
                    url: format!("{server}/{name}"),
                    admin_url: format!("{server}/postgres"),
                    name,
                    file,
                }
            }
            "mysql" => {
                let server = std::env::var("ALEMBIX_TEST_MARIADB")
                    .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
                Scratch {
                    backend: Backend::MySql,
                    url: format!("{server}/{name}"),
                    admin_url: format!("{server}/mysql"),
                    name,
                    file,
                }
            }
            "sqlite" => Scratch {
                backend: Backend::Sqlite,
                url: format!("sqlite://{}?mode=rwc", file.display()),
                admin_url: String::new(),
                name,
                file,
            },
            other => {
                return Err(
                    format!("unknown backend {other}; use postgres, mysql or sqlite").into(),
                );
            }
        };
        s.make().await?;
        Ok(s)
    }

    async fn make(&self) -> Res<()> {
        match self.backend {
            Backend::Postgres => {
                let mut admin = PgConnection::connect(&self.admin_url).await?;
                let sql = format!("CREATE DATABASE \"{}\"", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Backend::MySql => {
                let mut admin = MySqlConnection::connect(&self.admin_url).await?;
                let sql = format!("CREATE DATABASE `{}`", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Backend::Sqlite => {
                // An empty file is an empty database; `autogen` wants one.
                std::fs::File::create(&self.file)?;
            }
        }
        Ok(())
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> alembix_schema::Dialect {
        match self.backend {
            Backend::Postgres => alembix_schema::Dialect::Postgres,
            Backend::MySql => alembix_schema::Dialect::MySql,
            Backend::Sqlite => alembix_schema::Dialect::Sqlite,
        }
    }

    /// Empties the database (dropped and made again).
    pub async fn reset(&self) -> Res<()> {
        self.remove().await?;
        self.make().await
    }

    async fn remove(&self) -> Res<()> {
        match self.backend {
            Backend::Postgres => {
                let mut admin = PgConnection::connect(&self.admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Backend::MySql => {
                let mut admin = MySqlConnection::connect(&self.admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut p = self.file.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
        }
        Ok(())
    }

    /// Runs DDL statements directly (in batches where the backend takes
    /// several at once): the schema when `upgrade head` could not make it.
    pub async fn seed(&self, ddl: &[String]) -> Res<()> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = PgConnection::connect(&self.url).await?;
                // In pieces: one batch of thousands of tables runs out of
                // lock slots (shared with every other session of the server).
                for chunk in ddl.chunks(100) {
                    let sql = chunk.join(";\n");
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                }
                conn.close().await?;
            }
            Backend::MySql => {
                let mut conn = MySqlConnection::connect(&self.url).await?;
                for stmt in ddl {
                    let sql = stmt.clone();
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                }
                conn.close().await?;
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::connect(&self.url).await?;
                let mut batch = vec!["BEGIN".to_string()];
                batch.extend(ddl.iter().cloned());
                batch.push("COMMIT".into());
                let sql = batch.join(";\n");
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                conn.close().await?;
            }
        }
        Ok(())
    }

    /// Drops the database (SQLite's file goes with the temporary directory).
    pub async fn drop(self) -> Res<()> {
        if self.backend != Backend::Sqlite {
            self.remove().await?;
        }
        Ok(())
    }
}
