//! Acceptance tests of the migration engine through the `alembix` binary,
//! on PostgreSQL, MariaDB and SQLite: concurrent deploys, failing
//! revisions, offline scripts run by the databases' own clients, round
//! trips over the test graphs, and the graph semantics of the issue.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::Backend;
use cli::{Cli, rid};

/// Revision `name`: creates `t_<name>` with an index, records itself in
/// `marker` with its position (`seq`) so the order of application shows.
fn marked(t: &Cli, name: &str, parents: &[&str]) {
    t.rev(
        name,
        parents,
        &format!(
            "CREATE TABLE t_{name} (id integer NOT NULL, label varchar(20));\n\
             CREATE INDEX ix_t_{name}_label ON t_{name} (label);\n\
             INSERT INTO marker (seq, rev) SELECT COUNT(*), '{name}' FROM marker;"
        ),
        &format!(
            "DELETE FROM marker WHERE rev = '{name}';\nDROP INDEX ix_t_{name}_label{};\nDROP TABLE t_{name};",
            if t.backend() == Backend::MySql {
                format!(" ON t_{name}")
            } else {
                String::new()
            }
        ),
    );
}

fn base(t: &Cli, name: &str) {
    t.rev(
        name,
        &[],
        "CREATE TABLE marker (seq integer NOT NULL, rev varchar(32) NOT NULL);",
        "DROP TABLE marker;",
    );
}

async fn markers(t: &Cli) -> Vec<String> {
    let mut rows: Vec<(i64, String)> = t
        .strings("SELECT CONCAT(CAST(seq AS CHAR(10)), ':', rev) FROM marker")
        .await
        .into_iter()
        .map(|s| {
            let (n, r) = s.split_once(':').unwrap();
            (n.trim().parse().unwrap(), r.to_string())
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, r)| r).collect()
}

/// b → (c1 → d1, c2 → d2 [feat]), e = (d1, d2) → f
fn merge_graph(t: &Cli) {
    base(t, "a");
    marked(t, "b", &["a"]);
    marked(t, "c1", &["b"]);
    marked(t, "d1", &["c1"]);
    marked(t, "c2", &["b"]);
    marked(t, "d2", &["c2"]);
    marked(t, "e", &["d1", "d2"]);
    marked(t, "f", &["e"]);
    label(t, "c2", "feat");
}

/// Adds a branch label to a revision file written by `Cli::rev`.
fn label(t: &Cli, name: &str, label: &str) {
    let path = t
        .migrations()
        .join(format!("20261122_1000_{}_{name}.sql", rid(name)));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            "-- branch_labels:",
            &format!("-- branch_labels: {label}"),
            1,
        ),
    )
    .unwrap();
}

/// Adds `depends_on` to a revision file written by `Cli::rev`.
fn depends(t: &Cli, name: &str, on: &str) {
    let path = t
        .migrations()
        .join(format!("20261122_1000_{}_{name}.sql", rid(name)));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("-- depends_on:", &format!("-- depends_on: {}", rid(on)), 1),
    )
    .unwrap();
}

async fn concurrent_deploys(t: Cli) {
    t.rev(
        "01",
        &[],
        "CREATE TABLE marker (rev varchar(32) NOT NULL);\nINSERT INTO marker (rev) VALUES ('r1');",
        "DROP TABLE marker;",
    );
    for n in 2..=30 {
        t.rev(
            &format!("{n:02}"),
            &[&format!("{:02}", n - 1)],
            &format!("INSERT INTO marker (rev) VALUES ('r{n}');"),
            &format!("DELETE FROM marker WHERE rev = 'r{n}';"),
        );
    }
    cli::alembix_bin();
    let children: Vec<_> = (0..6).map(|_| t.spawn(&["upgrade", "head"])).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "exit {:?}\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(t.versions().await, vec![rid("30")], "the head");
    let mut marks = t.strings("SELECT rev FROM marker").await;
    marks.sort();
    let mut expected: Vec<String> = (1..=30).map(|n| format!("r{n}")).collect();
    expected.sort();
    assert_eq!(marks, expected, "every marker row exactly once");
    // Each revision applied once: 30 upgrade log rows.
    assert_eq!(
        t.strings("SELECT revision FROM alembix_log").await.len(),
        30
    );
}

