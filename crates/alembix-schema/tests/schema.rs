//! `create_schema` / `drop_schema`: dependency order, foreign-key cycles,
//! self-references and enum types.

use std::fmt::Write;

use alembix_schema::{
    Column, ColumnType, Dialect, EnumType, ForeignKey, Index, ReferentialAction, Schema, Table,
    create_schema, drop_schema,
};

fn fk(table: &str, column: &str, ref_table: &str) -> ForeignKey {
    let name = alembix_schema::naming::foreign_key_name(table, &[column], ref_table);
    ForeignKey {
        on_delete: ReferentialAction::SetNull,
        ..ForeignKey::new(name, &[column], ref_table, &["id"])
    }
}

fn table(name: &str, refs: &[(&str, &str)]) -> Table {
    let mut t = Table::new(name)
        .column(Column::new("id", ColumnType::BigInt).auto_increment())
        .primary_key(&["id"]);
    for (column, ref_table) in refs {
        t = t.column(Column::new(*column, ColumnType::BigInt).nullable());
        t.foreign_keys.push(fk(name, column, ref_table));
        t.indexes.push(Index {
            name: alembix_schema::naming::index_name(name, &[column]),
            columns: vec![column.to_string()],
            unique: false,
            ..Default::default()
        });
    }
    t
}

/// Given in an order that needs sorting: `projects` needs `departments`;
/// `employees` references itself (`manager_id`) and `departments`, which
/// references `employees` back (a cycle); `tags` stands alone.
fn company() -> Schema {
    let mut employees = table(
        "employees",
        &[
            ("manager_id", "employees"),
            ("department_id", "departments"),
        ],
    );
    employees.columns.push(
        Column::new(
            "mood",
            ColumnType::Enum {
                name: "mood".into(),
                values: vec!["happy".into(), "sad".into()],
            },
        )
        .nullable(),
    );
    Schema {
        tables: vec![
            table("projects", &[("department_id", "departments")]),
            employees,
            table("departments", &[("head_id", "employees")]),
            table("tags", &[]),
        ],
        enums: vec![EnumType {
            name: "status".into(),
            values: vec!["open".into(), "closed".into()],
        }],
        ..Default::default()
    }
}

fn both(schema: &Schema) -> String {
    let mut out = String::new();
    for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
        writeln!(out, "-- {d:?}: create").unwrap();
        for s in create_schema(schema, d).unwrap() {
            writeln!(out, "{s};").unwrap();
        }
        writeln!(out, "-- {d:?}: drop").unwrap();
        for s in drop_schema(schema, d).unwrap() {
            writeln!(out, "{s};").unwrap();
        }
    }
    out
}

#[test]
fn create_and_drop_with_cycle_and_self_reference() {
    insta::assert_snapshot!(both(&company()));
}

#[test]
fn a_table_comes_after_the_tables_it_references() {
    for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
        let sql = create_schema(&company(), d).unwrap();
        let pos = |name: &str| {
            let q = d.quote_ident(name);
            sql.iter()
                .position(|s| s.starts_with(&format!("CREATE TABLE {q}")))
                .unwrap()
        };
        assert!(pos("employees") < pos("departments"), "{d:?}");
        assert!(pos("departments") < pos("projects"), "{d:?}");
        // Indexes come after every table.
        let last_table = sql
            .iter()
            .rposition(|s| s.starts_with("CREATE TABLE"))
            .unwrap();
        let first_index = sql
            .iter()
            .position(|s| s.starts_with("CREATE INDEX"))
            .unwrap();
        assert!(last_table < first_index, "{d:?}");
    }
}

#[test]
fn chains_and_three_table_cycles() {
    // c -> b -> a, given backwards; x -> y -> z -> x.
    let schema = Schema {
        tables: vec![
            table("c", &[("b_id", "b")]),
            table("b", &[("a_id", "a")]),
            table("a", &[]),
            table("x", &[("y_id", "y")]),
            table("y", &[("z_id", "z")]),
            table("z", &[("x_id", "x")]),
        ],
        enums: vec![],
        ..Default::default()
    };
    let sql = create_schema(&schema, Dialect::Postgres).unwrap();
    let created: Vec<&str> = sql
        .iter()
        .filter_map(|s| s.strip_prefix("CREATE TABLE \""))
        .map(|s| &s[..1])
        .collect();
    assert_eq!(created, ["a", "b", "c", "x", "z", "y"]);
    let added: Vec<&String> = sql
        .iter()
        .filter(|s| s.contains("ADD CONSTRAINT"))
        .collect();
    assert_eq!(
        added,
        [
            r#"ALTER TABLE "x" ADD CONSTRAINT "fk_x_y_id_y" FOREIGN KEY ("y_id") REFERENCES "y" ("id") ON DELETE SET NULL"#
        ]
    );
}
