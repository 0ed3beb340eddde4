//! The check pass: the rules about a model that look at more than one
//! attribute or field, run on the parsed [`Container`]. Each rule records
//! every violation in the [`Ctxt`]; the pass returns the primary key it
//! resolved, so nothing after it needs to look the key up again.

use std::collections::HashSet;

use crate::ast::{Container, Field};
use crate::attr::IndexTarget;
use crate::ctxt::{Ctxt, FieldStep, Place, Reported};
use crate::names;
use crate::symbol;
use crate::types::FieldType;

/// The field that is the key when none is marked.
const DEFAULT_KEY_COLUMN: &str = "id";

/// The resolved primary key: positions in [`Container::fields`] (and so in
/// the table's columns), in key order. Empty only for a model declared
/// `#[model(no_primary_key)]`.
#[derive(Debug, Clone)]
pub struct Key(Vec<usize>);

impl Key {
    /// The key fields, in key order.
    pub fn fields(&self) -> &[usize] {
        &self.0
    }

    /// Whether the model has a primary key.
    pub fn exists(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Runs every rule; the resolved key, or proof that an error says why there
/// is none.
pub fn check(cx: &Ctxt, cont: &Container<'_>) -> Result<Key, Reported> {
    check_derived_name_lengths(cx, cont);
    check_column_names(cx, cont);
    for field in &cont.fields {
        check_field_type(cx, field);
    }
    let (key_columns, key) = resolve_key(cx, cont);
    check_auto_increment(cx, cont, &key_columns);
    check_constraint_columns(cx, cont);
    check_partitions(cx, cont);
    key
}

/// Partitions need a partition key; their names are distinct and differ
/// from the table's; at most one is the default partition.
fn check_partitions(cx: &Ctxt, cont: &Container<'_>) {
    let parts = &cont.attrs.all_partitions(&cont.table);
    let error = |span, message: String| {
        cx.syn_error(Place::Model, syn::Error::new(span, message));
    };
    if cont.attrs.partition_by.is_none()
        && let Some(p) = parts.first()
    {
        error(
            p.span,
            format!(
                "partition `{}` needs the table's partition key: add `partition_by = \"RANGE (column)\"` (or `LIST (...)`, `HASH (...)`) to #[model(...)]",
                p.name
            ),
        );
    }
    let mut defaults = 0;
    for (i, p) in parts.iter().enumerate() {
        let fix = "give the table a shorter name or the partition a shorter `name`";
        if let Some(message) = names::too_long("partition name", &p.name, fix) {
            error(p.span, message);
        }
        if p.name == cont.table || parts[..i].iter().any(|q| q.name == p.name) {
            error(
                p.span,
                format!(
                    "partition name `{}` is used twice (a partition is a table of its own); give each partition its own name",
                    p.name
                ),
            );
        }
        if p.bound.trim().eq_ignore_ascii_case("default") {
            defaults += 1;
            if defaults == 2 {
                error(
                    p.span,
                    format!(
                        "partition `{}` is a second default partition; a table has at most one",
                        p.name
                    ),
                );
            }
        }
    }
}

/// A table name from the struct name, or a column name from the field
/// name, must fit the name limit like a written one (whose length the
/// attribute parser checked); the error points at the struct or field.
fn check_derived_name_lengths(cx: &Ctxt, cont: &Container<'_>) {
    if cont.attrs.table.is_none() {
        let fix = "give a shorter #[model(table = \"...\")]";
        if let Some(message) =
            names::too_long("table name (from the struct name)", &cont.table, fix)
        {
            cx.error_spanned_by(Place::Container, cont.ident, message);
        }
    }
    for f in cont.fields.iter().filter(|f| f.attrs.name.is_none()) {
        let fix = "give a shorter #[column(name = \"...\")]";
        if let Some(message) = names::too_long("column name (from the field name)", &f.column, fix)
        {
            cx.error_spanned_by(Place::Field(f.index, FieldStep::Name), f.ident, message);
        }
    }
}

/// Two fields may not map to one column; the later one is reported.
fn check_column_names(cx: &Ctxt, cont: &Container<'_>) {
    let mut seen = HashSet::new();
    for f in &cont.fields {
        if !seen.insert(f.column.as_str()) {
            cx.error_spanned_by(
                Place::Field(f.index, FieldStep::Name),
                f.ident,
                format!(
                    "column name `{}` is used by two fields; give one of them #[column(name = \"...\")]",
                    f.column
                ),
            );
        }
    }
}

/// What `version` and `primary_key` ask of the field's type.
fn check_field_type(cx: &Ctxt, f: &Field<'_>) {
    let place = Place::Field(f.index, FieldStep::Type);
    let integer = matches!(&f.field_type, FieldType::Known(t) if t.is_integer());
    if f.attrs.version && (!integer || f.nullable) {
        cx.error_spanned_by(
            place,
            f.ty,
            format!(
                "field `{}`: a `version` column must be a non-optional integer (i16, i32 or i64)",
                f.ident
            ),
        );
    }
    if f.attrs.primary_key && f.nullable {
        cx.error_spanned_by(
            place,
            f.ty,
            format!("field `{}`: a primary key cannot be `Option`", f.ident),
        );
    }
}

/// The key columns, as given by `#[model(primary_key(...))]`, else by the
/// marked fields, else the field named `id`; and the key they resolve to.
///
/// The column names are returned even when the key does not resolve, so the
/// auto-increment rule can still report on the fields that are in it.
fn resolve_key<'c>(cx: &Ctxt, cont: &'c Container<'_>) -> (Vec<&'c str>, Result<Key, Reported>) {
    let marked: Vec<usize> = (0..cont.fields.len())
        .filter(|i| cont.fields[*i].attrs.primary_key)
        .collect();
    let names = |fields: &[usize]| -> Vec<&'c str> {
        fields
            .iter()
            .map(|i| cont.fields[*i].column.as_str())
            .collect()
    };
    if let Some(span) = cont.attrs.no_primary_key {
        if cont.attrs.primary_key.is_some() || !marked.is_empty() {
            let reported = cx.syn_error(Place::Model, syn::Error::new(span, "`no_primary_key` and a primary key are both given; remove `no_primary_key` or the key"));
            return (Vec::new(), Err(reported));
        }
        // A field named `id` is a plain column here: the model said so.
        (Vec::new(), Ok(Key(Vec::new())))
    } else if let Some(pk) = &cont.attrs.primary_key {
        if !marked.is_empty() {
            cx.syn_error(Place::Model, syn::Error::new(pk.span, "primary key given both by #[model(primary_key(...))] and #[column(primary_key)]; keep one"));
        }
        let mut fields = Vec::new();
        let mut missing = None;
        for c in &pk.columns {
            match cont.fields.iter().position(|f| &f.column == c) {
                Some(i) => fields.push(i),
                None => {
                    let message =
                        format!("primary_key names column `{c}`, which the model does not have");
                    missing = Some(cx.syn_error(Place::Model, syn::Error::new(pk.span, message)));
                }
            }
        }
        let key = match missing {
            Some(reported) => Err(reported),
            None => Ok(Key(fields)),
        };
        let columns = pk.columns.iter().map(String::as_str).collect();
        (columns, key)
    } else if !marked.is_empty() {
        (names(&marked), Ok(Key(marked)))
    } else if let Some(i) = cont
        .fields
        .iter()
        .position(|f| f.column == DEFAULT_KEY_COLUMN)
    {
        (names(&[i]), Ok(Key(vec![i])))
    } else {
        let reported = cx.error_spanned_by(
            Place::Model,
            cont.ident,
            format!("model `{}` has no primary key: mark a field #[column(primary_key)], name one `id`, add #[model(primary_key(columns = \"...\"))], or declare a table without one with #[model(no_primary_key)]", cont.ident),
        );
        (Vec::new(), Err(reported))
    }
}

