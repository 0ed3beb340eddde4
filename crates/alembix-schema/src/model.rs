//! The schema model: tables, columns, keys, indexes, constraints and enums.
//!
//! Every stage of Alembix speaks this model: the derive macro produces it from
//! structs, introspection produces it from a live database, the differ compares
//! two of them, and the renderer turns operations on it into SQL.

use serde::{Deserialize, Serialize};

/// A whole database schema: the tables and the named enum types they use.
///
/// ```
/// use alembix_schema::{Schema, Table, Column, ColumnType};
/// let mut schema = Schema::default();
/// schema.tables.push(Table::new("users").column(Column::new("id", ColumnType::BigInt)));
/// assert_eq!(schema.table("users").unwrap().columns.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<Table>,
    /// Named enum types (PostgreSQL `CREATE TYPE ... AS ENUM`). On MySQL and
    /// SQLite an enum lives in its column type only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Declared objects: views, functions, triggers, sequences, extensions
    /// (see [`crate::objects`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<crate::objects::SqlObject>,
}

impl Schema {
    /// The table with this name, if any.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The enum type with this name, if any.
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The declared object of this kind and name, if any.
    pub fn object(
        &self,
        kind: crate::objects::ObjectKind,
        name: &str,
    ) -> Option<&crate::objects::SqlObject> {
        self.objects
            .iter()
            .find(|o| o.kind == kind && o.name == name)
    }
}

/// A table with its columns, keys, indexes and constraints.
///
/// ```
/// use alembix_schema::{Table, Column, ColumnType};
/// let t = Table::new("orgs")
///     .column(Column::new("id", ColumnType::BigInt).auto_increment())
///     .column(Column::new("name", ColumnType::Varchar(Some(100))))
///     .primary_key(&["id"]);
/// assert_eq!(t.primary_key.as_ref().unwrap().columns, vec!["id".to_string()]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// Database schema (PostgreSQL) the table lives in; `None` is the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueConstraint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Former names of this table (from `#[model(renamed_from = "...")]`), so
    /// a rename is detected as a rename and not as drop + create.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// The partition key of a partitioned table (PostgreSQL), as written
    /// after `PARTITION BY`: `RANGE (created_at)`, `LIST (region)`,
    /// `HASH (id)`. `None` for a plain table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// The partitions of a partitioned table, in the table's schema. They
    /// share the table's columns and are never tables of their own in a
    /// [`Schema`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<Partition>,
}

/// One partition of a partitioned table: `CREATE TABLE name PARTITION OF
/// table bound`.
///
/// ```
/// use alembix_schema::{Partition, Table};
/// let mut t = Table::new("events");
/// t.partition_by = Some("RANGE (created_at)".into());
/// t.partitions.push(Partition::new("events_default", "DEFAULT"));
/// assert!(t.partitions[0].is_default());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// The partition's (bare) name; it lives in its table's schema.
    pub name: String,
    /// The bound as PostgreSQL prints it: `FOR VALUES FROM (...) TO (...)`,
    /// `FOR VALUES IN (...)`, `FOR VALUES WITH (modulus 4, remainder 0)` or
    /// `DEFAULT`.
    pub bound: String,
}

impl Partition {
    /// A partition with this name and bound.
    pub fn new(name: impl Into<String>, bound: impl Into<String>) -> Self {
        Partition {
            name: name.into(),
            bound: bound.into(),
        }
    }

    /// Whether this is the default partition (rows no other bound takes).
    pub fn is_default(&self) -> bool {
        self.bound.trim().eq_ignore_ascii_case("DEFAULT")
    }
}

impl Table {
    /// A table with no columns yet.
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds a column (builder style).
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the primary key with the default name `pk_<table>`.
    pub fn primary_key(mut self, columns: &[&str]) -> Self {
        self.primary_key = Some(PrimaryKey {
            name: crate::naming::primary_key_name(&self.name),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        });
        self
    }

    /// The column with this name, if any.
    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The partition with this name, if any.
    pub fn partition(&self, name: &str) -> Option<&Partition> {
        self.partitions.iter().find(|p| p.name == name)
    }

    /// The name a partition of this table has as a table of its own
    /// (`schema.partition` when this table's name is schema-qualified).
    ///
    /// ```
    /// use alembix_schema::Table;
    /// assert_eq!(Table::new("audit.events").partition_table_name("events_1"), "audit.events_1");
    /// assert_eq!(Table::new("events").partition_table_name("events_1"), "events_1");
    /// ```
    pub fn partition_table_name(&self, partition: &str) -> String {
        partition_table_name(&self.name, partition)
    }

