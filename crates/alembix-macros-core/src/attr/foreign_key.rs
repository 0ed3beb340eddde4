//! `#[model(foreign_key(...))]`: a foreign key over one or more columns,
//! with its own name. `#[column(references = "...")]` covers the common
//! single-column key with the default name; this form covers the rest
//! (composite keys, a name the database already uses, odd identifiers).

use alembix_schema::ReferentialAction;
use syn::meta::ParseNestedMeta;

use super::field::action;
use super::{column_list, lit_name, lit_str};
use crate::symbol;

/// `foreign_key(columns = "a, b", ref_table = "t", ref_columns = "x, y", ...)`.
pub struct ForeignKeyAttr {
    /// `name = "..."`; the default is `fk_<table>_<cols>_<ref_table>`.
    pub name: Option<String>,
    /// `columns = "..."`: the model's columns, in key order.
    pub columns: Vec<String>,
    /// `ref_table = "..."`.
    pub ref_table: String,
    /// `ref_schema = "..."`.
    pub ref_schema: Option<String>,
    /// `ref_columns = "..."`: as many as `columns`.
    pub ref_columns: Vec<String>,
    /// `on_delete = "..."`.
    pub on_delete: ReferentialAction,
    /// `on_update = "..."`.
    pub on_update: ReferentialAction,
}

/// Parses `foreign_key(...)`; a repeated option overrides the earlier one.
pub fn foreign_key(meta: &ParseNestedMeta<'_>) -> syn::Result<ForeignKeyAttr> {
    const SHORTER: &str = "give a shorter name";
    let (mut name, mut columns, mut ref_table) = (None, None, None);
    let (mut ref_schema, mut ref_columns) = (None, None);
    let (mut on_delete, mut on_update) = (None, None);
    meta.parse_nested_meta(|inner| {
        let path = &inner.path;
        if *path == symbol::COLUMNS {
            columns = Some(column_list(&lit_str(&inner)?));
        } else if *path == symbol::REF_TABLE {
            ref_table = Some(lit_name(&inner, "referenced table name", SHORTER)?);
        } else if *path == symbol::REF_SCHEMA {
            ref_schema = Some(lit_name(&inner, "referenced schema name", SHORTER)?);
        } else if *path == symbol::REF_COLUMNS {
            ref_columns = Some(column_list(&lit_str(&inner)?));
        } else if *path == symbol::NAME {
            name = Some(lit_name(&inner, "foreign key name", SHORTER)?);
        } else if *path == symbol::ON_DELETE {
            on_delete = Some(action(&inner, symbol::ON_DELETE)?);
        } else if *path == symbol::ON_UPDATE {
            on_update = Some(action(&inner, symbol::ON_UPDATE)?);
        } else {
            return Err(inner.error(format!(
                "unknown `foreign_key` option `{}`; expected {}",
                super::meta_key(&inner),
                symbol::join(symbol::FOREIGN_KEY_KEYS)
            )));
        }
        Ok(())
    })?;
    let usage =
        "foreign_key needs `columns = \"a, b\"`, `ref_table = \"t\"` and `ref_columns = \"x, y\"`";
    let (Some(columns), Some(ref_table), Some(ref_columns)) = (columns, ref_table, ref_columns)
    else {
        return Err(meta.error(usage));
    };
    if columns.is_empty() || columns.len() != ref_columns.len() {
        return Err(meta.error(
            "foreign_key: `columns` and `ref_columns` must list the same number of columns (at least one)",
        ));
    }
    Ok(ForeignKeyAttr {
        name,
        columns,
        ref_table,
        ref_schema,
        ref_columns,
        on_delete: on_delete.unwrap_or_default(),
        on_update: on_update.unwrap_or_default(),
    })
}
