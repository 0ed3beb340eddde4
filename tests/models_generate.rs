//! `alembix models generate` round trips on every backend: a database
//! built from hand-written DDL (and from generated schemas), the models
//! generated from it, then `alembix diff` with those models is empty and
//! the models compile without warnings.

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "models_generate/compile.rs"]
mod compile;
#[path = "models_generate/ddl.rs"]
mod ddl;
#[path = "models_generate/sample.rs"]
mod sample;
#[path = "models_generate/scale.rs"]
mod scale;

use alembix::Backend;
use alembix::schema::dialect::AutoIncrementOutsideKey;
use cli::Cli;

/// Generates `src/models.rs` (with `args` added) and asserts that `diff`
/// finds nothing; returns the generated source.
fn generate_clean(t: &Cli, args: &[&str]) -> String {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    let mut all = vec!["models", "generate", "-o", "src/models.rs"];
    all.extend_from_slice(args);
    t.run(&all).ok();
    let source = std::fs::read_to_string(t.path().join("src/models.rs")).unwrap();
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{:?}: diff after models generate is not empty; generated:\n{source}",
        t.backend()
    );
    source
}

async fn run_ddl(t: &Cli, statements: &[&str]) {
    for s in statements {
        t.db.execute_sql(s)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

async fn hand_written(t: Cli) {
    if t.backend().caps().has_schemas {
        t.append_config("schemas = [\"public\", \"audit\"]\n");
    }
    run_ddl(&t, ddl::statements(t.backend())).await;
    let source = generate_clean(&t, &["--with-relations"]);
    assert!(
        source.contains("#[derive(Debug, Clone, alembix::Model)]"),
        "{source}"
    );
    // The table without a key is a model saying so, not left out.
    assert!(
        source.contains("#[model(no_primary_key)]\npub struct Readings {"),
        "{source}"
    );
    if t.backend().caps().auto_increment_outside_key != AutoIncrementOutsideKey::Nowhere {
        let attrs = source
            .lines()
            .take_while(|l| !l.contains("pub number: i64"))
            .last();
        assert!(
            attrs.is_some_and(|l| l.contains("#[column(auto_increment")),
            "{source}"
        );
    }
    compile::assert_compiles(
        &format!("gen_hand_{}", t.backend().name()),
        &t.path().join("src/models.rs"),
    );
    baseline_recreates(&t).await;
    // The module tree says the same.
    std::fs::remove_file(t.path().join("src/models.rs")).unwrap();
    t.run(&["models", "generate", "-o", "src/models"]).ok();
    assert!(t.path().join("src/models/mod.rs").exists());
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{:?}: module tree",
        t.backend()
    );
}

/// `baseline` of the same database, upgraded on a fresh one: the generated
/// models match that one too. Schemas and domains are not part of a
/// revision (the schema model holds neither), so the fresh PostgreSQL
/// database gets them first.
async fn baseline_recreates(t: &Cli) {
    t.run(&["baseline", "-m", "adopt"]).ok();
    let name = common::unique_name();
    let other = match t.backend() {
        Backend::Sqlite => format!("sqlite://{}", t.path().join(format!("{name}.db")).display()),
        _ => format!("{}/{name}", t.url.rsplit_once('/').unwrap().0),
    };
    let with = |args: &[&str]| t.run(&[&["--database-url", other.as_str()][..], args].concat());
    with(&["database", "create"]).ok();
    if t.backend().caps().has_schemas {
        let fresh = alembix::Db::connect(&other).await.unwrap();
        fresh.execute_sql(ddl::POSTGRES[0]).await.unwrap();
        fresh.execute_sql(ddl::POSTGRES[2]).await.unwrap();
        fresh.close().await;
    }
    with(&["upgrade", "head"]).ok();
    let json = with(&["diff", "--format", "json"]).ok().json();
    with(&["database", "drop", "-y"]).ok();
    assert_eq!(
        json,
        serde_json::json!([]),
        "{:?}: the generated models against a database upgraded from the baseline",
        t.backend()
    );
}

cli_tests!(hand_written);

/// 1,000 tables on each backend: `diff` is empty and the output compiles
/// (each backend's: the column types it reads differ). On MariaDB the
/// tables are created and dropped over several connections at once (see
/// `scale::create`).
async fn thousand_tables(t: Cli) {
    scale::create(&t.db, &t.url, 1000).await;
    let source = generate_clean(&t, &[]);
    assert_eq!(source.matches("alembix::Model)]").count(), 1000);
    compile::assert_compiles(
        &format!("gen_thousand_{}", t.backend().name()),
        &t.path().join("src/models.rs"),
    );
    scale::drop_tables(&t.db, &t.url, 1000).await;
}

cli_tests!(thousand_tables);

/// What a user can get wrong: exit 2 with a message, nothing written.
async fn refusals(t: Cli) {
    let out = t.run(&["models", "generate"]).expect(2);
    assert!(out.stderr.contains("holds no table"), "{}", out.stderr);
    t.db.execute_sql("CREATE TABLE keep (id integer PRIMARY KEY)")
        .await
        .unwrap();
    let out = t.run(&["models", "generate", "--tables", "[x"]).expect(2);
    assert!(
        out.stderr.contains("bad table pattern `[x`"),
        "{}",
        out.stderr
    );
    let out = t
        .run(&["models", "generate", "--tables", "nope_*"])
        .expect(2);
    assert!(out.stderr.contains("no table matches"), "{}", out.stderr);
    let out = t
        .run(&["models", "generate", "-o", "missing/dir/models.rs"])
        .expect(2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    assert!(!t.path().join("missing").exists());
    let out = t.run(&["models", "generate"]).ok();
    assert!(out.stdout.contains("pub struct Keep {"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_sqlite() {
    common::run_with_url(common::Kind::Sqlite, Default::default(), |db, url| {
        refusals(Cli::new(db, url))
    })
    .await;
}

/// The sample schema with its declared objects and partitions: the
/// generated models (objects in an `alembix::sql_objects!` block,
/// partitions as model attributes) compile and `diff` is empty.
async fn sample_schema(t: Cli) {
    run_ddl(&t, sample::statements(t.backend())).await;
    let source = generate_clean(&t, &[]);
    for part in [
        "alembix::sql_objects!",
        "view \"film_list\"",
        "trigger \"last_updated\"",
    ] {
        assert!(source.contains(part), "{part} missing from:\n{source}");
    }
    if sample::statements(t.backend()) == sample::MARIADB {
        for part in ["procedure \"film_in_stock\"", "function \"film_total\""] {
            assert!(source.contains(part), "{part} missing from:\n{source}");
        }
    }
    if t.backend().caps().partitioned_tables {
        for part in [
            "materialized view \"sales_by_film\"",
            "function \"last_updated\"",
            "sequence \"film_code_seq\"",
            "partition_by = \"RANGE (payment_date)\"",
            "bound = \"DEFAULT\"",
            "enum Mpaa",
        ] {
            assert!(source.contains(part), "{part} missing from:\n{source}");
        }
    }
    compile::assert_compiles(
        &format!("gen_sample_{}", t.backend().name()),
        &t.path().join("src/models.rs"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_schema_postgres() {
    common::run_with_url(common::Kind::Postgres, Default::default(), |db, url| {
        sample_schema(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_schema_mariadb() {
    common::run_with_url(common::Kind::MariaDb, Default::default(), |db, url| {
        sample_schema(Cli::new(db, url))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_schema_sqlite() {
    common::run_with_url(common::Kind::Sqlite, Default::default(), |db, url| {
        sample_schema(Cli::new(db, url))
    })
    .await;
}
