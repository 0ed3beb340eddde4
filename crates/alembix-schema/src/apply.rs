//! The schema after an op: [`Schema::apply`], the model of what the
//! database holds once an [`Op`] has run.
//!
//! Rendering that depends on what is already there (SQLite table rebuilds,
//! the MySQL index InnoDB made for a foreign key, PostgreSQL enum
//! recreation; see [`crate::plan`]) walks a list of ops with it.

use std::collections::HashMap;

use crate::model::{Schema, Table};
use crate::op::Op;

impl Schema {
    /// Applies one op: the schema becomes what the database holds after it.
    ///
    /// An op on a table or enum the schema does not have changes nothing.
    /// A renamed table keeps its place; foreign keys that referenced it
    /// follow the rename. An added column, index or constraint goes last.
    ///
    /// ```
    /// use alembix_schema::{Column, ColumnType, Op, Schema, Table};
    /// let mut schema = Schema::default();
    /// schema.apply(&Op::CreateTable { table: Table::new("users") });
    /// schema.apply(&Op::AddColumn {
    ///     table: "users".into(),
    ///     column: Column::new("id", ColumnType::BigInt),
    /// });
    /// schema.apply(&Op::RenameTable { table: "people".into(), from: "users".into() });
    /// assert_eq!(schema.table("people").unwrap().columns[0].name, "id");
    /// assert!(schema.table("users").is_none());
    /// ```
    pub fn apply(&mut self, op: &Op) {
        match op {
            Op::CreateTable { table: t } => self.tables.push(t.clone()),
            Op::DropTable { table: t } => self.tables.retain(|x| x.name != t.name),
            Op::RenameTable { table: new, from } => self.rename_table(from, new),
            Op::CreateEnum { enum_type } => self.enums.push(enum_type.clone()),
            Op::DropEnum { enum_type } => self.enums.retain(|e| e.name != enum_type.name),
            Op::AlterEnum { name, to, .. } => {
                if let Some(e) = self.enums.iter_mut().find(|e| &e.name == name) {
                    e.values = to.clone();
                }
            }
            Op::AttachPartition { table, partition } => {
                let standalone = crate::model::partition_table_name(table, &partition.name);
                self.tables.retain(|x| x.name != standalone);
                self.apply_in_table(op);
            }
            Op::CreateObject { .. }
            | Op::DropObject { .. }
            | Op::ReplaceObject { .. }
            | Op::RenameObject { .. } => self.apply_to_objects(op),
            Op::DetachPartition { table, partition } => {
                self.apply_in_table(op);
                let Some(parent) = self.tables.iter().find(|t| &t.name == table) else {
                    return;
                };
                // The detached table keeps the columns it shared.
                let mut t = Table::new(parent.partition_table_name(&partition.name));
                t.columns = parent.columns.clone();
                self.tables.push(t);
            }
            other => self.apply_in_table(other),
        }
    }

    /// Applies an op that acts inside the table it names.
    fn apply_in_table(&mut self, op: &Op) {
        let Some(name) = op.table() else { return };
        if let Some(t) = self.tables.iter_mut().find(|t| t.name == name) {
            apply_to_table(t, op);
        }
    }

    fn apply_to_objects(&mut self, op: &Op) {
        let same =
            |a: &crate::objects::SqlObject, kind, name: &str| a.kind == kind && a.name == name;
        match op {
            Op::CreateObject { object } => self.objects.push(object.clone()),
            Op::DropObject { object } => {
                self.objects.retain(|o| !same(o, object.kind, &object.name))
            }
            Op::ReplaceObject { to, .. } => {
                if let Some(o) = self.objects.iter_mut().find(|o| same(o, to.kind, &to.name)) {
                    *o = to.clone();
                }
            }
            Op::RenameObject { object, from } => {
                if let Some(o) = self.objects.iter_mut().find(|o| same(o, object.kind, from)) {
                    *o = object.clone();
                }
            }
            _ => {}
        }
    }

    fn rename_table(&mut self, from: &str, new: &str) {
        if let Some(t) = self.tables.iter_mut().find(|t| t.name == from) {
            t.name = new.to_string();
        }
        for t in &mut self.tables {
            for f in &mut t.foreign_keys {
                if f.ref_table == from {
                    f.ref_table = new.to_string();
                }
            }
        }
    }
}

