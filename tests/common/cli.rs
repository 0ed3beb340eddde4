//! Harness for end-to-end tests of the `alembix` binary: a project
//! directory with `alembix.toml`, revision files written by the test, the
//! binary run as a child process, and checks through the database's own
//! catalog.
//!
//! [`cli_tests!`] turns `async fn case(t: Cli)` into `case_postgres`,
//! `case_mariadb` and `case_sqlite`, each with a fresh database (the rules
//! of `tests/common/mod.rs`: skipped loudly when a server is down, failing
//! when `CI` is set).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use alembix::{Backend, Db};

/// The `alembix` binary, built once per test process.
pub fn alembix_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "alembix-cli", "--bin", "alembix"])
            .current_dir(root)
            .status()
            .expect("run cargo build for the alembix binary");
        assert!(status.success(), "cargo build -p alembix-cli failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let bin = target.join("debug").join("alembix");
        assert!(bin.exists(), "no binary at {}", bin.display());
        bin
    })
    .clone()
}

/// What a run of the binary printed.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics with both streams unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Output {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(self) -> Output {
        self.expect(0)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A project directory bound to one test database.
pub struct Cli {
    pub db: Db,
    pub url: String,
    pub dir: tempfile::TempDir,
}

/// A revision file's text in the contract format.
pub fn revision_text(id: &str, parents: &[&str], message: &str, up: &str, down: &str) -> String {
    format!(
        "-- revision: {id}\n-- down_revision: {}\n-- branch_labels:\n-- depends_on:\n-- message: {message}\n-- created: 2026-11-22T10:00:00Z\n\n-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\n{down}\n",
        parents.join(", ")
    )
}

/// `name` padded to a 12-digit id (names use hex letters and digits only).
pub fn rid(name: &str) -> String {
    format!("{name:0<12}")
}

impl Cli {
    pub fn new(db: Db, url: String) -> Cli {
        let dir = tempfile::TempDir::new().expect("a temporary directory");
        std::fs::create_dir_all(dir.path().join("migrations")).expect("migrations dir");
        std::fs::write(
            dir.path().join("alembix.toml"),
            format!("database_url = \"{url}\"\nmigrations = \"migrations\"\n"),
        )
        .expect("write alembix.toml");
        Cli { db, url, dir }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn migrations(&self) -> PathBuf {
        self.dir.path().join("migrations")
    }

    /// Writes `migrations/<file>`.
    pub fn write(&self, file: &str, text: &str) {
        std::fs::write(self.migrations().join(file), text).expect("write revision file");
    }

    /// Writes a revision `name` (see [`rid`]) with the given parents and sections.
    pub fn rev(&self, name: &str, parents: &[&str], up: &str, down: &str) {
        let parents: Vec<String> = parents.iter().map(|p| rid(p)).collect();
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        self.write(
            &format!("20261122_1000_{}_{name}.sql", rid(name)),
            &revision_text(&rid(name), &parents, &format!("make {name}"), up, down),
        );
    }

    /// Runs `alembix ARGS` in the project directory.
    pub fn run(&self, args: &[&str]) -> Output {
        run_at(self.path(), args, &[])
    }

    /// Runs `alembix ARGS` in the project directory with extra environment
    /// variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        run_at(self.path(), args, env)
    }

    /// Revision `name` creating table `t_<name>` (dropped by its downgrade).
    pub fn table_rev(&self, name: &str, parents: &[&str]) {
        self.rev(
            name,
            parents,
            &format!("CREATE TABLE t_{name} (id integer);"),
            &format!("DROP TABLE t_{name};"),
        );
    }

    /// Writes `src/models.rs` (the default `models` glob) with `text`.
    pub fn models(&self, text: &str) {
        std::fs::create_dir_all(self.path().join("src")).expect("create src");
        std::fs::write(self.path().join("src/models.rs"), text).expect("write models");
    }

    /// Appends lines to `alembix.toml`.
    pub fn append_config(&self, extra: &str) {
        let file = self.path().join("alembix.toml");
        let cfg = std::fs::read_to_string(&file).expect("read alembix.toml");
        std::fs::write(&file, format!("{cfg}{extra}")).expect("write alembix.toml");
    }

    /// Runs `alembix ARGS` in `n` processes at once; panics with `what` and
    /// the streams of any process that does not exit 0.
    pub fn run_concurrently(&self, n: usize, args: &[&str], what: &str) {
        let children: Vec<_> = (0..n).map(|_| self.spawn(args)).collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{what}: exit {:?}\n{}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// Starts `alembix ARGS` without waiting.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(alembix_bin())
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn alembix")
    }

