//! Autogenerate's refusals on the three backends: each guard fires (exit
//! 2, `error:` saying what to do, no file written) and stays quiet when
//! the models are fine or the flag says the change is meant.

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::Cli;

const AUTHORS: &str = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
}
"#;

/// Writes `src/models.rs`.
fn models(t: &Cli, text: &str) {
    std::fs::create_dir_all(t.path().join("src")).unwrap();
    std::fs::write(t.path().join("src/models.rs"), text).unwrap();
}

/// How many revision files the script directory holds.
fn revisions(t: &Cli) -> usize {
    std::fs::read_dir(t.migrations()).unwrap().count()
}

/// `args` exits 2 with an error containing each of `says`, writing nothing.
#[track_caller]
fn refused(t: &Cli, args: &[&str], says: &[&str]) {
    let before = revisions(t);
    let out = t.run(args).expect(2);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    for s in says {
        assert!(
            out.stderr.contains(s),
            "{args:?}: want {s:?} in\n{}",
            out.stderr
        );
    }
    assert_eq!(revisions(t), before, "{args:?} wrote a file");
}

/// Applies the models as they are.
fn apply(t: &Cli) {
    t.run(&["autogen", "-m", "models"]).ok();
    t.run(&["upgrade", "head"]).ok();
}

async fn empty_models_are_refused(t: Cli) {
    // No model on an empty database: nothing to do, nothing refused.
    models(&t, "// no models yet\n");
    let out = t.run(&["autogen", "-m", "none"]).ok();
    assert!(out.stdout.contains("nothing written"), "{}", out.stdout);
    models(&t, AUTHORS);
    apply(&t);
    // The models vanish: every table would go.
    models(&t, "// moved elsewhere\n");
    let says = ["hold no #[derive(Model)] struct", "--allow-empty"];
    refused(&t, &["autogen", "-m", "gone"], &says);
    refused(&t, &["diff"], &says);
    refused(&t, &["diff", "--format", "json"], &says);
    // Meant: diff lists the drop; autogen still wants the drop of all tables confirmed.
    let json = t
        .run(&["diff", "--format", "json", "--allow-empty"])
        .ok()
        .json();
    assert_eq!(json[0]["op"], "drop_table", "{json}");
    refused(
        &t,
        &["autogen", "-m", "gone", "--allow-empty"],
        &["--allow-drop-all"],
    );
    let before = revisions(&t);
    t.run(&["autogen", "-m", "gone", "--allow-empty", "--allow-drop-all"])
        .ok();
    assert_eq!(revisions(&t), before + 1);
    t.run(&["upgrade", "head"]).ok();
    let json = t
        .run(&["diff", "--format", "json", "--allow-empty"])
        .ok()
        .json();
    assert_eq!(json, serde_json::json!([]));
}

async fn dropping_every_table_is_refused(t: Cli) {
    models(&t, AUTHORS);
    apply(&t);
    // The models name another table only: authors would be the last to go.
    let other = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "writers")]
pub struct Writer { pub id: i64 }
"#;
    models(&t, other);
    refused(
        &t,
        &["autogen", "-m", "swap"],
        &["drop every table", "authors", "--allow-drop-all"],
    );
    // Keeping one table: no refusal.
    models(
        &t,
        &format!("{AUTHORS}{}", other.replace("use alembix::Model;", "")),
    );
    let out = t.run(&["autogen", "-m", "more"]).ok();
    assert!(out.stdout.contains("Generating"), "{}", out.stdout);
    t.run(&["upgrade", "head"]).ok();
    // Meant.
    models(&t, other);
    t.run(&["autogen", "-m", "swap", "--allow-drop-all"]).ok();
    t.run(&["upgrade", "head"]).ok();
}

async fn unmatched_renamed_from_warns(t: Cli) {
    models(&t, AUTHORS);
    apply(&t);
    let renamed = r#"
use alembix::Model;
#[derive(Model)]
#[model(table = "authors")]
pub struct Author {
    pub id: i64,
    #[column(max_length = 100)]
    pub name: String,
    #[column(renamed_from = "nickname")]
    pub alias: Option<String>,
}
#[derive(Model)]
#[model(table = "tags", renamed_from = "labels")]
pub struct Tag { pub id: i64 }
"#;
    models(&t, renamed);
    let out = t.run(&["autogen", "-m", "alias"]).ok();
    for w in [
        "warning: column `authors.alias`: renamed_from = \"nickname\" matches nothing",
        "warning: table `tags`: renamed_from = \"labels\" matches nothing",
    ] {
        assert!(out.stderr.contains(w), "{}", out.stderr);
    }
    t.run(&["upgrade", "head"]).ok();
    // Once applied, the former names are history: no warning.
    let out = t.run(&["autogen", "-m", "again"]).ok();
    assert!(!out.stderr.contains("renamed_from"), "{}", out.stderr);
    // A rename that matches: no warning.
    models(
        &t,
        &renamed
            .replace("\"nickname\"", "\"alias\"")
            .replace("pub alias", "pub handle"),
    );
    let out = t.run(&["autogen", "-m", "handle"]).ok();
    assert!(!out.stderr.contains("matches nothing"), "{}", out.stderr);
    assert!(out.stdout.contains("rename"), "{}", out.stdout);
}

