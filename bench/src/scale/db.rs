//! The scale benchmark's database: one per size and backend, made empty,
//! emptied again between runs of `upgrade head`, and dropped. What differs
//! between backends comes from the dialect's capabilities (the maintenance
//! database a server has, DDL in transactions, the statements per step).

use alembix::Db;
use alembix_schema::Dialect;

use super::Res;

/// The server each backend's scratch databases go on: the variable that
/// overrides it, and the default (the tests' servers).
const SERVERS: [(Dialect, &str, &str); 2] = [
    (
        Dialect::Postgres,
        "ALEMBIX_TEST_POSTGRES",
        "postgres://postgres@127.0.0.1:5432",
    ),
    (
        Dialect::MySql,
        "ALEMBIX_TEST_MARIADB",
        "mysql://root@127.0.0.1:3306",
    ),
];

/// A scratch database of one backend: its URL, made and dropped here.
pub struct Scratch {
    dialect: Dialect,
    pub url: String,
    /// The server's maintenance database; `None` for a file (SQLite).
    admin_url: Option<String>,
    name: String,
    file: std::path::PathBuf,
}

impl Scratch {
    /// An empty database named after the process and `tag`; SQLite's
    /// file goes into `dir`.
    pub async fn create(backend: &str, tag: &str, dir: &std::path::Path) -> Res<Scratch> {
        let dialect: Dialect = backend
            .parse()
            .map_err(|_| format!("unknown backend {backend}; use postgres, mysql or sqlite"))?;
        let name = format!("alembix_scale_{}_{tag}", std::process::id());
        let file = dir.join(format!("scale_{tag}.db"));
        let server = SERVERS
            .iter()
            .find(|(d, ..)| *d == dialect)
            .map(|(_, var, default)| std::env::var(var).unwrap_or_else(|_| default.to_string()));
        let (url, admin_url) = match (server, dialect.caps().maintenance_database) {
            (Some(server), Some(maintenance)) => (
                format!("{server}/{name}"),
                Some(format!("{server}/{maintenance}")),
            ),
            _ => (format!("sqlite://{}?mode=rwc", file.display()), None),
        };
        let s = Scratch {
            dialect,
            url,
            admin_url,
            name,
            file,
        };
        s.make().await?;
        Ok(s)
    }

    /// Runs `sql` on the server's maintenance database.
    async fn admin(&self, admin_url: &str, sql: &str) -> Res<()> {
        let admin = Db::connect(admin_url).await?;
        admin.pool().raw(sql).await?;
        admin.close().await;
        Ok(())
    }

    async fn make(&self) -> Res<()> {
        match &self.admin_url {
            Some(admin) => {
                let sql = format!("CREATE DATABASE {}", self.dialect.quote_ident(&self.name));
                self.admin(admin, &sql).await
            }
            // An empty file is an empty database; `autogen` wants one.
            None => Ok(std::fs::File::create(&self.file).map(drop)?),
        }
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
        match &self.admin_url {
            Some(admin) => {
                let q = self.dialect.quote_ident(&self.name);
                self.admin(admin, &format!("DROP DATABASE IF EXISTS {q}"))
                    .await
            }
            None => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut p = self.file.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
                Ok(())
            }
        }
    }

    /// Runs DDL statements directly, in batches of the dialect's statements
    /// per step (PostgreSQL's lock table holds a few hundred tables' locks
    /// per transaction), each a transaction where DDL is transactional:
    /// the schema when `upgrade head` could not make it.
    pub async fn seed(&self, ddl: &[String]) -> Res<()> {
        let caps = self.dialect.caps();
        let db = Db::connect(&self.url).await?;
        for chunk in ddl.chunks(caps.step_statements.unwrap_or(ddl.len()).max(1)) {
            let mut sql = chunk.join(";\n");
            if caps.transactional_ddl {
                sql = format!("BEGIN;\n{sql};\nCOMMIT");
            }
            db.pool().raw(&sql).await?;
        }
        db.close().await;
        Ok(())
    }

    /// Drops the database (SQLite's file goes with the temporary directory).
    pub async fn drop(self) -> Res<()> {
        if self.admin_url.is_some() {
            self.remove().await?;
        }
        Ok(())
    }
}
