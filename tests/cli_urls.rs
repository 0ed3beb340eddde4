//! Database URLs through the `alembix` binary: a password never reaches
//! the output, wherever the URL carries it and whichever command fails to
//! connect; an empty SQLite path is an error.

#[path = "common/cli.rs"]
mod cli;

use std::path::Path;

const MARKER: &str = "Zq7S3cretMarker";

/// Every command that connects when a URL is configured.
const COMMANDS: &[&[&str]] = &[
    &["current"],
    &["upgrade", "head"],
    &["downgrade", "-1"],
    &["check"],
    &["diff"],
    &["autogen", "-m", "x"],
    &["stamp", "head"],
    &["history", "--indicate-current"],
];

/// Commands that read the files only: they answer with the server down.
const FILES_ONLY: &[&[&str]] = &[
    &["history"],
    &["history", "--verbose"],
    &["heads"],
    &["branches"],
    &["show", "aaaaaaaaaaaa"],
    &["lint"],
    &["upgrade", "head", "--sql"],
];

/// Unreachable servers and a database that does not exist, each with the
/// marker password in every position the URL can carry one.
fn urls() -> Vec<String> {
    let m = MARKER;
    vec![
        format!("postgres://alice:{m}@127.0.0.1:1/app"),
        format!("postgresql://alice@127.0.0.1:1/app?password={m}"),
        format!("postgres://alice@127.0.0.1:1/app?sslmode=disable&sslpassword={m}"),
        format!("postgres://alice:{m}@127.0.0.1:1/app?PassWord={m}&SSLPASSWORD={m}"),
        format!("postgres://postgres:{m}@127.0.0.1:5432/alembix_no_such_database?Password={m}"),
        format!("mysql://root:{m}@127.0.0.1:1/app"),
        format!("mysql://root@127.0.0.1:1/app?password={m}"),
        format!("mariadb://root:{m}@127.0.0.1:3306/alembix_no_such_database?sslpassword={m}"),
    ]
}

fn project(dir: &Path, url: &str) {
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("alembix.toml"),
        format!(
            "database_url = \"{url}\"\nmigrations = \"migrations\"\nconnect_timeout = \"1s\"\nlock_wait = \"1s\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/20261122_1000_aaaaaaaaaaaa_a.sql"),
        cli::revision_text("aaaaaaaaaaaa", &[], "a", "SELECT 1;", "SELECT 1;"),
    )
    .unwrap();
    std::fs::write(dir.join("src/models.rs"), "pub struct Nothing;\n").unwrap();
}

fn run(dir: &Path, args: &[&str], extra: &[&str]) -> cli::Output {
    cli::run_at(dir, &[extra, args].concat(), &[])
}

