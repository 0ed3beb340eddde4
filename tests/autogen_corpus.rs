//! The autogenerate corpus: models v1 → models v2, on PostgreSQL, MariaDB
//! and SQLite. For each scenario: the detected ops are exactly the expected
//! ones; what `autogen` writes (online DDL, the default) lints without an
//! error-severity finding; after `autogen` + `upgrade`, `diff` finds
//! nothing; a second `autogen` writes nothing; `downgrade -1` restores the
//! catalog exactly. And `models generate` round trips every state: after
//! the v1 upgrade and after the v2 upgrade, the models generated from the
//! database, put in place of the scenario's, make `diff` empty; all the
//! generated models of one backend compile together, without warnings.
//!
//! One test per backend runs the scenarios in sequence, each on a fresh
//! database (so the generated models are compiled by one `cargo build`);
//! a failing scenario is named, and the others still run.
//! `ALEMBIX_CORPUS=name,name` runs only the scenarios named.

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "models_generate/compile.rs"]
mod compile;

use std::panic::AssertUnwindSafe;

use alembix::Backend;
use alembix_migrate::Revision;
use alembix_migrate::lint::{Severity, lint_revision};
use cli::Cli;
use common::Kind;
use futures_util::FutureExt;

/// One scenario: two versions of `src/models.rs` and the ops between them,
/// as `op table[.column|:name]`, per backend where they differ; or
/// `error: <message>` where v2 cannot be had on a backend.
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

/// `diff` and `autogen` refuse the models with exit 2 and `message`, and write nothing.
fn assert_refused(t: &Cli, sc: &Scenario, message: &str) {
    let files = |t: &Cli| {
        std::fs::read_dir(t.path().join("migrations"))
            .unwrap()
            .count()
    };
    let before = files(t);
    for args in [
        &["diff", "--format", "json"][..],
        &["autogen", "-m", "refused"],
    ] {
        let out = t.run(args);
        assert_eq!(out.code, 2, "{}: {args:?} on {:?}", sc.name, t.backend());
        assert!(
            out.stderr.starts_with("error:") && out.stderr.contains(message),
            "{}: {}",
            sc.name,
            out.stderr
        );
    }
    assert_eq!(
        files(t),
        before,
        "{}: a refused autogen wrote a file",
        sc.name
    );
}

/// Every revision autogen wrote lints without an error-severity finding.
fn assert_lints_clean(t: &Cli, sc: &Scenario) {
    for entry in std::fs::read_dir(t.migrations()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let rev = Revision::parse(&path, &text).unwrap();
        let found = lint_revision(&rev, t.backend().dialect(), &[]).unwrap();
        let errors: Vec<String> = found
            .iter()
            .filter(|f| f.rule.severity == Severity::Error)
            .map(|f| format!("line {}: {} on {}", f.line, f.rule.id, f.statement))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: lint errors on {:?}: {errors:#?}\n{text}",
            sc.name,
            t.backend()
        );
    }
}

/// The models `models generate` wrote, as `(module name, source)`.
type Generated = Vec<(String, String)>;

/// `models generate` on the database as `version` left it: with its output
/// in place of the scenario's models (`models`), `diff` finds nothing. The
/// output is kept in `generated` for compiling, and the scenario's models
/// are written back.
fn generated_round_trip(
    t: &Cli,
    sc: &Scenario,
    version: &str,
    models: &str,
    generated: &mut Generated,
) {
    let file = t.path().join("src/models.rs");
    let out = t.run(&["models", "generate", "-o", "src/models.rs"]);
    assert_eq!(
        out.code,
        0,
        "{} {version}: models generate failed on {:?}\n{}",
        sc.name,
        t.backend(),
        out.stderr
    );
    let source = std::fs::read_to_string(&file).unwrap();
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{} {version}: diff with the models generated on {:?} is not empty; generated:\n{source}",
        sc.name,
        t.backend()
    );
    generated.push((format!("{}_{version}", sc.name), source));
    std::fs::write(&file, models).unwrap();
}

