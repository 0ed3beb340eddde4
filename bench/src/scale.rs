//! Scale of `alembix check`: generated schemas of N tables (10 columns, 2
//! indexes and 1–2 foreign keys each), created from generated model files,
//! then `alembix check` timed as users run it, on PostgreSQL (default),
//! MariaDB/MySQL or SQLite.
//!
//! ```text
//! cargo build --release -p alembix-cli
//! cargo run --release -p alembix-bench --bin scale -- --tables 100,1000,5000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend mysql --tables 100,1000 --runs 5
//! cargo run --release -p alembix-bench --bin scale -- --backend sqlite --tables 100,1000,5000 --runs 5
//! ```
//!
//! `--generate` times `alembix models generate -o models.rs` (introspection,
//! code generation, formatting) on the same schemas instead of `check`:
//!
//! ```text
//! cargo run --release -p alembix-bench --bin scale -- --generate --tables 1000 --runs 5
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use alembix_schema::{Dialect, create_schema};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, PgConnection, SqliteConnection};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The model file for `n` tables.
fn models(n: usize) -> String {
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A scratch database of one backend: its URL, made and dropped here.
struct Scratch {
    dialect: Dialect,
    url: String,
    admin_url: String,
    name: String,
}

impl Scratch {
    async fn create(backend: &str, n: usize, dir: &std::path::Path) -> Res<Scratch> {
        let name = format!("alembix_scale_{}_{n}", std::process::id());
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
            "sqlite" => Scratch {
                dialect: Dialect::Sqlite,
                url: format!("sqlite://{}?mode=rwc", dir.join("scale.db").display()),
                admin_url: String::new(),
                name,
            },
            other => {
                return Err(
                    format!("unknown backend {other}; use postgres, mysql or sqlite").into(),
                );
            }
        };
        Ok(s)
    }

    /// Runs the statements (in batches where the backend takes several at once).
    async fn run(&self, ddl: &[String]) -> Res<()> {
        match self.dialect {
            Dialect::Postgres => {
                let mut conn = PgConnection::connect(&self.url).await?;
                // In pieces: one batch of 5,000 tables runs out of lock slots.
                for chunk in ddl.chunks(500) {
                    sqlx::raw_sql(AssertSqlSafe(chunk.join(";\n")))
                        .execute(&mut conn)
                        .await?;
                }
                conn.close().await?;
            }
            Dialect::MySql => {
                let mut conn = MySqlConnection::connect(&self.url).await?;
                for stmt in ddl {
                    sqlx::raw_sql(AssertSqlSafe(stmt.clone()))
                        .execute(&mut conn)
                        .await?;
                }
                conn.close().await?;
            }
            Dialect::Sqlite => {
                let mut conn = SqliteConnection::connect(&self.url).await?;
                let mut batch = vec!["BEGIN".to_string()];
                batch.extend(ddl.iter().cloned());
                batch.push("COMMIT".into());
                sqlx::raw_sql(AssertSqlSafe(batch.join(";\n")))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
            }
        }
        Ok(())
    }

    async fn drop(self) -> Res<()> {
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

#[tokio::main]
async fn main() -> Res<()> {
    let mut sizes = vec![100usize, 1000, 5000];
    let mut runs = 5usize;
    let mut backend = "postgres".to_string();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let generate = args.iter().any(|a| a == "--generate");
    args.retain(|a| a != "--generate");
    let command: &[&str] = if generate {
        &["models", "generate", "-o", "generated.rs"]
    } else {
        &["check"]
    };
    let what = command[..command.len().min(2)].join(" ");
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        match args[i].as_str() {
            "--tables" => {
                sizes = value
                    .split(',')
                    .map(|x| x.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => runs = value.parse()?,
            "--backend" => backend = value.clone(),
            other => {
                return Err(format!(
                    "unknown argument {other}; use --backend postgres|mysql|sqlite --tables 100,1000 --runs 5 [--generate]"
                )
                .into());
            }
        }
        i += 2;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target.join("release/alembix");
    if !bin.exists() {
        return Err("build the CLI first: cargo build --release -p alembix-cli".into());
    }
    println!("`alembix {what}` on {backend}");
    println!();
    println!("| tables | alembix {what} (median of {runs}) | per table |");
    println!("| ---: | ---: | ---: |");
    for n in sizes {
        let dir = tempfile::tempdir()?;
        let scratch = Scratch::create(&backend, n, dir.path()).await?;
        let result = async {
            std::fs::create_dir_all(dir.path().join("src"))?;
            std::fs::create_dir_all(dir.path().join("migrations"))?;
            std::fs::write(dir.path().join("src/models.rs"), models(n))?;
            std::fs::write(
                dir.path().join("alembix.toml"),
                format!("database_url = \"{}\"\n", scratch.url),
            )?;
            // The database holds exactly the models' schema.
            let schema = alembix_autogen::scan::scan(dir.path(), &["src/**/*.rs".into()])?;
            scratch
                .run(&create_schema(&schema, scratch.dialect)?)
                .await?;
            let mut times = Vec::new();
            for _ in 0..runs + 1 {
                let start = Instant::now();
                let out = Command::new(&bin)
                    .args(command)
                    .current_dir(dir.path())
                    .output()?;
                let took = start.elapsed();
                if !out.status.success() {
                    return Err(format!(
                        "alembix {what} failed ({:?}):\n{}{}",
                        out.status.code(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                    .into());
                }
                times.push(took);
            }
            times.remove(0); // warm-up
            Ok::<_, Box<dyn std::error::Error>>(median(times))
        }
        .await;
        if std::env::var_os("ALEMBIX_SCALE_KEEP").is_some() {
            // For a look at the database afterwards.
            eprintln!("kept: {} ({})", scratch.url, dir.keep().display());
        } else {
            scratch.drop().await?;
        }
        let t = result?;
        println!(
            "| {n} | {:.0} ms | {:.2} ms |",
            t.as_secs_f64() * 1000.0,
            t.as_secs_f64() * 1000.0 / n as f64
        );
    }
    Ok(())
}
