//! Parsing of a `#[derive(Model)]` struct into a [`ModelDef`].
//!
//! This is the one function that both the derive macro and autogen's source
//! scanner call, so what the compiler sees and what autogen sees agree.

use std::collections::HashSet;

use alembix_schema::{
    Check, Column, ColumnType, EnumType, ForeignKey, Index, PrimaryKey, ReferentialAction, Table,
    UniqueConstraint, naming,
};
use heck::ToSnakeCase;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;
use crate::symbol;
use crate::types::{FieldType, map_type, unwrap_option};

/// A parsed model: its table and how each field maps to a column.
#[derive(Debug, Clone)]
pub struct ModelDef {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    /// The table; enum columns hold a placeholder type until resolved (see
    /// [`ModelDef::resolve_table`]).
    pub table: Table,
    /// Mapped fields in declaration order; `fields[i]` is `table.columns[i]`.
    pub fields: Vec<FieldDef>,
    /// Fields with `#[column(skip)]`, filled with `Default::default()`.
    pub skipped: Vec<syn::Ident>,
}

/// One mapped field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    pub ident: syn::Ident,
    /// The full field type (with `Option`).
    pub ty: syn::Type,
    pub field_type: FieldType,
    pub primary_key: bool,
    pub version: bool,
}

impl ModelDef {
    /// Index of the auto-increment key column, if the model has one.
    pub fn auto_increment_field(&self) -> Option<usize> {
        self.table.columns.iter().position(|c| c.auto_increment)
    }

    /// Index of the `version` column, if any.
    pub fn version_field(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.version)
    }

    /// Indices of the primary-key columns, in key order.
    pub fn primary_key_fields(&self) -> Vec<usize> {
        let pk = self.table.primary_key.as_ref().expect("checked at parse");
        pk.columns
            .iter()
            .map(|c| {
                self.table
                    .columns
                    .iter()
                    .position(|col| &col.name == c)
                    .expect("checked at parse")
            })
            .collect()
    }

    /// The table with every enum column's type resolved by `resolve`
    /// (enum type path -> enum type). `Err` names the enum that is unknown.
    pub fn resolve_table(
        &self,
        mut resolve: impl FnMut(&syn::Path) -> Option<EnumType>,
    ) -> Result<Table, syn::Error> {
        let mut table = self.table.clone();
        for (field, column) in self.fields.iter().zip(table.columns.iter_mut()) {
            if let FieldType::Enum(path) = &field.field_type {
                let Some(e) = resolve(path) else {
                    return Err(syn::Error::new_spanned(
                        &field.ty,
                        format!(
                            "field `{}`: no `#[derive(DbEnum)]` type `{}` was found; derive DbEnum for it or add #[column(sql_type = \"...\")]",
                            field.ident,
                            quote::ToTokens::to_token_stream(path)
                        ),
                    ));
                };
                column.ty = ColumnType::Enum {
                    name: e.name,
                    values: e.values,
                };
            }
        }
        Ok(table)
    }
}

#[derive(Default)]
struct ColumnAttrs {
    primary_key: bool,
    auto_increment: Option<bool>,
    name: Option<String>,
    sql_type: Option<String>,
    max_length: Option<u32>,
    precision: Option<u32>,
    scale: Option<u32>,
    unique: bool,
    index: bool,
    default: Option<String>,
    references: Option<(syn::LitStr, String)>,
    on_delete: Option<ReferentialAction>,
    on_update: Option<ReferentialAction>,
    renamed_from: Vec<String>,
    comment: Option<String>,
    version: bool,
    skip: bool,
}

/// Parses a derive input into a model definition, reporting every error.
///
/// ```
/// let input: syn::DeriveInput = syn::parse_quote! {
///     #[model(table = "users")]
///     struct User { id: i64, #[column(max_length = 255, unique)] email: String, age: Option<i32> }
/// };
/// let model = alembix_macros_core::parse_model(&input).unwrap();
/// assert_eq!(model.table.name, "users");
/// assert!(model.table.columns[0].auto_increment);
/// assert_eq!(model.table.uniques[0].name, "uq_users_email");
/// assert!(model.table.columns[2].nullable);
/// ```
pub fn parse_model(input: &syn::DeriveInput) -> Result<ModelDef, syn::Error> {
    let cx = Ctxt::new();
    let model = parse_model_inner(&cx, input);
    cx.check()?;
    Ok(model.expect("no errors means a model"))
}

