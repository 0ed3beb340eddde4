//! Schema operations: the unit of change between two schemas.
//!
//! Each op carries everything its inverse needs (a drop carries the whole
//! dropped object, an alter carries the old and the new column), so the
//! downgrade of a list of ops is `ops.iter().rev().map(Op::reverse)`.

use serde::{Deserialize, Serialize};

use crate::model::{
    Check, Column, EnumType, ForeignKey, Index, Partition, PrimaryKey, Table, UniqueConstraint,
};
use crate::objects::{ObjectKind, SqlObject};

/// One schema operation.
///
/// An op's `table` is the table's name; on PostgreSQL a table outside the
/// default schema (`public`) is written `schema.table`, and rendering splits
/// it at the first `.` (on MySQL/MariaDB and SQLite, which have no schemas,
/// a name is never split).
///
/// ```
/// use alembix_schema::{Op, Table, Column, ColumnType};
/// let op = Op::AddColumn {
///     table: "users".into(),
///     column: Column::new("age", ColumnType::Integer).nullable(),
/// };
/// assert_eq!(op.kind(), "add_column");
/// assert_eq!(op.reverse().kind(), "drop_column");
/// assert_eq!(op.reverse().reverse(), op);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Op {
    CreateTable {
        table: Table,
    },
    DropTable {
        table: Table,
    },
    RenameTable {
        /// The new name.
        table: String,
        from: String,
    },
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    RenameColumn {
        table: String,
        /// The new name.
        column: String,
        from: String,
    },
    AlterColumn {
        table: String,
        /// The column as it is.
        from: Column,
        /// The column as it shall be (same name).
        to: Column,
    },
    CreateIndex {
        table: String,
        index: Index,
    },
    DropIndex {
        table: String,
        index: Index,
    },
    AddUnique {
        table: String,
        unique: UniqueConstraint,
    },
    DropUnique {
        table: String,
        unique: UniqueConstraint,
    },
    AddForeignKey {
        table: String,
        foreign_key: ForeignKey,
    },
    DropForeignKey {
        table: String,
        foreign_key: ForeignKey,
    },
    AddCheck {
        table: String,
        check: Check,
    },
    DropCheck {
        table: String,
        check: Check,
    },
    AddPrimaryKey {
        table: String,
        primary_key: PrimaryKey,
    },
    DropPrimaryKey {
        table: String,
        primary_key: PrimaryKey,
    },
    CreateEnum {
        enum_type: EnumType,
    },
    DropEnum {
        enum_type: EnumType,
    },
    AlterEnum {
        /// The enum type's name.
        name: String,
        from: Vec<String>,
        to: Vec<String>,
    },
    AlterTableComment {
        table: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// A new, empty partition of an existing partitioned table (PostgreSQL).
    CreatePartition {
        /// The partitioned table.
        table: String,
        partition: Partition,
    },
    /// A partition detached and dropped with its rows.
    DropPartition {
        /// The partitioned table.
        table: String,
        partition: Partition,
    },
    /// An existing table (named as the partition, in the partitioned
    /// table's schema) attached as a partition.
    AttachPartition {
        /// The partitioned table.
        table: String,
        partition: Partition,
    },
    /// A partition detached: it stays as a table of its own, rows kept.
    DetachPartition {
        /// The partitioned table.
        table: String,
        partition: Partition,
    },
    /// A declared object created (`create_view`, `create_function`, ...).
    CreateObject {
        object: SqlObject,
    },
    /// A declared object dropped (`drop_view`, ...).
    DropObject {
        object: SqlObject,
    },
    /// A declared object given a new definition (`replace_view`,
    /// `replace_function`, `replace_trigger`, `alter_sequence`, ...).
    ReplaceObject {
        from: SqlObject,
        to: SqlObject,
    },
    /// A declared object renamed (`rename_view`, ...): `object` under its new
    /// name, `from` its old name.
    RenameObject {
        object: SqlObject,
        from: String,
    },
}

/// What an [`Op::AlterColumn`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnChange {
    Type,
    Nullable,
    Default,
    Comment,
    AutoIncrement,
}

