//! The stateful render of op lists, per backend, without a database.

use crate::dialect::Dialect::{MySql, Postgres, Sqlite};
use crate::model::{
    Column, ColumnType, EnumType, ForeignKey, Index, ReferentialAction, Schema, Table,
};
use crate::op::Op;
use crate::plan::render_plan;

fn mood(values: &[&str]) -> ColumnType {
    ColumnType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn fk() -> ForeignKey {
    ForeignKey {
        name: "fk_posts_user".into(),
        columns: vec!["user_id".into()],
        ref_table: "users".into(),
        ref_schema: None,
        ref_columns: vec!["id".into()],
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    }
}

fn posts(with_index: bool) -> Schema {
    let mut t = Table::new("posts")
        .column(Column::new("id", ColumnType::BigInt))
        .column(Column::new("user_id", ColumnType::BigInt))
        .primary_key(&["id"]);
    t.foreign_keys.push(fk());
    if with_index {
        t.indexes.push(Index {
            name: "ix_posts_user".into(),
            columns: vec!["user_id".into(), "id".into()],
            ..Default::default()
        });
    }
    Schema {
        tables: vec![t],
        enums: vec![],
        ..Default::default()
    }
}

fn drop_fk() -> Op {
    Op::DropForeignKey {
        table: "posts".into(),
        foreign_key: fk(),
    }
}

#[test]
fn mysql_drops_the_implicit_foreign_key_index() {
    let plan = render_plan(&[drop_fk()], &posts(false), MySql).unwrap();
    assert_eq!(plan.statements[0].len(), 2);
    assert_eq!(
        plan.statements[0][1],
        "DROP INDEX `fk_posts_user` ON `posts`"
    );
    assert!(!plan.own_transaction);
}

#[test]
fn mysql_keeps_an_index_that_serves_the_key() {
    let plan = render_plan(&[drop_fk()], &posts(true), MySql).unwrap();
    assert_eq!(plan.statements[0].len(), 1);
    assert!(plan.statements[0][0].contains("DROP FOREIGN KEY"));
}

#[test]
fn postgres_recreates_an_enum_losing_labels() {
    let mut start = posts(false);
    start.enums.push(EnumType {
        name: "mood".into(),
        values: vec!["ok".into(), "sad".into()],
    });
    start.tables[0]
        .columns
        .push(Column::new("mood", mood(&["ok", "sad"])).default("'ok'"));
    let op = Op::AlterEnum {
        name: "mood".into(),
        from: vec!["ok".into(), "sad".into()],
        to: vec!["ok".into()],
    };
    let plan = render_plan(&[op], &start, Postgres).unwrap();
    assert_eq!(
        plan.statements[0],
        [
            "ALTER TYPE \"mood\" RENAME TO \"mood_alembix_old\"",
            "CREATE TYPE \"mood\" AS ENUM ('ok')",
            "ALTER TABLE \"posts\" ALTER COLUMN \"mood\" DROP DEFAULT",
            "ALTER TABLE \"posts\" ALTER COLUMN \"mood\" TYPE \"mood\" USING \"mood\"::text::\"mood\"",
            "ALTER TABLE \"posts\" ALTER COLUMN \"mood\" SET DEFAULT 'ok'",
            "DROP TYPE \"mood_alembix_old\"",
        ]
    );
}

#[test]
fn postgres_adds_labels_in_place() {
    let op = Op::AlterEnum {
        name: "mood".into(),
        from: vec!["ok".into()],
        to: vec!["ok".into(), "sad".into()],
    };
    let plan = render_plan(std::slice::from_ref(&op), &Schema::default(), Postgres).unwrap();
    assert_eq!(plan.statements[0], crate::render_op(&op, Postgres).unwrap());
    assert!(!plan.statements[0][0].contains("RENAME"));
}

/// A nullable `title` column added to `posts`.
fn add_title() -> Op {
    Op::AddColumn {
        table: "posts".into(),
        column: Column::new("title", ColumnType::Text).nullable(),
    }
}

#[test]
fn sqlite_folds_a_tables_ops_into_one_rebuild() {
    let start = posts(true);
    let ops = [
        drop_fk(),
        Op::RenameColumn {
            table: "posts".into(),
            column: "author_id".into(),
            from: "user_id".into(),
        },
        add_title(),
    ];
    let plan = render_plan(&ops, &start, Sqlite).unwrap();
    assert!(plan.own_transaction);
    let stmts = &plan.statements[0];
    assert!(stmts[0].starts_with("CREATE TABLE \"_alembix_new_posts\""));
    assert!(!stmts[0].contains("FOREIGN KEY"));
    assert_eq!(
        stmts[1],
        "INSERT INTO \"_alembix_new_posts\" (\"id\", \"author_id\") SELECT \"id\", \"user_id\" FROM \"posts\""
    );
    assert_eq!(stmts[2], "DROP TABLE \"posts\"");
    assert_eq!(
        stmts[3],
        "ALTER TABLE \"_alembix_new_posts\" RENAME TO \"posts\""
    );
    assert!(stmts[4].starts_with("CREATE INDEX \"ix_posts_user\""));
    assert_eq!(stmts.len(), 5);
    assert!(plan.statements[1].is_empty() && plan.statements[2].is_empty());
}

#[test]
fn sqlite_without_rebuild_renders_in_place() {
    let ops = [add_title()];
    let plan = render_plan(&ops, &posts(false), Sqlite).unwrap();
    assert!(!plan.own_transaction);
    assert!(plan.statements[0][0].starts_with("ALTER TABLE \"posts\" ADD COLUMN"));
}

#[test]
fn sqlite_skips_the_rebuild_of_a_table_dropped_later() {
    let start = posts(false);
    let drop_posts = Op::DropTable {
        table: start.tables[0].clone(),
    };
    let ops = [drop_fk(), drop_posts];
    let plan = render_plan(&ops, &start, Sqlite).unwrap();
    assert!(!plan.own_transaction);
    assert!(plan.statements[0].is_empty());
    assert_eq!(plan.statements[1], ["DROP TABLE \"posts\""]);
}
