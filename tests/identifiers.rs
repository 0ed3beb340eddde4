//! Identifiers of any UTF-8 text round-trip: tables, columns, indexes and
//! constraints named with non-ASCII letters (`é`, `ß`, CJK), quotes,
//! backticks and spaces are created by the schema renderer, read back by
//! introspection and compared with the models they came from without a
//! difference, on every backend. A name over the backend's limit is refused,
//! never cut short.

#[path = "common/cli.rs"]
mod cli;
mod common;

use alembix::{Db, PoolOptions};
use alembix_autogen::autogen::compare;
use alembix_autogen::diff::DiffOptions;
use alembix_autogen::introspect::{IntrospectOptions, introspect};
use alembix_migrate::Database;
use alembix_schema::{
    Check, Column, ColumnType, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint, create_schema, drop_schema, naming,
};
use cli::Cli;
use common::Kind;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The names of one case, each starting with its own ASCII letter so no
/// two of them are equal under any backend's case or accent folding.
#[derive(Debug, Clone)]
struct Names {
    parent: String,
    child: String,
    label: String,
    rank: String,
    parent_ref: String,
    unique: String,
    index: String,
    check: String,
    foreign_key: String,
}

/// `prefix` and as much of `body` as fits in 63 bytes; no trailing space
/// (MySQL refuses one).
fn fit(prefix: &str, body: &[char]) -> String {
    let mut s = prefix.to_string();
    for c in body {
        if s.len() + c.len_utf8() > naming::MAX_NAME_LEN {
            break;
        }
        s.push(*c);
    }
    while s.ends_with(' ') {
        s.pop();
    }
    s
}

fn name(prefix: &'static str) -> impl Strategy<Value = String> {
    let letters = vec![
        'a', 'Z', '_', '0', 'é', 'ß', 'Ä', 'ø', '中', '文', '日', '本', '"', '`', '\'', ' ', '(',
        ')', ',', '[', ']',
    ];
    prop::collection::vec(prop::sample::select(letters), 0..48)
        .prop_map(move |body| fit(prefix, &body))
}

fn names() -> impl Strategy<Value = Names> {
    (
        (name("p"), name("c"), name("l"), name("r"), name("f")),
        (name("u"), name("i"), name("k"), name("x")),
    )
        .prop_map(|((parent, child, label, rank, parent_ref), rest)| {
            let (unique, index, check, foreign_key) = rest;
            Names {
                parent,
                child,
                label,
                rank,
                parent_ref,
                unique,
                index,
                check,
                foreign_key,
            }
        })
}

/// A key column `id` that is the whole primary key, as the derive makes it.
fn keyed(name: &str) -> Table {
    let mut id = Column::new("id", ColumnType::BigInt);
    id.auto_increment = true;
    let mut t = Table::new(name).column(id);
    t.primary_key = Some(PrimaryKey {
        name: naming::primary_key_name(name),
        columns: vec!["id".into()],
    });
    t
}

/// Two tables using every name: a unique constraint, an index and a
/// (named) check on the parent, a foreign key from the child.
fn models(n: &Names) -> Schema {
    let mut parent = keyed(&n.parent)
        .column(Column::new(
            &n.label,
            ColumnType::Varchar { length: Some(40) },
        ))
        .column(Column::new(&n.rank, ColumnType::Integer).nullable())
        .column(Column::new("n", ColumnType::Integer).nullable());
    parent.uniques.push(UniqueConstraint {
        name: n.unique.clone(),
        columns: vec![n.label.clone()],
    });
    parent.indexes.push(Index {
        name: n.index.clone(),
        columns: vec![n.rank.clone(), n.label.clone()],
        ..Default::default()
    });
    parent.checks.push(Check {
        name: n.check.clone(),
        // MariaDB takes no check on an auto-increment column.
        expr: "n >= 0".into(),
    });
    let mut child =
        keyed(&n.child).column(Column::new(&n.parent_ref, ColumnType::BigInt).nullable());
    child.foreign_keys.push(ForeignKey {
        name: n.foreign_key.clone(),
        columns: vec![n.parent_ref.clone()],
        ref_table: n.parent.clone(),
        ref_schema: None,
        ref_columns: vec!["id".into()],
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    });
    Schema {
        tables: vec![parent, child],
        ..Default::default()
    }
}

async fn execute(db: &Db, statements: Vec<String>) -> Result<(), TestCaseError> {
    for sql in statements {
        db.execute_sql(&sql)
            .await
            .map_err(|e| TestCaseError::fail(format!("{sql}\n{e}")))?;
    }
    Ok(())
}

/// Creates the tables, reads them back, compares them with the models,
/// and drops them again (also when the comparison failed).
async fn one_case(db: &Db, database: &Database, n: Names) -> Result<(), TestCaseError> {
    let models = models(&n);
    let dialect = database.dialect();
    execute(db, create_schema(&models, dialect).unwrap()).await?;
    let read = introspect(database, &IntrospectOptions::default()).await;
    let d = compare(
        database,
        &models,
        "alembix_version",
        "alembix_log",
        &DiffOptions::default(),
    )
    .await;
    execute(db, drop_schema(&models, dialect).unwrap()).await?;
    let read = read.map_err(|e| TestCaseError::fail(format!("introspect: {e}")))?;
    let mut tables: Vec<&str> = read.tables.iter().map(|t| t.name.as_str()).collect();
    tables.sort();
    let mut expected = vec![n.parent.as_str(), n.child.as_str()];
    expected.sort();
    prop_assert_eq!(tables, expected);
    let parent = read.table(&n.parent).unwrap();
    let columns: Vec<&str> = parent.columns.iter().map(|c| c.name.as_str()).collect();
    prop_assert_eq!(columns, vec!["id", n.label.as_str(), n.rank.as_str(), "n"]);
    let d = d.map_err(|e| TestCaseError::fail(format!("compare: {e}")))?;
    prop_assert!(d.ops.is_empty(), "ops: {:#?}", d.ops);
    Ok(())
}

