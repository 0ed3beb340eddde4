//! The autogenerate corpus: models v1 → models v2, on PostgreSQL, MariaDB
//! and SQLite. For each scenario: the detected ops are exactly the expected
//! ones; after `autogen` + `upgrade`, `diff` finds nothing; a second
//! `autogen` writes nothing; `downgrade -1` restores the catalog exactly.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::Backend;
use cli::Cli;

/// One scenario: two versions of `src/models.rs` and the ops between them,
/// as `op table[.column|:name]`, per backend where they differ.
struct Scenario {
    name: &'static str,
    v1: &'static str,
    v2: &'static str,
    ops: fn(Backend) -> Vec<&'static str>,
}

const HEAD: &str = "use alembix::{DbEnum, Model};\n";

fn op_line(v: &serde_json::Value) -> String {
    let mut s = format!(
        "{} {}",
        v["op"].as_str().unwrap(),
        v["table"].as_str().unwrap_or("-")
    );
    if let Some(c) = v["column"].as_str() {
        s.push('.');
        s.push_str(c);
    }
    if let Some(n) = v["name"].as_str() {
        s.push(':');
        s.push_str(n);
    }
    if let Some(ch) = v["changes"].as_array() {
        let ch: Vec<&str> = ch.iter().map(|c| c.as_str().unwrap()).collect();
        s.push_str(&format!(" [{}]", ch.join(",")));
    }
    s
}

async fn run(t: &Cli, sc: &Scenario) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let models = t.path().join("src/models.rs");
    std::fs::write(&models, format!("{HEAD}{}", sc.v1)).unwrap();
    t.run(&["autogen", "-m", "v1"]).ok();
    t.run(&["upgrade", "head"]).ok();
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{}: v1 round trip is not clean",
        sc.name
    );
    let before = t.catalog().await;

    std::fs::write(&models, format!("{HEAD}{}", sc.v2)).unwrap();
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    let got: Vec<String> = json.as_array().unwrap().iter().map(op_line).collect();
    let want: Vec<String> = (sc.ops)(t.backend())
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(got, want, "{}: ops on {:?}", sc.name, t.backend());
    let out = t.run(&["autogen", "-m", "v2"]).ok();
    assert!(
        out.stdout.contains("Generating"),
        "{}: {}",
        sc.name,
        out.stdout
    );
    let up = t.run(&["upgrade", "head"]);
    assert_eq!(up.code, 0, "{}: upgrade failed\n{}", sc.name, up.stderr);
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{}: false positives after upgrade",
        sc.name
    );
    let out = t.run(&["autogen", "-m", "again"]).ok();
    assert!(
        out.stdout.contains("nothing written"),
        "{}: {}",
        sc.name,
        out.stdout
    );
    let down = t.run(&["downgrade", "-1"]);
    assert_eq!(
        down.code, 0,
        "{}: downgrade failed\n{}",
        sc.name, down.stderr
    );
    assert_eq!(
        t.catalog().await,
        before,
        "{}: downgrade did not restore the catalog",
        sc.name
    );
}

macro_rules! scenarios {
    ($($name:ident { v1: $v1:expr, v2: $v2:expr, ops: $ops:expr $(,)? })*) => {
        $(
            async fn $name(t: Cli) {
                let sc = Scenario { name: stringify!($name), v1: $v1, v2: $v2, ops: $ops };
                run(&t, &sc).await;
            }
        )*
        cli_tests!($($name),*);
    };
}

const AUTHORS: &str = r#"
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#;

scenarios! {
    create_tables {
        v1: "",
        v2: AUTHORS,
        ops: |_| vec!["create_table authors"],
    }
    drop_table {
        v1: AUTHORS,
        v2: "",
        ops: |_| vec!["drop_table authors"],
    }
    add_nullable_column {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    pub bio: Option<String>,
}
"#,
        ops: |_| vec!["add_column authors.bio"],
    }
    add_index {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "authors", index(columns = "name"))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#,
        ops: |_| vec!["create_index authors:ix_authors_name"],
    }
    rename_table {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "writers", renamed_from = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#,
        ops: |_| vec!["rename_table writers"],
    }
}
