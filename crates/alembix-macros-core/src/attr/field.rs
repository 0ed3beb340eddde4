//! `#[column(...)]` on a field.

use alembix_schema::ReferentialAction;
use syn::meta::ParseNestedMeta;

use super::{Attr, BoolAttr, Scope, lit_bool_or_true, lit_name, lit_str, lit_u32, parse_attrs};
use crate::ctxt::{Ctxt, FieldStep, Place};
use crate::names;
use crate::symbol::{self, Symbol};

/// A field's `#[column(...)]` attributes.
pub struct Field {
    /// `skip`: the field is not mapped (and nothing else about it is checked).
    pub skip: bool,
    /// `primary_key`, as marked on the field.
    pub primary_key: bool,
    /// `auto_increment[ = bool]`; unset means "decide from the key".
    pub auto_increment: Option<bool>,
    /// `name = "..."`: the column name.
    pub name: Option<String>,
    /// `sql_type = "..."`: the column type, overriding the Rust type's.
    pub sql_type: Option<String>,
    /// `max_length = n`.
    pub max_length: Option<u32>,
    /// `precision = n`.
    pub precision: Option<u32>,
    /// `scale = n`.
    pub scale: Option<u32>,
    /// `unique`: a single-column unique constraint.
    pub unique: bool,
    /// `index`: a single-column index.
    pub index: bool,
    /// `default = "..."`: an SQL default.
    pub default: Option<String>,
    /// `comment = "..."`.
    pub comment: Option<String>,
    /// `backfill = "..."`: the SQL value existing rows get when autogen
    /// adds the column NOT NULL or makes it NOT NULL.
    pub backfill: Option<String>,
    /// Every `renamed_from = "..."`, in order.
    pub renamed_from: Vec<String>,
    /// `version`: the optimistic-locking column.
    pub version: bool,
    /// `references = "..."` with `on_delete`/`on_update`; only for mapped
    /// fields.
    pub references: Option<Reference>,
}

/// `references = "[schema.]table.column"`, parsed.
pub struct Reference {
    /// The referenced table's schema, when given.
    pub schema: Option<String>,
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// `on_delete = "..."`.
    pub on_delete: ReferentialAction,
    /// `on_update = "..."`.
    pub on_update: ReferentialAction,
}

/// The keys while they are parsed.
struct Builder {
    primary_key: BoolAttr,
    auto_increment: Attr<bool>,
    name: Attr<String>,
    sql_type: Attr<String>,
    max_length: Attr<u32>,
    precision: Attr<u32>,
    scale: Attr<u32>,
    unique: BoolAttr,
    index: BoolAttr,
    default: Attr<String>,
    references: Attr<syn::LitStr>,
    on_delete: Attr<ReferentialAction>,
    on_update: Attr<ReferentialAction>,
    renamed_from: Vec<String>,
    comment: Attr<String>,
    backfill: Attr<String>,
    version: BoolAttr,
    skip: BoolAttr,
}

impl Field {
    /// Parses the `#[column(...)]` attributes among `attrs` of field `ident`
    /// at `index` (among all the struct's fields), recording errors in `cx`.
    pub fn from_ast(cx: &Ctxt, index: usize, ident: &syn::Ident, attrs: &[syn::Attribute]) -> Self {
        let mut b = Builder::new();
        let place = Place::Field(index, FieldStep::Attrs);
        parse_attrs(cx, place, symbol::COLUMN, attrs, |scope, meta| {
            b.parse_key(scope, meta)
        });
        let skip = b.skip.get();
        let references = if skip {
            None
        } else {
            let place = Place::Field(index, FieldStep::References);
            reference(cx, place, ident, b.references, b.on_delete, b.on_update)
        };
        Field {
            skip,
            primary_key: b.primary_key.get(),
            auto_increment: b.auto_increment.get(),
            name: b.name.get(),
            sql_type: b.sql_type.get(),
            max_length: b.max_length.get(),
            precision: b.precision.get(),
            scale: b.scale.get(),
            unique: b.unique.get(),
            index: b.index.get(),
            default: b.default.get(),
            comment: b.comment.get(),
            backfill: b.backfill.get(),
            renamed_from: b.renamed_from,
            version: b.version.get(),
            references,
        }
    }
}

impl Builder {
    fn new() -> Self {
        Builder {
            primary_key: BoolAttr::none(symbol::PRIMARY_KEY),
            auto_increment: Attr::none(symbol::AUTO_INCREMENT),
            name: Attr::none(symbol::NAME),
            sql_type: Attr::none(symbol::SQL_TYPE),
            max_length: Attr::none(symbol::MAX_LENGTH),
            precision: Attr::none(symbol::PRECISION),
            scale: Attr::none(symbol::SCALE),
            unique: BoolAttr::none(symbol::UNIQUE),
            index: BoolAttr::none(symbol::INDEX),
            default: Attr::none(symbol::DEFAULT),
            references: Attr::none(symbol::REFERENCES),
            on_delete: Attr::none(symbol::ON_DELETE),
            on_update: Attr::none(symbol::ON_UPDATE),
            renamed_from: Vec::new(),
            comment: Attr::none(symbol::COMMENT),
            backfill: Attr::none(symbol::BACKFILL),
            version: BoolAttr::none(symbol::VERSION),
            skip: BoolAttr::none(symbol::SKIP),
        }
    }

