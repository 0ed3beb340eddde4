//! The generated schema of the scale benchmarks and the scratch databases
//! that hold it: N tables of 10 columns, 2 indexes and 1–2 foreign keys
//! each (shared by the `scale` and `upgrade` binaries).

use std::time::Duration;

use alembix_schema::Dialect;
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection};

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The model file for `n` tables.
pub fn models(n: usize) -> String {
    let mut s = String::from("use alembix::Model;\n");
    for i in 0..n {
        let mut fk = String::new();
        if i > 0 {
            fk.push_str(&format!(
                "    #[column(references = \"t{:05}.id\", on_delete = \"cascade\")]\n    pub parent_id: i64,\n",
                i - 1
            ));
        } else {
            fk.push_str("    pub parent_id: i64,\n");
        }
        if i > 1 && i % 2 == 0 {
            fk.push_str(&format!(
                "    #[column(references = \"t{:05}.id\")]\n    pub other_id: Option<i64>,\n",
                i - 2
            ));
        } else {
            fk.push_str("    pub other_id: Option<i64>,\n");
        }
        s.push_str(&format!(
            r#"
#[derive(Model)]
#[model(table = "t{i:05}", index(columns = "name"), index(columns = "score, created_at"))]
pub struct T{i:05} {{
    pub id: i64,
{fk}    #[column(max_length = 80)]
    pub name: String,
    #[column(default = "0")]
    pub score: i32,
    pub active: bool,
    pub ratio: f64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    #[column(version)]
    pub version: i32,
}}
"#
        ));
    }
    s
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A scratch database of one backend: its URL, made and dropped here.
pub struct Scratch {
    pub dialect: Dialect,
    pub url: String,
    admin_url: String,
    name: String,
}

impl Scratch {
    /// A new empty database named after the process and `tag` (a file in
    /// `dir` for SQLite).
    pub async fn create(backend: &str, tag: &str, dir: &std::path::Path) -> Res<Scratch> {
        let name = format!("alembix_scale_{}_{tag}", std::process::id());
        let s = match backend {
            "postgres" => {
                let server = std::env::var("ALEMBIX_TEST_POSTGRES")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
                let admin_url = format!("{server}/postgres");
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await?;
                Scratch {
                    dialect: Dialect::Postgres,
                    url: format!("{server}/{name}"),
                    admin_url,
                    name,
                }
            }
            "mysql" => {
                let server = std::env::var("ALEMBIX_TEST_MARIADB")
                    .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
                let admin_url = format!("{server}/mysql");
                let mut admin = MySqlConnection::connect(&admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut admin)
                    .await?;
                Scratch {
                    dialect: Dialect::MySql,
                    url: format!("{server}/{name}"),
                    admin_url,
                    name,
                }
            }
            "sqlite" => {
                // An empty file is an empty database.
                let path = dir.join(format!("scale_{tag}.db"));
                std::fs::File::create(&path)?;
                Scratch {
                    dialect: Dialect::Sqlite,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    admin_url: String::new(),
                    name,
                }
            }
            other => {
                return Err(
                    format!("unknown backend {other}; use postgres, mysql or sqlite").into(),
                );
            }
        };
        Ok(s)
    }

    pub async fn drop(self) -> Res<()> {
        match self.dialect {
            Dialect::Postgres => {
                let mut admin = PgConnection::connect(&self.admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                )))
                .execute(&mut admin)
                .await?;
            }
            Dialect::MySql => {
                let mut admin = MySqlConnection::connect(&self.admin_url).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS `{}`",
                    self.name
                )))
                .execute(&mut admin)
                .await?;
            }
            Dialect::Sqlite => {} // in the temporary directory
        }
        Ok(())
    }
}
