//! Alembic's vocabulary through the `alembix` binary, on PostgreSQL,
//! MariaDB and SQLite: `edit`, `ensure-version`, `current --check-heads`,
//! `heads --resolve-dependencies`, `merge --branch-label`, `database
//! create|drop`, `help targets`, and help text on every argument.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::process::Command;

use alembix::Backend;
use cli::{Cli, Output, alembix_bin, rid, run_at};

/// `edit` opens the revision's file in `$EDITOR` and waits for it.
async fn edit_opens_the_file(t: Cli) {
    t.table_rev("a", &[]);
    let editor = t.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\necho '-- edited' >> \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let editor = editor.display().to_string();
    t.run_env(&["edit", &rid("a")[..6]], &[("EDITOR", &editor)])
        .ok();
    let file = t
        .migrations()
        .join(format!("20261122_1000_{}_a.sql", rid("a")));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .ends_with("-- edited\n")
    );
    // A failing editor and an unknown revision are errors.
    let out = t.run_env(&["edit", "head"], &[("EDITOR", "false")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the editor `false` exited"),
        "{}",
        out.stderr
    );
    let out = t.run_env(&["edit", "ffff"], &[("EDITOR", &editor)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// `ensure-version` creates the version and log tables, once; `--sql`
/// prints them.
async fn ensure_version_creates_the_tables(t: Cli) {
    assert!(!t.table_exists("alembix_version").await);
    let out = t.run(&["ensure-version"]).ok();
    assert!(
        out.stdout
            .starts_with("Created the version table alembix_version"),
        "{}",
        out.stdout
    );
    assert!(t.table_exists("alembix_version").await);
    assert!(t.table_exists("alembix_log").await);
    let out = t.run(&["ensure_version"]).ok();
    assert_eq!(out.stdout, "The version table alembix_version exists\n");
    let out = t.run(&["ensure-version", "--sql"]).ok();
    assert!(
        out.stdout.contains("CREATE TABLE IF NOT EXISTS"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("alembix_version"), "{}", out.stdout);
    assert!(t.versions().await.is_empty());
}

/// `current --check-heads` exits 1 naming the heads not applied, 0 at them.
async fn current_check_heads(t: Cli) {
    t.table_rev("a", &[]);
    t.table_rev("b", &["a"]);
    t.run(&["upgrade", "+1"]).ok();
    let out = t.run(&["current", "--check-heads"]).expect(1);
    assert!(out.stdout.starts_with(&rid("a")), "{}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("not applied: {} (make b)", rid("b"))),
        "{}",
        out.stderr
    );
    t.run(&["upgrade", "head"]).ok();
    t.run(&["current", "--check-heads"]).ok();
}

/// `heads --resolve-dependencies` leaves out a head another revision
/// depends on; `merge --branch-label` labels the merge revision.
async fn heads_and_merge_options(t: Cli) {
    t.table_rev("a", &[]);
    t.table_rev("b", &["a"]);
    t.write(
        &format!("20261122_1000_{}_c.sql", rid("c")),
        &format!(
            "-- revision: {}\n-- down_revision: {}\n-- branch_labels:\n-- depends_on: {}\n-- message: make c\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n",
            rid("c"),
            rid("a"),
            rid("b")
        ),
    );
    let ids = |out: Output| -> Vec<String> {
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["revision"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids(t.run(&["heads", "--format", "json"]).ok());
    assert_eq!(all, [rid("b"), rid("c")]);
    let resolved = ids(t
        .run(&["heads", "--resolve-dependencies", "--format", "json"])
        .ok());
    assert_eq!(resolved, [rid("c")]);
    let out = t
        .run(&["merge", "-m", "join", "--branch-label", "release", "heads"])
        .ok();
    assert!(out.stdout.contains("merges"), "{}", out.stdout);
    let json = t.run(&["show", "release", "--format", "json"]).ok().json();
    assert_eq!(json["branch_labels"][0], "release");
    assert_eq!(json["down_revision"].as_array().unwrap().len(), 2);
    // A label already taken is refused; nothing is written.
    let before = std::fs::read_dir(t.migrations()).unwrap().count();
    let out = t.run(&["merge", "-m", "again", "--branch-label", "release", "heads"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(std::fs::read_dir(t.migrations()).unwrap().count(), before);
}

/// `database create` and `database drop` act on the database the URL
/// names; drop wants `-y` without a terminal.
async fn database_create_and_drop(t: Cli) {
    let name = common::unique_name();
    let url = match t.backend() {
        Backend::Sqlite => format!("sqlite://{}", t.path().join(format!("{name}.db")).display()),
        _ => format!("{}/{name}", t.url.rsplit_once('/').unwrap().0),
    };
    let with = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        t.run(&all)
    };
    let out = with(&["database", "create"]).ok();
    assert!(out.stdout.starts_with("Created database"), "{}", out.stdout);
    let out = with(&["database", "create"]).ok();
    assert!(out.stdout.contains("already exists"), "{}", out.stdout);
    with(&["upgrade", "head"]).ok();
    let out = with(&["database", "drop"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("pass -y"), "{}", out.stderr);
    with(&["current"]).ok();
    let out = with(&["database", "drop", "-y"]).ok();
    assert!(out.stdout.starts_with("Dropped database"), "{}", out.stdout);
    let out = with(&["current"]);
    assert_eq!(out.code, 2, "the database is gone: {}", out.stdout);
    let out = with(&["database", "drop", "-y"]).ok();
    assert!(out.stdout.contains("does not exist"), "{}", out.stdout);
}

/// A revision carries the backend it was written for: autogen writes
/// `-- dialect:`; another backend refuses to run it, naming both; without
/// the header a revision runs anywhere.
async fn dialect_header(t: Cli) {
    t.models("use alembix::Model;\n#[derive(Model)]\n#[model(table = \"t_models\")]\npub struct M { pub id: i64 }\n");
    t.run(&["autogen", "-m", "models"]).ok();
    let mine = match t.backend() {
        Backend::Postgres => "postgres",
        Backend::MySql => "mysql",
        _ => "sqlite",
    };
    let file = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_models.sql"))
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&format!("\n-- dialect: {mine}\n")), "{text}");
    t.run(&["upgrade", "head"]).ok();
    let parent = text
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("-- revision: ")
        .to_string();
    // Written for another backend: refused before anything runs.
    let (other, title) = if mine == "sqlite" {
        ("postgres", "PostgreSQL")
    } else {
        ("sqlite", "SQLite")
    };
    // A portable revision first: it must not run either.
    t.write(
        &format!("20261122_1000_{}_x.sql", rid("e")),
        &format!(
            "-- revision: {}\n-- down_revision: {parent}\n-- message: x\n\n-- migrate:upgrade\nCREATE TABLE t_x (id integer);\n\n-- migrate:downgrade\nDROP TABLE t_x;\n",
            rid("e")
        ),
    );
    let header = |dialect: &str| {
        format!(
            "-- revision: {}\n-- down_revision: {}\n-- message: other\n-- dialect: {dialect}\n\n-- migrate:upgrade\nCREATE TABLE t_other (id integer);\n\n-- migrate:downgrade\nDROP TABLE t_other;\n",
            rid("b"),
            rid("e")
        )
    };
    let name = format!("20261122_1000_{}_other.sql", rid("b"));
    t.write(&name, &header(other));
    let out = t.run(&["upgrade", "head"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "is written for {title} (its `-- dialect: {other}` header)"
        )),
        "{}",
        out.stderr
    );
    assert!(!t.table_exists("t_other").await);
    assert!(!t.table_exists("t_x").await, "a revision before it ran");
    let out = t.run(&["upgrade", "head", "--sql"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // An unknown backend is a parse error at its line.
    t.write(&name, &header("oracle"));
    let out = t.run(&["heads"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(":4: unknown dialect `oracle`"),
        "{}",
        out.stderr
    );
    // Without the header it runs anywhere; with its own, too.
    t.write(&name, &header(mine));
    t.run(&["upgrade", "head"]).ok();
    assert!(t.table_exists("t_other").await);
    t.run(&["downgrade", "-1"]).ok();
    t.write(&name, &header("").replace("-- dialect: \n", ""));
    t.run(&["upgrade", "head"]).ok();
    assert!(t.table_exists("t_other").await);
}

/// `[hooks] post_write` runs on every revision file written (revision,
/// merge, autogen, squash), with `{path}`; a failing hook is a warning and
/// the file stays.
async fn post_write_hooks(t: Cli) {
    let cfg = std::fs::read_to_string(t.path().join("alembix.toml")).unwrap();
    t.append_config(
        "[hooks]\npost_write = [\"echo '-- formatted' >> {path}\", \"echo {path} >> hooks.log\"]\n",
    );
    t.run(&["revision", "-m", "one", "--rev-id", &rid("a")])
        .ok();
    t.run(&[
        "revision",
        "-m",
        "two",
        "--head",
        &rid("a"),
        "--rev-id",
        &rid("b"),
    ])
    .ok();
    t.run(&[
        "revision",
        "-m",
        "three",
        "--head",
        &rid("a"),
        "--splice",
        "--rev-id",
        &rid("c"),
    ])
    .ok();
    t.run(&["merge", "-m", "join", "heads"]).ok();
    let log = std::fs::read_to_string(t.path().join("hooks.log")).unwrap();
    assert_eq!(log.lines().count(), 4, "{log}");
    for path in log.lines() {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.ends_with("-- formatted\n"), "{path}: {text}");
    }
    // Still revisions the graph reads.
    t.run(&["heads"]).ok();
    // A failing hook: a warning, the file kept, exit 0.
    std::fs::write(
        t.path().join("alembix.toml"),
        format!("{cfg}[hooks]\npost_write = [\"exit 3\"]\n"),
    )
    .unwrap();
    let out = t.run(&["revision", "-m", "four"]).ok();
    assert!(
        out.stderr.contains("post_write hook `exit 3` failed")
            && out.stderr.contains("the file is kept"),
        "{}",
        out.stderr
    );
    assert!(
        std::fs::read_dir(t.migrations()).unwrap().any(|e| e
            .unwrap()
            .path()
            .to_string_lossy()
            .ends_with("_four.sql"))
    );
}

/// `version_locations`: several script directories, one graph;
/// `--version-path` chooses where a new revision goes.
async fn version_locations(t: Cli) {
    t.append_config("version_locations = [\"billing/versions\"]\n");
    std::fs::create_dir_all(t.path().join("billing/versions")).unwrap();
    t.table_rev("a", &[]);
    let out = t
        .run(&[
            "revision",
            "-m",
            "billing",
            "--rev-id",
            &rid("b"),
            "--version-path",
            "billing/versions",
            "--branch-label",
            "billing",
        ])
        .ok();
    assert!(out.stdout.contains("billing/versions/"), "{}", out.stdout);
    let json = t.run(&["heads", "--format", "json"]).ok().json();
    assert_eq!(json[0]["revision"], rid("b"));
    assert_eq!(json[0]["down_revision"][0], rid("a"));
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("b")]);
    assert!(t.table_exists("t_a").await);
    // A merge revision into the second location, with a chosen id.
    t.run(&[
        "revision",
        "-m",
        "side",
        "--head",
        &rid("a"),
        "--splice",
        "--rev-id",
        &rid("c"),
    ])
    .ok();
    let out = t
        .run(&[
            "merge",
            "-m",
            "join",
            "--rev-id",
            &rid("d"),
            "--version-path",
            "billing/versions",
            "heads",
        ])
        .ok();
    assert!(out.stdout.contains("billing/versions/"), "{}", out.stdout);
    assert!(out.stdout.contains(&rid("d")), "{}", out.stdout);
    // Not a script directory: refused, nothing written.
    let out = t.run(&["revision", "-m", "x", "--version-path", "elsewhere"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("add it to `version_locations`"),
        "{}",
        out.stderr
    );
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("d")]);
}

/// Object filters keep what the models do not describe out of the
/// comparison: a DBA's index and check, a legacy table.
async fn object_filters(t: Cli) {
    t.models("use alembix::Model;\n#[derive(Model)]\n#[model(table = \"t_m\")]\npub struct M { pub id: i64, pub x: i32 }\n");
    t.run(&["autogen", "-m", "models"]).ok();
    t.run(&["upgrade", "head"]).ok();
    t.db.execute_sql("CREATE INDEX ix_dba_x ON t_m (x)")
        .await
        .unwrap();
    t.db.execute_sql("CREATE TABLE legacy_audit (id integer)")
        .await
        .unwrap();
    let sqlite = t.backend() == Backend::Sqlite;
    if !sqlite {
        t.db.execute_sql("ALTER TABLE t_m ADD CONSTRAINT ck_dba_x CHECK (x >= 0)")
            .await
            .unwrap();
    }
    // Without filters, autogen would drop them.
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    let kinds: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"drop_index") && kinds.contains(&"drop_table"),
        "{json}"
    );
    assert_eq!(kinds.contains(&"drop_check"), !sqlite, "{json}");
    t.run(&["check"]).expect(1);
    t.append_config("include_tables = [\"t_*\"]\nexclude_indexes = [\"ix_dba_*\"]\nexclude_checks = [\"ck_dba_*\"]\n");
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(json, serde_json::json!([]));
    t.run(&["check"]).ok();
    let out = t.run(&["autogen", "-m", "nothing"]).ok();
    assert!(out.stdout.contains("No changes detected"), "{}", out.stdout);
    // A filter names config keys the file must spell right.
    t.append_config("exclude_index = [\"ix_dba_*\"]\n");
    let out = t.run(&["diff"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("exclude_indexes"), "{}", out.stderr);
}

/// autogen takes the revision options; `revision --autogenerate` is
/// autogen; labelled branches with the database at every head are fine
/// for `check`, and autogen then asks which head to continue.
async fn autogen_on_branches(t: Cli) {
    let models = |tables: &[&str]| {
        let text: String = tables
            .iter()
            .map(|n| format!("#[derive(Model)]\n#[model(table = \"{n}\")]\npub struct {} {{ pub id: i64 }}\n", n.to_uppercase()))
            .collect();
        t.models(&format!("use alembix::Model;\n{text}"));
    };
    models(&["t_a"]);
    t.run(&["autogen", "-m", "a", "--rev-id", &rid("a")]).ok();
    t.run(&[
        "revision",
        "-m",
        "billing",
        "--head",
        &rid("a"),
        "--branch-label",
        "billing",
        "--rev-id",
        &rid("b"),
    ])
    .ok();
    t.run(&[
        "revision",
        "-m",
        "main",
        "--head",
        &rid("a"),
        "--splice",
        "--rev-id",
        &rid("c"),
    ])
    .ok();
    t.run(&["upgrade", "heads"]).ok();
    let out = t.run(&["check"]).ok();
    assert!(out.stdout.starts_with("OK: "), "{}", out.stdout);
    // A change: which branch does it go on?
    models(&["t_a", "t_b"]);
    let out = t.run(&["autogen", "-m", "b"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--head LABEL@head"), "{}", out.stderr);
    let out = t
        .run(&[
            "revision",
            "--autogenerate",
            "-m",
            "b",
            "--head",
            "billing@head",
            "--rev-id",
            &rid("d"),
        ])
        .ok();
    assert!(
        out.stdout.contains("create_table table=t_b"),
        "{}",
        out.stdout
    );
    let json = t.run(&["show", &rid("d"), "--format", "json"]).ok().json();
    assert_eq!(json["down_revision"][0], rid("b"));
    t.run(&["upgrade", "heads"]).ok();
    assert!(t.table_exists("t_b").await);
    t.run(&["check"]).ok();
    // The other options, on the unlabelled head.
    models(&["t_a", "t_b", "t_c"]);
    std::fs::create_dir_all(t.path().join("more")).unwrap();
    t.append_config("version_locations = [\"more\"]\n");
    let out = t
        .run(&[
            "autogen",
            "-m",
            "c",
            "--head",
            &rid("c"),
            "--rev-id",
            &rid("e"),
            "--depends-on",
            "billing",
            "--branch-label",
            "reports",
            "--version-path",
            "more",
        ])
        .ok();
    assert!(out.stdout.contains("more/"), "{}", out.stdout);
    let json = t.run(&["show", "reports", "--format", "json"]).ok().json();
    assert_eq!(json["revision"], rid("e"));
    assert_eq!(json["down_revision"][0], rid("c"));
    assert_eq!(json["depends_on"][0], rid("b"));
    t.run(&["upgrade", "heads"]).ok();
    t.run(&["check"]).ok();
    // One unlabelled head beside labelled branches is fine; two want a merge.
    t.run(&["revision", "-m", "stray", "--head", &rid("c"), "--splice"])
        .ok();
    let out = t.run(&["check"]).expect(1);
    assert!(!out.stdout.contains("merge"), "{}", out.stdout);
    t.run(&[
        "revision",
        "-m",
        "stray two",
        "--head",
        &rid("c"),
        "--splice",
    ])
    .ok();
    let out = t.run(&["check"]).expect(1);
    assert!(out.stdout.contains("alembix merge heads"), "{}", out.stdout);
}

/// `DATABASE_URL` beats the file's `database_url` on every backend: the
/// file names a SQLite database, the variable this test's database, and
/// the variable's database is the one migrated.
async fn environment_beats_the_file(t: Cli) {
    let file_db = t.path().join("from_file.db");
    std::fs::write(
        t.path().join("alembix.toml"),
        format!(
            "database_url = \"sqlite://{}\"\nmigrations = \"migrations\"\n",
            file_db.display()
        ),
    )
    .unwrap();
    t.table_rev("a", &[]);
    t.run_env(&["upgrade", "head"], &[("DATABASE_URL", &t.url)])
        .ok();
    assert_eq!(t.versions().await, vec![rid("a")]);
    assert!(!file_db.exists(), "the file's database was used");
    let out = t
        .run_env(&["current", "-v"], &[("DATABASE_URL", &t.url)])
        .ok();
    assert!(
        out.stderr
            .contains("(from the DATABASE_URL environment variable)"),
        "{}",
        out.stderr
    );
    // Without the variable, the file's (missing) SQLite database.
    let out = t.run_env(&["current"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("from_file.db does not exist"),
        "{}",
        out.stderr
    );
}

/// The upgrade section of the one revision in `dir`.
fn only_upgrade(dir: &std::path::Path) -> String {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let up = text.split("-- migrate:upgrade\n").nth(1).unwrap();
    up.split("-- migrate:downgrade").next().unwrap().to_string()
}

/// `baseline` adopts a database built by hand: a base revision of its
/// schema, the database stamped at it; the revision rebuilds the same
/// schema elsewhere (baselining the copy writes the same SQL).
async fn baseline_adopts_a_database(t: Cli) {
    let pg = t.backend() == Backend::Postgres;
    // SQLite keys are `integer PRIMARY KEY` (the rowid), as SQLite tables
    // are written: a `bigint PRIMARY KEY` is read back as `integer` and
    // becomes the rowid when rebuilt, which is issue 15's round trip.
    let key = if t.backend() == Backend::Sqlite {
        "integer"
    } else {
        "bigint"
    };
    let ddl = [
        format!("CREATE TABLE orgs (id {key} PRIMARY KEY, name varchar(100) NOT NULL UNIQUE)"),
        format!(
            "CREATE TABLE members (id {key} PRIMARY KEY, org_id {key} NOT NULL REFERENCES orgs (id) ON DELETE CASCADE, email varchar(200) NOT NULL, age integer, CONSTRAINT ck_members_age CHECK (age >= 0))"
        ),
        "CREATE INDEX ix_members_email ON members (email)".to_string(),
    ];
    for sql in &ddl {
        t.db.execute_sql(sql).await.unwrap();
    }
    if pg {
        t.db.execute_sql("CREATE TYPE mood AS ENUM ('ok', 'sad')")
            .await
            .unwrap();
        t.db.execute_sql("ALTER TABLE members ADD COLUMN mood mood")
            .await
            .unwrap();
    }
    let out = t.run(&["baseline", "-m", "adopt"]).ok();
    assert!(out.stdout.contains("Stamped"), "{}", out.stdout);
    let versions = t.versions().await;
    assert_eq!(versions.len(), 1);
    let up = only_upgrade(&t.migrations());
    assert!(
        up.contains("orgs") && up.contains("members") && up.contains("ix_members_email"),
        "{up}"
    );
    // At head; no models yet, so they are not compared.
    let out = t.run(&["check"]).ok();
    assert!(
        out.stdout.starts_with("OK: the database is at head"),
        "{}",
        out.stdout
    );
    let out = t.run(&["baseline", "-m", "again"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // A fresh database from the revision, baselined again in another
    // project: the same SQL.
    let name = common::unique_name();
    let other = match t.backend() {
        Backend::Sqlite => format!("sqlite://{}", t.path().join(format!("{name}.db")).display()),
        _ => format!("{}/{name}", t.url.rsplit_once('/').unwrap().0),
    };
    let with = |args: &[&str]| t.run(&[&["--database-url", other.as_str()][..], args].concat());
    with(&["database", "create"]).ok();
    with(&["upgrade", "head"]).ok();
    let copy = alembix::Db::connect(&other).await.unwrap();
    copy.execute_sql("DROP TABLE alembix_log").await.unwrap();
    copy.execute_sql("DROP TABLE alembix_version")
        .await
        .unwrap();
    copy.close().await;
    let second = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(second.path().join("migrations")).unwrap();
    std::fs::write(
        second.path().join("alembix.toml"),
        format!("database_url = \"{other}\"\nmigrations = \"migrations\"\n"),
    )
    .unwrap();
    let out = run_at(second.path(), &["baseline", "-m", "copy"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(only_upgrade(&second.path().join("migrations")), up);
    with(&["database", "drop", "-y"]).ok();
}

cli_tests!(
    baseline_adopts_a_database,
    environment_beats_the_file,
    autogen_on_branches,
    object_filters,
    version_locations,
    post_write_hooks,
    dialect_header,
    edit_opens_the_file,
    ensure_version_creates_the_tables,
    current_check_heads,
    heads_and_merge_options,
    database_create_and_drop,
);

fn help(args: &[&str]) -> String {
    let out = Command::new(alembix_bin()).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `alembix help targets` (and `alembix targets`) explain every TARGET form.
#[test]
fn targets_are_explained() {
    for args in [&["help", "targets"][..], &["targets"][..]] {
        let text = help(args);
        for form in [
            "head",
            "heads",
            "base",
            "billing@head",
            "+2",
            "-1",
            "3f2a+1",
            "FROM:TO",
        ] {
            assert!(text.contains(form), "{args:?} lacks {form}:\n{text}");
        }
    }
}

/// Every argument and option of every command has help text.
#[test]
fn every_argument_has_help() {
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 15, "{top}");
    let mut bare = Vec::new();
    for c in commands.iter().chain(
        ["database create", "database drop"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        let mut args: Vec<&str> = c.split(' ').collect();
        args.push("--help");
        let text = help(&args);
        let mut section = false;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            // Long help puts the text on the next, deeper-indented line.
            let indent = line.len() - line.trim_start().len();
            let next_is_text = lines.get(i + 1).is_some_and(|n| {
                let t = n.trim_start();
                n.len() - t.len() > indent && !t.is_empty() && !t.starts_with('-')
            });
            if line.starts_with("Arguments:") || line.starts_with("Options:") {
                section = true;
                continue;
            }
            if !line.starts_with("  ") {
                section = false;
                continue;
            }
            let trimmed = line.trim_start();
            // "  -m, --message <MESSAGE>  The revision's message": an
            // entry with its text after two or more spaces.
            if section
                && trimmed.starts_with(['-', '[', '<'])
                && !trimmed.contains("  ")
                && !next_is_text
            {
                bare.push(format!("{c}: {trimmed}"));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "arguments without help text:\n{}",
        bare.join("\n")
    );
}

/// `history --graph` draws the DAG (with `-i`, the current revisions);
/// `graph` and `erd` print dot and Mermaid.
#[test]
fn pictures() {
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();
    let url = format!("sqlite://{}", d.join("app.db").display());
    run_at(d, &["--database-url", &url, "init"], &[]).ok();
    let new = |args: &[&str]| run_at(d, &[&["revision"][..], args].concat(), &[]).ok();
    new(&["-m", "a", "--rev-id", &rid("a")]);
    new(&["-m", "b", "--rev-id", &rid("b")]);
    new(&["-m", "c1", "--rev-id", &rid("c1")]);
    new(&[
        "-m",
        "c2",
        "--rev-id",
        &rid("c2"),
        "--head",
        &rid("b"),
        "--splice",
        "--branch-label",
        "feat",
    ]);
    run_at(d, &["merge", "-m", "join", "heads"], &[]).ok();
    run_at(d, &["upgrade", &rid("c1")], &[]).ok();
    let out = run_at(d, &["history", "--graph"], &[]).ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", out.stdout);
    assert!(
        lines[0].starts_with("* ") && lines[0].contains("(mergepoint)"),
        "{}",
        out.stdout
    );
    assert_eq!(lines[1], "|\\", "{}", out.stdout);
    assert_eq!(lines[4], "|/", "{}", out.stdout);
    assert!(
        lines[5].contains(&format!("{} (branchpoint), b", rid("b"))),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("(current)"),
        "files only: {}",
        out.stdout
    );
    let out = run_at(d, &["history", "--graph", "-i"], &[]).ok();
    assert!(
        out.stdout.contains(&format!("{} (current), c1", rid("c1"))),
        "{}",
        out.stdout
    );
    let out = run_at(d, &["graph"], &[]).ok();
    assert!(
        out.stdout.starts_with("digraph revisions {"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stdout.matches(" -> ").count(), 5, "{}", out.stdout);
    let out = run_at(d, &["graph", "--format", "mermaid"], &[]).ok();
    assert!(out.stdout.starts_with("flowchart BT\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(&format!("r{} --> r{}", rid("b"), rid("c2"))),
        "{}",
        out.stdout
    );
    // The models' tables and foreign keys.
    std::fs::create_dir(d.join("src")).unwrap();
    std::fs::write(
        d.join("src/models.rs"),
        "use alembix::Model;\n#[derive(Model)]\n#[model(table = \"authors\")]\npub struct Author { pub id: i64, pub name: String }\n\
         #[derive(Model)]\n#[model(table = \"posts\")]\npub struct Post { pub id: i64, #[column(references = \"authors.id\")] pub author_id: Option<i64>, pub title: String }\n",
    )
    .unwrap();
    let out = run_at(d, &["erd", "--format", "mermaid"], &[]).ok();
    assert!(out.stdout.starts_with("erDiagram\n"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("  posts }o--|o authors : \"author_id\"\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("    integer author_id FK\n"),
        "{}",
        out.stdout
    );
    let out = run_at(d, &["erd"], &[]).ok();
    assert!(
        out.stdout
            .contains("posts -> authors [label=\"author_id\"]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("id: integer NOT NULL (PK)"),
        "{}",
        out.stdout
    );
}