    fn parse_key(&mut self, scope: Scope, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let path = &meta.path;
        if *path == symbol::PRIMARY_KEY {
            self.primary_key.set(scope, meta)
        } else if *path == symbol::AUTO_INCREMENT {
            self.auto_increment.set(scope, meta, lit_bool_or_true)
        } else if *path == symbol::NAME {
            self.name.set(scope, meta, |m| {
                lit_name(m, "column name", "give a shorter `name = \"...\"`")
            })
        } else if *path == symbol::SQL_TYPE {
            self.sql_type.set(scope, meta, lit_str)
        } else if *path == symbol::MAX_LENGTH {
            self.max_length.set(scope, meta, lit_u32)
        } else if *path == symbol::PRECISION {
            self.precision.set(scope, meta, lit_u32)
        } else if *path == symbol::SCALE {
            self.scale.set(scope, meta, lit_u32)
        } else if *path == symbol::UNIQUE {
            self.unique.set(scope, meta)
        } else if *path == symbol::INDEX {
            self.index.set(scope, meta)
        } else if *path == symbol::DEFAULT {
            self.default.set(scope, meta, lit_str)
        } else if *path == symbol::REFERENCES {
            self.references.set(scope, meta, |m| m.value()?.parse())
        } else if *path == symbol::ON_DELETE {
            self.on_delete
                .set(scope, meta, |m| action(m, symbol::ON_DELETE))
        } else if *path == symbol::ON_UPDATE {
            self.on_update
                .set(scope, meta, |m| action(m, symbol::ON_UPDATE))
        } else if *path == symbol::RENAMED_FROM {
            self.renamed_from.push(lit_str(meta)?);
            Ok(())
        } else if *path == symbol::COMMENT {
            self.comment.set(scope, meta, lit_str)
        } else if *path == symbol::BACKFILL {
            self.backfill.set(scope, meta, lit_str)
        } else if *path == symbol::VERSION {
            self.version.set(scope, meta)
        } else if *path == symbol::SKIP {
            self.skip.set(scope, meta)
        } else {
            Err(super::unknown_key(
                meta,
                symbol::COLUMN,
                symbol::COLUMN_KEYS,
            ))
        }
    }
}

/// `on_delete = "..."` / `on_update = "..."`; a bad action points at the
/// literal.
pub(super) fn action(meta: &ParseNestedMeta<'_>, key: Symbol) -> syn::Result<ReferentialAction> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    ReferentialAction::parse(&lit.value()).ok_or_else(|| {
        syn::Error::new_spanned(
            &lit,
            format!(
                "unknown {key} action `{}`; expected cascade, set null, set default, restrict or no action",
                lit.value()
            ),
        )
    })
}

/// The field's foreign key, if it names a well-formed target; actions
/// without a target are an error.
fn reference(
    cx: &Ctxt,
    place: Place,
    ident: &syn::Ident,
    target: Attr<syn::LitStr>,
    on_delete: Attr<ReferentialAction>,
    on_update: Attr<ReferentialAction>,
) -> Option<Reference> {
    let (on_delete, on_update) = (on_delete.get(), on_update.get());
    let Some(lit) = target.get() else {
        if on_delete.is_some() || on_update.is_some() {
            let message = format!(
                "field `{ident}`: on_delete/on_update need `references = \"table.column\"`"
            );
            cx.error_spanned_by(place, ident, message);
        }
        return None;
    };
    let Some((schema, table, column)) = parse_target(&lit.value()) else {
        cx.error_spanned_by(place, &lit, "expected `references = \"table.column\"`");
        return None;
    };
    let parts = [
        ("schema", schema.as_deref()),
        ("table", Some(&table)),
        ("column", Some(&column)),
    ];
    for (what, name) in parts {
        let fix =
            format!("reference the {what} by its name in the database, which is never that long");
        let too_long =
            name.and_then(|n| names::too_long(&format!("referenced {what} name"), n, &fix));
        if let Some(message) = too_long {
            cx.error_spanned_by(place, &lit, message);
        }
    }
    Some(Reference {
        schema,
        table,
        column,
        on_delete: on_delete.unwrap_or_default(),
        on_update: on_update.unwrap_or_default(),
    })
}

/// `"table.column"` or `"schema.table.column"`, no part empty.
fn parse_target(target: &str) -> Option<(Option<String>, String, String)> {
    let parts: Vec<&str> = target.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    match parts.as_slice() {
        [t, c] => Some((None, t.to_string(), c.to_string())),
        [s, t, c] => Some((Some(s.to_string()), t.to_string(), c.to_string())),
        _ => None,
    }
}