async fn failing_revision(t: Cli) {
    t.rev(
        "1",
        &[],
        "CREATE TABLE t_ok (id integer);",
        "DROP TABLE t_ok;",
    );
    t.rev(
        "2",
        &["1"],
        "CREATE TABLE t_half (id integer);\nINSERT INTO no_such_table (id) VALUES (1);\nCREATE TABLE t_never (id integer);",
        "DROP TABLE t_half;",
    );
    let out = t.run(&["upgrade", "head"]).expect(2);
    let file = format!("20261122_1000_{}_2.sql", rid("2"));
    assert!(out.stderr.contains(&file), "names the file: {}", out.stderr);
    assert!(
        out.stderr
            .contains("INSERT INTO no_such_table (id) VALUES (1)"),
        "names the statement: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(":10:"),
        "names the line: {}",
        out.stderr
    );
    assert_eq!(
        t.versions().await,
        vec![rid("1")],
        "at the last good revision"
    );
    assert!(t.table_exists("t_ok").await);
    assert!(
        !t.table_exists("t_never").await,
        "nothing after the failure ran"
    );
    if t.backend() == Backend::MySql {
        // DDL commits itself: the message says what stayed.
        assert!(out.stderr.contains("already ran"), "{}", out.stderr);
        assert!(out.stderr.contains("CREATE TABLE t_half"), "{}", out.stderr);
        assert!(t.table_exists("t_half").await);
        t.db.execute_sql("DROP TABLE t_half").await.unwrap();
    } else {
        assert!(out.stderr.contains("rolled back"), "{}", out.stderr);
        assert!(
            !t.table_exists("t_half").await,
            "no trace of the first statement"
        );
    }
    // The lock was released: a fixed revision applies.
    t.rev(
        "2",
        &["1"],
        "CREATE TABLE t_half (id integer);",
        "DROP TABLE t_half;",
    );
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(t.versions().await, vec![rid("2")]);
}

async fn offline_matches_online(t: Cli) {
    merge_graph(&t);
    let empty = t.catalog().await;
    // The script needs no database: a URL of the same kind that points nowhere.
    let nowhere = match t.backend() {
        Backend::Postgres => "postgres://nobody@127.0.0.1:1/nothing",
        Backend::MySql => "mysql://nobody@127.0.0.1:1/nothing",
        Backend::Sqlite => "sqlite:///nonexistent/dir/nothing.db",
    };
    let up = t
        .run(&["--database-url", nowhere, "upgrade", "base:head", "--sql"])
        .ok()
        .stdout;
    let down = t
        .run(&[
            "--database-url",
            nowhere,
            "downgrade",
            &format!("{}:base", rid("f")),
            "--sql",
        ])
        .ok()
        .stdout;
    // Online.
    t.run(&["upgrade", "head"]).ok();
    let online = t.catalog().await;
    let online_marks = markers(&t).await;
    assert_eq!(t.versions().await, vec![rid("f")]);
    t.run(&["downgrade", "base"]).ok();
    assert!(t.versions().await.is_empty());
    // Offline, through the database's own client.
    let script = t.path().join("up.sql");
    std::fs::write(&script, &up).unwrap();
    let out = t.run_client(&script);
    assert!(
        out.status.success(),
        "client failed: {}\n{up}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(t.catalog().await, online, "same schema as online");
    assert_eq!(t.versions().await, vec![rid("f")]);
    assert_eq!(markers(&t).await, online_marks);
    assert_eq!(
        t.strings("SELECT revision FROM alembix_log WHERE direction = 'upgrade'")
            .await
            .len(),
        16,
        "the log is kept as online: 8 online + 8 offline upgrade rows"
    );
    let script = t.path().join("down.sql");
    std::fs::write(&script, &down).unwrap();
    let out = t.run_client(&script);
    assert!(
        out.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t.versions().await.is_empty());
    // Back to the initial catalog plus the version and log tables.
    let tables = t.catalog_tables().await;
    assert_eq!(tables, vec!["alembix_log", "alembix_version"], "{empty}");
    // stamp --sql.
    let stamp = t
        .run(&["stamp", &rid("d1"), &rid("d2"), "--sql"])
        .ok()
        .stdout;
    let script = t.path().join("stamp.sql");
    std::fs::write(&script, &stamp).unwrap();
    assert!(t.run_client(&script).status.success());
    assert_eq!(t.versions().await, vec![rid("d1"), rid("d2")]);
}

/// Downgrades one revision at a time with `targets`, recording the catalog
/// after each; then checks the version rows come back empty.
async fn down_steps(t: &Cli, targets: &[&str]) -> Vec<String> {
    let mut seen = Vec::new();
    for target in targets {
        let before = t.versions().await;
        t.run(&["downgrade", target]).ok();
        let after = t.versions().await;
        assert_ne!(before, after, "{target} changed nothing");
        seen.push(t.catalog().await);
    }
    assert!(t.versions().await.is_empty(), "at base after {targets:?}");
    seen
}

async fn round_trip(t: &Cli, heads: &[&str], downs: &[&str]) {
    let empty = t.catalog().await;
    t.run(&["upgrade", "heads"]).ok();
    let mut expect: Vec<String> = heads.iter().map(|h| rid(h)).collect();
    expect.sort();
    assert_eq!(t.versions().await, expect);
    let top = t.catalog().await;
    let first = down_steps(t, downs).await;
    let at_base = first.last().unwrap().clone();
    let mut base_tables = t.catalog_tables().await;
    base_tables.retain(|n| !n.starts_with("alembix"));
    assert!(base_tables.is_empty(), "{base_tables:?}");
    t.run(&["upgrade", "heads"]).ok();
    assert_eq!(
        t.catalog().await,
        top,
        "upgrade again gives the same catalog"
    );
    assert_eq!(t.versions().await, expect);
    let second = down_steps(t, downs).await;
    assert_eq!(first, second, "each step's catalog is identical each time");
    assert_ne!(at_base, empty, "the version and log tables remain");
}

async fn round_trip_linear(t: Cli) {
    base(&t, "a");
    for (n, p) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")] {
        marked(&t, n, &[p]);
    }
    round_trip(&t, &["e"], &["-1", "-1", "-1", "-1", "-1"]).await;
}