/// An explicit `auto_increment` needs a non-optional integer column; a
/// table has at most one auto-increment column (the single integer key is
/// one unless it says `auto_increment = false`). A column outside the key may
/// be one: whether the backend can make it so is autogen's to say.
fn check_auto_increment(cx: &Ctxt, cont: &Container<'_>, key_columns: &[&str]) {
    let single_int_key = |f: &Field<'_>| {
        key_columns.len() == 1 && key_columns[0] == f.column && f.column_type().is_integer()
    };
    let mut first: Option<&Field<'_>> = None;
    for f in &cont.fields {
        let auto = f.attrs.auto_increment.unwrap_or_else(|| single_int_key(f));
        if !auto {
            continue;
        }
        let explicit = f.attrs.auto_increment == Some(true);
        let why = if explicit && !f.column_type().is_integer() {
            "auto_increment needs an integer column".to_string()
        } else if explicit && f.nullable {
            "an auto_increment column cannot be `Option`".to_string()
        } else if let Some(other) = first {
            format!(
                "a table has at most one auto_increment column, and `{}` is one already{}",
                other.ident,
                if other.attrs.auto_increment.is_none() {
                    " (a single integer key is auto-increment unless it says `auto_increment = false`)"
                } else {
                    ""
                }
            )
        } else {
            first = Some(f);
            continue;
        };
        cx.error_spanned_by(Place::Model, f.ident, format!("field `{}`: {why}", f.ident));
    }
}

/// `unique(columns)` and `index(columns)` must name the model's columns.
fn check_constraint_columns(cx: &Ctxt, cont: &Container<'_>) {
    let uniques = cont
        .attrs
        .uniques
        .iter()
        .map(|u| (symbol::UNIQUE, &u.columns[..]));
    let indexes = cont.attrs.indexes.iter().map(|ix| match &ix.target {
        IndexTarget::Columns(c) => (symbol::INDEX, &c[..]),
        // An expression's columns are the database's to check.
        IndexTarget::Expr(_) => (symbol::INDEX, &[][..]),
    });
    let foreign_keys = cont
        .attrs
        .foreign_keys
        .iter()
        .map(|fk| (symbol::FOREIGN_KEY, &fk.columns[..]));
    for (what, columns) in uniques.chain(indexes).chain(foreign_keys) {
        for c in columns {
            if !cont.fields.iter().any(|f| &f.column == c) {
                cx.error_spanned_by(
                    Place::Model,
                    cont.ident,
                    format!("{what} names column `{c}`, which the model does not have"),
                );
            }
        }
    }
}
