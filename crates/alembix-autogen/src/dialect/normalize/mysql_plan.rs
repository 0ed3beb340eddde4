//! What the MySQL/MariaDB scratch database holds, and how the models are
//! read back from it. Only what the server rewrites goes there:
//!
//! * column types, defaults, nullability and comments: each distinct
//!   combination once, as a column `c<n>` of a few wide tables `w<k>`
//!   (split to stay under the row-size and column-count limits);
//! * checks and table comments: the tables that have any, as `k<i>` with
//!   their own columns (a check names them), without keys to other tables;
//! * referential actions: each distinct (on delete, on update) pair once,
//!   as a foreign key of table `f` to table `p` (MariaDB reports a key
//!   without `ON DELETE` as `RESTRICT`).
//!
//! Keys, unique constraints, indexes and foreign keys are otherwise taken
//! from the models: the server reports them as written.

use std::collections::HashMap;

use alembix_schema::{
    Column, ColumnType, Dialect, ForeignKey, PrimaryKey, ReferentialAction, Schema, Table,
};

const D: Dialect = Dialect::MySql;

/// Most columns per wide table (InnoDB takes 1017).
const MAX_COLUMNS: usize = 1000;
/// Bytes per wide table against the server's row limit (65,535), counting
/// each column at its largest.
const SERVER_BUDGET: usize = 60_000;
/// Bytes per wide table kept in the row by InnoDB (limit about 8,126 with
/// 16 KiB pages): longer values are stored off the row behind a pointer.
const INNODB_BUDGET: usize = 6_000;

