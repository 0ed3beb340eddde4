//! Creating and dropping a whole schema (`Db::create_all` / `drop_all`).

use super::table::{add_foreign_key, create_enum, create_index, create_table, drop_table};
use super::{Dialect, RenderError, TableName};
use crate::model::{ColumnType, EnumType, ForeignKey, Schema, Table};

/// The order tables are created in, and the foreign keys that close a cycle
/// (added after all tables exist), as `(table index, foreign key index)`.
struct Plan {
    order: Vec<usize>,
    deferred: Vec<(usize, usize)>,
}

fn references(fk: &ForeignKey, t: &Table) -> bool {
    fk.ref_table == t.name && (fk.ref_schema.is_none() || fk.ref_schema == t.schema)
}

/// Tables in dependency order: a table after the tables its foreign keys
/// reference (self-references are fine), otherwise in the given order. When
/// only tables on a foreign-key cycle are left, the first table on a cycle is
/// created without its foreign keys to the pending tables that lead back to
/// it (they are added once every table exists).
fn plan(tables: &[Table]) -> Plan {
    let n = tables.len();
    let mut pending: Vec<bool> = vec![true; n];
    let mut deferred: Vec<(usize, usize)> = Vec::new();
    // The pending tables (other than `ti`) a foreign key of `ti` points at,
    // ignoring deferred keys.
    let targets =
        |ti: usize, pending: &[bool], deferred: &[(usize, usize)]| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            for (fi, fk) in tables[ti].foreign_keys.iter().enumerate() {
                if deferred.contains(&(ti, fi)) {
                    continue;
                }
                for (tj, t) in tables.iter().enumerate() {
                    if tj != ti && pending[tj] && references(fk, t) {
                        out.push((fi, tj));
                    }
                }
            }
            out
        };
    let reaches = |from: usize, to: usize, pending: &[bool], deferred: &[(usize, usize)]| -> bool {
        let mut seen = vec![false; n];
        let mut stack = vec![from];
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            stack.extend(targets(t, pending, deferred).into_iter().map(|(_, tj)| tj));
        }
        false
    };
    let mut order = Vec::new();
    while order.len() < n {
        let ready = (0..n).find(|&ti| pending[ti] && targets(ti, &pending, &deferred).is_empty());
        match ready {
            Some(ti) => {
                pending[ti] = false;
                order.push(ti);
            }
            None => {
                // Every pending table waits for another: break a cycle at the
                // first table on one.
                let (ti, back) = (0..n)
                    .filter(|&ti| pending[ti])
                    .find_map(|ti| {
                        let back: Vec<usize> = targets(ti, &pending, &deferred)
                            .into_iter()
                            .filter(|&(_, tj)| reaches(tj, ti, &pending, &deferred))
                            .map(|(fi, _)| fi)
                            .collect();
                        (!back.is_empty()).then_some((ti, back))
                    })
                    .expect("a stuck plan has a cycle");
                for fi in back {
                    if !deferred.contains(&(ti, fi)) {
                        deferred.push((ti, fi));
                    }
                }
            }
        }
    }
    Plan { order, deferred }
}

