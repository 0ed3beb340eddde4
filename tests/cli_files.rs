//! End-to-end tests of the script directory's files through the `alembix`
//! binary, on PostgreSQL, MariaDB and SQLite: which files are revisions
//! (a byte order mark, `.SQL`), the warning listing every other entry,
//! squash keeping the replaced files and each part's transaction mode, a
//! failed squash changing nothing, and `check`'s report for each outcome.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::Backend;
use cli::{Cli, revision_text, rid};

/// Entry names of `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Lines of stderr starting with `warning:`.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect()
}

async fn byte_order_mark_and_upper_case_extension(t: Cli) {
    let a = revision_text(
        &rid("a"),
        &[],
        "make a",
        "CREATE TABLE t_a (id integer);",
        "DROP TABLE t_a;",
    );
    t.write("20261122_1000_a.sql", &format!("\u{feff}{a}"));
    let b = revision_text(
        &rid("b"),
        &[&rid("a")],
        "make b",
        "CREATE TABLE t_b (id integer);",
        "DROP TABLE t_b;",
    );
    t.write("20261122_1001_b.SQL", &b);
    let out = t.run(&["upgrade", "head"]).ok();
    assert!(warnings(&out.stderr).is_empty(), "{}", out.stderr);
    assert_eq!(t.versions().await, vec![rid("b")]);
    assert!(t.table_exists("t_a").await && t.table_exists("t_b").await);
    t.run(&["check"]).ok();
}

async fn other_entries_are_listed_as_ignored(t: Cli) {
    t.table_rev("a", &[]);
    t.write("README.md", "notes");
    t.write("20261122_1001_b.sql.orig", "leftover");
    std::fs::create_dir(t.migrations().join("old")).unwrap();
    std::fs::write(t.migrations().join("old/x.sql"), "not read").unwrap();
    // Hidden entries and the squash backups are not mentioned.
    t.write(".a.sql.swp", "editor");
    std::fs::create_dir(t.migrations().join(".squashed")).unwrap();
    let m = t.migrations();
    let expected = [
        format!(
            "warning: ignoring {}: not a revision file (revision files end in .sql)",
            m.join("20261122_1001_b.sql.orig").display()
        ),
        format!(
            "warning: ignoring {}: not a revision file (revision files end in .sql)",
            m.join("README.md").display()
        ),
        format!(
            "warning: ignoring {}/: subdirectories of the script directory are not read",
            m.join("old").display()
        ),
    ];
    for args in [
        &["heads"][..],
        &["history"],
        &["upgrade", "head"],
        &["current"],
        &["check"],
        &["upgrade", "head", "--sql"],
    ] {
        let out = t.run(args).ok();
        assert_eq!(warnings(&out.stderr), expected, "{args:?}: {}", out.stderr);
    }
    assert_eq!(t.versions().await, vec![rid("a")]);
}

async fn squash_keeps_the_replaced_files(t: Cli) {
    for n in ["a", "b", "c", "d"] {
        let parent = match n {
            "a" => vec![],
            "b" => vec!["a"],
            "c" => vec!["b"],
            _ => vec!["c"],
        };
        t.table_rev(n, &parent);
    }
    t.run(&["upgrade", "head"]).ok();
    let before: Vec<String> = names(&t.migrations());
    let out = t
        .run(&["squash", &rid("a"), &rid("c"), "-m", "a to c"])
        .ok();
    assert!(out.stdout.contains(".squashed"), "{}", out.stdout);
    // The replaced files, unchanged, in .squashed/; the new file beside d.
    let kept = names(&t.migrations().join(".squashed"));
    assert_eq!(kept, before[..3], "{kept:?}");
    let now = names(&t.migrations());
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(now.contains(&".squashed".to_string()) && now.contains(&before[3]));
    // Nothing warned about, the database at END or later is untouched.
    let out = t.run(&["check"]).ok();
    assert!(warnings(&out.stderr).is_empty(), "{}", out.stderr);
    // --delete: no backups.
    let out = t
        .run(&["squash", &rid("c"), &rid("d"), "-m", "all", "--delete"])
        .ok();
    assert!(out.stdout.contains("deleted"), "{}", out.stdout);
    assert_eq!(names(&t.migrations().join(".squashed")), kept);
    let now = names(&t.migrations());
    assert_eq!(now.len(), 2, "{now:?}");
    t.run(&["check"]).ok();
    t.run(&["downgrade", "base"]).ok();
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("d")]);
}

