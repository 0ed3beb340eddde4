//! Object filters, Alembix's form of Alembic's `include_object`: globs in
//! `alembix.toml` that keep tables, indexes, checks, foreign keys and enum
//! types out of the comparison. A filtered object gets no op: nothing
//! creates, drops, renames or changes it.

use alembix_schema::Op;

use super::glob_match;

/// Which objects the comparison leaves alone (every list of `*`/`?` globs;
/// empty lists filter nothing).
///
/// ```
/// use alembix_autogen::diff::ObjectFilters;
/// use alembix_schema::{Check, Op};
/// let f = ObjectFilters { exclude_checks: vec!["ck_dba_*".into()], ..Default::default() };
/// let check = Check { name: "ck_dba_age".into(), expr: "age > 0".into() };
/// assert!(!f.keeps(&Op::DropCheck { table: "users".into(), check }));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectFilters {
    /// When not empty, only tables matching one of these are compared
    /// (`schema.table` outside PostgreSQL's `public`).
    pub include_tables: Vec<String>,
    /// Index and unique constraint names left alone.
    pub exclude_indexes: Vec<String>,
    /// Check constraint names left alone.
    pub exclude_checks: Vec<String>,
    /// Foreign key names left alone.
    pub exclude_foreign_keys: Vec<String>,
    /// Enum type names left alone (PostgreSQL).
    pub exclude_enums: Vec<String>,
}

fn any(globs: &[String], name: &str) -> bool {
    globs.iter().any(|g| glob_match(g, name))
}

impl ObjectFilters {
    /// Whether the table is compared at all.
    fn table_included(&self, table: &str) -> bool {
        self.include_tables.is_empty() || any(&self.include_tables, table)
    }

    /// Whether `op` stays in the revision.
    pub fn keeps(&self, op: &Op) -> bool {
        if let Op::RenameTable { table, from } = op {
            return self.table_included(table) || self.table_included(from);
        }
        if let Some(t) = op.table()
            && !self.table_included(t)
        {
            return false;
        }
        match op {
            Op::CreateIndex { index, .. } | Op::DropIndex { index, .. } => {
                !any(&self.exclude_indexes, &index.name)
            }
            Op::AddUnique { unique, .. } | Op::DropUnique { unique, .. } => {
                !any(&self.exclude_indexes, &unique.name)
            }
            Op::AddCheck { check, .. } | Op::DropCheck { check, .. } => {
                !any(&self.exclude_checks, &check.name)
            }
            Op::AddForeignKey { foreign_key, .. } | Op::DropForeignKey { foreign_key, .. } => {
                !any(&self.exclude_foreign_keys, &foreign_key.name)
            }
            Op::CreateEnum { enum_type } | Op::DropEnum { enum_type } => {
                !any(&self.exclude_enums, &enum_type.name)
            }
            Op::AlterEnum { name, .. } => !any(&self.exclude_enums, name),
            _ => true,
        }
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == ObjectFilters::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alembix_schema::{Check, Column, ColumnType, EnumType, ForeignKey, Table};

    fn ops() -> Vec<Op> {
        vec![
            Op::CreateTable {
                table: Table::new("billing_invoices"),
            },
            Op::DropTable {
                table: Table::new("legacy_audit"),
            },
            Op::AddColumn {
                table: "users".into(),
                column: Column::new("age", ColumnType::Integer),
            },
            Op::AddCheck {
                table: "users".into(),
                check: Check {
                    name: "ck_dba_age".into(),
                    expr: "age > 0".into(),
                },
            },
            Op::DropForeignKey {
                table: "users".into(),
                foreign_key: ForeignKey::new("fk_dba_org", &["org_id"], "orgs", &["id"]),
            },
            Op::CreateEnum {
                enum_type: EnumType {
                    name: "mood".into(),
                    values: vec!["ok".into()],
                },
            },
        ]
    }

    fn kept(f: &ObjectFilters) -> Vec<&'static str> {
        ops()
            .iter()
            .filter(|o| f.keeps(o))
            .map(|o| o.kind())
            .collect()
    }

    #[test]
    fn nothing_set_keeps_everything() {
        assert!(ObjectFilters::default().is_empty());
        assert_eq!(kept(&ObjectFilters::default()).len(), 6);
    }

    #[test]
    fn include_tables_keeps_the_matching_tables_and_the_enums() {
        let f = ObjectFilters {
            include_tables: vec!["billing_*".into(), "users".into()],
            ..Default::default()
        };
        assert_eq!(
            kept(&f),
            [
                "create_table",
                "add_column",
                "add_check",
                "drop_foreign_key",
                "create_enum"
            ]
        );
    }

    #[test]
    fn excluded_objects_get_no_op() {
        let f = ObjectFilters {
            exclude_checks: vec!["ck_dba_*".into()],
            exclude_foreign_keys: vec!["fk_dba_*".into()],
            exclude_enums: vec!["mo?d".into()],
            ..Default::default()
        };
        assert_eq!(kept(&f), ["create_table", "drop_table", "add_column"]);
    }
}
