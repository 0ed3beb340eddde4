//! The scale benchmark's database: one per size and backend, made empty,
//! emptied again between runs of `upgrade head`, and dropped.

use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection, SqliteConnection};

use alembix_schema::Dialect;

use super::Res;

/// A scratch database of one backend: its URL, made and dropped here.
pub struct Scratch {
    dialect: Dialect,
    pub url: String,
    admin_url: String,
    name: String,
    file: std::path::PathBuf,
}

impl Scratch {
    /// An empty database named after the process and `tag`; SQLite's
    /// file goes into `dir`.
    pub async fn create(backend: &str, tag: &str, dir: &std::path::Path) -> Res<Scratch> {
        let name = format!("alembix_scale_{}_{tag}", std::process::id());
        let file = dir.join(format!("scale_{tag}.db"));
        let s = match backend {
            "postgres" => {
                let server = std::env::var("ALEMBIX_TEST_POSTGRES")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
                Scratch {
                    dialect: Dialect::Postgres,
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
                    dialect: Dialect::MySql,
                    url: format!("{server}/{name}"),
                    admin_url: format!("{server}/mysql"),
                    name,
                    file,
                }
            }
            "sqlite" => Scratch {
                dialect: Dialect::Sqlite,
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
        match self.dialect {
            Dialect::Postgres => {
                let mut admin = PgConnection::connect(&self.admin_url).await?;
                let sql = format!("CREATE DATABASE \"{}\"", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Dialect::MySql => {
                let mut admin = MySqlConnection::connect(&self.admin_url).await?;
                let sql = format!("CREATE DATABASE `{}`", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Dialect::Sqlite => {
                // An empty file is an empty database; `autogen` wants one.
                std::fs::File::create(&self.file)?;
            }
        }
        Ok(())
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Empties the database (dropped and made again).
    pub async fn reset(&self) -> Res<()> {
        self.remove().await?;
        self.make().await
    }

    async fn remove(&self) -> Res<()> {
        match self.dialect {
            Dialect::Postgres => {
                let mut admin = PgConnection::connect(&self.admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Dialect::MySql => {
                let mut admin = MySqlConnection::connect(&self.admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS `{}`", self.name);
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await?;
            }
            Dialect::Sqlite => {
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
        match self.dialect {
            Dialect::Postgres => {
                let mut conn = PgConnection::connect(&self.url).await?;
                // In pieces: one batch of thousands of tables runs out of
                // lock slots (shared with every other session of the server).
                for chunk in ddl.chunks(100) {
                    let sql = chunk.join(";\n");
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                }
                conn.close().await?;
            }
            Dialect::MySql => {
                let mut conn = MySqlConnection::connect(&self.url).await?;
                for stmt in ddl {
                    let sql = stmt.clone();
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
                }
                conn.close().await?;
            }
            Dialect::Sqlite => {
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
        if self.dialect != Dialect::Sqlite {
            self.remove().await?;
        }
        Ok(())
    }
}