fn parse_model_inner(cx: &Ctxt, input: &syn::DeriveInput) -> Option<ModelDef> {
    let syn::Data::Struct(data) = &input.data else {
        cx.error_spanned_by(&input.ident, "#[derive(Model)] works on structs only");
        return None;
    };
    let syn::Fields::Named(named) = &data.fields else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(Model)] needs a struct with named fields",
        );
        return None;
    };

    let mut table = Table::new(input.ident.to_string().to_snake_case());
    let mut model_pk: Option<(Vec<String>, proc_macro2::Span)> = None;
    let mut model_indexes: Vec<ModelIndex> = Vec::new();
    let mut model_uniques: Vec<(Option<String>, Vec<String>)> = Vec::new();
    let mut model_checks: Vec<(Option<String>, String)> = Vec::new();

    for attr in &input.attrs {
        if !attr.path().is_ident(symbol::MODEL) {
            continue;
        }
        let mut seen = HashSet::new();
        let res = attr.parse_nested_meta(|meta| {
            let key = meta_key(&meta);
            if !symbol::MODEL_KEYS.contains(&key.as_str()) {
                return Err(meta.error(format!(
                    "unknown model attribute `{key}`; expected one of: {}",
                    symbol::MODEL_KEYS.join(", ")
                )));
            }
            let repeatable = matches!(key.as_str(), "index" | "unique" | "check" | "renamed_from");
            if !repeatable && !seen.insert(key.clone()) {
                return Err(meta.error(format!("duplicate model attribute `{key}`")));
            }
            match key.as_str() {
                "table" => table.name = lit_str(&meta)?,
                "schema" => table.schema = Some(lit_str(&meta)?),
                "comment" => table.comment = Some(lit_str(&meta)?),
                "renamed_from" => table.renamed_from.push(lit_str(&meta)?),
                "primary_key" => {
                    let mut cols = None;
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("columns") {
                            cols = Some(column_list(&lit_str(&inner)?));
                            Ok(())
                        } else {
                            Err(inner.error("expected `columns = \"a, b\"`"))
                        }
                    })?;
                    let cols =
                        cols.ok_or_else(|| meta.error("primary_key needs `columns = \"a, b\"`"))?;
                    model_pk = Some((cols, meta.path.span()));
                }
                "index" | "unique" => {
                    let (mut name, mut cols, mut unique) = (None, None, key == "unique");
                    let (mut expr, mut predicate) = (None, None);
                    meta.parse_nested_meta(|inner| {
                        let k = meta_key(&inner);
                        match k.as_str() {
                            "columns" => cols = Some(column_list(&lit_str(&inner)?)),
                            "name" => name = Some(lit_str(&inner)?),
                            "unique" if key == "index" => unique = lit_bool_or_true(&inner)?,
                            "expr" if key == "index" => expr = Some(sql_text(&inner, "expr")?),
                            "where" if key == "index" => {
                                predicate = Some(sql_text(&inner, "where")?)
                            }
                            _ => {
                                return Err(inner.error(format!(
                                    "unknown `{key}` option `{k}`; expected columns, name{}",
                                    if key == "index" {
                                        ", unique, expr, where"
                                    } else {
                                        ""
                                    }
                                )));
                            }
                        }
                        Ok(())
                    })?;
                    if key == "index" {
                        let cols = match (cols, &expr) {
                            (Some(_), Some(_)) => {
                                return Err(meta.error(
                                    "index takes `columns` or `expr`, not both; list plain columns inside `expr` (`expr = \"org_id, lower(email)\"`)",
                                ));
                            }
                            (Some(c), None) => c,
                            (None, Some(_)) => Vec::new(),
                            (None, None) => {
                                return Err(meta.error(
                                    "index needs `columns = \"a, b\"` or `expr = \"lower(a)\"`",
                                ));
                            }
                        };
                        model_indexes.push(ModelIndex {
                            name,
                            cols,
                            unique,
                            expr,
                            predicate,
                        });
                    } else {
                        let cols = cols.ok_or_else(|| {
                            meta.error(format!("{key} needs `columns = \"a, b\"`"))
                        })?;
                        model_uniques.push((name, cols));
                    }
                }
                "check" => {
                    let (mut name, mut expr) = (None, None);
                    meta.parse_nested_meta(|inner| {
                        let k = meta_key(&inner);
                        match k.as_str() {
                            "name" => name = Some(lit_str(&inner)?),
                            "expr" => expr = Some(lit_str(&inner)?),
                            _ => {
                                return Err(inner.error(format!(
                                    "unknown `check` option `{k}`; expected name, expr"
                                )));
                            }
                        }
                        Ok(())
                    })?;
                    let expr = expr.ok_or_else(|| meta.error("check needs `expr = \"...\"`"))?;
                    model_checks.push((name, expr));
                }
                _ => unreachable!("key list checked"),
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }

    let mut fields = Vec::new();
    let mut skipped = Vec::new();
    let mut seen_columns: HashSet<String> = HashSet::new();
    let mut field_fks = Vec::new();
    let mut field_uniques = Vec::new();
    let mut field_indexes = Vec::new();

    for field in &named.named {
        let ident = field.ident.clone().expect("named field");
        let attrs = parse_column_attrs(cx, field);
        if attrs.skip {
            skipped.push(ident);
            continue;
        }
        let col_name = attrs.name.clone().unwrap_or_else(|| ident.to_string());
        if !seen_columns.insert(col_name.clone()) {
            cx.error_spanned_by(
                &ident,
                format!("column name `{col_name}` is used by two fields; give one of them #[column(name = \"...\")]"),
            );
        }
        let unwrapped = unwrap_option(&field.ty);
        let field_type = match &attrs.sql_type {
            Some(sql) => FieldType::Known(ColumnType::from_sql(sql)),
            None => match map_type(
                unwrapped.inner,
                attrs.max_length,
                attrs.precision,
                attrs.scale,
            ) {
                Ok(t) => t,
                Err(why) => {
                    cx.error_spanned_by(
                        &field.ty,
                        format!("field `{ident}`: {why}; add #[column(sql_type = \"...\")] to choose the column type"),
                    );
                    FieldType::Known(ColumnType::Text)
                }
            },
        };
        let ty = match &field_type {
            FieldType::Known(t) => t.clone(),
            FieldType::Enum(_) => ColumnType::Custom { sql: "enum".into() },
        };
        if attrs.version
            && (!matches!(&field_type, FieldType::Known(t) if t.is_integer()) || unwrapped.nullable)
        {
            cx.error_spanned_by(
                &field.ty,
                format!("field `{ident}`: a `version` column must be a non-optional integer (i16, i32 or i64)"),
            );
        }
        if attrs.primary_key && unwrapped.nullable {
            cx.error_spanned_by(
                &field.ty,
                format!("field `{ident}`: a primary key cannot be `Option`"),
            );
        }
        let mut column = Column::new(col_name.clone(), ty);
        column.nullable = unwrapped.nullable;
        column.default = attrs.default.clone();
        column.comment = attrs.comment.clone();
        column.renamed_from = attrs.renamed_from.clone();
        if attrs.version && column.default.is_none() {
            column.default = Some("1".into());
        }
        if attrs.unique {
            field_uniques.push(col_name.clone());
        }
        if attrs.index {
            field_indexes.push(col_name.clone());
        }
        if let Some((lit, target)) = &attrs.references {
            match parse_reference(target) {
                Some((schema, rt, rc)) => field_fks.push((
                    col_name.clone(),
                    schema,
                    rt,
                    rc,
                    attrs.on_delete.unwrap_or_default(),
                    attrs.on_update.unwrap_or_default(),
                )),
                None => cx.error_spanned_by(lit, "expected `references = \"table.column\"`"),
            }
        } else if attrs.on_delete.is_some() || attrs.on_update.is_some() {
            cx.error_spanned_by(
                &ident,
                format!(
                    "field `{ident}`: on_delete/on_update need `references = \"table.column\"`"
                ),
            );
        }
        table.columns.push(column);
        fields.push((
            FieldDef {
                ident,
                ty: field.ty.clone(),
                field_type,
                primary_key: attrs.primary_key,
                version: attrs.version,
            },
            attrs.auto_increment,
        ));
    }

    // Primary key: model-level, else marked fields, else a field named `id`.
    let marked: Vec<String> = fields
        .iter()
        .zip(&table.columns)
        .filter(|((f, _), _)| f.primary_key)
        .map(|(_, c)| c.name.clone())
        .collect();
    let pk_cols = if let Some((cols, span)) = &model_pk {
        if !marked.is_empty() {
            cx.syn_error(syn::Error::new(*span, "primary key given both by #[model(primary_key(...))] and #[column(primary_key)]; keep one"));
        }
        for c in cols {
            if !table.columns.iter().any(|col| &col.name == c) {
                cx.syn_error(syn::Error::new(
                    *span,
                    format!("primary_key names column `{c}`, which the model does not have"),
                ));
            }
        }
        cols.clone()
    } else if !marked.is_empty() {
        marked
    } else if table.columns.iter().any(|c| c.name == "id") {
        vec!["id".to_string()]
    } else {
        cx.error_spanned_by(
            &input.ident,
            format!("model `{}` has no primary key: mark a field #[column(primary_key)], name one `id`, or add #[model(primary_key(columns = \"...\"))]", input.ident),
        );
        Vec::new()
    };
    for (f, c) in fields.iter_mut().zip(&table.columns) {
        f.0.primary_key = pk_cols.contains(&c.name);
    }
    // Auto-increment: a single integer key column by default.
    for ((f, ai), col) in fields.iter().zip(table.columns.iter_mut()) {
        let single_int_key = pk_cols.len() == 1 && f.primary_key && col.ty.is_integer();
        match ai {
            Some(true) if !col.ty.is_integer() => cx.error_spanned_by(
                &f.ident,
                format!(
                    "field `{}`: auto_increment needs an integer column",
                    f.ident
                ),
            ),
            Some(true) if !f.primary_key => cx.error_spanned_by(
                &f.ident,
                format!(
                    "field `{}`: auto_increment is only supported on the primary key",
                    f.ident
                ),
            ),
            Some(v) => col.auto_increment = *v,
            None => col.auto_increment = single_int_key,
        }
    }
    if !pk_cols.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: naming::primary_key_name(&table.name),
            columns: pk_cols,
        });
    }

    let tname = table.name.clone();
    for col in field_uniques {
        table.uniques.push(UniqueConstraint {
            name: naming::unique_name(&tname, &[&col]),
            columns: vec![col],
        });
    }
    for (name, cols) in model_uniques {
        check_columns(cx, &input.ident, &table, &cols, "unique");
        table.uniques.push(UniqueConstraint {
            name: name.unwrap_or_else(|| naming::unique_name(&tname, &cols)),
            columns: cols,
        });
    }
    for col in field_indexes {
        table.indexes.push(Index {
            name: naming::index_name(&tname, &[&col]),
            columns: vec![col],
            ..Default::default()
        });
    }
    for ix in model_indexes {
        check_columns(cx, &input.ident, &table, &ix.cols, "index");
        let name = ix.name.unwrap_or_else(|| match &ix.expr {
            Some(e) => naming::index_name(&tname, &[sql_words(e, "expr")]),
            None => naming::index_name(&tname, &ix.cols),
        });
        table.indexes.push(Index {
            name,
            columns: ix.cols,
            unique: ix.unique,
            expr: ix.expr,
            predicate: ix.predicate,
        });
    }
    for (col, schema, rt, rc, on_delete, on_update) in field_fks {
        table.foreign_keys.push(ForeignKey {
            name: naming::foreign_key_name(&tname, &[&col], &rt),
            columns: vec![col],
            ref_table: rt,
            ref_schema: schema,
            ref_columns: vec![rc],
            on_delete,
            on_update,
        });
    }
    for (name, expr) in model_checks {
        table.checks.push(Check {
            name: name.unwrap_or_else(|| naming::check_name(&tname, &check_words(&expr))),
            expr,
        });
    }

    Some(ModelDef {
        ident: input.ident.clone(),
        generics: input.generics.clone(),
        table,
        fields: fields.into_iter().map(|(f, _)| f).collect(),
        skipped,
    })
}