async fn squash_keeps_each_parts_transaction_mode(t: Cli) {
    t.table_rev("a", &[]);
    let b = revision_text(
        &rid("b"),
        &[&rid("a")],
        "make b",
        "CREATE TABLE t_b (id integer);",
        "DROP TABLE t_b;",
    )
    .replace("-- created:", "-- transaction: false\n-- created:");
    t.write("20261122_1000_b.sql", &b);
    t.table_rev("c", &["b"]);
    t.run(&["squash", &rid("a"), &rid("c"), "-m", "a to c"])
        .ok();
    let file = names(&t.migrations())
        .into_iter()
        .find(|f| f.contains(&rid("c")))
        .unwrap();
    let text = std::fs::read_to_string(t.migrations().join(file)).unwrap();
    assert!(!text.contains("-- transaction: false"), "{text}");
    let up = format!(
        "-- migrate:upgrade\n-- step: transaction\n-- from {a}: make a\nCREATE TABLE t_a (id integer);\n\n\
         -- step: no-transaction\n-- from {b}: make b\nCREATE TABLE t_b (id integer);\n\n\
         -- step: transaction\n-- from {c}: make c\nCREATE TABLE t_c (id integer);\n",
        a = rid("a"),
        b = rid("b"),
        c = rid("c")
    );
    assert!(text.contains(&up), "{text}");
    assert!(
        text.contains(&format!(
            "-- migrate:downgrade\n-- step: transaction\n-- from {}: make c\nDROP TABLE t_c;\n\n-- step: no-transaction\n-- from {}: make b\nDROP TABLE t_b;",
            rid("c"),
            rid("b")
        )),
        "{text}"
    );
    t.run(&["upgrade", "head"]).ok();
    assert!(t.table_exists("t_b").await && t.table_exists("t_c").await);
    t.run(&["downgrade", "base"]).ok();
    assert!(!t.table_exists("t_a").await);
}

async fn a_failed_squash_changes_nothing(t: Cli) {
    t.table_rev("a", &[]);
    t.table_rev("b", &["a"]);
    // Where the replaced files would go is taken by a file.
    t.write(".squashed", "not a directory");
    let before = names(&t.migrations());
    let out = t
        .run(&["squash", &rid("a"), &rid("b"), "-m", "a and b"])
        .expect(2);
    assert!(
        out.stderr
            .starts_with("error: squash failed: cannot create the directory")
            && out.stderr.contains(".squashed")
            && out.stderr.contains("nothing was changed"),
        "{}",
        out.stderr
    );
    assert_eq!(names(&t.migrations()), before);
    // Once the way is clear, the same squash goes through.
    std::fs::remove_file(t.migrations().join(".squashed")).unwrap();
    t.run(&["squash", &rid("a"), &rid("b"), "-m", "a and b"])
        .ok();
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("b")]);
}

/// Writes `alembix.toml` with extra lines.
fn config(t: &Cli, extra: &str) {
    std::fs::write(
        t.path().join("alembix.toml"),
        format!(
            "database_url = \"{}\"\nmigrations = \"migrations\"\n{extra}",
            t.url
        ),
    )
    .unwrap();
}

const NOT_COMPARED: &str =
    "the models were not compared with the database (no model files match src/**/*.rs)";