/// A schema walked past a long list of ops: [`Schema::apply`] and
/// [`Schema::table`] with each table found by its name in constant time
/// (`Schema` itself looks tables up by walking its list, which costs
/// quadratic time over the 30,000 ops of a revision creating 10,000
/// tables). The schema after each op is exactly what [`Schema::apply`]
/// makes of it.
///
/// ```
/// use alembix_schema::{apply::IndexedSchema, Column, ColumnType, Index, Op, Schema, Table};
/// let mut s = IndexedSchema::new(Schema::default());
/// s.apply(&Op::CreateTable { table: Table::new("t").column(Column::new("a", ColumnType::Integer)) });
/// let index = Index { name: "ix_t_a".into(), columns: vec!["a".into()], ..Default::default() };
/// s.apply(&Op::CreateIndex { table: "t".into(), index });
/// assert_eq!(s.table("t").unwrap().indexes.len(), 1);
/// assert_eq!(s.schema().tables.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct IndexedSchema {
    schema: Schema,
    /// Each table's position in `schema.tables`; `None` while two tables
    /// share a name (then every op takes [`Schema::apply`]'s own path).
    at: Option<HashMap<String, usize>>,
}

impl IndexedSchema {
    /// Indexes `schema`'s tables by name.
    pub fn new(schema: Schema) -> Self {
        let mut s = IndexedSchema { schema, at: None };
        s.reindex();
        s
    }

    /// The schema so far.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema, no longer indexed.
    pub fn into_schema(self) -> Schema {
        self.schema
    }

    /// The table with this name, if any (as [`Schema::table`]).
    pub fn table(&self, name: &str) -> Option<&Table> {
        match &self.at {
            Some(at) => at.get(name).map(|&i| &self.schema.tables[i]),
            None => self.schema.table(name),
        }
    }

    /// Applies one op (as [`Schema::apply`]).
    pub fn apply(&mut self, op: &Op) {
        let Some(at) = &mut self.at else {
            self.schema.apply(op);
            self.reindex();
            return;
        };
        let tables = &mut self.schema.tables;
        match op {
            Op::CreateTable { table } if !at.contains_key(&table.name) => {
                at.insert(table.name.clone(), tables.len());
                tables.push(table.clone());
            }
            Op::DropTable { table } => {
                if let Some(i) = at.remove(&table.name) {
                    tables.remove(i);
                    for (k, t) in tables.iter().enumerate().skip(i) {
                        at.insert(t.name.clone(), k);
                    }
                }
            }
            // Table list changes of other kinds: the plain path, reindexed.
            Op::CreateTable { .. }
            | Op::RenameTable { .. }
            | Op::AttachPartition { .. }
            | Op::DetachPartition { .. } => {
                self.schema.apply(op);
                self.reindex();
            }
            _ => match op.table() {
                Some(name) if in_table(op) => {
                    if let Some(&i) = at.get(name) {
                        apply_to_table(&mut tables[i], op);
                    }
                }
                _ => self.schema.apply(op),
            },
        }
    }

    /// Rebuilds the index from the table list.
    fn reindex(&mut self) {
        let mut at = HashMap::with_capacity(self.schema.tables.len());
        for (i, t) in self.schema.tables.iter().enumerate() {
            if at.insert(t.name.clone(), i).is_some() {
                self.at = None;
                return;
            }
        }
        self.at = Some(at);
    }
}

/// Whether [`Schema::apply`] applies `op` inside its table alone.
fn in_table(op: &Op) -> bool {
    !matches!(
        op,
        Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::CreateEnum { .. }
            | Op::DropEnum { .. }
            | Op::AlterEnum { .. }
            | Op::AttachPartition { .. }
            | Op::DetachPartition { .. }
            | Op::CreateObject { .. }
            | Op::DropObject { .. }
            | Op::ReplaceObject { .. }
            | Op::RenameObject { .. }
    )
}

