//! The comparison: the database's schema against the models' (both as the
//! database spells them, see [`crate::normalize`]) into ops, in an order
//! that every backend accepts, whose reverse is the downgrade.
//!
//! One module per concern: tables are paired (by name, then by
//! `renamed_from`); per pair of tables the columns, then the keys and
//! constraints are compared; apart from tables, the enums. Each adds ops to
//! buckets; the ordering pass puts the buckets in an order every backend
//! accepts (closing foreign-key cycles afterwards), and the warnings pass
//! flags destructive ops. What differs between backends is asked of a
//! [`DiffDriver`].

mod columns;
mod enums;
mod filter;
mod json;
mod keys;
mod objects;
mod order;
mod partitions;
mod tables;
mod warnings;

#[cfg(test)]
mod partition_tests;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use alembix_migrate::{DEFAULT_LOG_TABLE, DEFAULT_VERSION_TABLE};
use alembix_schema::{Dialect, Op, Schema, Table};

use crate::dialect::{DiffDriver, driver};

pub use filter::ObjectFilters;
pub use json::ops_json;
pub(crate) use objects::creation_order;
pub use order::downgrade;

/// What the comparison leaves alone.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Globs (`*`, `?`) of database tables no model describes that stay
    /// (a table outside PostgreSQL's `public` schema is matched as
    /// `schema.table`).
    pub exclude_tables: Vec<String>,
    /// PostgreSQL schemas compared besides those the models name (empty:
    /// `public`). Tables in them that no model describes are dropped.
    pub schemas: Vec<String>,
    /// Tables and named objects left out of the comparison altogether.
    pub filters: ObjectFilters,
}

/// The ops and the warnings about destructive ones.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// The ops that turn the database's schema into the models', in order.
    pub ops: Vec<Op>,
    /// `(index of the op, message)`.
    pub warnings: Vec<(usize, String)>,
    /// Hints that are not about one op (a drop + add that looks like a rename).
    pub notes: Vec<String>,
    /// The database's schema the ops start from (needed to render SQLite rebuilds).
    pub current: Schema,
    /// The models' schema as compared (as the database spells it).
    pub target: Schema,
}

/// `*` and `?` globs.
///
/// ```
/// use alembix_autogen::diff::glob_match;
/// assert!(glob_match("audit_*", "audit_2024"));
/// assert!(glob_match("t?", "t1"));
/// assert!(!glob_match("t?", "t12"));
/// ```
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// Compares `current` (the database) with `target` (the models as the
/// database spells them); op payloads for new objects come from `model`
/// (the models as written), for old objects from `current`.
///
/// ```
/// use alembix_autogen::diff::{diff, DiffOptions};
/// use alembix_schema::{Column, ColumnType, Dialect::*, Schema, Table};
/// let current = Schema::default();
/// let models = Schema {
///     tables: vec![Table::new("users").column(Column::new("id", ColumnType::BigInt))],
///     ..Default::default()
/// };
/// let d = diff(&current, &models, &models, Postgres, &DiffOptions::default());
/// assert_eq!(d.ops.len(), 1);
/// assert_eq!(d.ops[0].kind(), "create_table");
/// ```
pub fn diff(
    current: &Schema,
    target: &Schema,
    model: &Schema,
    d: Dialect,
    opts: &DiffOptions,
) -> Diff {
    let driver = driver(d);
    let current = driver.comparable(current, model);
    let target = driver.comparable(target, model);
    let cx = Cx {
        current: &current,
        target: &target,
        model,
        by_name: [&*current, &*target, model].map(by_name),
        driver,
        opts,
    };
    let mut ch = Changes::default();
    enums::diff_enums(&cx, &mut ch);
    let pairs = tables::pair_tables(&cx, &mut ch);
    for (cur, tgt) in pairs {
        let mt = cx.model_table(&tgt.name);
        columns::diff_columns(&cx, cur, tgt, &mt, &mut ch);
        keys::diff_keys(&cx, cur, tgt, &mt, &mut ch);
        tables::diff_comment(&cx, cur, tgt, &mt, &mut ch);
        partitions::diff_partitions(&cx, cur, tgt, &mt, &mut ch);
    }
    let notes = std::mem::take(&mut ch.notes);
    let objects = objects::diff_objects(&current, &target, driver);
    let mut ops = order::ordered(ch, &current);
    ops = objects::place(ops, objects, driver);
    ops.retain(|op| opts.filters.keeps(op));
    Diff {
        warnings: warnings::warnings(&ops, d),
        ops,
        notes,
        current: current.into_owned(),
        target: target.into_owned(),
    }
}

/// The two sides, the models as written, the backend and the options.
struct Cx<'a> {
    current: &'a Schema,
    target: &'a Schema,
    model: &'a Schema,
    /// The tables of `current`, `target` and `model` by name.
    by_name: [HashMap<&'a str, &'a Table>; 3],
    driver: &'static dyn DiffDriver,
    opts: &'a DiffOptions,
}

/// A schema's tables by name (the first of a name, as [`Schema::table`]
/// finds it), so that pairing tables is no walk over all of them per table.
fn by_name(schema: &Schema) -> HashMap<&str, &Table> {
    let mut map = HashMap::with_capacity(schema.tables.len());
    for t in &schema.tables {
        map.entry(t.name.as_str()).or_insert(t);
    }
    map
}

impl<'a> Cx<'a> {
    /// The database's table of this name.
    fn current_table(&self, name: &str) -> Option<&'a Table> {
        self.by_name[0].get(name).copied()
    }

    /// The target's table of this name.
    fn target_table(&self, name: &str) -> Option<&'a Table> {
        self.by_name[1].get(name).copied()
    }

    /// A database table the comparison leaves alone: no model describes
    /// it and it is Alembix's own or matches `exclude_tables`.
    fn excluded(&self, name: &str) -> bool {
        self.target_table(name).is_none()
            && (name == DEFAULT_VERSION_TABLE
                || name == DEFAULT_LOG_TABLE
                || self.opts.exclude_tables.iter().any(|g| glob_match(g, name)))
    }

    /// The model of a target table as written (op payloads come from it).
    fn model_table(&self, name: &str) -> Table {
        self.by_name[2]
            .get(name)
            .copied()
            .or_else(|| self.target_table(name))
            .cloned()
            .unwrap_or_else(|| Table::new(name))
    }
}

/// The ops found, by bucket; [`order::ordered`] emits the buckets in a
/// fixed order.
#[derive(Debug, Default)]
struct Changes {
    enum_creates: Vec<Op>,
    enum_alters: Vec<Op>,
    enum_drops: Vec<Op>,
    fk_drops: Vec<Op>,
    /// Table renames, then column renames.
    renames: Vec<Op>,
    /// Dropped primary keys, indexes, uniques and checks.
    drops: Vec<Op>,
    table_drops: Vec<Table>,
    column_drops: Vec<Op>,
    creates: Vec<Table>,
    /// Added and altered columns.
    column_ops: Vec<Op>,
    /// Added primary keys, uniques, checks and indexes.
    adds: Vec<Op>,
    fk_adds: Vec<Op>,
    comments: Vec<Op>,
    notes: Vec<String>,
}