impl ColumnChange {
    /// The contract name of the change (`type`, `nullable`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Type => "type",
            Self::Nullable => "nullable",
            Self::Default => "default",
            Self::Comment => "comment",
            Self::AutoIncrement => "auto_increment",
        }
    }
}

/// The changes between two versions of one column.
///
/// ```
/// use alembix_schema::{column_changes, ColumnChange, Column, ColumnType};
/// let a = Column::new("n", ColumnType::Integer);
/// let b = Column::new("n", ColumnType::BigInt).nullable();
/// assert_eq!(column_changes(&a, &b), vec![ColumnChange::Type, ColumnChange::Nullable]);
/// ```
pub fn column_changes(from: &Column, to: &Column) -> Vec<ColumnChange> {
    let mut changes = Vec::new();
    if from.ty != to.ty {
        changes.push(ColumnChange::Type);
    }
    if from.nullable != to.nullable {
        changes.push(ColumnChange::Nullable);
    }
    if from.default != to.default {
        changes.push(ColumnChange::Default);
    }
    if from.comment != to.comment {
        changes.push(ColumnChange::Comment);
    }
    if from.auto_increment != to.auto_increment {
        changes.push(ColumnChange::AutoIncrement);
    }
    changes
}

impl Op {
    /// The contract name of the op (`create_table`, `add_column`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Op::CreateTable { .. } => "create_table",
            Op::DropTable { .. } => "drop_table",
            Op::RenameTable { .. } => "rename_table",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::RenameColumn { .. } => "rename_column",
            Op::AlterColumn { .. } => "alter_column",
            Op::CreateIndex { .. } => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::AddUnique { .. } => "add_unique",
            Op::DropUnique { .. } => "drop_unique",
            Op::AddForeignKey { .. } => "add_foreign_key",
            Op::DropForeignKey { .. } => "drop_foreign_key",
            Op::AddCheck { .. } => "add_check",
            Op::DropCheck { .. } => "drop_check",
            Op::AddPrimaryKey { .. } => "add_primary_key",
            Op::DropPrimaryKey { .. } => "drop_primary_key",
            Op::CreateEnum { .. } => "create_enum",
            Op::DropEnum { .. } => "drop_enum",
            Op::AlterEnum { .. } => "alter_enum",
            Op::AlterTableComment { .. } => "alter_table_comment",
            Op::CreatePartition { .. } => "create_partition",
            Op::DropPartition { .. } => "drop_partition",
            Op::AttachPartition { .. } => "attach_partition",
            Op::DetachPartition { .. } => "detach_partition",
            Op::CreateObject { object } => object_op_name("create", object.kind),
            Op::DropObject { object } => object_op_name("drop", object.kind),
            Op::ReplaceObject { to, .. } => object_op_name("replace", to.kind),
            Op::RenameObject { object, .. } => object_op_name("rename", object.kind),
        }
    }

    /// The declared object the op acts on (under its new name), if any.
    pub fn object(&self) -> Option<&SqlObject> {
        match self {
            Op::CreateObject { object }
            | Op::DropObject { object }
            | Op::RenameObject { object, .. }
            | Op::ReplaceObject { to: object, .. } => Some(object),
            _ => None,
        }
    }

    /// The table the op acts on; `None` for enum ops.
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable { table } | Op::DropTable { table } => Some(&table.name),
            Op::RenameTable { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::AddCheck { table, .. }
            | Op::DropCheck { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::AlterTableComment { table, .. }
            | Op::CreatePartition { table, .. }
            | Op::DropPartition { table, .. }
            | Op::AttachPartition { table, .. }
            | Op::DetachPartition { table, .. } => Some(table),
            Op::CreateEnum { .. }
            | Op::DropEnum { .. }
            | Op::AlterEnum { .. }
            | Op::CreateObject { .. }
            | Op::DropObject { .. }
            | Op::ReplaceObject { .. }
            | Op::RenameObject { .. } => None,
        }
    }

    /// The inverse operation.
    pub fn reverse(&self) -> Op {
        match self.clone() {
            Op::CreateTable { table } => Op::DropTable { table },
            Op::DropTable { table } => Op::CreateTable { table },
            Op::RenameTable { table, from } => Op::RenameTable {
                table: from,
                from: table,
            },
            Op::AddColumn { table, column } => Op::DropColumn { table, column },
            Op::DropColumn { table, column } => Op::AddColumn { table, column },
            Op::RenameColumn {
                table,
                column,
                from,
            } => Op::RenameColumn {
                table,
                column: from,
                from: column,
            },
            Op::AlterColumn { table, from, to } => Op::AlterColumn {
                table,
                from: to,
                to: from,
            },
            Op::CreateIndex { table, index } => Op::DropIndex { table, index },
            Op::DropIndex { table, index } => Op::CreateIndex { table, index },
            Op::AddUnique { table, unique } => Op::DropUnique { table, unique },
            Op::DropUnique { table, unique } => Op::AddUnique { table, unique },
            Op::AddForeignKey { table, foreign_key } => Op::DropForeignKey { table, foreign_key },
            Op::DropForeignKey { table, foreign_key } => Op::AddForeignKey { table, foreign_key },
            Op::AddCheck { table, check } => Op::DropCheck { table, check },
            Op::DropCheck { table, check } => Op::AddCheck { table, check },
            Op::AddPrimaryKey { table, primary_key } => Op::DropPrimaryKey { table, primary_key },
            Op::DropPrimaryKey { table, primary_key } => Op::AddPrimaryKey { table, primary_key },
            Op::CreateEnum { enum_type } => Op::DropEnum { enum_type },
            Op::DropEnum { enum_type } => Op::CreateEnum { enum_type },
            Op::AlterEnum { name, from, to } => Op::AlterEnum {
                name,
                from: to,
                to: from,
            },
            Op::AlterTableComment { table, from, to } => Op::AlterTableComment {
                table,
                from: to,
                to: from,
            },
            Op::CreatePartition { table, partition } => Op::DropPartition { table, partition },
            Op::DropPartition { table, partition } => Op::CreatePartition { table, partition },
            Op::AttachPartition { table, partition } => Op::DetachPartition { table, partition },
            Op::DetachPartition { table, partition } => Op::AttachPartition { table, partition },
            Op::CreateObject { object } => Op::DropObject { object },
            Op::DropObject { object } => Op::CreateObject { object },
            Op::ReplaceObject { from, to } => Op::ReplaceObject { from: to, to: from },
            Op::RenameObject { mut object, from } => {
                let new = std::mem::replace(&mut object.name, from);
                Op::RenameObject { object, from: new }
            }
        }
    }
}