#[test]
fn passwords_never_printed() {
    cli::alembix_bin();
    let urls = urls();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let jobs: Vec<_> = urls
            .iter()
            .map(|url| {
                scope.spawn(move || {
                    let dir = tempfile::TempDir::new().unwrap();
                    project(dir.path(), url);
                    let mut bad = Vec::new();
                    for args in COMMANDS {
                        let out = run(dir.path(), args, &[]);
                        let leaked = out.stdout.contains(MARKER) || out.stderr.contains(MARKER);
                        let vague = out.stderr.contains("pool timed out");
                        if leaked || vague || out.code != 2 || !out.stderr.starts_with("error:") {
                            bad.push(format!(
                                "{url} {args:?}: exit {}\n--- stdout\n{}\n--- stderr\n{}",
                                out.code, out.stdout, out.stderr
                            ));
                        }
                    }
                    // The URL given on the command line too.
                    let flag = ["--database-url", url.as_str()];
                    let out = run(dir.path(), &["current"], &flag);
                    if out.stdout.contains(MARKER) || out.stderr.contains(MARKER) || out.code != 2 {
                        bad.push(format!("--database-url {url}: {}", out.stderr));
                    }
                    bad
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn empty_sqlite_path_is_an_error() {
    cli::alembix_bin();
    for url in ["sqlite:", "sqlite://"] {
        let dir = tempfile::TempDir::new().unwrap();
        project(dir.path(), url);
        for args in [&["current"][..], &["upgrade", "head"]] {
            let out = run(dir.path(), args, &[]);
            assert_eq!(out.code, 2, "{url} {args:?}: {}{}", out.stdout, out.stderr);
            assert!(
                out.stderr.contains("names no database file"),
                "{url}: {}",
                out.stderr
            );
        }
    }
}

/// Runs `alembix args` in `dir` with `DATABASE_URL` set to `env` (or unset).
fn run_env(dir: &Path, args: &[&str], env: Option<&str>) -> cli::Output {
    let env: Vec<(&str, &str)> = env.map(|url| ("DATABASE_URL", url)).into_iter().collect();
    cli::run_at(dir, args, &env)
}

/// `--database-url` beats `DATABASE_URL` from the environment, which beats
/// `.env`, which beats `database_url` in `alembix.toml` — a deploy that sets
/// the variable migrates the database it names. `current -v` says which
/// source gave the URL.
#[test]
fn url_precedence() {
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();
    let db = |name: &str| format!("sqlite://{}", d.join(name).display());
    project(d, &db("file.db"));
    let up = |env: Option<&str>, extra: &[&str]| {
        let args: Vec<&str> = extra.iter().copied().chain(["upgrade", "head"]).collect();
        run_env(d, &args, env).ok();
    };
    let applied = |name: &str| d.join(name).is_file();
    // The environment beats the file.
    up(Some(&db("env.db")), &[]);
    assert!(applied("env.db") && !applied("file.db"));
    let out = run_env(d, &["current", "-v"], Some(&db("env.db"))).ok();
    assert!(
        out.stdout.starts_with("Rev: aaaaaaaaaaaa"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!(
            "database: {} (from the DATABASE_URL environment variable)",
            db("env.db")
        )),
        "{}",
        out.stderr
    );
    // `.env` beats the file, and loses to the environment.
    std::fs::write(
        d.join(".env"),
        format!("DATABASE_URL={}\n", db("dotenv.db")),
    )
    .unwrap();
    up(None, &[]);
    assert!(applied("dotenv.db") && !applied("file.db"));
    let out = run_env(d, &["current", "-v"], None).ok();
    assert!(
        out.stderr.contains("(from DATABASE_URL in .env)"),
        "{}",
        out.stderr
    );
    let out = run_env(d, &["current", "-v"], Some(&db("env.db"))).ok();
    assert!(
        out.stderr.contains("env.db (from the DATABASE_URL"),
        "{}",
        out.stderr
    );
    // The flag beats them all.
    let flag = db("flag.db");
    up(Some(&db("env.db")), &["--database-url", &flag]);
    assert!(applied("flag.db"));
    let out = run_env(
        d,
        &["--database-url", &flag, "current", "-v"],
        Some(&db("env.db")),
    )
    .ok();
    assert!(
        out.stderr.contains("(from --database-url)"),
        "{}",
        out.stderr
    );
    // Without either, the file.
    std::fs::remove_file(d.join(".env")).unwrap();
    up(None, &[]);
    assert!(applied("file.db"));
    let out = run_env(d, &["current", "-v"], None).ok();
    assert!(
        out.stderr.contains("(from database_url in alembix.toml)"),
        "{}",
        out.stderr
    );
}

/// A password in the URL `-v` shows is redacted.
#[test]
fn verbose_url_is_redacted() {
    let dir = tempfile::TempDir::new().unwrap();
    let url = format!("postgres://alice:{MARKER}@127.0.0.1:1/app");
    project(dir.path(), &url);
    let out = run_env(dir.path(), &["current", "-v"], Some(&url));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("database: postgres://alice:"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(MARKER), "{}", out.stderr);
}

/// The files-only commands never connect: with the server down (a refused
/// port) they answer at once, exit 0.
#[test]
fn files_only_commands_never_connect() {
    let dir = tempfile::TempDir::new().unwrap();
    project(
        dir.path(),
        &format!("postgres://alice:{MARKER}@127.0.0.1:1/app"),
    );
    for args in FILES_ONLY {
        let t = std::time::Instant::now();
        let out = run(dir.path(), args, &[]);
        let took = t.elapsed();
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            took < std::time::Duration::from_secs(1),
            "{args:?} took {took:?}"
        );
        assert!(!out.stdout.contains(MARKER) && !out.stderr.contains(MARKER));
    }
    // A server that does not answer at all (a black-holed address) makes
    // no difference either.
    let dir = tempfile::TempDir::new().unwrap();
    project(dir.path(), "postgres://alice@192.0.2.1:5432/app");
    let t = std::time::Instant::now();
    run(dir.path(), &["history"], &[]).ok();
    assert!(t.elapsed() < std::time::Duration::from_secs(1));
}

/// A refused connection is reported as such at once (not after a pool's
/// timeout), on both servers' clients, with what to do.
#[test]
fn refused_connection_is_reported_at_once() {
    for url in [
        "postgres://app@127.0.0.1:1/app",
        "mysql://root@127.0.0.1:1/app",
    ] {
        let dir = tempfile::TempDir::new().unwrap();
        project(dir.path(), url);
        std::fs::write(
            dir.path().join("alembix.toml"),
            format!("database_url = \"{url}\"\nmigrations = \"migrations\"\n"),
        )
        .unwrap();
        let t = std::time::Instant::now();
        let out = run(dir.path(), &["current"], &[]);
        let took = t.elapsed();
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(took < std::time::Duration::from_secs(6), "{url}: {took:?}");
        assert!(!out.stderr.contains("pool timed out"), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("connection refused: no server listens at 127.0.0.1:1"),
            "{}",
            out.stderr
        );
    }
}

/// A SQLite URL whose file does not exist (a typo) is an error for every
/// command but `upgrade`, which creates it; nothing is created on the way.
#[test]
fn missing_sqlite_file_is_an_error() {
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();
    project(d, &format!("sqlite://{}", d.join("app.db").display()));
    for args in [
        &["current"][..],
        &["check"][..],
        &["diff"][..],
        &["stamp", "head"][..],
        &["downgrade", "base"][..],
        &["history", "-i"][..],
    ] {
        let out = run(d, args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("app.db does not exist; check the path"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!d.join("app.db").exists(), "{args:?} created the file");
    }
    run(d, &["upgrade", "head"], &[]).ok();
    assert!(d.join("app.db").is_file());
    run(d, &["current"], &[]).ok();
}