    /// The table name qualified with its schema, for messages.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The name partition `partition` of table `parent` (a name as ops give
/// it, possibly `schema.table`) has as a table of its own.
pub fn partition_table_name(parent: &str, partition: &str) -> String {
    match parent.split_once('.') {
        Some((schema, _)) => format!("{schema}.{partition}"),
        None => partition.to_string(),
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    /// Server default, as an SQL expression (`'active'`, `0`, `now()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity / auto-increment / `INTEGER PRIMARY KEY` rowid alias.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// The SQL value existing rows get when autogen adds this NOT NULL
    /// column to a table or makes the column NOT NULL (`backfill = "..."`).
    /// A model-only hint: never read from a database, never compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfill: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Column {
    /// A NOT NULL column of this type with no default.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            auto_increment: false,
            comment: None,
            renamed_from: Vec::new(),
            backfill: None,
        }
    }

    /// Makes the column nullable (builder style).
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Sets a server default expression (builder style).
    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }

    /// Marks the column auto-increment / identity (builder style).
    pub fn auto_increment(mut self) -> Self {
        self.auto_increment = true;
        self
    }
}

/// The type of a column, independent of the backend. `render` maps each
/// variant to the backend's type; see the mapping table in the crate docs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    /// 4-byte float.
    Real,
    /// 8-byte float.
    Double,
    Decimal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        precision: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u32>,
    },
    Boolean,
    /// Fixed-length character string.
    Char {
        length: u32,
    },
    /// Variable-length character string; `None` length means the backend's
    /// unbounded form (PostgreSQL `varchar`, MySQL falls back to `varchar(255)`).
    Varchar {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        length: Option<u32>,
    },
    Text,
    Binary,
    Date,
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone (stored as UTC where the backend has no zone).
    TimestampTz,
    Uuid,
    Json,
    /// An enum; `name` is the PostgreSQL type name, `values` the labels.
    Enum {
        name: String,
        values: Vec<String>,
    },
    /// An SQL type given verbatim with `#[column(sql_type = "...")]`.
    Custom {
        sql: String,
    },
}

#[allow(non_snake_case)]
impl ColumnType {
    /// `Varchar` with a length.
    pub fn Varchar(length: Option<u32>) -> ColumnType {
        ColumnType::Varchar { length }
    }

    /// True for the integer types (the ones that can be auto-increment).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }
}

/// A named enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
}

/// A primary key (single or composite).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
}

/// An index; `unique` makes it a unique index.
///
/// A plain index lists its `columns`. An expression index has no columns and
/// gives its whole key list as SQL in `expr` (`lower(email)`, or
/// `org_id, lower(email)` when columns and expressions mix). `predicate`
/// makes it a partial index (`WHERE deleted_at IS NULL`). Expression and
/// partial indexes exist on PostgreSQL and SQLite; MySQL/MariaDB has neither
/// (rendering them there is an error).
///
/// ```
/// use alembix_schema::Index;
/// let ix = Index {
///     name: "ix_users_lower_email".into(),
///     expr: Some("lower(email)".into()),
///     predicate: Some("deleted_at IS NULL".into()),
///     unique: true,
///     ..Default::default()
/// };
/// assert!(ix.columns.is_empty() && ix.is_special());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// The key list as SQL, for an index on expressions (then `columns` is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The `WHERE` condition of a partial index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

impl Index {
    /// True for an expression or partial index (one sea-query cannot render
    /// and MySQL/MariaDB cannot have).
    pub fn is_special(&self) -> bool {
        self.expr.is_some() || self.predicate.is_some()
    }
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    pub name: String,
    pub columns: Vec<String>,
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl ReferentialAction {
    /// Parses `cascade`, `set null`, `set_default`, `RESTRICT`, `no action`...
    /// (any case; `_` or space between words).
    ///
    /// ```
    /// use alembix_schema::ReferentialAction;
    /// assert_eq!(ReferentialAction::parse("Set_Null"), Some(ReferentialAction::SetNull));
    /// assert_eq!(ReferentialAction::parse("explode"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .split(|c: char| c == '_' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Some(match norm.as_str() {
            "cascade" => Self::Cascade,
            "set null" => Self::SetNull,
            "set default" => Self::SetDefault,
            "restrict" => Self::Restrict,
            "no action" => Self::NoAction,
            _ => return None,
        })
    }

    /// The SQL words for this action.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_schema: Option<String>,
    pub ref_columns: Vec<String>,
    #[serde(default)]
    pub on_delete: ReferentialAction,
    #[serde(default)]
    pub on_update: ReferentialAction,
}

impl ForeignKey {
    /// Foreign key `name` from `columns` to `ref_columns` of `ref_table` (in
    /// the default schema), with the default actions.
    pub fn new(
        name: impl Into<String>,
        columns: &[&str],
        ref_table: impl Into<String>,
        ref_columns: &[&str],
    ) -> Self {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        ForeignKey {
            name: name.into(),
            columns: strings(columns),
            ref_table: ref_table.into(),
            ref_schema: None,
            ref_columns: strings(ref_columns),
            on_delete: ReferentialAction::default(),
            on_update: ReferentialAction::default(),
        }
    }
}

/// A named CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: String,
}