async fn run(t: &Cli, sc: &Scenario, generated: &mut Generated) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let models = t.path().join("src/models.rs");
    let want: Vec<String> = (sc.ops)(t.backend())
        .iter()
        .map(|s| s.to_string())
        .collect();
    let refusal = match want.as_slice() {
        [only] => only.strip_prefix("error: "),
        _ => None,
    };
    if t.backend() == Backend::Postgres {
        // A second schema, compared in every scenario (autogenerate does not
        // create schemas): so a table in it that no model names any more is
        // dropped like any other.
        t.db.execute_sql("CREATE SCHEMA audit").await.unwrap();
        let config = t.path().join("alembix.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str("schemas = [\"public\", \"audit\"]\n");
        std::fs::write(&config, text).unwrap();
    }
    let v1 = format!("{HEAD}{}", sc.v1);
    std::fs::write(&models, &v1).unwrap();
    if let Some(message) = refusal {
        let out = t.run(&["diff", "--format", "json"]);
        if out.code == 2 {
            // Already v1 cannot be had on this backend.
            assert_refused(t, sc, message);
            return;
        }
    }
    t.run(&["autogen", "-m", "v1"]).ok();
    assert_lints_clean(t, sc);
    t.run(&["upgrade", "head"]).ok();
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{}: v1 round trip is not clean",
        sc.name
    );
    // `models generate` needs a table (v1 of a few scenarios is empty).
    if sc.v1.contains("derive(Model)") {
        generated_round_trip(t, sc, "v1", &v1, generated);
    }
    let before = t.catalog().await;

    let v2 = format!("{HEAD}{}", sc.v2);
    std::fs::write(&models, &v2).unwrap();
    if let Some(message) = refusal {
        // v2 cannot be had on this backend: nothing is written or changed.
        assert_refused(t, sc, message);
        assert_eq!(t.catalog().await, before, "{}", sc.name);
        return;
    }
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    let got: Vec<String> = json.as_array().unwrap().iter().map(op_line).collect();
    assert_eq!(got, want, "{}: ops on {:?}", sc.name, t.backend());
    if want.is_empty() {
        let out = t.run(&["autogen", "-m", "v2"]).ok();
        assert!(
            out.stdout.contains("nothing written"),
            "{}: {}",
            sc.name,
            out.stdout
        );
        return;
    }
    let out = t.run(&["autogen", "-m", "v2"]).ok();
    assert!(
        out.stdout.contains("Generating"),
        "{}: {}",
        sc.name,
        out.stdout
    );
    assert_lints_clean(t, sc);
    let up = t.run(&["upgrade", "head"]);
    assert_eq!(up.code, 0, "{}: upgrade failed\n{}", sc.name, up.stderr);
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{}: false positives after upgrade",
        sc.name
    );
    generated_round_trip(t, sc, "v2", &v2, generated);
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
        /// Every scenario, in the order written.
        fn scenarios() -> Vec<Scenario> {
            vec![$(Scenario { name: stringify!($name), v1: $v1, v2: $v2, ops: $ops }),*]
        }
    };
}

