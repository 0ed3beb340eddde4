//! The models' names against the backend's own limit on identifiers
//! ([`Capabilities::max_identifier_len`](alembix_schema::dialect::Capabilities::max_identifier_len)),
//! checked before the database is read. The derive holds written names to
//! the smallest limit of all backends already; this catches models built
//! another way (by hand, through the library) before PostgreSQL cuts a name
//! short and every later comparison drops and recreates the object.

use alembix_schema::{ColumnType, Dialect, Schema, Table};

use crate::error::{Error, Result};

/// Every name of `models` that reaches the database, with what it names,
/// by the table it belongs to.
fn names(t: &Table) -> Vec<(&'static str, &str)> {
    let mut out = vec![("table name", t.name.as_str())];
    out.extend(t.schema.iter().map(|s| ("schema name", s.as_str())));
    out.extend(t.columns.iter().map(|c| ("column name", c.name.as_str())));
    out.extend(
        t.primary_key
            .iter()
            .map(|k| ("primary key name", k.name.as_str())),
    );
    out.extend(
        t.uniques
            .iter()
            .map(|u| ("unique constraint name", u.name.as_str())),
    );
    out.extend(t.indexes.iter().map(|i| ("index name", i.name.as_str())));
    out.extend(
        t.checks
            .iter()
            .map(|c| ("check constraint name", c.name.as_str())),
    );
    for f in &t.foreign_keys {
        out.push(("foreign key name", f.name.as_str()));
        out.push(("referenced table name", f.ref_table.as_str()));
        out.extend(
            f.ref_schema
                .iter()
                .map(|s| ("referenced schema name", s.as_str())),
        );
        out.extend(
            f.ref_columns
                .iter()
                .map(|c| ("referenced column name", c.as_str())),
        );
    }
    out
}

/// The first name of `models` longer than `dialect` takes, as an error.
///
/// ```
/// use alembix_schema::Dialect::{Postgres, Sqlite};
/// use alembix_schema::{Column, ColumnType, Dialect, Schema, Table};
/// let long = "t".repeat(64);
/// let models = Schema {
///     tables: vec![Table::new(long).column(Column::new("id", ColumnType::BigInt))],
///     ..Default::default()
/// };
/// let err = alembix_autogen::names::check_name_lengths(&models, Postgres).unwrap_err();
/// assert!(err.to_string().contains("is 64 bytes long; Postgres takes at most 63 bytes"));
/// // SQLite has no limit of its own.
/// assert!(alembix_autogen::names::check_name_lengths(&models, Sqlite).is_ok());
/// ```
pub fn check_name_lengths(models: &Schema, dialect: Dialect) -> Result<()> {
    let limit = dialect.caps().max_identifier_len;
    let too_long = |table: &Table, what, name: &str| Error::NameTooLong {
        table: table.name.clone(),
        what,
        name: name.to_string(),
        limit,
        dialect,
    };
    for t in &models.tables {
        if let Some((what, name)) = names(t).into_iter().find(|(_, n)| n.len() > limit) {
            return Err(too_long(t, what, name));
        }
        if !dialect.caps().has_enum_types {
            continue;
        }
        for c in &t.columns {
            if let ColumnType::Enum { name, .. } = &c.ty
                && name.len() > limit
            {
                return Err(too_long(t, "enum type name", name));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alembix_schema::Dialect::{self, MySql, Postgres, Sqlite};
    use alembix_schema::{Column, ColumnType, ForeignKey, Index, Schema, Table, UniqueConstraint};

    use super::check_name_lengths;
    use crate::Error;

    fn what(models: &Schema, dialect: Dialect) -> Option<&'static str> {
        match check_name_lengths(models, dialect) {
            Err(Error::NameTooLong { what, .. }) => Some(what),
            Err(e) => panic!("{e}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn every_name_is_held_to_the_backends_limit() {
        let base = || Table::new("t").column(Column::new("id", ColumnType::BigInt));
        let one = |t: Table| Schema {
            tables: vec![t],
            ..Default::default()
        };
        let n64 = "n".repeat(64);
        let n65 = "n".repeat(65);
        let mut t = base();
        t.indexes.push(Index {
            name: n64.clone(),
            columns: vec!["id".into()],
            ..Default::default()
        });
        assert_eq!(what(&one(t.clone()), Postgres), Some("index name"));
        assert_eq!(what(&one(t), MySql), None, "MySQL takes 64");
        let mut t = base();
        t.uniques.push(UniqueConstraint {
            name: n65.clone(),
            columns: vec!["id".into()],
        });
        assert_eq!(what(&one(t), MySql), Some("unique constraint name"));
        let mut t = base();
        t.foreign_keys.push(ForeignKey {
            name: "fk".into(),
            columns: vec!["id".into()],
            ref_table: "u".into(),
            ref_schema: None,
            ref_columns: vec![n64.clone()],
            on_delete: Default::default(),
            on_update: Default::default(),
        });
        assert_eq!(what(&one(t), Postgres), Some("referenced column name"));
        let t = base().column(Column::new(
            "mood",
            ColumnType::Enum {
                name: n64.clone(),
                values: vec!["a".into()],
            },
        ));
        assert_eq!(what(&one(t.clone()), Postgres), Some("enum type name"));
        assert_eq!(what(&one(t), MySql), None, "no enum types there");
        let t = base().column(Column::new(n65, ColumnType::Text));
        assert_eq!(what(&one(t.clone()), MySql), Some("column name"));
        assert_eq!(what(&one(t), Sqlite), None);
    }
}