/// Applies an op that acts inside one table (columns, keys, indexes,
/// constraints, comment) to that table.
fn apply_to_table(t: &mut Table, op: &Op) {
    match op {
        Op::AddColumn { column, .. } => t.columns.push(column.clone()),
        Op::DropColumn { column, .. } => t.columns.retain(|c| c.name != column.name),
        Op::RenameColumn { column, from, .. } => {
            for c in &mut t.columns {
                if &c.name == from {
                    c.name = column.clone();
                }
            }
        }
        Op::AlterColumn { to, .. } => {
            if let Some(c) = t.columns.iter_mut().find(|c| c.name == to.name) {
                *c = to.clone();
            }
        }
        Op::CreateIndex { index, .. } => t.indexes.push(index.clone()),
        Op::DropIndex { index, .. } => t.indexes.retain(|x| x.name != index.name),
        Op::AddUnique { unique, .. } => t.uniques.push(unique.clone()),
        Op::DropUnique { unique, .. } => t.uniques.retain(|x| x.name != unique.name),
        Op::AddForeignKey { foreign_key, .. } => t.foreign_keys.push(foreign_key.clone()),
        Op::DropForeignKey { foreign_key, .. } => {
            t.foreign_keys.retain(|x| x.name != foreign_key.name)
        }
        Op::AddCheck { check, .. } => t.checks.push(check.clone()),
        Op::DropCheck { check, .. } => t.checks.retain(|x| x.name != check.name),
        Op::AddPrimaryKey { primary_key, .. } => t.primary_key = Some(primary_key.clone()),
        Op::DropPrimaryKey { .. } => t.primary_key = None,
        Op::AlterTableComment { to, .. } => t.comment = to.clone(),
        Op::CreatePartition { partition, .. } | Op::AttachPartition { partition, .. } => {
            t.partitions.push(partition.clone())
        }
        Op::DropPartition { partition, .. } | Op::DetachPartition { partition, .. } => {
            t.partitions.retain(|p| p.name != partition.name)
        }
        _ => {}
    }
}

/// [`Schema::apply`] as a free function, for callers that name it
/// `apply_op(&mut schema, &op)`.
///
/// ```
/// use alembix_schema::{apply_op, Op, Schema, Table};
/// let mut schema = Schema::default();
/// apply_op(&mut schema, &Op::CreateTable { table: Table::new("t") });
/// assert!(schema.table("t").is_some());
/// ```
pub fn apply_op(schema: &mut Schema, op: &Op) {
    schema.apply(op);
}

#[cfg(test)]
mod tests {
    use crate::model::{Check, Column, ColumnType, EnumType, ForeignKey, Index, Schema, Table};
    use crate::op::Op;

    fn fk(name: &str, col: &str, to: &str) -> ForeignKey {
        ForeignKey::new(name, &[col], to, &["id"])
    }

