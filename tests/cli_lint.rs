//! End-to-end tests of `alembix lint`: it reads files only, so no database
//! is needed. Text and JSON output, the allow comment, `[lint] allow` in
//! `alembix.toml`, ranges, the dialect taken from the URL, and exit codes.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use cli::{Output, alembix_bin, revision_text, rid};

/// A project directory with `alembix.toml` (`extra` appended) and revisions.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(url: &str, extra: &str) -> Project {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir_all(dir.path().join("migrations")).unwrap();
        std::fs::write(
            dir.path().join("alembix.toml"),
            format!("database_url = \"{url}\"\nmigrations = \"migrations\"\n{extra}"),
        )
        .unwrap();
        Project { dir }
    }

    fn rev(&self, name: &str, parents: &[&str], up: &str) {
        let parents: Vec<String> = parents.iter().map(|p| rid(p)).collect();
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        let file = format!("20261122_1000_{}_{name}.sql", rid(name));
        let text = revision_text(&rid(name), &parents, name, up, "");
        std::fs::write(self.dir.path().join("migrations").join(file), text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        run_in(self.dir.path(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(alembix_bin())
        .arg("lint")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A database nobody listens on: lint must never connect.
const PG: &str = "postgres://nobody@127.0.0.1:1/none";

#[test]
fn text_output_and_exit_one_on_an_error_finding() {
    let p = Project::new(PG, "");
    p.rev("a", &[], "CREATE TABLE t (id bigint PRIMARY KEY);");
    p.rev("b", &["a"], "CREATE INDEX ix_t_id ON t (id);");
    let out = p.run(&[]).expect(1);
    let file = format!("migrations/20261122_1000_{}_b.sql:9: ", rid("b"));
    let first = out.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{file}error[non-concurrent-index]: index created or dropped without CONCURRENTLY on an existing table"
        )
    );
    assert!(out.stdout.lines().nth(1).unwrap().starts_with("    "));
}

#[test]
fn json_output_and_exit_zero_on_warnings_only() {
    let p = Project::new(PG, "");
    p.rev("a", &[], "DROP TABLE users;");
    let out = p.run(&["--format", "json"]).ok();
    let v = out.json();
    let f = &v.as_array().unwrap()[0];
    assert_eq!(f["rule"], "drop-table");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 9);
    assert_eq!(f["revision"], rid("a"));
    assert_eq!(f["statement"], "DROP TABLE users");
    assert_eq!(f["message"], "table dropped");
    assert!(f["file"].as_str().unwrap().ends_with("_a.sql"));
}

#[test]
fn allow_comment_accepts_a_statement() {
    let p = Project::new(PG, "");
    p.rev(
        "a",
        &[],
        "-- lint: allow non-concurrent-index\nCREATE INDEX ix ON users (email);",
    );
    let out = p.run(&[]).ok();
    assert_eq!(out.stdout, "");
}

#[test]
fn config_allow_list_accepts_a_rule_everywhere() {
    let p = Project::new(PG, "[lint]\nallow = [\"non-concurrent-index\"]\n");
    p.rev("a", &[], "CREATE INDEX ix ON users (email);");
    p.run(&[]).ok();
    let bad = Project::new(PG, "[lint]\nallow = [\"no-such-rule\"]\n");
    let out = bad.run(&[]).expect(2);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert!(out.stderr.contains("no-such-rule"), "{}", out.stderr);
}

#[test]
fn range_and_bad_range() {
    let p = Project::new(PG, "");
    p.rev("a", &[], "CREATE INDEX ix ON users (email);");
    p.rev("b", &["a"], "SELECT 1;");
    p.run(&[&format!("{}:{}", rid("a"), rid("b"))]).expect(1);
    p.run(&[&format!("{}:head", rid("b"))]).ok();
    p.run(&["ffff9999:head"]).expect(2);
}

#[test]
fn dialect_from_the_url_and_unparsable_statements() {
    let p = Project::new("mysql://root@127.0.0.1:1/none", "");
    p.rev(
        "a",
        &[],
        "CREATE INDEX ix ON users (email);\nNOT SQL AT ALL;",
    );
    let out = p.run(&[]).ok();
    assert!(
        !out.stdout.contains("non-concurrent-index"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("info[unparsed]: could not parse, not linted"),
        "{}",
        out.stdout
    );
}