async fn check_without_models(t: Cli) {
    // No scripts, empty database.
    let out = t.run(&["check"]).ok();
    assert_eq!(
        out.stdout,
        format!(
            "OK: the database is at head, every applied revision is unchanged, and {NOT_COMPARED}\n"
        )
    );
    t.table_rev("a", &[]);
    t.table_rev("b", &["a"]);
    t.run(&["upgrade", "+1"]).ok();
    // Not at head.
    let out = t.run(&["check"]).expect(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(lines[0].contains(&rid("b")), "{}", out.stdout);
    assert_eq!(
        lines[1],
        format!(
            "NOT OK: the database is not at head (the 1 revision to apply lint clean of errors), every applied revision is unchanged, and {NOT_COMPARED}"
        )
    );
    // At head.
    t.run(&["upgrade", "head"]).ok();
    let out = t.run(&["check"]).ok();
    assert!(!out.stdout.contains("models match"), "{}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    // Drift.
    t.rev(
        "b",
        &["a"],
        "CREATE TABLE t_b (id integer, x integer);",
        "DROP TABLE t_b;",
    );
    let out = t.run(&["check"]).expect(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("drift: revision"), "{}", out.stdout);
    assert_eq!(
        lines[1],
        format!(
            "NOT OK: the database is at head, 1 applied revision was changed after it was applied, and {NOT_COMPARED}"
        )
    );
    // Several heads, the database at both, plus the drift.
    t.table_rev("c", &["a"]);
    t.run(&["upgrade", "heads"]).ok();
    let out = t.run(&["check"]).expect(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[0].starts_with("there are 2 heads"), "{}", out.stdout);
    assert_eq!(
        lines[2],
        format!(
            "NOT OK: the scripts have several heads (the database is at all of them), 1 applied revision was changed after it was applied, and {NOT_COMPARED}"
        )
    );
}

async fn check_with_models(t: Cli) {
    // Configured globs that match nothing: an error, and no verdict.
    config(&t, "models = [\"models/*.rs\"]\n");
    let out = t.run(&["check"]).expect(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.starts_with("error: no file matches `models`"),
        "{}",
        out.stderr
    );
    // A model file without models: the database must have no tables.
    std::fs::create_dir(t.path().join("models")).unwrap();
    std::fs::write(t.path().join("models/none.rs"), "// no models yet\n").unwrap();
    t.rev("a", &[], "SELECT 1;", "SELECT 1;");
    t.run(&["upgrade", "head"]).ok();
    let out = t.run(&["check"]).ok();
    assert_eq!(
        out.stdout,
        "OK: the database is at head, every applied revision is unchanged, and the models match the database\n"
    );
    // A table no model describes; the database behind the head too.
    t.table_rev("b", &["a"]);
    t.rev("c", &["b"], "SELECT 1;", "SELECT 1;");
    t.run(&["upgrade", &rid("b")]).ok();
    let out = t.run(&["check"]).expect(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[1].starts_with("models and database differ: "),
        "{}",
        out.stdout
    );
    assert!(lines[1].contains("t_b"), "{}", out.stdout);
    assert_eq!(
        lines[2],
        "NOT OK: the database is not at head (the 1 revision to apply lint clean of errors), every applied revision is unchanged, and the models and the database differ (1 difference)"
    );
}

/// `check` lints the revisions the database has not applied: an
/// error-severity finding is a problem line of its own; an applied revision
/// is not linted again.
async fn check_lints_revisions_to_apply(t: Cli) {
    t.rev(
        "a",
        &[],
        "CREATE TABLE t_a (id bigint PRIMARY KEY, x integer);\nCREATE INDEX ix_a_new ON t_a (x);",
        "DROP TABLE t_a;",
    );
    t.run(&["upgrade", "head"]).ok();
    let out = t.run(&["check"]).ok();
    assert!(!out.stdout.contains("lint"), "{}", out.stdout);
    // An index on a table that exists: PostgreSQL wants CONCURRENTLY.
    t.rev(
        "b",
        &["a"],
        "CREATE INDEX ix_a_x ON t_a (x);",
        "DROP INDEX ix_a_x;",
    );
    let out = t.run(&["check"]).expect(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let pg = t.backend() == Backend::Postgres;
    let lint: Vec<&&str> = lines.iter().filter(|l| l.starts_with("lint: ")).collect();
    let summary = lines.last().unwrap();
    if pg {
        assert_eq!(lint.len(), 1, "{}", out.stdout);
        assert!(
            lint[0].contains("_b.sql:")
                && lint[0].ends_with(&format!(
                    "error[non-concurrent-index]: {}",
                    alembix_migrate::lint::rules::by_id("non-concurrent-index")
                        .unwrap()
                        .danger
                )),
            "{}",
            out.stdout
        );
        assert!(
            summary.contains("(the 1 revision to apply has 1 lint error)"),
            "{}",
            out.stdout
        );
    } else {
        assert!(lint.is_empty(), "{}", out.stdout);
        assert!(
            summary.contains("(the 1 revision to apply lint clean of errors"),
            "{}",
            out.stdout
        );
    }
    // Accepted by a comment: clean, still behind.
    t.rev(
        "b",
        &["a"],
        "-- lint: allow non-concurrent-index\nCREATE INDEX ix_a_x ON t_a (x);",
        "-- lint: allow non-concurrent-index\nDROP INDEX ix_a_x;",
    );
    let out = t.run(&["check"]).expect(1);
    assert!(!out.stdout.contains("\nlint: "), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("(the 1 revision to apply lint clean of errors)"),
        "{}",
        out.stdout
    );
}

cli_tests!(
    check_lints_revisions_to_apply,
    byte_order_mark_and_upper_case_extension,
    other_entries_are_listed_as_ignored,
    squash_keeps_the_replaced_files,
    squash_keeps_each_parts_transaction_mode,
    a_failed_squash_changes_nothing,
    check_without_models,
    check_with_models,
);