/// `authors` with `field` after `name`.
fn authors_with(field: &str) -> String {
    AUTHORS.replace(
        "pub name: String,\n",
        &format!("pub name: String,\n{field}\n"),
    )
}

async fn not_null_without_value_is_refused(t: Cli) {
    models(&t, &authors_with("    pub nick: Option<String>,"));
    apply(&t);
    t.db.execute_sql("INSERT INTO authors (name) VALUES ('ann'), ('bob')")
        .await
        .unwrap();
    // Added NOT NULL with nothing for the two rows.
    models(
        &t,
        &authors_with("    pub nick: Option<String>,\n    pub score: i32,"),
    );
    let says = [
        "src/models.rs:10",
        "column `score` is added NOT NULL to the existing table `authors`",
        "#[column(default = \"...\")]",
        "#[column(backfill = \"SQL expr\")]",
    ];
    refused(&t, &["autogen", "-m", "score"], &says);
    refused(&t, &["diff"], &says);
    // Made NOT NULL with nothing for rows that hold NULL.
    models(&t, &authors_with("    pub nick: String,"));
    refused(
        &t,
        &["autogen", "-m", "nick"],
        &[
            "src/models.rs:9",
            "column `nick` becomes NOT NULL in the existing table `authors`",
        ],
    );
    // With a backfill: added nullable, filled, made NOT NULL; a clean round trip.
    let v2 = authors_with(
        "    #[column(backfill = \"'anon'\")]\n    pub nick: String,\n    #[column(backfill = \"length(name)\")]\n    pub score: i32,",
    );
    models(&t, &v2);
    let before = t.catalog().await;
    let out = t.run(&["autogen", "-m", "fill"]).ok();
    assert!(
        !out.stderr.contains("fails if a row holds NULL"),
        "{}",
        out.stderr
    );
    let up = t.run(&["upgrade", "head"]);
    assert_eq!(up.code, 0, "{}", up.stderr);
    let json = t.run(&["diff", "--format", "json"]).ok().json();
    assert_eq!(json, serde_json::json!([]), "not clean after the backfill");
    let rows = t.strings("SELECT nick FROM authors ORDER BY id").await;
    assert_eq!(rows, ["anon", "anon"]);
    t.run(&["downgrade", "-1"]).ok();
    assert_eq!(t.catalog().await, before, "downgrade is not the inverse");
    t.run(&["upgrade", "head"]).ok();
    // A default is enough, as is a new table.
    models(
        &t,
        &format!(
            "{}\n#[derive(Model)]\n#[model(table = \"tags\")]\npub struct Tag {{ pub id: i64, pub label: String }}\n",
            v2.replace(
                "pub score: i32,",
                "pub score: i32,\n    #[column(default = \"0\")]\n    pub rank: i32,"
            )
        ),
    );
    t.run(&["autogen", "-m", "default"]).ok();
    t.run(&["upgrade", "head"]).ok();
}

const POSTS: &str = r#"
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[column(references = "authors.id")]
    pub author_id: i64,
}
"#;

async fn bad_foreign_keys_are_refused(t: Cli) {
    models(&t, AUTHORS);
    apply(&t);
    let cases = [
        ("references table `writers`", "writers.id"),
        ("references column `authors.key`", "authors.key"),
        ("give both columns the same type", "authors.name"),
    ];
    for (says, to) in cases {
        models(&t, &format!("{AUTHORS}{}", POSTS.replace("authors.id", to)));
        for args in [&["autogen", "-m", "posts"][..], &["diff"], &["check"]] {
            refused(&t, args, &["src/models.rs:16", says]);
        }
    }
    // A well-formed key: no refusal.
    models(&t, &format!("{AUTHORS}{POSTS}"));
    t.run(&["autogen", "-m", "posts"]).ok();
    t.run(&["upgrade", "head"]).ok();
    t.run(&["check"]).ok();
}

cli_tests!(
    empty_models_are_refused,
    dropping_every_table_is_refused,
    unmatched_renamed_from_warns,
    not_null_without_value_is_refused,
    bad_foreign_keys_are_refused,
);