/// (bytes against the server's limit, bytes InnoDB keeps in the row) of a
/// column of this SQL type, both on the large side (4 bytes a character).
fn row_bytes(sql: &str) -> (usize, usize) {
    let t = sql.to_ascii_lowercase();
    let base = t.split(['(', ' ']).next().unwrap_or_default();
    let len = || -> usize {
        t.split_once('(')
            .and_then(|(_, r)| r.split([')', ',']).next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(255)
    };
    let fixed = |n: usize| (n + 2, n + 2);
    match base {
        "tinyint" | "bool" | "boolean" => fixed(1),
        "smallint" | "year" => fixed(2),
        "mediumint" | "date" | "time" => fixed(4),
        "int" | "integer" | "float" => fixed(4),
        "bigint" | "double" | "real" | "datetime" | "timestamp" => fixed(8),
        "decimal" | "numeric" => fixed(32),
        "enum" | "set" => fixed(8),
        "char" | "varchar" | "binary" | "varbinary" => {
            let bytes = len().saturating_mul(4) + 2;
            // InnoDB moves a value of more than 255 bytes off the row.
            (bytes, if bytes > 255 { 24 } else { bytes + 2 })
        }
        b if b.contains("text") || b.contains("blob") || b == "json" => (16, 24),
        _ => (300, 300),
    }
}

/// The scratch schema, and where each part of the models went.
pub(super) struct Plan {
    /// What to create in the scratch database.
    pub(super) scratch: Schema,
    /// (model table, column) → scratch (table, column), for tables read
    /// from a wide table.
    columns: HashMap<(usize, usize), (String, String)>,
    /// Model tables created as `k<i>` of their own.
    own: Vec<usize>,
    /// (on delete, on update) → the scratch foreign key spelling it.
    actions: HashMap<(ReferentialAction, ReferentialAction), String>,
}

/// A column's normalised parts: what the wide table's column is made from.
fn spec(c: &Column, in_key: bool) -> Column {
    Column {
        name: String::new(),
        ty: c.ty.clone(),
        nullable: c.nullable && !in_key,
        default: c.default.clone(),
        auto_increment: false,
        comment: c.comment.clone(),
        renamed_from: Vec::new(),
        backfill: None,
    }
}

/// Whether a model table is created on its own: it has checks or a
/// comment, or (`first_timestamp`: the server gives the first `timestamp`
/// column of a table a default) a `timestamp` column.
fn needs_own_table(t: &Table, first_timestamp: bool) -> bool {
    !t.checks.is_empty()
        || t.comment.is_some()
        || (first_timestamp
            && t.columns
                .iter()
                .any(|c| c.ty.to_sql(D).to_ascii_lowercase().starts_with("timestamp")))
}

impl Plan {
    /// The plan for `target`; `first_timestamp` is the server's
    /// `explicit_defaults_for_timestamp` being off.
    pub(super) fn new(target: &Schema, first_timestamp: bool) -> Plan {
        let mut plan = Plan {
            scratch: Schema::default(),
            columns: HashMap::new(),
            own: Vec::new(),
            actions: HashMap::new(),
        };
        let mut specs: Vec<Column> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut placed: Vec<((usize, usize), usize)> = Vec::new();
        for (ti, t) in target.tables.iter().enumerate() {
            if needs_own_table(t, first_timestamp) {
                plan.own.push(ti);
                plan.scratch.tables.push(own_table(ti, t));
                continue;
            }
            let key_cols = t.primary_key.as_ref().map(|k| k.columns.as_slice());
            for (ci, c) in t.columns.iter().enumerate() {
                let in_key = key_cols.is_some_and(|k| k.contains(&c.name));
                let s = spec(c, in_key);
                let key = format!(
                    "{}\u{0}{}\u{0}{:?}\u{0}{:?}",
                    s.ty.to_sql(D),
                    s.nullable,
                    s.default,
                    s.comment
                );
                let n = *seen.entry(key).or_insert_with(|| {
                    specs.push(s);
                    specs.len() - 1
                });
                placed.push(((ti, ci), n));
            }
        }
        let at = plan.wide_tables(specs);
        for (place, n) in placed {
            plan.columns.insert(place, at[n].clone());
        }
        plan.action_tables(target);
        plan
    }

    /// The wide tables `w<k>` of the distinct column specs; where each went.
    fn wide_tables(&mut self, specs: Vec<Column>) -> Vec<(String, String)> {
        let mut at = Vec::with_capacity(specs.len());
        let mut table: Option<Table> = None;
        let (mut server, mut innodb) = (0, 0);
        for mut s in specs {
            let (sb, ib) = row_bytes(&s.ty.to_sql(D));
            let full = table.as_ref().is_some_and(|t| {
                t.columns.len() >= MAX_COLUMNS
                    || server + sb > SERVER_BUDGET
                    || innodb + ib > INNODB_BUDGET
            });
            if full || table.is_none() {
                self.scratch.tables.extend(table.take());
                let k = self.scratch.tables.len();
                table = Some(Table::new(format!("w{k}")));
                (server, innodb) = (0, 0);
            }
            let t = table.as_mut().expect("made above");
            server += sb;
            innodb += ib;
            s.name = format!("c{}", t.columns.len());
            at.push((t.name.clone(), s.name.clone()));
            t.columns.push(s);
        }
        self.scratch.tables.extend(table);
        at
    }

    /// Tables `p` and `f`: one foreign key of `f` per distinct pair of
    /// referential actions of the models.
    fn action_tables(&mut self, target: &Schema) {
        let mut child = Table::new("f").column(Column::new("id", ColumnType::BigInt));
        child.primary_key = Some(PrimaryKey {
            name: "pk_f".into(),
            columns: vec!["id".into()],
        });
        for fk in target.tables.iter().flat_map(|t| &t.foreign_keys) {
            let pair = (fk.on_delete, fk.on_update);
            if self.actions.contains_key(&pair) {
                continue;
            }
            let n = self.actions.len();
            let col = format!("a{n}");
            // Nullable: `SET NULL` needs it.
            child
                .columns
                .push(Column::new(col.clone(), ColumnType::BigInt).nullable());
            child.foreign_keys.push(ForeignKey {
                name: format!("f{n}"),
                columns: vec![col],
                ref_table: "p".into(),
                ref_schema: None,
                ref_columns: vec!["id".into()],
                on_delete: pair.0,
                on_update: pair.1,
            });
            self.actions.insert(pair, format!("f{n}"));
        }
        if self.actions.is_empty() {
            return;
        }
        let mut parent = Table::new("p").column(Column::new("id", ColumnType::BigInt));
        parent.primary_key = Some(PrimaryKey {
            name: "pk_p".into(),
            columns: vec!["id".into()],
        });
        self.scratch.tables.push(parent);
        self.scratch.tables.push(child);
    }

    /// The models as the server spells them, from the scratch database
    /// read back (`read`).
    pub(super) fn apply(&self, target: &Schema, read: &Schema) -> Schema {
        let tables: HashMap<&str, &Table> =
            read.tables.iter().map(|t| (t.name.as_str(), t)).collect();
        let column = |t: &str, c: &str| -> Option<&Column> {
            tables.get(t)?.columns.iter().find(|x| x.name == c)
        };
        let mut out = target.clone();
        // Enum types are part of each column's type here.
        out.enums.clear();
        for (ti, t) in out.tables.iter_mut().enumerate() {
            if self.own.contains(&ti) {
                if let Some(own) = tables.get(format!("k{ti}").as_str()) {
                    own_read_back(t, own);
                }
            } else {
                for (ci, c) in t.columns.iter_mut().enumerate() {
                    let Some((wt, wc)) = self.columns.get(&(ti, ci)) else {
                        continue;
                    };
                    if let Some(read) = column(wt, wc) {
                        take_spelling(c, read);
                    }
                }
            }
            // MySQL names every primary key PRIMARY; the name read is the convention.
            if let Some(pk) = &mut t.primary_key {
                pk.name = alembix_schema::naming::primary_key_name(&t.name);
            }
            for fk in &mut t.foreign_keys {
                let read = self
                    .actions
                    .get(&(fk.on_delete, fk.on_update))
                    .and_then(|name| {
                        tables
                            .get("f")?
                            .foreign_keys
                            .iter()
                            .find(|f| &f.name == name)
                    });
                if let Some(read) = read {
                    fk.on_delete = read.on_delete;
                    fk.on_update = read.on_update;
                }
            }
        }
        out
    }
}

/// A model table on its own, as `k<i>`: columns, primary key, checks and
/// comment; no indexes, unique constraints or foreign keys.
fn own_table(ti: usize, t: &Table) -> Table {
    let mut own = t.clone();
    own.name = format!("k{ti}");
    own.indexes.clear();
    own.uniques.clear();
    own.foreign_keys.clear();
    own.renamed_from.clear();
    if let Some(pk) = &mut own.primary_key {
        pk.name = format!("pk_k{ti}");
    }
    // Without its unique constraints an auto-increment column outside the
    // primary key would be no key; what is read back is not changed by it.
    let key = own.primary_key.as_ref().map(|k| k.columns.clone());
    for c in &mut own.columns {
        if !key.as_ref().is_some_and(|k| k.contains(&c.name)) {
            c.auto_increment = false;
        }
    }
    own
}

/// The parts the server rewrote, from a model table's own scratch table.
fn own_read_back(t: &mut Table, own: &Table) {
    for c in &mut t.columns {
        if let Some(read) = own.columns.iter().find(|x| x.name == c.name) {
            take_spelling(c, read);
        }
    }
    t.checks = own.checks.clone();
    t.comment = own.comment.clone();
}

/// A column's type, nullability, default and comment as the server wrote
/// them (its name, auto-increment and renames stay the model's).
fn take_spelling(c: &mut Column, read: &Column) {
    c.ty = read.ty.clone();
    c.nullable = read.nullable;
    c.default = read.default.clone();
    c.comment = read.comment.clone();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, cols: usize) -> Table {
        let mut t = Table::new(name);
        for i in 0..cols {
            let mut c = Column::new(format!("x{i}"), ColumnType::Varchar(Some(80)));
            c.default = Some(format!("'v{i}'"));
            t.columns.push(c);
        }
        t
    }

    #[test]
    fn same_columns_share_one_scratch_column() {
        let target = Schema {
            tables: (0..50).map(|i| table(&format!("t{i}"), 3)).collect(),
            enums: Vec::new(),
            ..Default::default()
        };
        let plan = Plan::new(&target, false);
        assert_eq!(plan.scratch.tables.len(), 1);
        assert_eq!(plan.scratch.tables[0].columns.len(), 3);
        assert_eq!(plan.columns.len(), 150);
    }

    #[test]
    fn wide_tables_stay_under_the_row_limits() {
        // 1,000 distinct varchar(80) columns: 322 bytes each at most.
        let target = Schema {
            tables: vec![table("t", 1000)],
            enums: Vec::new(),
            ..Default::default()
        };
        let plan = Plan::new(&target, false);
        assert!(plan.scratch.tables.len() > 1);
        for t in &plan.scratch.tables {
            let server: usize = t.columns.iter().map(|c| row_bytes(&c.ty.to_sql(D)).0).sum();
            assert!(server <= SERVER_BUDGET, "{} holds {server} bytes", t.name);
        }
        let total: usize = plan.scratch.tables.iter().map(|t| t.columns.len()).sum();
        assert_eq!(total, 1000);
    }

    #[test]
    fn checks_and_comments_get_a_table_of_their_own() {
        let mut t = table("t", 2);
        t.checks.push(alembix_schema::Check {
            name: "ck".into(),
            expr: "x0 <> ''".into(),
        });
        let target = Schema {
            tables: vec![t, table("u", 1)],
            enums: Vec::new(),
            ..Default::default()
        };
        let plan = Plan::new(&target, false);
        assert_eq!(plan.own, vec![0]);
        assert!(plan.scratch.table("k0").is_some());
        assert_eq!(plan.columns.len(), 1);
    }
}
