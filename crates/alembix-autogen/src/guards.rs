//! Autogen's refusals about the models (exit 2, nothing written): a NOT
//! NULL column added to an existing table, or a column made NOT NULL, with
//! neither `default` nor `backfill`; a foreign key that names an unknown
//! table or column, or whose column's type differs from the referenced
//! column's. Each message points at the model's file and line.

use std::collections::HashMap;

use alembix_schema::{Column, Dialect, ForeignKey, Op, Schema, Table};

use crate::dialect::driver;
use crate::error::{Error, Result};
use crate::scan::Site;

/// `file:line` of `table` (and `column`) in the models, or the table's name
/// alone when no scanned model declares it.
fn place(sites: &[Site], table: &str, column: Option<&str>) -> String {
    sites
        .iter()
        .find(|s| s.names(table))
        .map_or_else(|| format!("table `{table}`"), |s| s.at(column))
}

/// Whether existing rows would hold NULL in a column the op makes NOT NULL
/// with nothing to fill them.
fn unfilled(to: &Column, was_nullable: bool) -> bool {
    was_nullable
        && !to.nullable
        && !to.auto_increment
        && to.default.is_none()
        && to.backfill.is_none()
}

/// Refuses ops that make a column of an existing table NOT NULL without a
/// `default` or a `backfill` for the rows it already holds.
pub fn not_null_needs_value(ops: &[Op], sites: &[Site]) -> Result<()> {
    for op in ops {
        let (table, column, verb) = match op {
            Op::AddColumn { table, column } if unfilled(column, true) => {
                (table, column, "is added NOT NULL to")
            }
            Op::AlterColumn { table, from, to } if unfilled(to, from.nullable) => {
                (table, to, "becomes NOT NULL in")
            }
            _ => continue,
        };
        return Err(Error::Refused(format!(
            "{}: column `{}` {verb} the existing table `{table}` with no value for the rows it holds; add #[column(default = \"...\")] (a server default) or #[column(backfill = \"SQL expr\")] (a one-off value for existing rows), or make the field an Option",
            place(sites, table, Some(&column.name)),
            column.name,
        )));
    }
    Ok(())
}

/// The tables of a schema by name (several where schemas share a name):
/// looked up once per foreign key, so never a walk over every table.
fn by_name(schema: &Schema) -> HashMap<&str, Vec<&Table>> {
    let mut map: HashMap<&str, Vec<&Table>> = HashMap::with_capacity(schema.tables.len());
    for t in &schema.tables {
        map.entry(t.name.as_str()).or_default().push(t);
    }
    map
}

/// The model table a foreign key references (by name, and by schema when
/// the key names one).
fn referenced<'a>(tables: &HashMap<&str, Vec<&'a Table>>, fk: &ForeignKey) -> Option<&'a Table> {
    tables
        .get(fk.ref_table.as_str())?
        .iter()
        .copied()
        .find(|t| fk.ref_schema.is_none() || t.schema.as_deref() == fk.ref_schema.as_deref())
}

/// Refuses foreign keys of the models (as scanned, before the database
/// reads them) that name a table no model declares or a column it lacks,
/// or whose column's type differs from the referenced column's on this
/// backend (a database would refuse such a key while normalising).
pub fn foreign_key_targets(models: &Schema, sites: &[Site], dialect: Dialect) -> Result<()> {
    let tables = by_name(models);
    for (i, t) in models.tables.iter().enumerate() {
        let declares = |s: &&Site| s.table == t.name && s.schema == t.schema;
        // The scanner lists the sites in the order of the tables.
        let site = sites
            .get(i)
            .filter(declares)
            .or_else(|| sites.iter().find(declares));
        let at = |c: &str| site.map_or_else(|| format!("table `{}`", t.name), |s| s.at(Some(c)));
        for fk in &t.foreign_keys {
            let first = fk.columns.first().map_or("", String::as_str);
            let Some(rt) = referenced(&tables, fk) else {
                return Err(Error::Refused(format!(
                    "{}: the foreign key of `{}` ({}) references table `{}`, which no model declares; correct `references = \"table.column\"` or add the model",
                    at(first),
                    t.name,
                    fk.columns.join(", "),
                    fk.ref_table
                )));
            };
            for (c, rc) in fk.columns.iter().zip(&fk.ref_columns) {
                let Some(r) = rt.find_column(rc) else {
                    return Err(Error::Refused(format!(
                        "{}: `{}.{c}` references column `{}.{rc}`, which does not exist; correct `references = \"table.column\"`",
                        at(c),
                        t.name,
                        rt.name
                    )));
                };
                if let Some(own) = t.find_column(c) {
                    same_type(own, r, (&t.name, &rt.name), dialect)
                        .map_err(|m| Error::Refused(format!("{}: {m}", at(c))))?;
                }
            }
        }
    }
    Ok(())
}

/// Refuses foreign keys whose column's type differs from the referenced
/// column's, as the database stores them (`target`: the models as the
/// database spells them).
pub fn foreign_key_types(target: &Schema, sites: &[Site], dialect: Dialect) -> Result<()> {
    let tables = by_name(target);
    for t in &target.tables {
        for fk in &t.foreign_keys {
            let Some(rt) = tables
                .get(fk.ref_table.as_str())
                .and_then(|v| v.first().copied())
            else {
                continue;
            };
            for (c, rc) in fk.columns.iter().zip(&fk.ref_columns) {
                let (Some(own), Some(r)) = (t.find_column(c), rt.find_column(rc)) else {
                    continue;
                };
                same_type(own, r, (&t.name, &rt.name), dialect).map_err(|m| {
                    Error::Refused(format!("{}: {m}", place(sites, &t.name, Some(c))))
                })?;
            }
        }
    }
    Ok(())
}

