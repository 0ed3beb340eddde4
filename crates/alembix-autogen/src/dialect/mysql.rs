//! MySQL/MariaDB: unique constraints and unique indexes are one thing.

use std::borrow::Cow;

use alembix_schema::{Dialect, Index, Schema};

use super::DiffDriver;

/// The MySQL and MariaDB comparison rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

impl DiffDriver for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    /// MySQL keeps unique constraints and unique indexes as one thing:
    /// where the model has a unique index of a unique constraint's name,
    /// the constraint is compared as that index.
    fn comparable<'a>(&self, side: &'a Schema, model: &Schema) -> Cow<'a, Schema> {
        let mut s = side.clone();
        let models: std::collections::HashMap<&str, &alembix_schema::Table> = model
            .tables
            .iter()
            .rev() // the first of a name wins, as `Schema::table` finds it
            .map(|t| (t.name.as_str(), t))
            .collect();
        for t in &mut s.tables {
            let Some(m) = models.get(t.name.as_str()) else {
                continue;
            };
            let (idx, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut t.uniques)
                .into_iter()
                .partition(|u| m.indexes.iter().any(|i| i.name == u.name && i.unique));
            t.uniques = keep;
            t.indexes.extend(idx.into_iter().map(|u| Index {
                name: u.name,
                columns: u.columns,
                unique: true,
                ..Default::default()
            }));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Cow::Owned(s)
    }
}
