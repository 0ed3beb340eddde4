//! The `-- WARNING:` lines of revision sections where people look: in
//! offline scripts before their statements, and on stderr before
//! `upgrade`/`downgrade` run them (stdin is not a terminal here, so a
//! downgrade goes ahead without asking).

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::{Cli, rid};

const DROP_TABLE: &str = "-- WARNING: drop_table drops what this revision added";
const DROP_COLUMN: &str = "-- WARNING: drop_column drops what this revision added";
const EMPTIES: &str = "-- WARNING: empties \"t_a\"";

/// `a` creates `t_a`, `b` adds a column, `c` empties the table; the
/// downgrades of `a` and `b` and the upgrade of `c` warn.
fn revisions(t: &Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id integer);",
        &format!("{DROP_TABLE}\nDROP TABLE t_a;"),
    );
    t.rev(
        "b",
        &["a"],
        "ALTER TABLE t_a ADD COLUMN y integer;",
        &format!("SELECT 1;\n{DROP_COLUMN}\nALTER TABLE t_a DROP COLUMN y;"),
    );
    t.rev(
        "c",
        &["b"],
        &format!("INSERT INTO t_a (id) VALUES (1);\n{EMPTIES}\nDELETE FROM t_a;"),
        "SELECT 1;",
    );
}

async fn sql_output_keeps_warnings(t: Cli) {
    revisions(&t);
    let up = t.run(&["upgrade", "base:head", "--sql"]).ok().stdout;
    assert!(
        up.contains(&format!("{EMPTIES}\nDELETE FROM t_a;\n")),
        "{up}"
    );
    assert_eq!(up.matches("-- WARNING:").count(), 1, "{up}");
    // The script with its comments runs in the database's own client.
    let file = t.path().join("up.sql");
    std::fs::write(&file, &up).unwrap();
    let run = t.run_client(&file);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(t.versions().await, vec![rid("c")]);
    let down = t.run(&["downgrade", "head:base", "--sql"]).ok().stdout;
    assert!(
        down.contains(&format!("{DROP_COLUMN}\nALTER TABLE t_a DROP COLUMN y;\n")),
        "{down}"
    );
    assert!(
        down.contains(&format!("{DROP_TABLE}\nDROP TABLE t_a;\n")),
        "{down}"
    );
    assert!(
        down.find(DROP_COLUMN).unwrap() < down.find(DROP_TABLE).unwrap(),
        "{down}"
    );
}

async fn runs_print_warnings(t: Cli) {
    revisions(&t);
    let out = t.run(&["upgrade"]).ok();
    let c = format!("warning: revision {} (", rid("c"));
    assert!(out.stderr.contains(&c), "{}", out.stderr);
    assert!(
        out.stderr.contains("_c.sql): empties \"t_a\""),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("drops what"), "{}", out.stderr);
    assert_eq!(t.versions().await, vec![rid("c")]);
    // Not a terminal: the downgrade runs, its warnings printed first.
    let out = t.run(&["downgrade", "base"]).ok();
    for (name, text) in [("b", "drop_column"), ("a", "drop_table")] {
        let line = format!("warning: revision {} (", rid(name));
        assert!(out.stderr.contains(&line), "{}", out.stderr);
        let tail = format!("_{name}.sql): {text} drops what this revision added");
        assert!(out.stderr.contains(&tail), "{}", out.stderr);
    }
    assert!(!out.stderr.contains("empties"), "{}", out.stderr);
    assert!(t.versions().await.is_empty());
    assert!(!t.table_exists("t_a").await);
    // --yes is accepted and changes nothing without a terminal.
    t.run(&["upgrade", &rid("a")]).ok();
    let out = t.run(&["downgrade", "-y", "base"]).ok();
    assert!(out.stderr.contains("drop_table"), "{}", out.stderr);
    assert!(t.versions().await.is_empty());
}

cli_tests!(sql_output_keeps_warnings, runs_print_warnings);
