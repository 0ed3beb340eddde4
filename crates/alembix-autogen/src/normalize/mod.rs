//! The database normalises the models' side too: the target schema is
//! created in a throwaway place and read back with the same introspection,
//! so defaults, check expressions and types come out in the database's own
//! spelling on both sides of the comparison (the "dev database" idea).
//!
//! * PostgreSQL: a uniquely named schema inside a transaction that is
//!   rolled back — nothing is left behind, whatever happens. Only what
//!   PostgreSQL rewrites goes there (defaults, checks, expression and
//!   partial indexes).
//! * MySQL/MariaDB: DDL commits itself, so a uniquely named scratch
//!   database, dropped afterwards on every path. Only what the server
//!   rewrites goes there: each distinct column spelling once in a few wide
//!   tables, the tables with checks or comments, one foreign key per pair
//!   of referential actions; keys and indexes are taken from the models.
//!   Declared objects go to a second scratch database, with copies of the
//!   tables they name.
//! * SQLite: in-memory databases of up to 50 tables each, a few at once.
//!
//! The scratch work of each backend is in
//! `dialect/normalize/{postgres,mysql,sqlite}.rs`; what is common (carrying
//! the models' `renamed_from` over, tidying) is here.

use alembix_migrate::Database;
use alembix_schema::Schema;

use crate::error::{Error, Result};
use crate::introspect::{IntrospectOptions, tidy};

#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn scratch_name() -> String {
    format!("alembix_scratch_{}", alembix_migrate::revision::new_id())
}

#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) fn scratch_error(e: impl std::fmt::Display, stmt: &str) -> Error {
    Error::Usage(format!(
        "the models' schema does not create cleanly on this database: {e}\n  statement: {stmt}\nCheck the model attributes named in it (defaults, checks, sql_type)"
    ))
}

/// The target schema as the database spells it: created in a scratch
/// place and introspected. Table and column `renamed_from` come from `target`.
pub async fn normalized_target(db: &Database, target: &Schema) -> Result<Schema> {
    let opts = IntrospectOptions {
        exclude_tables: Vec::new(),
        ..IntrospectOptions::default()
    };
    let mut out = crate::dialect::normalize::in_scratch(db, target, &opts).await?;
    out.objects = crate::dialect::normalize::objects_in_scratch(db, target).await?;
    for o in &mut out.objects {
        if let Some(model) = target.object(o.kind, &o.name) {
            o.renamed_from = model.renamed_from.clone();
        }
    }
    let models: std::collections::HashMap<&str, &alembix_schema::Table> = target
        .tables
        .iter()
        .rev() // the first of a name wins, as `Schema::table` finds it
        .map(|t| (t.name.as_str(), t))
        .collect();
    for t in &mut out.tables {
        if let Some(model) = models.get(t.name.as_str()) {
            t.renamed_from = model.renamed_from.clone();
            for c in &mut t.columns {
                if let Some(mc) = model.columns.iter().find(|m| m.name == c.name) {
                    c.renamed_from = mc.renamed_from.clone();
                }
            }
        }
    }
    tidy(&mut out);
    Ok(out)
}
