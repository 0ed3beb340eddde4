//! The contract view of ops for `diff --format json`.

use alembix_schema::{Op, column_changes};
use serde_json::{Value, json};

/// The contract view of ops for `diff --format json`: per op its kind
/// (`op`) and what it acts on (`table`, `column`, `name`, `from`; an
/// `alter_column` also lists its `changes`).
///
/// ```
/// use alembix_autogen::diff::ops_json;
/// use alembix_schema::{Column, ColumnType, Op};
/// let op = Op::AddColumn { table: "users".into(), column: Column::new("age", ColumnType::Integer) };
/// let v = ops_json(&[op]);
/// assert_eq!(v[0]["op"], "add_column");
/// assert_eq!(v[0]["column"], "age");
/// ```
pub fn ops_json(ops: &[Op]) -> Value {
    Value::Array(ops.iter().map(op_json).collect())
}

fn op_json(op: &Op) -> Value {
    let mut v = json!({ "op": op.kind() });
    let set = |v: &mut Value, k: &str, x: Value| {
        v[k] = x;
    };
    match op {
        Op::CreateTable { table } | Op::DropTable { table } => {
            set(&mut v, "table", json!(table.name))
        }
        Op::RenameTable { table, from } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "from", json!(from));
        }
        Op::AddColumn { table, column } | Op::DropColumn { table, column } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(column.name));
        }
        Op::RenameColumn {
            table,
            column,
            from,
        } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(column));
            set(&mut v, "from", json!(from));
        }
        Op::AlterColumn { table, from, to } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "column", json!(to.name));
            let changes: Vec<&str> = column_changes(from, to)
                .iter()
                .map(|c| c.as_str())
                .collect();
            set(&mut v, "changes", json!(changes));
        }
        Op::CreateIndex { table, index } | Op::DropIndex { table, index } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(index.name));
        }
        Op::AddUnique { table, unique } | Op::DropUnique { table, unique } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(unique.name));
        }
        Op::AddForeignKey { table, foreign_key } | Op::DropForeignKey { table, foreign_key } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(foreign_key.name));
        }
        Op::AddCheck { table, check } | Op::DropCheck { table, check } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(check.name));
        }
        Op::AddPrimaryKey { table, primary_key } | Op::DropPrimaryKey { table, primary_key } => {
            set(&mut v, "table", json!(table));
            set(&mut v, "name", json!(primary_key.name));
        }
        Op::CreateEnum { enum_type } | Op::DropEnum { enum_type } => {
            set(&mut v, "name", json!(enum_type.name))
        }
        Op::AlterEnum { name, .. } => set(&mut v, "name", json!(name)),
        Op::AlterTableComment { table, .. } => set(&mut v, "table", json!(table)),
        _ => {}
    }
    v
}
