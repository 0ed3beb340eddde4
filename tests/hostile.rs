//! Hostile text: values full of SQL metacharacters round-trip unchanged, and
//! tables and columns whose names contain quotes, backticks, semicolons,
//! comment markers and spaces work end to end.

mod common;

use alembix::{Backend, Db, Model};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "notes")]
struct Note {
    id: i64,
    body: String,
    tag: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "we'ird \"t`ab;le--")]
struct Weird {
    #[column(name = "i d", primary_key)]
    id: i64,
    #[column(name = "c'o\"l`;--", max_length = 100, unique)]
    value: String,
    #[column(name = "/* n */ -- x;", index)]
    n: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ch'ild\" `t;--")]
struct WeirdChild {
    id: i64,
    #[column(name = "p'a\"r`;--", references = "we'ird \"t`ab;le--.i d")]
    parent: i64,
}

backend_tests!(hostile_values_round_trip, hostile_identifiers);

/// Pieces that break naive SQL building, and any other NUL-free text.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "'", "''", "\"", "`", ";", "\\", "\\\\", "--", "/*", "*/", "%", "_", "$1", "?",
            "\\'", "'; DROP TABLE notes; --", " OR 1=1", "\n", "\t", "\r\n", " ", "é", "✓",
            "𝄞", "日本", "\u{202e}", "NULL",
        ])
        .prop_map(str::to_string),
        2 => any::<char>()
            .prop_filter("no NUL", |c| *c != '\0')
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// `value` as a LIKE pattern that matches exactly itself and what it
/// matches as a pattern: PostgreSQL and MySQL treat `\` as LIKE's escape
/// character, SQLite has none.
fn like_pattern(db: &Db, value: &str) -> String {
    match db.backend() {
        Backend::Sqlite => value.to_string(),
        _ => value.replace('\\', "\\\\"),
    }
}

async fn one_case(db: &Db, body: String, tag: String) -> Result<(), TestCaseError> {
    Note::delete_many().exec(db).await.unwrap();
    let stored = Note {
        id: 0,
        body: body.clone(),
        tag: Some(tag.clone()),
    }
    .insert(db)
    .await
    .unwrap();
    prop_assert_eq!(&stored.body, &body);
    prop_assert_eq!(stored.tag.as_deref(), Some(tag.as_str()));
    let back = Note::get(db, stored.id).await.unwrap();
    prop_assert_eq!(&back, &stored);
    let by_eq = Note::find()
        .filter(Note::body.eq(body.as_str()))
        .all(db)
        .await
        .unwrap();
    prop_assert_eq!(&by_eq, &vec![stored.clone()]);
    let by_tag = Note::find()
        .filter(Note::tag.eq(tag.as_str()))
        .count(db)
        .await
        .unwrap();
    prop_assert_eq!(by_tag, 1);
    let by_like = Note::find()
        .filter(Note::body.like(&like_pattern(db, &body)))
        .all(db)
        .await
        .unwrap();
    prop_assert_eq!(&by_like, &vec![stored.clone()]);
    let pattern = format!("%{}%", like_pattern(db, &tag));
    prop_assert_eq!(
        Note::find()
            .filter(Note::tag.like(&pattern))
            .count(db)
            .await
            .unwrap(),
        1
    );
    // Updates and raw-SQL binds carry the text unchanged too.
    Note::update_many()
        .set(Note::tag, body.as_str())
        .filter(Note::id.eq(stored.id))
        .exec(db)
        .await
        .unwrap();
    let notes = common::ident(db, "notes");
    let raw = Note::from_sql(format!(
        "SELECT * FROM {notes} WHERE body = {}",
        common::ph(db, 1)
    ))
    .bind(body.clone())
    .all(db)
    .await
    .unwrap();
    prop_assert_eq!(raw.len(), 1);
    prop_assert_eq!(raw[0].tag.as_deref(), Some(body.as_str()));
    Ok(())
}

async fn hostile_values_round_trip(db: Db) {
    db.create_all(&[Note::table()]).await.unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&(hostile_text(), hostile_text()), |(body, tag)| {
            handle.block_on(one_case(&db, body, tag))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The fixed worst cases, whatever proptest drew.
    for body in [
        "'; DROP TABLE notes; --",
        "\\",
        "a\\",
        "\\'",
        "%_%",
        "/* x */ `y` \"z\" $1 ?",
    ] {
        handle_case(&db, body).await;
    }
}

async fn handle_case(db: &Db, body: &str) {
    if let Err(e) = one_case(db, body.to_string(), format!("t{body}t")).await {
        panic!("{body:?}: {e}");
    }
}

async fn hostile_identifiers(db: Db) {
    db.create_all(&[Weird::table(), WeirdChild::table()])
        .await
        .unwrap();
    let a = Weird {
        id: 0,
        value: "a'b\"c`d;--".into(),
        n: Some(1),
    }
    .insert(&db)
    .await
    .unwrap();
    assert!(a.id > 0);
    let b = Weird {
        id: 0,
        value: "b".into(),
        n: None,
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(Weird::get(&db, a.id).await.unwrap(), a);
    assert_eq!(
        Weird::find()
            .filter(Weird::value.eq("a'b\"c`d;--"))
            .all(&db)
            .await
            .unwrap(),
        vec![a.clone()]
    );
    assert_eq!(
        Weird::find()
            .filter(Weird::n.is_null())
            .all(&db)
            .await
            .unwrap(),
        vec![b.clone()]
    );
    // The unique constraint exists under its (hostile) name.
    let dup = Weird {
        id: 0,
        value: "b".into(),
        n: None,
    }
    .insert(&db)
    .await;
    assert!(
        matches!(dup, Err(alembix::Error::UniqueViolation { .. })),
        "{dup:?}"
    );
    let mut a2 = a.clone();
    a2.n = Some(2);
    a2.save(&db).await.unwrap();
    Weird::update_many()
        .set(Weird::n, Weird::n + 10)
        .filter(Weird::id.eq(a.id))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(Weird::get(&db, a.id).await.unwrap().n, Some(12));
    let child = WeirdChild {
        id: 0,
        parent: a.id,
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(
        child.parent::<Weird>(&db).await.unwrap().map(|p| p.id),
        Some(a.id)
    );
    let pairs = WeirdChild::find()
        .join::<Weird>()
        .filter(Weird::value.like("a'%"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(pairs.len(), 1);
    assert!(matches!(
        WeirdChild {
            id: 0,
            parent: 999_999
        }
        .insert(&db)
        .await,
        Err(alembix::Error::ForeignKeyViolation { .. })
    ));
    let all: Vec<Weird> = {
        use futures_util::TryStreamExt;
        Weird::find().stream(&db).try_collect().await.unwrap()
    };
    assert_eq!(all.len(), 2);
    Weird::upsert(
        &Weird {
            id: b.id,
            value: "b2".into(),
            n: Some(3),
        },
        &db,
    )
    .await
    .unwrap();
    assert_eq!(Weird::get(&db, b.id).await.unwrap().value, "b2");
    assert_eq!(WeirdChild::delete_many().exec(&db).await.unwrap(), 1);
    assert_eq!(Weird::delete_by_key(&db, b.id).await.unwrap(), 1);
    db.drop_all(&[Weird::table(), WeirdChild::table()])
        .await
        .unwrap();
}
