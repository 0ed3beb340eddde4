//! Attribute names, in one place: every `#[model(...)]`, `#[column(...)]`
//! and `#[db_enum(...)]` key the parsers recognise is a [`Symbol`] here, and
//! the key lists used in "expected one of" messages are built from them.

use std::fmt::{self, Display};

/// An attribute name or key, compared against a path with `==`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol(&'static str);

impl Symbol {
    /// The name as written in source.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl PartialEq<Symbol> for syn::Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for syn::Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

/// The keys joined with `, `, for "expected one of" messages.
pub fn join(keys: &[Symbol]) -> String {
    keys.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `#[model(...)]` on a struct.
pub const MODEL: Symbol = Symbol("model");
/// `#[column(...)]` on a field.
pub const COLUMN: Symbol = Symbol("column");
/// `#[db_enum(...)]` on an enum or a variant.
pub const DB_ENUM: Symbol = Symbol("db_enum");

/// Key of `#[column]` (a key column) and of `#[model]` (`primary_key(columns)`).
pub const PRIMARY_KEY: Symbol = Symbol("primary_key");
/// Key of `#[model]`: the table has no primary key, by choice.
pub const NO_PRIMARY_KEY: Symbol = Symbol("no_primary_key");
/// Key of `#[column]`.
pub const AUTO_INCREMENT: Symbol = Symbol("auto_increment");
/// Key of `#[column]`, of `index`/`unique`/`check` and of `#[db_enum]`.
pub const NAME: Symbol = Symbol("name");
/// Key of `#[column]`.
pub const SQL_TYPE: Symbol = Symbol("sql_type");
/// Key of `#[column]`.
pub const MAX_LENGTH: Symbol = Symbol("max_length");
/// Key of `#[column]`.
pub const PRECISION: Symbol = Symbol("precision");
/// Key of `#[column]`.
pub const SCALE: Symbol = Symbol("scale");
/// Key of `#[column]` and `#[model]`, and option of `index(...)`.
pub const UNIQUE: Symbol = Symbol("unique");
/// Key of `#[column]` and `#[model]`.
pub const INDEX: Symbol = Symbol("index");
/// Key of `#[column]`.
pub const DEFAULT: Symbol = Symbol("default");
/// Key of `#[column]`.
pub const REFERENCES: Symbol = Symbol("references");
/// Key of `#[column]`.
pub const ON_DELETE: Symbol = Symbol("on_delete");
/// Key of `#[column]`.
pub const ON_UPDATE: Symbol = Symbol("on_update");
/// Key of `#[column]` and `#[model]`.
pub const RENAMED_FROM: Symbol = Symbol("renamed_from");
/// Key of `#[column]` and `#[model]`.
pub const COMMENT: Symbol = Symbol("comment");
/// Key of `#[column]`: a one-off SQL value for existing rows when autogen
/// makes the column NOT NULL. Not listed in [`COLUMN_KEYS`], whose text the
/// unknown-key message shows.
pub const BACKFILL: Symbol = Symbol("backfill");
/// Key of `#[column]`.
pub const VERSION: Symbol = Symbol("version");
/// Key of `#[column]`.
pub const SKIP: Symbol = Symbol("skip");
/// Key of `#[model]`.
pub const TABLE: Symbol = Symbol("table");
/// Key of `#[model]`.
pub const SCHEMA: Symbol = Symbol("schema");
/// Key of `#[model]`.
pub const CHECK: Symbol = Symbol("check");
/// Key of `#[model]`: a foreign key over one or more columns.
pub const FOREIGN_KEY: Symbol = Symbol("foreign_key");
/// Option of `foreign_key(...)`: the referenced table.
pub const REF_TABLE: Symbol = Symbol("ref_table");
/// Option of `foreign_key(...)`: the referenced columns.
pub const REF_COLUMNS: Symbol = Symbol("ref_columns");
/// Option of `foreign_key(...)`: the referenced table's schema.
pub const REF_SCHEMA: Symbol = Symbol("ref_schema");
/// Option of `primary_key(...)`, `index(...)` and `unique(...)`.
pub const COLUMNS: Symbol = Symbol("columns");
/// Option of `index(...)` and `check(...)`.
pub const EXPR: Symbol = Symbol("expr");
/// Option of `index(...)`: the predicate of a partial index.
pub const WHERE: Symbol = Symbol("where");
/// Key of `#[model]`: the partition key of a partitioned table.
pub const PARTITION_BY: Symbol = Symbol("partition_by");
/// Key of `#[model]`: one partition of a partitioned table.
pub const PARTITION: Symbol = Symbol("partition");
/// Option of `partition(...)`.
pub const BOUND: Symbol = Symbol("bound");
/// Key of `#[model]`: monthly range partitions over a span of months.
pub const PARTITION_MONTHLY: Symbol = Symbol("partition_monthly");
/// Option of `partition_monthly(...)`: the first month.
pub const FROM: Symbol = Symbol("from");
/// Option of `partition_monthly(...)`: the month after the last.
pub const TO: Symbol = Symbol("to");
/// Key of `#[db_enum]` on the enum.
pub const RENAME_ALL: Symbol = Symbol("rename_all");
/// Key of `#[db_enum]` on a variant.
pub const RENAME: Symbol = Symbol("rename");

/// `#[column(...)]` keys.
pub const COLUMN_KEYS: &[Symbol] = &[
    PRIMARY_KEY,
    AUTO_INCREMENT,
    NAME,
    SQL_TYPE,
    MAX_LENGTH,
    PRECISION,
    SCALE,
    UNIQUE,
    INDEX,
    DEFAULT,
    REFERENCES,
    ON_DELETE,
    ON_UPDATE,
    RENAMED_FROM,
    COMMENT,
    VERSION,
    SKIP,
];

/// `#[model(...)]` keys.
pub const MODEL_KEYS: &[Symbol] = &[
    TABLE,
    SCHEMA,
    INDEX,
    UNIQUE,
    CHECK,
    FOREIGN_KEY,
    PRIMARY_KEY,
    NO_PRIMARY_KEY,
    RENAMED_FROM,
    COMMENT,
    PARTITION_BY,
    PARTITION,
    PARTITION_MONTHLY,
];

/// Options of `#[model(partition(...))]`.
pub const PARTITION_KEYS: &[Symbol] = &[NAME, BOUND];
/// Options of `#[model(partition_monthly(...))]`.
pub const PARTITION_MONTHLY_KEYS: &[Symbol] = &[FROM, TO];
/// Options of `#[model(index(...))]`.
pub const INDEX_KEYS: &[Symbol] = &[COLUMNS, NAME, UNIQUE, EXPR, WHERE];
/// Options of `#[model(unique(...))]`.
pub const UNIQUE_KEYS: &[Symbol] = &[COLUMNS, NAME];
/// Options of `#[model(foreign_key(...))]`.
pub const FOREIGN_KEY_KEYS: &[Symbol] = &[
    COLUMNS,
    REF_TABLE,
    REF_COLUMNS,
    REF_SCHEMA,
    NAME,
    ON_DELETE,
    ON_UPDATE,
];
/// Options of `#[model(check(...))]`.
pub const CHECK_KEYS: &[Symbol] = &[NAME, EXPR];

/// `#[db_enum(...)]` keys on the enum.
pub const DB_ENUM_KEYS: &[Symbol] = &[NAME, RENAME_ALL];
/// `#[db_enum(...)]` keys on a variant.
pub const DB_ENUM_VARIANT_KEYS: &[Symbol] = &[RENAME];