/// The message when a foreign-key column's type differs from the
/// referenced column's on this backend; `tables` are (own, referenced).
fn same_type(
    own: &Column,
    r: &Column,
    tables: (&str, &str),
    dialect: Dialect,
) -> std::result::Result<(), String> {
    if driver(dialect).same_type(&own.ty, &r.ty) {
        return Ok(());
    }
    let rules = dialect.rules();
    Err(format!(
        "`{}.{}` is {} but references `{}.{}`, which is {}; give both columns the same type",
        tables.0,
        own.name,
        rules.column_type(&own.ty),
        tables.1,
        r.name,
        rules.column_type(&r.ty)
    ))
}

/// Refuses models that declare partitioning (`partition_by`,
/// `partition(...)`) on a backend without partitioned tables.
///
/// ```
/// use alembix_autogen::guards::partitioning_supported;
/// use alembix_schema::{Dialect, Schema, Table};
/// let mut t = Table::new("events");
/// t.partition_by = Some("RANGE (created_at)".into());
/// let models = Schema { tables: vec![t], ..Default::default() };
/// assert!(partitioning_supported(&models, &[], Dialect::Postgres).is_ok());
/// let err = partitioning_supported(&models, &[], Dialect::MySql).unwrap_err();
/// assert!(err.to_string().contains("PostgreSQL only"));
/// ```
pub fn partitioning_supported(models: &Schema, sites: &[Site], dialect: Dialect) -> Result<()> {
    if dialect.caps().partitioned_tables {
        return Ok(());
    }
    match models
        .tables
        .iter()
        .find(|t| t.partition_by.is_some() || !t.partitions.is_empty())
    {
        Some(t) => Err(Error::Refused(format!(
            "{}: table `{}` declares partitioning, which Alembix manages on PostgreSQL only, not on {}; remove `partition_by` and `partition(...)` from its #[model(...)]",
            place(sites, &t.name, None),
            t.name,
            dialect.caps().title
        ))),
        None => Ok(()),
    }
}

/// Refuses an auto-increment column outside the primary key where the
/// backend cannot have one: SQLite never (only its rowid key is
/// generated), MySQL/MariaDB unless a unique constraint leads with the
/// column.
///
/// ```
/// use alembix_autogen::guards::auto_increment_supported;
/// use alembix_schema::{Column, ColumnType, Dialect, Schema, Table};
/// let t = Table::new("events")
///     .column(Column::new("code", ColumnType::Text))
///     .column(Column::new("seq", ColumnType::BigInt).auto_increment());
/// let models = Schema { tables: vec![t], ..Default::default() };
/// assert!(auto_increment_supported(&models, &[], Dialect::Postgres).is_ok());
/// let err = auto_increment_supported(&models, &[], Dialect::MySql).unwrap_err();
/// assert!(err.to_string().contains("#[column(unique)]"));
/// let err = auto_increment_supported(&models, &[], Dialect::Sqlite).unwrap_err();
/// assert!(err.to_string().contains("SQLite"));
/// ```
pub fn auto_increment_supported(models: &Schema, sites: &[Site], dialect: Dialect) -> Result<()> {
    use alembix_schema::dialect::AutoIncrementOutsideKey::{Anywhere, Nowhere, Unique};
    let rule = dialect.caps().auto_increment_outside_key;
    for t in &models.tables {
        let pk: &[String] = t.primary_key.as_ref().map_or(&[], |p| &p.columns);
        for c in t
            .columns
            .iter()
            .filter(|c| c.auto_increment && !pk.contains(&c.name))
        {
            let unique = t.uniques.iter().any(|u| u.columns.first() == Some(&c.name));
            let fix = match rule {
                Anywhere => continue,
                Unique if unique => continue,
                Unique => {
                    "MySQL/MariaDB needs such a column to lead a unique key in the statement that creates it: add #[column(unique)] (or a #[model(unique(...))] that starts with it), or remove `auto_increment`"
                }
                Nowhere => {
                    "SQLite generates values only for its INTEGER PRIMARY KEY: make the column the key, or remove `auto_increment`"
                }
            };
            return Err(Error::Refused(format!(
                "{}: column `{}` of table `{}` is auto_increment outside the primary key, which {} cannot have; {fix}",
                place(sites, &t.name, Some(&c.name)),
                c.name,
                t.name,
                dialect.caps().title
            )));
        }
    }
    Ok(())
}

/// Refuses a changed partition key of an existing table (`current` the
/// database, `target` the models, both as the database spells them): a
/// plain table becoming partitioned, a partitioned one becoming plain, or
/// another key. PostgreSQL cannot change it in place; the rows must be
/// copied into a new table, which is a revision to write by hand.
pub fn partition_key_unchanged(current: &Schema, target: &Schema, sites: &[Site]) -> Result<()> {
    let current: HashMap<&str, &Table> = current
        .tables
        .iter()
        .rev() // the first of a name wins, as `Schema::table` finds it
        .map(|t| (t.name.as_str(), t))
        .collect();
    for t in &target.tables {
        let Some(c) = current.get(t.name.as_str()) else {
            continue;
        };
        if c.partition_by == t.partition_by {
            continue;
        }
        let spell = |k: &Option<String>| match k {
            Some(k) => format!("partitioned by {k}"),
            None => "not partitioned".to_string(),
        };
        return Err(Error::Refused(format!(
            "{}: table `{}` is {} in the database but {} in the model; PostgreSQL cannot change a table's partitioning in place (every row must move). Write the change by hand (`alembix revision -m ...`: create the new table, copy the rows, swap the names), or keep the model as the database has it",
            place(sites, &t.name, None),
            t.name,
            spell(&c.partition_by),
            spell(&t.partition_by),
        )));
    }
    Ok(())
}