/// Names at the edges, whatever proptest draws: exactly 63 bytes of
/// two-byte letters, three-byte letters, every kind of quote.
fn fixed_cases() -> Vec<Names> {
    let all = |f: &dyn Fn(&str) -> String| Names {
        parent: f("p"),
        child: f("c"),
        label: f("l"),
        rank: f("r"),
        parent_ref: f("f"),
        unique: f("u"),
        index: f("i"),
        check: f("k"),
        foreign_key: f("x"),
    };
    vec![
        all(&|p| format!("{p}{}", "é".repeat(31))),
        all(&|p| {
            format!("{p}{}", "中".repeat(20))
                .chars()
                .chain("ab".chars())
                .collect()
        }),
        all(&|p| format!("{p}afé \"q\" `b` 'c' ß")),
    ]
}

async fn random_identifiers_round_trip(db: Db, url: String) {
    let database = Database::connect(&url).await.unwrap();
    let handle = tokio::runtime::Handle::current();
    for n in fixed_cases() {
        let at = format!("{n:?}");
        if let Err(e) = one_case(&db, &database, n).await {
            panic!("{at}: {e}");
        }
    }
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let result = tokio::task::block_in_place(|| {
        runner
            .run(&names(), |n| handle.block_on(one_case(&db, &database, n)))
            .map_err(|e| e.to_string())
    });
    database.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A column named `café` on SQLite: autogen, diff and check read the
/// `CREATE TABLE` text it is in without a panic.
async fn a_cafe_column_on_sqlite(t: Cli) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let models = "use alembix::Model;\n#[derive(Model)]\n#[model(table = \"menu\")]\npub struct Menu {\n    pub id: i64,\n    #[column(name = \"café\", index)]\n    pub cafe: String,\n    #[column(name = \"thé\", unique)]\n    pub tea: Option<String>,\n}\n";
    std::fs::write(t.path().join("src/models.rs"), models).unwrap();
    let out = t.run(&["autogen", "-m", "menu"]).ok();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    t.run(&["upgrade"]).ok();
    // The column is in the database now, and in the text SQLite keeps.
    let out = t.run(&["diff"]).ok();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let out = t.run(&["check"]).ok();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let out = t.run(&["autogen", "-m", "again"]).ok();
    assert!(out.stdout.contains("No changes detected"), "{}", out.stdout);
}

/// A 64-byte table name on PostgreSQL: autogen refuses it, saying why, and
/// writes nothing; nothing is created either.
async fn a_64_byte_table_name_on_postgres(t: Cli) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let long = "e".repeat(64);
    let models = format!(
        "use alembix::Model;\n#[derive(Model)]\n#[model(table = \"{long}\")]\npub struct Event {{\n    pub id: i64,\n}}\n"
    );
    std::fs::write(t.path().join("src/models.rs"), models).unwrap();
    let out = t.run(&["autogen", "-m", "events"]).expect(2);
    assert!(out.stderr.contains("models.rs:3"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("table name `{long}` is 64 bytes long")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("at most 63 bytes"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let written = std::fs::read_dir(t.migrations()).unwrap().count();
    assert_eq!(written, 0, "no revision is written");
    // A model built without the derive meets the same refusal in compare,
    // before anything is read or written.
    let database = Database::connect(&t.url).await.unwrap();
    let models = Schema {
        tables: vec![keyed(&long)],
        ..Default::default()
    };
    let err = compare(
        &database,
        &models,
        "alembix_version",
        "alembix_log",
        &DiffOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, alembix_autogen::Error::NameTooLong { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("at most 63 bytes"), "{err}");
    database.close().await;
    assert!(t.catalog_tables().await.is_empty());
}

macro_rules! on {
    ($kind:ident, $test:ident, $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            common::run_with_url(Kind::$kind, PoolOptions::default(), $case).await;
        }
    };
    (cli $kind:ident, $test:ident, $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            common::run_with_url(Kind::$kind, PoolOptions::default(), |db, url| {
                $case(Cli::new(db, url))
            })
            .await;
        }
    };
}

on!(
    Postgres,
    random_identifiers_round_trip_postgres,
    random_identifiers_round_trip
);
on!(
    MariaDb,
    random_identifiers_round_trip_mariadb,
    random_identifiers_round_trip
);
on!(
    Sqlite,
    random_identifiers_round_trip_sqlite,
    random_identifiers_round_trip
);
on!(cli Sqlite, a_cafe_column_on_sqlite_cli, a_cafe_column_on_sqlite);
on!(cli Postgres, a_64_byte_table_name_on_postgres_cli, a_64_byte_table_name_on_postgres);