fn check_columns(cx: &Ctxt, ident: &syn::Ident, table: &Table, cols: &[String], what: &str) {
    for c in cols {
        if table.find_column(c).is_none() {
            cx.error_spanned_by(
                ident,
                format!("{what} names column `{c}`, which the model does not have"),
            );
        }
    }
}

/// An `index(...)` of `#[model(...)]` as written.
struct ModelIndex {
    name: Option<String>,
    cols: Vec<String>,
    unique: bool,
    expr: Option<String>,
    predicate: Option<String>,
}

/// A non-empty SQL text option (`expr`, `where`).
fn sql_text(meta: &syn::meta::ParseNestedMeta<'_>, what: &str) -> syn::Result<String> {
    let s = lit_str(meta)?;
    if s.trim().is_empty() {
        return Err(meta.error(format!("`{what}` is empty; give an SQL expression")));
    }
    Ok(s.trim().to_string())
}

/// The name part of an unnamed check: the identifiers of its expression.
fn check_words(expr: &str) -> String {
    sql_words(expr, "check")
}

/// The identifiers of an SQL expression joined with `_` (`fallback` when
/// there are none): the name part of an unnamed check or expression index.
fn sql_words(expr: &str, fallback: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "null", "is", "in", "like", "between", "true", "false",
    ];
    let mut words: Vec<String> = Vec::new();
    for w in expr.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let lower = w.to_ascii_lowercase();
        if w.is_empty()
            || w.starts_with(|c: char| c.is_ascii_digit())
            || KEYWORDS.contains(&lower.as_str())
        {
            continue;
        }
        if !words.contains(&lower) {
            words.push(lower);
        }
    }
    if words.is_empty() {
        fallback.into()
    } else {
        words.join("_")
    }
}

