//! End-to-end tests of the `alembix` binary, every case on PostgreSQL,
//! MariaDB and SQLite: each command with its exact outcome (version rows,
//! tables and rows written by the revisions, exit codes, JSON).

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::{Cli, rid};

async fn lifecycle(t: Cli) {
    t.table_rev("a", &[]);
    t.table_rev("b", &["a"]);
    t.table_rev("c", &["b"]);
    // Nothing applied yet.
    let out = t.run(&["current"]).ok();
    assert!(out.stdout.contains("base"), "{}", out.stdout);
    assert!(t.versions().await.is_empty());
    // upgrade +1, then head.
    t.run(&["upgrade", "+1"]).ok();
    assert_eq!(t.versions().await, vec![rid("a")]);
    let out = t.run(&["upgrade"]).ok();
    assert!(
        out.stdout
            .contains(&format!("Running upgrade {} -> {}", rid("a"), rid("b"))),
        "{}",
        out.stdout
    );
    assert_eq!(t.versions().await, vec![rid("c")]);
    assert!(t.table_exists("t_c").await);
    // Already there: says so.
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(out.stdout.contains("Nothing to do"), "{}", out.stdout);
    // current, text and JSON.
    let out = t.run(&["current"]).ok();
    assert!(out.stdout.starts_with(&rid("c")), "{}", out.stdout);
    let json = t.run(&["current", "--format", "json"]).ok().json();
    assert_eq!(json[0]["revision"], rid("c"));
    assert_eq!(json[0]["down_revision"][0], rid("b"));
    assert_eq!(json[0]["is_head"], true);
    assert_eq!(json[0]["is_current"], true);
    // heads, history, show.
    let json = t.run(&["heads", "--format", "json"]).ok().json();
    assert_eq!(json.as_array().unwrap().len(), 1);
    let json = t.run(&["history", "--format", "json"]).ok().json();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![rid("c"), rid("b"), rid("a")]);
    // Files only: nothing about the database.
    assert!(json[0].get("applied_at").is_none(), "{json}");
    assert_eq!(json[0]["is_current"], false, "{json}");
    // --indicate-current asks the database.
    let json = t.run(&["history", "-i", "--format", "json"]).ok().json();
    assert!(json[0]["applied_at"].is_string(), "{json}");
    assert_eq!(json[0]["is_current"], true, "{json}");
    assert_eq!(json[1]["is_current"], false, "{json}");
    let json = t
        .run(&[
            "history",
            "-r",
            &format!("{}:{}", rid("b"), rid("c")),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    let out = t.run(&["history", "--verbose"]).ok();
    assert!(!out.stdout.contains("Applied:"), "{}", out.stdout);
    let out = t.run(&["history", "--verbose", "--indicate-current"]).ok();
    assert!(out.stdout.contains("Applied:"), "{}", out.stdout);
    let json = t
        .run(&["show", &rid("b")[..6], "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["revision"], rid("b"));
    assert_eq!(json["message"], "make b");
    // check: all agree.
    t.run(&["check"]).expect(0);
    // downgrade -1, then check says not at head (exit 1).
    t.run(&["downgrade", "-1"]).ok();
    assert_eq!(t.versions().await, vec![rid("b")]);
    assert!(!t.table_exists("t_c").await);
    let out = t.run(&["check"]).expect(1);
    assert!(
        out.stdout.contains("not") || out.stdout.contains("head"),
        "{}",
        out.stdout
    );
    // downgrade to a revision, then base.
    t.run(&["downgrade", &rid("a")]).ok();
    assert_eq!(t.versions().await, vec![rid("a")]);
    t.run(&["downgrade", "base"]).ok();
    assert!(t.versions().await.is_empty());
    assert!(!t.table_exists("t_a").await);
    // The log keeps every step.
    let log = t.strings("SELECT revision FROM alembix_log").await;
    // +1 (a), head (b, c), -1 (c), to a (b), base (a).
    assert_eq!(log.len(), 6, "{log:?}");
}

async fn revision_command(t: Cli) {
    let out = t.run(&["revision", "-m", "first one"]).ok();
    assert!(out.stdout.contains("Generating"), "{}", out.stdout);
    t.run(&[
        "revision",
        "-m",
        "second",
        "--rev-id",
        "abcdef012345",
        "--branch-label",
        "main",
    ])
    .ok();
    t.run(&["revision", "-m", "third"]).ok();
    let files: Vec<String> = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3);
    assert!(
        files.iter().any(|f| f.contains("_abcdef012345_second.sql")),
        "{files:?}"
    );
    // Errors: a used or malformed id, a non-head without --splice.
    let out = t
        .run(&["revision", "-m", "x", "--rev-id", "abcdef012345"])
        .expect(2);
    assert!(
        out.stderr.starts_with("error:") && out.stderr.contains("already used"),
        "{}",
        out.stderr
    );
    let out = t.run(&["revision", "-m", "x", "--rev-id", "XYZ"]).expect(2);
    assert!(out.stderr.contains("12 lowercase hex"), "{}", out.stderr);
    let out = t
        .run(&["revision", "-m", "x", "--head", "abcdef012345"])
        .expect(2);
    assert!(out.stderr.contains("--splice"), "{}", out.stderr);
    t.run(&[
        "revision",
        "-m",
        "side",
        "--head",
        "abcdef012345",
        "--splice",
        "--depends-on",
        "main",
    ])
    .ok();
    let json = t.run(&["heads", "--format", "json"]).ok().json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    let side = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message"] == "side")
        .unwrap();
    assert_eq!(side["depends_on"][0], "abcdef012345");
    // Empty revisions apply (and branch) fine.
    t.run(&["upgrade", "heads"]).ok();
    assert_eq!(t.versions().await.len(), 2);
    let out = t.run(&["branches"]).ok();
    assert!(
        out.stdout.contains("abcdef012345 (main) (branchpoint)"),
        "{}",
        out.stdout
    );
}

/// Two developers branched from the same head: two heads until merged.
async fn two_heads_then_merge(t: Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE marker (rev varchar(32));",
        "DROP TABLE marker;",
    );
    t.rev(
        "b1",
        &["a"],
        "INSERT INTO marker (rev) VALUES ('b1');",
        "DELETE FROM marker WHERE rev = 'b1';",
    );
    t.rev(
        "b2",
        &["a"],
        "INSERT INTO marker (rev) VALUES ('b2');",
        "DELETE FROM marker WHERE rev = 'b2';",
    );
    for args in [
        &["upgrade", "head"][..],
        &["upgrade"][..],
        &["revision", "-m", "next"][..],
        &["autogen", "-m", "next"][..],
    ] {
        let out = t.run(args).expect(2);
        assert!(
            out.stderr.contains(&rid("b1")) && out.stderr.contains(&rid("b2")),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("make b1") && out.stderr.contains("make b2"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("alembix merge heads"), "{}", out.stderr);
    }
    assert!(t.versions().await.is_empty(), "nothing ran");
    t.run(&["merge", "-m", "join", "heads"]).ok();
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(out.stdout.contains("join"), "{}", out.stdout);
    let mut marks = t.strings("SELECT rev FROM marker").await;
    marks.sort();
    assert_eq!(marks, vec!["b1", "b2"]);
    let versions = t.versions().await;
    assert_eq!(versions.len(), 1);
    let out = t.run(&["history"]).ok();
    assert!(out.stdout.contains("(mergepoint)"), "{}", out.stdout);
    assert!(out.stdout.contains("(branchpoint)"), "{}", out.stdout);
    // Down through the merge point and back.
    t.run(&["downgrade", "-1"]).ok();
    assert_eq!(t.versions().await, vec![rid("b1"), rid("b2")]);
    let out = t.run(&["downgrade", "-1"]).expect(2);
    assert!(
        out.stderr.contains("LABEL@-N") || out.stderr.contains("several current"),
        "{}",
        out.stderr
    );
    t.run(&["downgrade", &rid("a")]).ok();
    assert_eq!(t.versions().await, vec![rid("a")]);
    assert!(t.strings("SELECT rev FROM marker").await.is_empty());
    t.run(&["check"]).expect(1);
    t.run(&["upgrade", "head"]).ok();
    t.run(&["check"]).expect(0);
}

/// The database is stamped at a revision no file defines.
async fn unknown_stamped_revision(t: Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id integer);",
        "DROP TABLE t_a;",
    );
    t.rev(
        "b",
        &["a"],
        "CREATE TABLE t_b (id integer);",
        "DROP TABLE t_b;",
    );
    t.run(&["upgrade", "head"]).ok();
    // A branch was deleted: its revision id stays in the version table.
    t.db.execute_sql("UPDATE alembix_version SET version_num = 'dead00000000'")
        .await
        .unwrap();
    for args in [
        &["current"][..],
        &["upgrade", "head"][..],
        &["downgrade", "-1"][..],
        &["history", "-i"][..],
        &["check"][..],
        &["stamp", "head"][..],
    ] {
        let out = t.run(args).expect(2);
        assert!(
            out.stderr.contains("dead00000000") && out.stderr.contains("no revision file defines"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(&rid("b")),
            "lists the heads: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("alembix stamp REV --purge"),
            "{}",
            out.stderr
        );
    }
    // The fix, with no SQL by hand.
    t.run(&["stamp", &rid("b"), "--purge"]).ok();
    assert_eq!(t.versions().await, vec![rid("b")]);
    t.run(&["check"]).expect(0);
    assert!(t.table_exists("t_b").await);
}

async fn stamp_command(t: Cli) {
    t.table_rev("a", &[]);
    t.table_rev("c1", &["a"]);
    t.table_rev("c2", &["a"]);
    t.run(&["stamp", &rid("c1"), &rid("c2")]).ok();
    assert_eq!(t.versions().await, vec![rid("c1"), rid("c2")]);
    assert!(!t.table_exists("t_a").await, "stamp runs no SQL");
    t.run(&["stamp", &rid("a")]).ok();
    assert_eq!(t.versions().await, vec![rid("a")]);
    t.run(&["stamp", "heads"]).ok();
    assert_eq!(t.versions().await, vec![rid("c1"), rid("c2")]);
    t.run(&["stamp", "base"]).ok();
    assert!(t.versions().await.is_empty());
    let out = t.run(&["stamp", "nosuchlabel"]).expect(2);
    assert!(out.stderr.contains("nosuchlabel"), "{}", out.stderr);
}

async fn squash_command(t: Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id integer);",
        "DROP TABLE t_a;",
    );
    t.rev(
        "b",
        &["a"],
        "CREATE TABLE t_b (id integer);",
        "DROP TABLE t_b;",
    );
    t.rev(
        "c",
        &["b"],
        "CREATE TABLE t_c (id integer);",
        "DROP TABLE t_c;",
    );
    t.rev(
        "d",
        &["c"],
        "CREATE TABLE t_d (id integer);",
        "DROP TABLE t_d;",
    );
    t.run(&["upgrade", "head"]).ok();
    let before = t.catalog().await;
    t.run(&["squash", &rid("a"), &rid("c"), "-m", "a to c"])
        .ok();
    let files: Vec<String> = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != ".squashed") // where the replaced files are kept
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let squashed = files.iter().find(|f| f.contains(&rid("c"))).unwrap();
    let text = std::fs::read_to_string(t.migrations().join(squashed)).unwrap();
    assert!(
        text.contains(&format!("-- replaces: {}, {}", rid("a"), rid("b"))),
        "{text}"
    );
    // A database at END or later is untouched.
    t.run(&["check"]).expect(0);
    t.run(&["downgrade", "base"]).ok();
    assert!(
        t.catalog_tables()
            .await
            .iter()
            .all(|n| n.starts_with("alembix"))
    );
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.catalog().await, before);
    // A database stamped in the middle of the squashed run gets the explanation.
    t.run(&["stamp", "base"]).ok();
    t.db.execute_sql(&format!(
        "INSERT INTO alembix_version (version_num) VALUES ('{}')",
        rid("b")
    ))
    .await
    .unwrap();
    let out = t.run(&["upgrade", "head"]).expect(2);
    assert!(
        out.stderr.contains("squashed into") && out.stderr.contains(&rid("c")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--purge"), "{}", out.stderr);
}

async fn user_errors(t: Cli) {
    // Malformed revision file: file and line.
    t.write(
        "bad.sql",
        "-- revision: 0123456789ab\n-- colour: blue\n-- migrate:upgrade\n",
    );
    let out = t.run(&["heads"]).expect(2);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.sql:2") && out.stderr.contains("colour"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(t.migrations().join("bad.sql")).unwrap();
    // Unknown config key.
    std::fs::write(
        t.path().join("alembix.toml"),
        format!("database_url = \"{}\"\ncolour = 1\n", t.url),
    )
    .unwrap();
    let out = t.run(&["heads"]).expect(2);
    assert!(
        out.stderr.contains("alembix.toml") && out.stderr.contains("colour"),
        "{}",
        out.stderr
    );
    // Bad URL.
    std::fs::write(
        t.path().join("alembix.toml"),
        "database_url = \"oracle://x\"\n",
    )
    .unwrap();
    let out = t.run(&["current"]).expect(2);
    assert!(out.stderr.contains("postgres://"), "{}", out.stderr);
    // No URL at all.
    std::fs::write(
        t.path().join("alembix.toml"),
        "migrations = \"migrations\"\n",
    )
    .unwrap();
    let out = t.run(&["current"]).expect(2);
    assert!(out.stderr.contains("DATABASE_URL"), "{}", out.stderr);
    // Usage errors exit 2 too.
    t.run(&["upgrade", "--nonsense"]).expect(2);
    t.run(&["frobnicate"]).expect(2);
    // init refuses to overwrite.
    let out = t.run(&["init"]).expect(2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
}

async fn init_command(t: Cli) {
    let sub = t.path().join("fresh");
    std::fs::create_dir_all(&sub).unwrap();
    let out = std::process::Command::new(cli::alembix_bin())
        .args(["init", "db/migrations"])
        .current_dir(&sub)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sub.join("alembix.toml").is_file());
    assert!(sub.join("db/migrations").is_dir());
    let toml = std::fs::read_to_string(sub.join("alembix.toml")).unwrap();
    assert!(toml.contains("migrations = \"db/migrations\""), "{toml}");
    let out = std::process::Command::new(cli::alembix_bin())
        .args(["--database-url", &t.url, "revision", "-m", "x"])
        .current_dir(&sub)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(sub.join("db/migrations"))
            .unwrap()
            .count(),
        1
    );
}

async fn drift_is_reported(t: Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id integer);",
        "DROP TABLE t_a;",
    );
    t.run(&["upgrade", "head"]).ok();
    t.run(&["check"]).expect(0);
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id integer, x integer);",
        "DROP TABLE t_a;",
    );
    let out = t.run(&["check"]).expect(1);
    assert!(
        out.stdout.contains("drift") && out.stdout.contains(&rid("a")),
        "{}",
        out.stdout
    );
    let out = t.run(&["current", "--verbose"]).ok();
    assert!(out.stderr.contains("drift"), "{}", out.stderr);
}

cli_tests!(
    lifecycle,
    revision_command,
    two_heads_then_merge,
    unknown_stamped_revision,
    stamp_command,
    squash_command,
    user_errors,
    init_command,
    drift_is_reported,
);