/// Every scenario (or those `ALEMBIX_CORPUS` names) on a fresh database of
/// `kind` each, in sequence; then all the models generated on the way
/// compile as modules of one crate. Panics naming the failing scenarios.
async fn corpus(kind: Kind) {
    let only: Option<Vec<String>> = std::env::var("ALEMBIX_CORPUS")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let all = scenarios();
    if let Some(only) = &only {
        let unknown: Vec<&String> = only
            .iter()
            .filter(|n| !all.iter().any(|sc| sc.name == n.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "ALEMBIX_CORPUS names no scenario {unknown:?}"
        );
    }
    let mut generated = Generated::new();
    let mut failed = Vec::new();
    for sc in all {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == sc.name))
        {
            continue;
        }
        let outcome = AssertUnwindSafe(common::run_with_url(
            kind,
            Default::default(),
            |db, url| async {
                run(&Cli::new(db, url), &sc, &mut generated).await;
            },
        ))
        .catch_unwind()
        .await;
        if outcome.is_err() {
            failed.push(sc.name);
        }
    }
    assert!(
        failed.is_empty(),
        "{kind:?}: scenarios failed (their panics are printed above): {failed:?}"
    );
    if generated.is_empty() {
        // The server was not reachable (outside CI): said loudly above.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(String, std::path::PathBuf)> = generated
        .iter()
        .map(|(name, source)| {
            let path = dir.path().join(format!("{name}.rs"));
            std::fs::write(&path, source).unwrap();
            (name.clone(), path)
        })
        .collect();
    let modules: Vec<(&str, &std::path::Path)> = files
        .iter()
        .map(|(name, path)| (name.as_str(), path.as_path()))
        .collect();
    let case = format!("gen_corpus_{kind:?}").to_lowercase();
    compile::assert_compiles_modules(&case, &modules);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_postgres() {
    corpus(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_mariadb() {
    corpus(Kind::MariaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_sqlite() {
    corpus(Kind::Sqlite).await;
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

const POSTS: &str = r#"
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "cascade")]
    pub author_id: i64,
    pub title: String,
}
"#;

/// `authors` with one field line replaced.
fn authors_with(field: &'static str) -> &'static str {
    authors("", field)
}

/// `authors` with more model attributes (`, index(...)`) and its fields after `id`.
fn authors(attrs: &str, fields: &str) -> &'static str {
    Box::leak(
        format!(
            "#[derive(Model)]\n#[model(table = \"authors\"{attrs})]\npub struct Author {{\n    pub id: i64,\n{fields}\n}}\n"
        )
        .into_boxed_str(),
    )
}

/// The fields of `authors` the index scenarios use.
const NAME_RETIRED: &str =
    "    #[column(max_length = 100)]\n    pub name: String,\n    pub retired: Option<bool>,";

/// A table every version keeps, so that dropping the others does not
/// empty the database (which autogen refuses).
const KEEP: &str =
    "#[derive(Model)]\n#[model(table = \"keep\")]\npub struct Keep { pub id: i64 }\n";

fn both(a: &'static str, b: &'static str) -> &'static str {
    Box::leak(format!("{a}\n{b}").into_boxed_str())
}

const ENUM_V1: &str = r#"
#[derive(DbEnum, Clone, Copy)]
#[db_enum(name = "post_status")]
pub enum PostStatus { Draft, Published }
#[derive(Model)]
#[model(table = "posts")]
pub struct Post { pub id: i64, pub status: PostStatus }
"#;

scenarios! {
    create_tables {
        v1: "",
        v2: AUTHORS,
        ops: |_| vec!["create_table authors"],
    }
    create_with_index_and_fk {
        v1: "",
        v2: both(AUTHORS, r#"
#[derive(Model)]
#[model(table = "posts", index(columns = "author_id, title"))]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
    #[column(max_length = 50)]
    pub title: String,
}
"#),
        ops: |_| vec!["create_table authors", "create_table posts", "create_index posts:ix_posts_author_id_title"],
    }
    drop_table {
        v1: both(AUTHORS, KEEP),
        v2: KEEP,
        ops: |_| vec!["drop_table authors"],
    }
    nothing_changed {
        v1: both(AUTHORS, POSTS),
        v2: both(AUTHORS, POSTS),
        ops: |_| vec![],
    }
    add_nullable_column {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100)]\n    pub name: String,\n    pub bio: Option<String>,"),
        ops: |_| vec!["add_column authors.bio"],
    }
    add_column_with_default {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100)]\n    pub name: String,\n    #[column(default = \"0\")]\n    pub score: i32,"),
        ops: |_| vec!["add_column authors.score"],
    }
    drop_column {
        v1: authors_with("    #[column(max_length = 100)]\n    pub name: String,\n    pub bio: Option<String>,"),
        v2: AUTHORS,
        ops: |_| vec!["drop_column authors.bio"],
    }
    rename_column {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100, renamed_from = \"name\")]\n    pub full_name: String,"),
        ops: |_| vec!["rename_column authors.full_name"],
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
    widen_varchar {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 200)]\n    pub name: String,"),
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_column authors.name [type]"] },
    }
    narrow_varchar {
        v1: authors_with("    #[column(max_length = 200)]\n    pub name: String,"),
        v2: AUTHORS,
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_column authors.name [type]"] },
    }
    text_to_integer {
        v1: authors_with("    pub rank: String,"),
        v2: authors_with("    pub rank: i32,"),
        ops: |_| vec!["alter_column authors.rank [type]"],
    }
    make_nullable {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100)]\n    pub name: Option<String>,"),
        ops: |_| vec!["alter_column authors.name [nullable]"],
    }
    make_not_null_with_default {
        v1: authors_with("    pub score: Option<i32>,"),
        v2: authors_with("    #[column(default = \"0\")]\n    pub score: i32,"),
        ops: |_| vec!["alter_column authors.score [nullable,default]"],
    }
    change_default {
        v1: authors_with("    #[column(max_length = 20, default = \"'new'\")]\n    pub state: String,"),
        v2: authors_with("    #[column(max_length = 20, default = \"'active'\")]\n    pub state: String,"),
        ops: |_| vec!["alter_column authors.state [default]"],
    }
    int_to_bigint {
        v1: authors_with("    pub n: i32,"),
        v2: authors_with("    pub n: i64,"),
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_column authors.n [type]"] },
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
    drop_index {
        v1: r#"
#[derive(Model)]
#[model(table = "authors", index(columns = "name"))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#,
        v2: AUTHORS,
        ops: |_| vec!["drop_index authors:ix_authors_name"],
    }
    add_unique {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100, unique)]\n    pub name: String,"),
        ops: |_| vec!["add_unique authors:uq_authors_name"],
    }
    drop_unique {
        v1: authors_with("    #[column(max_length = 100, unique)]\n    pub name: String,"),
        v2: AUTHORS,
        ops: |_| vec!["drop_unique authors:uq_authors_name"],
    }
    add_check {
        v1: "#[derive(Model)]\n#[model(table = \"authors\")]\npub struct Author { pub id: i64, pub age: i32 }\n",
        v2: r#"
#[derive(Model)]
#[model(table = "authors", check(name = "ck_authors_age", expr = "age >= 0"))]
pub struct Author { pub id: i64, pub age: i32 }
"#,
        ops: |_| vec!["add_check authors:ck_authors_age"],
    }
    check_expression_changed {
        v1: r#"
#[derive(Model)]
#[model(table = "authors", check(name = "ck_authors_age", expr = "age >= 0"))]
pub struct Author { pub id: i64, pub age: i32 }
"#,
        v2: r#"
#[derive(Model)]
#[model(table = "authors", check(name = "ck_authors_age", expr = "age >= 18"))]
pub struct Author { pub id: i64, pub age: i32 }
"#,
        ops: |_| vec!["drop_check authors:ck_authors_age", "add_check authors:ck_authors_age"],
    }
    add_foreign_key_column {
        v1: both(AUTHORS, "#[derive(Model)]\n#[model(table = \"posts\")]\npub struct Post { pub id: i64, pub title: String }\n"),
        v2: both(AUTHORS, r#"
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    #[column(references = "authors.id")]
    pub author_id: Option<i64>,
}
"#),
        ops: |_| vec!["add_column posts.author_id", "add_foreign_key posts:fk_posts_author_id_authors"],
    }
    foreign_key_action_changed {
        v1: both(AUTHORS, POSTS),
        v2: both(AUTHORS, r#"
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "restrict")]
    pub author_id: i64,
    pub title: String,
}
"#),
        ops: |_| vec!["drop_foreign_key posts:fk_posts_author_id_authors", "add_foreign_key posts:fk_posts_author_id_authors"],
    }
    drop_referenced_table {
        v1: both(AUTHORS, POSTS),
        v2: "#[derive(Model)]\n#[model(table = \"posts\")]\npub struct Post { pub id: i64, pub author_id: i64, pub title: String }\n",
        ops: |_| vec!["drop_foreign_key posts:fk_posts_author_id_authors", "drop_table authors"],
    }
    drop_parent_and_child {
        v1: both(both(AUTHORS, POSTS), KEEP),
        v2: KEEP,
        ops: |_| vec!["drop_table posts", "drop_table authors"],
    }
    composite_primary_key {
        v1: "",
        v2: r#"
#[derive(Model)]
#[model(table = "memberships", primary_key(columns = "org_id, user_id"))]
pub struct Membership { pub org_id: i64, pub user_id: i64, pub role: String }
"#,
        ops: |_| vec!["create_table memberships"],
    }
    primary_key_changed {
        v1: r#"
#[derive(Model)]
#[model(table = "codes", primary_key(columns = "a"))]
pub struct Code { pub a: i32, pub b: i32 }
"#,
        v2: r#"
#[derive(Model)]
#[model(table = "codes", primary_key(columns = "a, b"))]
pub struct Code { pub a: i32, pub b: i32 }
"#,
        // A single integer key is auto-increment by default; a composite one is
        // not: the column loses it before its key is dropped.
        ops: |_| vec!["alter_column codes.a [auto_increment]", "drop_primary_key codes:pk_codes", "add_primary_key codes:pk_codes"],
    }
    auto_increment_off {
        v1: "#[derive(Model)]\n#[model(table = \"tags\")]\npub struct Tag { pub id: i64, pub label: String }\n",
        v2: "#[derive(Model)]\n#[model(table = \"tags\")]\npub struct Tag {\n    #[column(auto_increment = false)]\n    pub id: i64,\n    pub label: String,\n}\n",
        // SQLite: an integer key is the rowid, generated either way.
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_column tags.id [auto_increment]"] },
    }
    enum_value_added {
        v1: ENUM_V1,
        v2: r#"
#[derive(DbEnum, Clone, Copy)]
#[db_enum(name = "post_status")]
pub enum PostStatus { Draft, Published, Archived }
#[derive(Model)]
#[model(table = "posts")]
pub struct Post { pub id: i64, pub status: PostStatus }
"#,
        ops: |b| if b == Backend::Postgres { vec!["alter_enum -:post_status"] } else { vec!["alter_column posts.status [type]"] },
    }
    enum_value_removed {
        v1: r#"
#[derive(DbEnum, Clone, Copy)]
#[db_enum(name = "post_status")]
pub enum PostStatus { Draft, Published, Archived }
#[derive(Model)]
#[model(table = "posts")]
pub struct Post { pub id: i64, pub status: PostStatus }
"#,
        v2: ENUM_V1,
        ops: |b| if b == Backend::Postgres { vec!["alter_enum -:post_status"] } else { vec!["alter_column posts.status [type]"] },
    }
    table_comment {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "authors", comment = "People who write")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#,
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_table_comment authors"] },
    }
    column_comment {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 100, comment = \"Shown on the byline\")]\n    pub name: String,"),
        ops: |b| if b == Backend::Sqlite { vec![] } else { vec!["alter_column authors.name [comment]"] },
    }
    reserved_and_mixed_case_names {
        v1: "",
        v2: r#"
#[derive(Model)]
#[model(table = "order", index(columns = "select"))]
pub struct Order {
    pub id: i64,
    #[column(name = "select", max_length = 10)]
    pub select_: String,
    #[column(name = "Group")]
    pub group: Option<i32>,
}
"#,
        ops: |_| vec!["create_table order", "create_index order:ix_order_select"],
    }
    self_reference {
        v1: "",
        v2: r#"
#[derive(Model)]
#[model(table = "employees")]
pub struct Employee {
    pub id: i64,
    #[column(references = "employees.id", on_delete = "set null")]
    pub manager_id: Option<i64>,
}
"#,
        ops: |_| vec!["create_table employees"],
    }
    foreign_key_cycle {
        v1: "",
        v2: r#"
#[derive(Model)]
#[model(table = "teams")]
pub struct Team {
    pub id: i64,
    #[column(references = "people.id")]
    pub lead_id: Option<i64>,
}
#[derive(Model)]
#[model(table = "people")]
pub struct Person {
    pub id: i64,
    #[column(references = "teams.id")]
    pub team_id: Option<i64>,
}
"#,
        // people → teams → people: teams is created first, its key to people added after.
        ops: |_| vec!["create_table teams", "create_table people", "add_foreign_key teams:fk_teams_lead_id_people"],
    }
    add_unique_index {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "authors", index(columns = "name", unique))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#,
        ops: |_| vec!["create_index authors:ix_authors_name"],
    }
    add_table_referencing_existing {
        v1: AUTHORS,
        v2: both(AUTHORS, POSTS),
        ops: |_| vec!["create_table posts"],
    }
    multi_column_unique {
        v1: "#[derive(Model)]\n#[model(table = \"slots\")]\npub struct Slot { pub id: i64, pub day: i32, pub room: i32 }\n",
        v2: "#[derive(Model)]\n#[model(table = \"slots\", unique(columns = \"day, room\"))]\npub struct Slot { pub id: i64, pub day: i32, pub room: i32 }\n",
        ops: |_| vec!["add_unique slots:uq_slots_day_room"],
    }
    rename_column_and_widen {
        v1: AUTHORS,
        v2: authors_with("    #[column(max_length = 150, renamed_from = \"name\")]\n    pub full_name: String,"),
        ops: |b| if b == Backend::Sqlite {
            vec!["rename_column authors.full_name"]
        } else {
            vec!["rename_column authors.full_name", "alter_column authors.full_name [type]"]
        },
    }
    drop_indexed_column {
        v1: r#"
#[derive(Model)]
#[model(table = "authors", index(columns = "nick"))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    #[column(max_length = 30)]
    pub nick: String,
}
"#,
        v2: AUTHORS,
        ops: |_| vec!["drop_index authors:ix_authors_nick", "drop_column authors.nick"],
    }
    add_expression_index {
        v1: AUTHORS,
        v2: authors(r#", index(expr = "lower(name)", unique)"#, "    #[column(max_length = 100)]\n    pub name: String,"),
        // PostgreSQL prints it `lower((name)::text)`: the scratch copy
        // of the model's index is read back the same way.
        ops: |b| match b {
            Backend::MySql => vec!["error: which MySQL/MariaDB does not have"],
            _ => vec!["create_index authors:ix_authors_lower_name"],
        },
    }
    add_partial_index {
        v1: authors("", NAME_RETIRED),
        v2: authors(
            r#", index(name = "ix_authors_active_name", columns = "name", where = "retired IS NULL")"#,
            NAME_RETIRED,
        ),
        ops: |b| match b {
            Backend::MySql => vec!["error: which MySQL/MariaDB does not have"],
            _ => vec!["create_index authors:ix_authors_active_name"],
        },
    }
    change_partial_index_condition {
        v1: authors(r#", index(expr = "lower(name)", unique, where = "retired IS NULL")"#, NAME_RETIRED),
        v2: authors(r#", index(expr = "lower(name)", unique, where = "retired IS NOT TRUE")"#, NAME_RETIRED),
        ops: |b| match b {
            Backend::MySql => vec!["error: which MySQL/MariaDB does not have"],
            _ => vec!["drop_index authors:ix_authors_lower_name", "create_index authors:ix_authors_lower_name"],
        },
    }
    partial_index_becomes_plain {
        v1: authors(r#", index(columns = "name", where = "retired IS NULL")"#, NAME_RETIRED),
        v2: authors(r#", index(columns = "name")"#, NAME_RETIRED),
        ops: |b| match b {
            Backend::MySql => vec!["error: which MySQL/MariaDB does not have"],
            _ => vec!["drop_index authors:ix_authors_name", "create_index authors:ix_authors_name"],
        },
    }
    schema_tables_with_keys_both_ways {
        v1: AUTHORS,
        v2: both(AUTHORS, r#"
#[derive(DbEnum)]
#[db_enum(name = "event_kind")]
pub enum EventKind { Created, Deleted }
#[derive(Model)]
#[model(table = "events", schema = "audit", index(expr = "lower(note)"), check(expr = "length(note) > 0"))]
pub struct Event {
    pub id: i64,
    #[column(references = "authors.id", on_delete = "cascade", index)]
    pub author_id: i64,
    pub kind: EventKind,
    #[column(default = "'-'")]
    pub note: String,
}
#[derive(Model)]
#[model(table = "pins")]
pub struct Pin {
    pub id: i64,
    #[column(references = "audit.events.id")]
    pub event_id: i64,
}
"#),
        // Tables outside `public` are named `schema.table`.
        ops: |b| match b {
            Backend::Postgres => vec![
                "create_enum -:event_kind",
                "create_table audit.events",
                "create_table pins",
                "create_index audit.events:ix_events_author_id",
                "create_index audit.events:ix_events_lower_note",
            ],
            _ => vec!["error: only PostgreSQL has schemas"],
        },
    }
    schema_table_renamed_and_altered {
        v1: r#"
#[derive(Model)]
#[model(table = "events", schema = "audit")]
pub struct Event {
    pub id: i64,
    #[column(max_length = 20)]
    pub note: String,
}
"#,
        v2: r#"
#[derive(Model)]
#[model(table = "entries", schema = "audit", renamed_from = "events", index(columns = "note", where = "seen IS NULL"))]
pub struct Entry {
    pub id: i64,
    #[column(max_length = 40)]
    pub note: String,
    pub seen: Option<bool>,
}
"#,
        ops: |b| match b {
            Backend::Postgres => vec![
                "rename_table audit.entries",
                "alter_column audit.entries.note [type]",
                "add_column audit.entries.seen",
                "create_index audit.entries:ix_entries_note",
            ],
            _ => vec!["error: only PostgreSQL has schemas"],
        },
    }
    schema_table_dropped_before_what_it_references {
        v1: both(both(KEEP, AUTHORS), r#"
#[derive(Model)]
#[model(table = "events", schema = "audit")]
pub struct Event {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
}
"#),
        v2: KEEP,
        ops: |b| match b {
            Backend::Postgres => vec!["drop_table audit.events", "drop_table authors"],
            _ => vec!["error: only PostgreSQL has schemas"],
        },
    }
    index_on_unbounded_text {
        v1: AUTHORS,
        v2: r#"
#[derive(Model)]
#[model(table = "authors", index(columns = "bio"))]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    pub bio: Option<String>,
}
"#,
        // MySQL/MariaDB cannot index a text column without a prefix length:
        // said by autogen, not first by the upgrade.
        ops: |b| match b {
            Backend::MySql => vec!["error: cannot index without a prefix length"],
            _ => vec!["add_column authors.bio", "create_index authors:ix_authors_bio"],
        },
    }
}
