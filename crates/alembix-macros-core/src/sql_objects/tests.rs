use alembix_schema::{Dialect, ObjectKind, SqlObject};

use super::{parse_sql_objects, render_sql_objects};

fn parse(src: &str) -> syn::Result<Vec<SqlObject>> {
    parse_sql_objects(src.parse().unwrap())
}

/// The body of a rendered block, parsed again.
fn round_trip(objects: &[SqlObject]) -> Vec<SqlObject> {
    let src = render_sql_objects(objects);
    let body = src
        .strip_prefix("alembix::sql_objects! {")
        .and_then(|s| s.trim_end().strip_suffix('}'))
        .expect("one block");
    parse(body).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

#[test]
fn every_kind_parses() {
    let objects = parse(
        r#"
        extension "pgcrypto";
        sequence "invoice_no" (start = 1000, increment = -2, cycle = true, data_type = "integer");
        view "active_users" = "SELECT id FROM users";
        materialized view "daily" (backend = "postgres") = "SELECT 1";
        function "touch" = "CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql";
        procedure "p" = "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$";
        trigger "trg" on "users" = "CREATE TRIGGER trg BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()";
        view "v2" (renamed_from = "old_v2") = r"SELECT 'a'"
        "#,
    )
    .unwrap();
    let kinds: Vec<ObjectKind> = objects.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        [
            ObjectKind::Extension,
            ObjectKind::Sequence,
            ObjectKind::View,
            ObjectKind::MaterializedView,
            ObjectKind::Function,
            ObjectKind::Procedure,
            ObjectKind::Trigger,
            ObjectKind::View,
        ]
    );
    assert_eq!(
        objects[1].definition,
        "AS integer INCREMENT BY -2 START WITH 1000 CYCLE"
    );
    assert_eq!(
        objects[3].backend,
        Some("postgres".parse::<Dialect>().unwrap())
    );
    assert_eq!(objects[6].table.as_deref(), Some("users"));
    assert_eq!(objects[7].renamed_from, vec!["old_v2".to_string()]);
}

#[test]
fn render_then_parse_gives_the_objects_back() {
    let mut view = SqlObject::new(
        ObjectKind::View,
        "odd \"name\"",
        "SELECT id,\n    email\n   FROM users\n  WHERE status = 'a\"#b'",
    );
    view.renamed_from.push("old".into());
    view.backend = Some("sqlite".parse().unwrap());
    let objects = vec![
        SqlObject::new(ObjectKind::Extension, "pgcrypto", ""),
        SqlObject::new(
            ObjectKind::Sequence,
            "invoice_no",
            "AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1000 CACHE 1 NO CYCLE",
        ),
        view,
        SqlObject::new(ObjectKind::MaterializedView, "m", "SELECT 1"),
        SqlObject::new(
            ObjectKind::Function,
            "f",
            "CREATE OR REPLACE FUNCTION f()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$ BEGIN RETURN NEW; END $function$",
        ),
        SqlObject::new(
            ObjectKind::Trigger,
            "trg",
            "CREATE TRIGGER trg BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()",
        )
        .on("users"),
    ];
    assert_eq!(round_trip(&objects), objects);
}

#[test]
fn mistakes_are_reported_together() {
    let e = parse(
        r#"
        view "v";
        trigger "t" = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END";
        bogus "b" = "x";
        function "f" = "SELECT 1";
        "#,
    )
    .unwrap_err();
    let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all[0].contains("needs its query"), "{all:?}");
    assert!(all[1].contains("needs its table"), "{all:?}");
    assert!(all[2].contains("unknown object kind `bogus`"), "{all:?}");
    assert!(
        all[3].contains("must be a `CREATE FUNCTION` statement"),
        "{all:?}"
    );
}

#[test]
fn one_name_per_backend() {
    let ok = parse(
        r#"view "v" (backend = "postgres") = "SELECT 1"; view "v" (backend = "sqlite") = "SELECT 2";"#,
    );
    assert_eq!(ok.unwrap().len(), 2);
    let e =
        parse(r#"view "v" = "SELECT 1"; view "v" (backend = "sqlite") = "SELECT 2";"#).unwrap_err();
    assert!(e.to_string().contains("declared twice"), "{e}");
    let e = parse(r#"materialized view "m" (backend = "sqlite") = "SELECT 1";"#).unwrap_err();
    assert_eq!(e.to_string(), "SQLite has no materialized views");
}