/// `create_view`, `alter_sequence`, ...: the contract name of an op on a
/// declared object. A sequence's new definition is `alter_sequence`.
fn object_op_name(verb: &str, kind: ObjectKind) -> &'static str {
    use ObjectKind::*;
    match (verb, kind) {
        ("create", Extension) => "create_extension",
        ("create", Sequence) => "create_sequence",
        ("create", Function) => "create_function",
        ("create", Procedure) => "create_procedure",
        ("create", View) => "create_view",
        ("create", MaterializedView) => "create_materialized_view",
        ("create", Trigger) => "create_trigger",
        ("drop", Extension) => "drop_extension",
        ("drop", Sequence) => "drop_sequence",
        ("drop", Function) => "drop_function",
        ("drop", Procedure) => "drop_procedure",
        ("drop", View) => "drop_view",
        ("drop", MaterializedView) => "drop_materialized_view",
        ("drop", Trigger) => "drop_trigger",
        ("replace", Sequence) => "alter_sequence",
        ("replace", Extension) => "alter_extension",
        ("replace", Function) => "replace_function",
        ("replace", Procedure) => "replace_procedure",
        ("replace", View) => "replace_view",
        ("replace", MaterializedView) => "replace_materialized_view",
        ("replace", Trigger) => "replace_trigger",
        ("rename", Extension) => "rename_extension",
        ("rename", Sequence) => "rename_sequence",
        ("rename", Function) => "rename_function",
        ("rename", Procedure) => "rename_procedure",
        ("rename", View) => "rename_view",
        ("rename", MaterializedView) => "rename_materialized_view",
        ("rename", Trigger) => "rename_trigger",
        _ => "unknown",
    }
}