fn parse_reference(target: &str) -> Option<(Option<String>, String, String)> {
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

fn column_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

fn meta_key(meta: &syn::meta::ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| quote::ToTokens::to_token_stream(&meta.path).to_string())
}

fn lit_str(meta: &syn::meta::ParseNestedMeta) -> syn::Result<String> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    Ok(lit.value())
}

fn lit_u32(meta: &syn::meta::ParseNestedMeta) -> syn::Result<u32> {
    let lit: syn::LitInt = meta.value()?.parse()?;
    lit.base10_parse()
}

fn lit_bool_or_true(meta: &syn::meta::ParseNestedMeta) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        let lit: syn::LitBool = meta.value()?.parse()?;
        Ok(lit.value)
    } else {
        Ok(true)
    }
}

fn parse_column_attrs(cx: &Ctxt, field: &syn::Field) -> ColumnAttrs {
    let mut a = ColumnAttrs::default();
    for attr in &field.attrs {
        if !attr.path().is_ident(symbol::COLUMN) {
            continue;
        }
        let mut seen = HashSet::new();
        let res = attr.parse_nested_meta(|meta| {
            let key = meta_key(&meta);
            if !symbol::COLUMN_KEYS.contains(&key.as_str()) {
                return Err(meta.error(format!(
                    "unknown column attribute `{key}`; expected one of: {}",
                    symbol::COLUMN_KEYS.join(", ")
                )));
            }
            if key != "renamed_from" && !seen.insert(key.clone()) {
                return Err(meta.error(format!("duplicate column attribute `{key}`")));
            }
            match key.as_str() {
                "primary_key" => a.primary_key = lit_bool_or_true(&meta)?,
                "auto_increment" => a.auto_increment = Some(lit_bool_or_true(&meta)?),
                "name" => a.name = Some(lit_str(&meta)?),
                "sql_type" => a.sql_type = Some(lit_str(&meta)?),
                "max_length" => a.max_length = Some(lit_u32(&meta)?),
                "precision" => a.precision = Some(lit_u32(&meta)?),
                "scale" => a.scale = Some(lit_u32(&meta)?),
                "unique" => a.unique = lit_bool_or_true(&meta)?,
                "index" => a.index = lit_bool_or_true(&meta)?,
                "default" => a.default = Some(lit_str(&meta)?),
                "references" => {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    let v = lit.value();
                    a.references = Some((lit, v));
                }
                "on_delete" | "on_update" => {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    let action = ReferentialAction::parse(&lit.value()).ok_or_else(|| {
                        syn::Error::new_spanned(&lit, format!("unknown {key} action `{}`; expected cascade, set null, set default, restrict or no action", lit.value()))
                    })?;
                    if key == "on_delete" {
                        a.on_delete = Some(action);
                    } else {
                        a.on_update = Some(action);
                    }
                }
                "renamed_from" => a.renamed_from.push(lit_str(&meta)?),
                "comment" => a.comment = Some(lit_str(&meta)?),
                "version" => a.version = lit_bool_or_true(&meta)?,
                "skip" => a.skip = lit_bool_or_true(&meta)?,
                _ => unreachable!("key list checked"),
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    a
}
