//! A revision creating more objects than `statements_per_step` allows in
//! one transactional step: autogen cuts its sections into several
//! transactional steps (each committing on its own, as PostgreSQL's lock
//! table needs at 10,000 tables), parents before the tables that reference
//! them; `upgrade head` and `downgrade base` run them, and a run that fails
//! in a later step leaves the earlier steps committed and resumes after
//! them without running a statement twice.

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::Cli;

/// Tables in the models, each referencing the one before it.
const TABLES: usize = 6;

/// The most statements of a step in these tests.
const PER_STEP: usize = 4;

/// Six tables `s0`..`s5`, each with an index, `s<i>` referencing `s<i-1>`.
fn models() -> String {
    let mut s = String::from("use alembix::Model;\n");
    for i in 0..TABLES {
        let parent = if i == 0 {
            "    pub parent_id: i64,\n".to_string()
        } else {
            format!(
                "    #[column(references = \"s{}.id\")]\n    pub parent_id: i64,\n",
                i - 1
            )
        };
        s.push_str(&format!(
            "#[derive(Model)]\n#[model(table = \"s{i}\", index(columns = \"name\"))]\npub struct S{i} {{\n    pub id: i64,\n{parent}    #[column(max_length = 40)]\n    pub name: String,\n}}\n"
        ));
    }
    s
}

/// The one revision autogen wrote: its upgrade and downgrade sections.
fn sections(t: &Cli) -> (String, String) {
    let files: Vec<_> = std::fs::read_dir(t.migrations())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let (head, down) = text.split_once("-- migrate:downgrade").unwrap();
    let up = head.split_once("-- migrate:upgrade").unwrap().1;
    (up.to_string(), down.to_string())
}

/// The statements of each step of a section (a statement ends a line in `;`).
fn steps(section: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    for line in section.lines() {
        if line == "-- step: transaction" {
            out.push(Vec::new());
        } else if line.ends_with(';') && !line.starts_with("--") {
            out.last_mut().unwrap().push(line.to_string());
        }
    }
    out
}

/// The tables `s0`..`s5` that exist.
async fn present(t: &Cli) -> Vec<String> {
    let mut v = Vec::new();
    for i in 0..TABLES {
        let name = format!("s{i}");
        if t.table_exists(&name).await {
            v.push(name);
        }
    }
    v
}

fn autogen(t: &Cli) {
    t.models(&models());
    t.append_config(&format!("statements_per_step = {PER_STEP}\n"));
    t.run(&["autogen", "-m", "many tables"]).ok();
}

async fn split_into_steps(t: Cli) {
    autogen(&t);
    let (up, down) = sections(&t);
    assert!(!up.contains("no-transaction"), "{up}");
    let up_steps = steps(&up);
    // Six CREATE TABLEs and six CREATE INDEXes, four a step.
    assert_eq!(
        up_steps.iter().map(Vec::len).collect::<Vec<_>>(),
        [4, 4, 4],
        "{up}"
    );
    // Parents first: a table is created after the one it references.
    let creates: Vec<&String> = up_steps
        .iter()
        .flatten()
        .filter(|s| s.starts_with("CREATE TABLE"))
        .collect();
    for (i, c) in creates.iter().enumerate() {
        assert!(c.contains(&format!("s{i}")), "{up}");
    }
    // The downgrade drops the six tables (their indexes with them).
    let down_steps = steps(&down);
    assert_eq!(
        down_steps.iter().map(Vec::len).collect::<Vec<_>>(),
        [4, 2],
        "{down}"
    );
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(present(&t).await.len(), TABLES);
    // Exit 0: the database matches the models, nothing half-way.
    let check = t.run(&["check"]).ok();
    assert!(!check.stdout.contains("differ"), "{}", check.stdout);
    let current = t.run(&["current"]).ok();
    assert!(!current.stdout.contains("Half-way"), "{}", current.stdout);
    t.run(&["downgrade", "base"]).ok();
    assert!(present(&t).await.is_empty());
    assert!(t.versions().await.is_empty());
    // And up again: the steps run from the start.
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(present(&t).await.len(), TABLES);
}

/// Step 2 fails (its `s4` exists already): step 1's tables stay, the run
/// is half-way, and once `s4` is gone `upgrade head` finishes from there.
async fn resumes_after_committed_steps(t: Cli) {
    autogen(&t);
    t.db.execute_sql("CREATE TABLE s4 (x integer)")
        .await
        .unwrap();
    let failed = t.run(&["upgrade", "head"]).expect(2);
    let s4 = t.backend().dialect().quote_ident("s4");
    assert!(
        failed.stderr.contains(&format!("CREATE TABLE {s4}")),
        "{}",
        failed.stderr
    );
    let mut expect: Vec<String> = (0..4).map(|i| format!("s{i}")).collect();
    expect.push("s4".into());
    assert_eq!(present(&t).await, expect, "step 1 committed, s5 not made");
    let current = t.run(&["current"]).ok();
    assert!(current.stdout.contains("Half-way"), "{}", current.stdout);
    assert!(
        current.stdout.contains("1 of 3 step(s) done"),
        "{}",
        current.stdout
    );
    t.db.execute_sql("DROP TABLE s4").await.unwrap();
    // Step 1 does not run again: its CREATE TABLEs would fail.
    t.run(&["upgrade", "head"]).ok();
    assert_eq!(present(&t).await.len(), TABLES);
    assert_eq!(t.versions().await.len(), 1);
    // Exit 0: the database matches the models, nothing half-way.
    let check = t.run(&["check"]).ok();
    assert!(!check.stdout.contains("differ"), "{}", check.stdout);
}

server_tests! {
    split_into_steps: Postgres => split_into_steps_postgres, MariaDb => split_into_steps_mariadb, Sqlite => split_into_steps_sqlite;
    resumes_after_committed_steps: Postgres => resumes_after_committed_steps_postgres, MariaDb => resumes_after_committed_steps_mariadb, Sqlite => resumes_after_committed_steps_sqlite;
}
