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
    if let Some(table) = op.table() {
        v["table"] = json!(table);
    }
    match op {
        Op::RenameTable { from, .. } => v["from"] = json!(from),
        Op::AddColumn { column, .. } | Op::DropColumn { column, .. } => {
            v["column"] = json!(column.name)
        }
        Op::RenameColumn { column, from, .. } => {
            v["column"] = json!(column);
            v["from"] = json!(from);
        }
        Op::AlterColumn { from, to, .. } => {
            v["column"] = json!(to.name);
            let changes: Vec<&str> = column_changes(from, to)
                .iter()
                .map(|c| c.as_str())
                .collect();
            v["changes"] = json!(changes);
        }
        Op::CreateIndex { index, .. } | Op::DropIndex { index, .. } => {
            v["name"] = json!(index.name)
        }
        Op::AddUnique { unique, .. } | Op::DropUnique { unique, .. } => {
            v["name"] = json!(unique.name)
        }
        Op::AddForeignKey {
            foreign_key: fk, ..
        }
        | Op::DropForeignKey {
            foreign_key: fk, ..
        } => v["name"] = json!(fk.name),
        Op::AddCheck { check, .. } | Op::DropCheck { check, .. } => v["name"] = json!(check.name),
        Op::AddPrimaryKey {
            primary_key: pk, ..
        }
        | Op::DropPrimaryKey {
            primary_key: pk, ..
        } => v["name"] = json!(pk.name),
        Op::CreateEnum { enum_type } | Op::DropEnum { enum_type } => {
            v["name"] = json!(enum_type.name)
        }
        Op::AlterEnum { name, .. } => v["name"] = json!(name),
        Op::CreatePartition { partition, .. }
        | Op::DropPartition { partition, .. }
        | Op::AttachPartition { partition, .. }
        | Op::DetachPartition { partition, .. } => {
            v["name"] = json!(partition.name);
            v["bound"] = json!(partition.bound);
        }
        Op::CreateObject { object }
        | Op::DropObject { object }
        | Op::ReplaceObject { to: object, .. } => object_json(&mut v, object),
        Op::RenameObject { object, from } => {
            object_json(&mut v, object);
            v["from"] = json!(from);
        }
        _ => {}
    }
    v
}

/// A declared object's `name`, and a trigger's `table`.
fn object_json(v: &mut Value, object: &alembix_schema::SqlObject) {
    v["name"] = json!(object.name);
    if let Some(t) = &object.table {
        v["table"] = json!(t);
    }
}