async fn round_trip_branches(t: Cli) {
    base(&t, "a");
    marked(&t, "b", &["a"]);
    marked(&t, "c1", &["b"]);
    marked(&t, "d1", &["c1"]);
    marked(&t, "c2", &["b"]);
    marked(&t, "d2", &["c2"]);
    label(&t, "c2", "feat");
    round_trip(
        &t,
        &["d1", "d2"],
        &["feat@-1", "feat@-1", "-1", "-1", "-1", "-1"],
    )
    .await;
}

async fn round_trip_merge(t: Cli) {
    merge_graph(&t);
    round_trip(
        &t,
        &["f"],
        &["-1", "-1", "feat@-1", "feat@-1", "-1", "-1", "-1", "-1"],
    )
    .await;
}

async fn round_trip_depends_on(t: Cli) {
    // Two lines; b2 depends on a2.
    base(&t, "a1");
    marked(&t, "a2", &["a1"]);
    t.rev(
        "b1",
        &[],
        "CREATE TABLE t_b1 (id integer);",
        "DROP TABLE t_b1;",
    );
    marked(&t, "b2", &["b1"]);
    label(&t, "b1", "bline");
    depends(&t, "b2", "a2");
    round_trip(&t, &["b2"], &["-1", "bline@-1", "-1", "-1"]).await;
}

async fn graph_semantics(t: Cli) {
    merge_graph(&t);
    t.run(&["upgrade", &rid("b")]).ok();
    t.run(&["upgrade", "head"]).ok();
    let order = markers(&t).await;
    assert!(
        order == ["b", "c1", "d1", "c2", "d2", "e", "f"]
            || order == ["b", "c2", "d2", "c1", "d1", "e", "f"],
        "one branch after the other: {order:?}"
    );
    assert_eq!(t.versions().await, vec![rid("f")]);
    // A database at d1 only: +1 pulls in c2, d2, then e.
    t.run(&["downgrade", &rid("b")]).ok();
    t.run(&["upgrade", &rid("d1")]).ok();
    assert_eq!(t.versions().await, vec![rid("d1")]);
    let out = t.run(&["upgrade", "+1"]).ok();
    let ran: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("Running upgrade"))
        .collect();
    assert_eq!(ran.len(), 3, "{}", out.stdout);
    assert!(ran[0].contains(&format!("-> {}", rid("c2"))));
    assert!(ran[1].contains(&format!("-> {}", rid("d2"))));
    assert!(ran[2].contains(&format!("-> {}", rid("e"))));
    assert_eq!(t.versions().await, vec![rid("e")]);
    // Ambiguous walks are errors that say why.
    t.run(&["downgrade", &rid("b")]).ok();
    let out = t.run(&["upgrade", "+2"]).expect(2);
    assert!(out.stderr.contains("branch point"), "{}", out.stderr);
    t.run(&["upgrade", "head"]).ok();
    let out = t.run(&["downgrade", "-3"]).expect(2);
    assert!(out.stderr.contains("merge point"), "{}", out.stderr);
}

cli_tests!(
    concurrent_deploys,
    failing_revision,
    offline_matches_online,
    round_trip_linear,
    round_trip_branches,
    round_trip_merge,
    round_trip_depends_on,
    graph_semantics,
);