/// The enum types a schema needs: its declared ones, then any other enum a
/// column uses.
fn enum_types(schema: &Schema) -> Vec<EnumType> {
    let mut out: Vec<EnumType> = schema.enums.clone();
    for t in &schema.tables {
        for c in &t.columns {
            if let ColumnType::Enum { name, values } = &c.ty
                && !out.iter().any(|e| &e.name == name)
            {
                out.push(EnumType {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
    }
    out
}

fn schema_error(op: &'static str, dialect: Dialect, message: String) -> RenderError {
    RenderError {
        op,
        dialect,
        message,
    }
}

/// The statements that create a whole schema in an empty database: enum
/// types (PostgreSQL) first, then tables in dependency order (a foreign-key
/// cycle is broken on PostgreSQL and MySQL by adding the cycle-closing keys
/// after all tables exist; SQLite accepts forward references), then every
/// table's indexes.
///
/// ```
/// use alembix_schema::{create_schema, Column, ColumnType, Dialect::*, ForeignKey, ReferentialAction, Schema, Table};
/// let orgs = Table::new("orgs").column(Column::new("id", ColumnType::BigInt).auto_increment()).primary_key(&["id"]);
/// let mut users = Table::new("users")
///     .column(Column::new("id", ColumnType::BigInt).auto_increment())
///     .column(Column::new("org_id", ColumnType::BigInt))
///     .primary_key(&["id"]);
/// users.foreign_keys.push(ForeignKey {
///     name: "fk_users_org_id_orgs".into(), columns: vec!["org_id".into()],
///     ref_table: "orgs".into(), ref_schema: None, ref_columns: vec!["id".into()],
///     on_delete: ReferentialAction::Cascade, on_update: ReferentialAction::NoAction,
/// });
/// let schema = Schema { tables: vec![users, orgs], ..Default::default() };
/// let sql = create_schema(&schema, Sqlite).unwrap();
/// assert!(sql[0].starts_with(r#"CREATE TABLE "orgs""#));
/// assert!(sql[1].starts_with(r#"CREATE TABLE "users""#));
/// ```
pub fn create_schema(schema: &Schema, dialect: Dialect) -> Result<Vec<String>, RenderError> {
    let err = |m| schema_error("create_schema", dialect, m);
    let tables = &schema.tables;
    let plan = plan(tables);
    // Where constraints can be added later, a cycle's closing keys are;
    // SQLite accepts forward references instead.
    let defer = dialect.caps().alters_in_place;
    let mut out = Vec::new();
    if dialect.caps().has_enum_types {
        for e in enum_types(schema) {
            out.push(create_enum(&e.name, &e.values, dialect));
        }
    }
    for &ti in &plan.order {
        let t = &tables[ti];
        let deferred: Vec<&str> = plan
            .deferred
            .iter()
            .filter(|(dt, _)| defer && *dt == ti)
            .map(|&(_, fi)| t.foreign_keys[fi].name.as_str())
            .collect();
        out.extend(create_table(t, dialect, &deferred).map_err(err)?);
    }
    if defer {
        for &(ti, fi) in &plan.deferred {
            let t = &tables[ti];
            out.push(add_foreign_key(
                TableName::of(t),
                &t.foreign_keys[fi],
                dialect,
            ));
        }
    }
    for &ti in &plan.order {
        let t = &tables[ti];
        for index in &t.indexes {
            out.push(create_index(TableName::of(t), index, dialect).map_err(err)?);
        }
    }
    Ok(out)
}

/// The statements that drop a whole schema, the reverse of
/// [`create_schema`]: the foreign keys closing a cycle first (PostgreSQL,
/// MySQL), then `DROP TABLE IF EXISTS` children first (never `CASCADE`), then
/// the enum types (PostgreSQL, `DROP TYPE IF EXISTS`).
///
/// ```
/// use alembix_schema::{drop_schema, Column, ColumnType, Dialect::*, Schema, Table};
/// let schema = Schema { tables: vec![Table::new("a").column(Column::new("id", ColumnType::Integer))], ..Default::default() };
/// assert_eq!(drop_schema(&schema, MySql).unwrap(), vec!["DROP TABLE IF EXISTS `a`"]);
/// ```
pub fn drop_schema(schema: &Schema, dialect: Dialect) -> Result<Vec<String>, RenderError> {
    let tables = &schema.tables;
    let plan = plan(tables);
    let mut out = Vec::new();
    for &(ti, fi) in &plan.deferred {
        let t = &tables[ti];
        let table_sql = TableName::of(t).sql(dialect);
        out.extend(
            dialect
                .rules()
                .drop_cycle_foreign_key(&table_sql, &t.foreign_keys[fi].name),
        );
    }
    for &ti in plan.order.iter().rev() {
        out.push(drop_table(TableName::of(&tables[ti]), dialect, true));
    }
    if dialect.caps().has_enum_types {
        for e in enum_types(schema).iter().rev() {
            out.push(format!(
                "DROP TYPE IF EXISTS {}",
                dialect.quote_ident(&e.name)
            ));
        }
    }
    Ok(out)
}
