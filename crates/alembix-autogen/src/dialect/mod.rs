//! What the comparison asks of a backend, behind the [`DiffDriver`] trait
//! (in the manner of Atlas's `DiffDriver`): when two column types are the
//! same there, whether comments and named enum types exist, how index SQL
//! compares, and how each side is put in a comparable shape.
//!
//! The diff modules ask the driver and never match on [`Dialect`]: the one
//! `match` from the tag to a driver is [`driver`].

mod mysql;
pub(crate) mod normalize;
mod postgres;
mod sqlite;

use std::borrow::Cow;

use alembix_schema::{ColumnType, Dialect, Schema};

pub use mysql::MySql;
pub use postgres::Postgres;
pub use sqlite::Sqlite;

/// The backend's answers to the comparison's questions. Each default is
/// the answer most backends share; a backend overrides what differs.
pub trait DiffDriver: Send + Sync + std::fmt::Debug {
    /// The backend compared for (types are written for it, warnings name
    /// types as it spells them).
    fn dialect(&self) -> Dialect;

    /// The type as this backend writes it, in a form both sides can be
    /// compared by: written, read back and written again, lower case, with
    /// single spaces.
    fn canonical_type(&self, ty: &ColumnType) -> String {
        let d = self.dialect();
        let once = ColumnType::from_sql(&ty.to_sql(d)).to_sql(d);
        once.to_ascii_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether two enum column types are the same type: where enums are
    /// named types ([`DiffDriver::named_enums`]) the same name (the labels
    /// are compared as an enum op), elsewhere the same labels in the same
    /// order (the enum is part of the column type).
    fn same_enum(&self, a: (&str, &[String]), b: (&str, &[String])) -> bool {
        if self.named_enums() {
            a.0 == b.0
        } else {
            a.1 == b.1
        }
    }

    /// Whether two column types are the same on this backend: enums by
    /// [`DiffDriver::same_enum`], an enum never equals another type, other
    /// types by [`DiffDriver::canonical_type`].
    fn same_type(&self, a: &ColumnType, b: &ColumnType) -> bool {
        match (a, b) {
            (
                ColumnType::Enum {
                    name: n1,
                    values: v1,
                },
                ColumnType::Enum {
                    name: n2,
                    values: v2,
                },
            ) => self.same_enum((n1, v1), (n2, v2)),
            (ColumnType::Enum { .. }, _) | (_, ColumnType::Enum { .. }) => false,
            _ => self.canonical_type(a) == self.canonical_type(b),
        }
    }

    /// Whether the backend keeps column and table comments (so they are
    /// compared). Default: what the dialect layer says
    /// ([`Capabilities::has_comments`](alembix_schema::dialect::Capabilities::has_comments)).
    fn compares_comments(&self) -> bool {
        self.dialect().caps().has_comments
    }

    /// Whether enums are named types of their own (created, altered and
    /// dropped by enum ops) rather than part of each column's type.
    /// Default: what the dialect layer says
    /// ([`Capabilities::has_enum_types`](alembix_schema::dialect::Capabilities::has_enum_types)).
    fn named_enums(&self) -> bool {
        self.dialect().caps().has_enum_types
    }

    /// Whether two spellings of an index's expression or predicate are the
    /// same. Default: the same text (the backend printed both sides).
    fn same_index_sql(&self, a: Option<&str>, b: Option<&str>) -> bool {
        a == b
    }

    /// One side of the comparison (the database's or the target schema) in
    /// the shape it is compared in; `model` is the models as written.
    /// Default: as it is.
    fn comparable<'a>(&self, side: &'a Schema, model: &Schema) -> Cow<'a, Schema> {
        let _ = model;
        Cow::Borrowed(side)
    }

    /// Whether an object of this kind is renamed in place (else a rename is
    /// a drop and a create). Default: what the dialect layer renders
    /// ([`SqlDialect::rename_object`](alembix_schema::SqlDialect::rename_object)).
    fn renames_in_place(&self, kind: alembix_schema::ObjectKind) -> bool {
        let probe = alembix_schema::SqlObject::new(kind, "b", "").on("t");
        self.dialect().rules().rename_object(&probe, "a").is_some()
    }

    /// Whether the views and triggers that read the op's table survive it
    /// as they are; when not, they are dropped before the op and created
    /// again after it. Default: anything but dropping or renaming a table
    /// or a column, or changing a column's type.
    fn keeps_dependents(&self, op: &alembix_schema::Op) -> bool {
        use alembix_schema::Op;
        match op {
            Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::DropColumn { .. }
            | Op::RenameColumn { .. } => false,
            Op::AlterColumn { from, to, .. } => from.ty == to.ty,
            _ => true,
        }
    }
}

/// The driver for a backend.
///
/// ```
/// use alembix_autogen::dialect::driver;
/// use alembix_schema::{ColumnType, Dialect};
/// let mood = |values: &[&str]| ColumnType::Enum {
///     name: "mood".into(),
///     values: values.iter().map(|v| v.to_string()).collect(),
/// };
/// // A PostgreSQL enum is a named type: its labels change with enum ops.
/// assert!(driver(Dialect::Postgres).same_type(&mood(&["a"]), &mood(&["a", "b"])));
/// // On MySQL the labels are part of the column type.
/// assert!(!driver(Dialect::MySql).same_type(&mood(&["a"]), &mood(&["a", "b"])));
/// assert!(driver(Dialect::Sqlite).same_type(&ColumnType::Integer, &ColumnType::BigInt));
/// ```
pub fn driver(dialect: Dialect) -> &'static dyn DiffDriver {
    match dialect {
        Dialect::Postgres => &Postgres,
        Dialect::MySql => &MySql,
        Dialect::Sqlite => &Sqlite,
    }
}