    fn start() -> Schema {
        let users = Table::new("users")
            .column(Column::new("id", ColumnType::BigInt))
            .column(Column::new("email", ColumnType::Text))
            .primary_key(&["id"]);
        let mut posts = Table::new("posts")
            .column(Column::new("id", ColumnType::BigInt))
            .column(Column::new("user_id", ColumnType::BigInt));
        posts
            .foreign_keys
            .push(fk("fk_posts_user", "user_id", "users"));
        Schema {
            tables: vec![users, posts],
            enums: vec![EnumType {
                name: "mood".into(),
                values: vec!["a".into()],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn rename_table_moves_references() {
        let mut s = start();
        s.apply(&Op::RenameTable {
            table: "people".into(),
            from: "users".into(),
        });
        assert_eq!(s.tables[0].name, "people");
        assert_eq!(
            s.table("posts").unwrap().foreign_keys[0].ref_table,
            "people"
        );
    }

    #[test]
    fn column_ops_and_constraints() {
        let mut s = start();
        let t = "users".to_string();
        s.apply(&Op::RenameColumn {
            table: t.clone(),
            column: "mail".into(),
            from: "email".into(),
        });
        let to = Column::new("mail", ColumnType::Varchar(Some(9))).nullable();
        s.apply(&Op::AlterColumn {
            table: t.clone(),
            from: Column::new("mail", ColumnType::Text),
            to: to.clone(),
        });
        let index = Index {
            name: "ix".into(),
            columns: vec!["mail".into()],
            ..Default::default()
        };
        s.apply(&Op::CreateIndex {
            table: t.clone(),
            index: index.clone(),
        });
        let check = Check {
            name: "ck".into(),
            expr: "id > 0".into(),
        };
        s.apply(&Op::AddCheck {
            table: t.clone(),
            check,
        });
        let pk = s.tables[0].primary_key.clone().unwrap();
        s.apply(&Op::DropPrimaryKey {
            table: t.clone(),
            primary_key: pk,
        });
        let users = s.table("users").unwrap();
        assert_eq!(users.columns[1], to);
        assert_eq!(users.indexes, vec![index]);
        assert_eq!(users.checks.len(), 1);
        assert!(users.primary_key.is_none());
        s.apply(&Op::DropIndex {
            table: t,
            index: Index {
                name: "ix".into(),
                ..Default::default()
            },
        });
        assert!(s.table("users").unwrap().indexes.is_empty());
    }

    #[test]
    fn ops_and_their_reverses_round_trip() {
        let before = start();
        let ops = vec![
            Op::AlterEnum {
                name: "mood".into(),
                from: vec!["a".into()],
                to: vec!["a".into(), "b".into()],
            },
            Op::DropForeignKey {
                table: "posts".into(),
                foreign_key: fk("fk_posts_user", "user_id", "users"),
            },
            Op::AlterTableComment {
                table: "posts".into(),
                from: None,
                to: Some("x".into()),
            },
        ];
        let mut s = before.clone();
        for op in &ops {
            s.apply(op);
        }
        assert_eq!(s.enums[0].values.len(), 2);
        assert!(s.table("posts").unwrap().foreign_keys.is_empty());
        for op in ops.iter().rev() {
            s.apply(&op.reverse());
        }
        assert_eq!(s, before);
    }

    #[test]
    fn indexed_walk_matches_plain_apply() {
        let ix = |name: &str| Index {
            name: name.into(),
            columns: vec!["id".into()],
            ..Default::default()
        };
        let mut ops = Vec::new();
        for i in 0..5 {
            ops.push(Op::CreateTable {
                table: Table::new(format!("t{i}")).column(Column::new("id", ColumnType::BigInt)),
            });
        }
        ops.push(Op::CreateIndex {
            table: "t3".into(),
            index: ix("ix3"),
        });
        ops.push(Op::DropTable {
            table: Table::new("t1"),
        });
        ops.push(Op::CreateIndex {
            table: "t4".into(),
            index: ix("ix4"),
        });
        ops.push(Op::RenameTable {
            table: "people".into(),
            from: "users".into(),
        });
        ops.push(Op::AddForeignKey {
            table: "posts".into(),
            foreign_key: fk("fk2", "user_id", "people"),
        });
        // A second table of a name: both walks keep to the first.
        ops.push(Op::CreateTable {
            table: Table::new("t2"),
        });
        ops.push(Op::CreateIndex {
            table: "t2".into(),
            index: ix("ix2"),
        });
        ops.push(Op::DropTable {
            table: Table::new("t2"),
        });
        ops.push(Op::CreateIndex {
            table: "t0".into(),
            index: ix("ix0"),
        });
        let mut plain = start();
        let mut indexed = super::IndexedSchema::new(start());
        for op in &ops {
            plain.apply(op);
            indexed.apply(op);
            assert_eq!(indexed.schema(), &plain, "after {op:?}");
            for t in &plain.tables {
                assert_eq!(indexed.table(&t.name), plain.table(&t.name));
            }
        }
        assert!(indexed.table("t2").is_none());
        assert_eq!(indexed.table("t0").unwrap().indexes.len(), 1);
    }

    #[test]
    fn ops_on_missing_objects_change_nothing() {
        let mut s = start();
        s.apply(&Op::AddColumn {
            table: "nope".into(),
            column: Column::new("x", ColumnType::Integer),
        });
        s.apply(&Op::AlterEnum {
            name: "nope".into(),
            from: vec![],
            to: vec!["z".into()],
        });
        assert_eq!(s, start());
    }
}
