//! Attribute names, in one place.

pub const MODEL: &str = "model";
pub const COLUMN: &str = "column";
pub const DB_ENUM: &str = "db_enum";

/// `#[column(...)]` keys.
pub const COLUMN_KEYS: &[&str] = &[
    "primary_key",
    "auto_increment",
    "name",
    "sql_type",
    "max_length",
    "precision",
    "scale",
    "unique",
    "index",
    "default",
    "references",
    "on_delete",
    "on_update",
    "renamed_from",
    "comment",
    "version",
    "skip",
];

/// `#[model(...)]` keys.
pub const MODEL_KEYS: &[&str] = &[
    "table",
    "schema",
    "index",
    "unique",
    "check",
    "primary_key",
    "renamed_from",
    "comment",
];

/// `#[db_enum(...)]` keys on the enum.
pub const DB_ENUM_KEYS: &[&str] = &["name", "rename_all"];
/// `#[db_enum(...)]` keys on a variant.
pub const DB_ENUM_VARIANT_KEYS: &[&str] = &["rename"];