    /// Single-column query results as text (cast in SQL where needed).
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        strings(&self.db, sql).await
    }

    /// The version table's rows, sorted.
    pub async fn versions(&self) -> Vec<String> {
        let t = self.backend().dialect().quote_ident("alembix_version");
        if !self.table_exists("alembix_version").await {
            return Vec::new();
        }
        let mut v = self.strings(&format!("SELECT version_num FROM {t}")).await;
        v.sort();
        v
    }

    pub async fn table_exists(&self, name: &str) -> bool {
        self.catalog_tables().await.contains(&name.to_string())
    }

    /// Tables of the database, sorted.
    pub async fn catalog_tables(&self) -> Vec<String> {
        let sql = match self.backend() {
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            }
            Backend::MySql => {
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            }
        };
        self.strings(sql).await
    }

    /// A normalised text snapshot of the schema (tables, columns, indexes,
    /// constraints) from catalog queries, for comparing states.
    pub async fn catalog(&self) -> String {
        let queries: &[&str] = match self.backend() {
            Backend::Postgres => &[
                // Every schema but the system ones (tables outside `public` too).
                "SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') FROM information_schema.columns WHERE table_schema NOT LIKE 'pg\\_%' AND table_schema <> 'information_schema' ORDER BY 1",
                "SELECT schemaname || '.' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname NOT LIKE 'pg\\_%' AND schemaname <> 'information_schema' ORDER BY 1",
                "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace::regnamespace::text NOT LIKE 'pg\\_%' AND connamespace::regnamespace::text <> 'information_schema' ORDER BY 1",
            ],
            Backend::MySql => &[
                "SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable, ' ', coalesce(column_default, '')) FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1",
                "SELECT CONCAT(table_name, ' ', index_name, ' ', seq_in_index, ' ', column_name, ' ', non_unique) FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY 1",
            ],
            // SQLite keeps the text of CREATE statements as written (ALTER
            // TABLE appends to it), so the structure comes from the pragmas
            // and the text is compared without whitespace.
            Backend::Sqlite => &[
                "SELECT m.type || ' ' || m.name || ' ' || replace(replace(replace(coalesce(m.sql, ''), ' ', ''), char(10), ''), char(9), '') FROM sqlite_master m WHERE m.name NOT LIKE 'sqlite_%' ORDER BY m.name",
                "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
                "SELECT m.name || ' ' || il.name || ' ' || il.\"unique\" || ' ' || il.origin FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1",
                "SELECT m.name || ' ' || f.\"table\" || ' ' || f.\"from\" || ' ' || coalesce(f.\"to\", '') || ' ' || f.on_delete || ' ' || f.on_update FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1",
            ],
        };
        let mut out = String::new();
        for q in queries {
            for line in self.strings(q).await {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// Runs an SQL script file with the database's own client.
    pub fn run_client(&self, script: &Path) -> std::process::Output {
        let file = std::fs::File::open(script).expect("open script");
        let mut cmd = match self.backend() {
            Backend::Postgres => {
                let mut c = Command::new("psql");
                c.args([self.url.as_str(), "-v", "ON_ERROR_STOP=1", "-q"]);
                c
            }
            Backend::MySql => {
                let u = parse_url(&self.url);
                let mut c = Command::new("mariadb");
                c.arg(format!("-h{}", u.host))
                    .arg(format!("-P{}", u.port))
                    .arg(format!("-u{}", u.user));
                if !u.password.is_empty() {
                    c.arg(format!("-p{}", u.password));
                }
                c.arg(&u.database);
                c
            }
            Backend::Sqlite => {
                let mut c = Command::new("sqlite3");
                c.args(["-bail", self.url.trim_start_matches("sqlite://")]);
                c
            }
        };
        cmd.stdin(file).output().expect("run the database client")
    }
}

struct Url {
    user: String,
    password: String,
    host: String,
    port: String,
    database: String,
}

fn parse_url(url: &str) -> Url {
    let rest = url.split("://").nth(1).unwrap_or_default();
    let (auth, hostpart) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (hostport, database) = hostpart.split_once('/').unwrap_or((hostpart, ""));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    Url {
        user: user.into(),
        password: password.into(),
        host: host.into(),
        port: port.into(),
        database: database.split('?').next().unwrap_or_default().into(),
    }
}

/// Single-column query results as text.
pub async fn strings(db: &Db, sql: &str) -> Vec<String> {
    use sqlx::AssertSqlSafe;
    let sql = sql.to_string();
    match db.backend() {
        Backend::Postgres => sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.clone()))
            .fetch_all(db.as_postgres().expect("pg"))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
        Backend::MySql => sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.clone()))
            .fetch_all(db.as_mysql().expect("mysql"))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
        Backend::Sqlite => sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.clone()))
            .fetch_all(db.as_sqlite().expect("sqlite"))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// Runs `alembix ARGS` in `dir` with extra environment variables, as a
/// user would on a terminal-less machine: no colours, no `DATABASE_URL` or
/// `VISUAL` from the test's own environment, stdin closed.
pub fn run_at(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(alembix_bin());
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("VISUAL")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run alembix");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `cli_tests!(a, b)`: for each `async fn a(t: Cli)`, the tests
/// `a_postgres`, `a_mariadb` and `a_sqlite` on fresh databases.
#[macro_export]
macro_rules! cli_tests {
    ($($case:ident),* $(,)?) => {
        $( ::paste::paste! {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _postgres>]() {
                $crate::common::run_with_url($crate::common::Kind::Postgres, Default::default(), |db, url| $case($crate::cli::Cli::new(db, url))).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _mariadb>]() {
                $crate::common::run_with_url($crate::common::Kind::MariaDb, Default::default(), |db, url| $case($crate::cli::Cli::new(db, url))).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn [<$case _sqlite>]() {
                $crate::common::run_with_url($crate::common::Kind::Sqlite, Default::default(), |db, url| $case($crate::cli::Cli::new(db, url))).await;
            }
        } )*
    };
}

/// `server_tests! { case: Postgres => case_postgres, MariaDb => case_mariadb; }`:
/// for each `async fn case(t: Cli)`, one test per backend named, for the
/// cases that run on some backends only.
#[macro_export]
macro_rules! server_tests {
    ($($case:ident: $($kind:ident => $name:ident),+;)*) => {
        $($(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                $crate::common::run_with_url($crate::common::Kind::$kind, Default::default(), |db, url| $case($crate::cli::Cli::new(db, url))).await;
            }
        )+)*
    };
}
