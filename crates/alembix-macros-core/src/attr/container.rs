//! `#[model(...)]` on the struct.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use super::foreign_key::{ForeignKeyAttr, foreign_key};
use super::{
    Attr, MonthlyAttr, PartitionAttr, Scope, column_list, lit_bool_or_true, lit_name, lit_str,
    parse_attrs, sql_text,
};
use crate::ctxt::{Ctxt, Place};
use crate::symbol::{self, Symbol};

/// The struct's `#[model(...)]` attributes.
pub struct Container {
    /// `table = "..."`; the default comes from the struct name.
    pub table: Option<String>,
    /// `schema = "..."`.
    pub schema: Option<String>,
    /// `comment = "..."`.
    pub comment: Option<String>,
    /// Every `renamed_from = "..."`, in order.
    pub renamed_from: Vec<String>,
    /// `primary_key(columns = "...")`.
    pub primary_key: Option<PrimaryKeyAttr>,
    /// `no_primary_key`: the table has no primary key, by choice; where
    /// errors about it point.
    pub no_primary_key: Option<Span>,
    /// Every `index(...)`, in order.
    pub indexes: Vec<IndexAttr>,
    /// Every `unique(...)`, in order.
    pub uniques: Vec<UniqueAttr>,
    /// Every `check(...)`, in order.
    pub checks: Vec<CheckAttr>,
    /// Every `foreign_key(...)`, in order.
    pub foreign_keys: Vec<ForeignKeyAttr>,
    /// `partition_by = "..."`.
    pub partition_by: Option<String>,
    /// Every `partition(...)`, in order.
    pub partitions: Vec<PartitionAttr>,
    /// Every `partition_monthly(...)`, in order.
    pub monthly: Vec<MonthlyAttr>,
}

impl Container {
    /// The partitions of table `table` (its bare name): those generated
    /// by each `partition_monthly(...)`, then each `partition(...)`.
    pub fn all_partitions(&self, table: &str) -> Vec<PartitionAttr> {
        let generated = self.monthly.iter().flat_map(|m| m.partitions(table));
        generated.chain(self.partitions.iter().cloned()).collect()
    }
}

/// `primary_key(columns = "a, b")`.
pub struct PrimaryKeyAttr {
    /// The key columns as written; never empty.
    pub columns: Vec<String>,
    /// The `primary_key` key, where errors about the key point.
    pub span: Span,
}

/// `index(...)`.
pub struct IndexAttr {
    /// `name = "..."`.
    pub name: Option<String>,
    /// `columns = "..."` or `expr = "..."`: exactly one was given.
    pub target: IndexTarget,
    /// `unique`.
    pub unique: bool,
    /// `where = "..."`: the predicate of a partial index.
    pub predicate: Option<String>,
}

/// What an index covers.
pub enum IndexTarget {
    /// Plain columns.
    Columns(Vec<String>),
    /// An SQL expression (which may list plain columns too).
    Expr(String),
}

/// `unique(...)`.
pub struct UniqueAttr {
    /// `name = "..."`.
    pub name: Option<String>,
    /// `columns = "..."`.
    pub columns: Vec<String>,
}

/// `check(...)`.
pub struct CheckAttr {
    /// `name = "..."`.
    pub name: Option<String>,
    /// `expr = "..."`.
    pub expr: String,
}

/// What a too-long `name` inside `index(...)`, `unique(...)` or `check(...)`
/// asks for.
const SHORTER_NAME: &str = "give a shorter `name = \"...\"`";

/// The single-valued keys while they are parsed.
struct Builder {
    table: Attr<String>,
    schema: Attr<String>,
    comment: Attr<String>,
    primary_key: Attr<PrimaryKeyAttr>,
    no_primary_key: Attr<Span>,
    renamed_from: Vec<String>,
    indexes: Vec<IndexAttr>,
    uniques: Vec<UniqueAttr>,
    checks: Vec<CheckAttr>,
    partition_by: Attr<String>,
    partitions: Vec<PartitionAttr>,
    monthly: Vec<MonthlyAttr>,
    foreign_keys: Vec<ForeignKeyAttr>,
}

impl Container {
    /// Parses the `#[model(...)]` attributes among `attrs`, recording errors
    /// in `cx`.
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut b = Builder {
            table: Attr::none(symbol::TABLE),
            schema: Attr::none(symbol::SCHEMA),
            comment: Attr::none(symbol::COMMENT),
            primary_key: Attr::none(symbol::PRIMARY_KEY),
            no_primary_key: Attr::none(symbol::NO_PRIMARY_KEY),
            renamed_from: Vec::new(),
            indexes: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            partition_by: Attr::none(symbol::PARTITION_BY),
            partitions: Vec::new(),
            monthly: Vec::new(),
            foreign_keys: Vec::new(),
        };
        parse_attrs(cx, Place::Container, symbol::MODEL, attrs, |scope, meta| {
            b.parse_key(scope, meta)
        });
        Container {
            table: b.table.get(),
            schema: b.schema.get(),
            comment: b.comment.get(),
            renamed_from: b.renamed_from,
            primary_key: b.primary_key.get(),
            no_primary_key: b.no_primary_key.get(),
            indexes: b.indexes,
            uniques: b.uniques,
            checks: b.checks,
            partition_by: b.partition_by.get(),
            partitions: b.partitions,
            monthly: b.monthly,
            foreign_keys: b.foreign_keys,
        }
    }
}

impl Builder {
    fn parse_key(&mut self, scope: Scope, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let path = &meta.path;
        if *path == symbol::TABLE {
            self.table.set(scope, meta, |m| {
                lit_name(m, "table name", "give a shorter `table = \"...\"`")
            })
        } else if *path == symbol::SCHEMA {
            self.schema.set(scope, meta, |m| {
                lit_name(m, "schema name", "give a shorter `schema = \"...\"`")
            })
        } else if *path == symbol::COMMENT {
            self.comment.set(scope, meta, lit_str)
        } else if *path == symbol::RENAMED_FROM {
            self.renamed_from.push(lit_str(meta)?);
            Ok(())
        } else if *path == symbol::PRIMARY_KEY {
            self.primary_key.set(scope, meta, primary_key)
        } else if *path == symbol::NO_PRIMARY_KEY {
            self.no_primary_key.set(scope, meta, flag)
        } else if *path == symbol::INDEX {
            self.indexes.push(index(meta)?);
            Ok(())
        } else if *path == symbol::UNIQUE {
            self.uniques.push(unique(meta)?);
            Ok(())
        } else if *path == symbol::CHECK {
            self.checks.push(check(meta)?);
            Ok(())
        } else if *path == symbol::PARTITION_BY {
            self.partition_by
                .set(scope, meta, |m| sql_text(m, symbol::PARTITION_BY))
        } else if *path == symbol::PARTITION {
            self.partitions.push(super::partition::partition(meta)?);
            Ok(())
        } else if *path == symbol::PARTITION_MONTHLY {
            self.monthly.push(super::partition::monthly(meta)?);
            Ok(())
        } else if *path == symbol::FOREIGN_KEY {
            self.foreign_keys.push(foreign_key(meta)?);
            Ok(())
        } else {
            Err(super::unknown_key(meta, symbol::MODEL, symbol::MODEL_KEYS))
        }
    }
}

/// The "unknown option" error inside `index(...)`, `unique(...)` or `check(...)`.
fn unknown_option(inner: &ParseNestedMeta<'_>, of: Symbol, keys: &[Symbol]) -> syn::Error {
    inner.error(format!(
        "unknown `{of}` option `{}`; expected {}",
        super::meta_key(inner),
        symbol::join(keys)
    ))
}

/// A key without a value (`no_primary_key`); its span.
fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<Span> {
    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        return Err(meta.error(format!("`{}` takes no value", super::meta_key(meta))));
    }
    Ok(meta.path.span())
}

fn primary_key(meta: &ParseNestedMeta<'_>) -> syn::Result<PrimaryKeyAttr> {
    let mut columns = None;
    meta.parse_nested_meta(|inner| {
        if inner.path == symbol::COLUMNS {
            columns = Some(column_list(&lit_str(&inner)?));
            Ok(())
        } else {
            Err(inner.error("expected `columns = \"a, b\"`"))
        }
    })?;
    // An empty list would leave the model without a key.
    let columns = columns
        .filter(|c| !c.is_empty())
        .ok_or_else(|| meta.error("primary_key needs `columns = \"a, b\"`"))?;
    Ok(PrimaryKeyAttr {
        columns,
        span: meta.path.span(),
    })
}

/// `index(...)`; a repeated option overrides the earlier one.
fn index(meta: &ParseNestedMeta<'_>) -> syn::Result<IndexAttr> {
    let (mut name, mut columns, mut unique) = (None, None, false);
    let (mut expr, mut predicate) = (None, None);
    meta.parse_nested_meta(|inner| {
        let path = &inner.path;
        if *path == symbol::COLUMNS {
            columns = Some(column_list(&lit_str(&inner)?));
        } else if *path == symbol::NAME {
            name = Some(lit_name(&inner, "index name", SHORTER_NAME)?);
        } else if *path == symbol::UNIQUE {
            unique = lit_bool_or_true(&inner)?;
        } else if *path == symbol::EXPR {
            expr = Some(sql_text(&inner, symbol::EXPR)?);
        } else if *path == symbol::WHERE {
            predicate = Some(sql_text(&inner, symbol::WHERE)?);
        } else {
            return Err(unknown_option(&inner, symbol::INDEX, symbol::INDEX_KEYS));
        }
        Ok(())
    })?;
    let target = match (columns, expr) {
        (Some(_), Some(_)) => {
            return Err(meta.error(
                "index takes `columns` or `expr`, not both; list plain columns inside `expr` (`expr = \"org_id, lower(email)\"`)",
            ));
        }
        (Some(c), None) => IndexTarget::Columns(c),
        (None, Some(e)) => IndexTarget::Expr(e),
        (None, None) => {
            return Err(meta.error("index needs `columns = \"a, b\"` or `expr = \"lower(a)\"`"));
        }
    };
    Ok(IndexAttr {
        name,
        target,
        unique,
        predicate,
    })
}

/// `unique(...)`; a repeated option overrides the earlier one.
fn unique(meta: &ParseNestedMeta<'_>) -> syn::Result<UniqueAttr> {
    use symbol::{COLUMNS, UNIQUE, UNIQUE_KEYS};
    let (name, columns) = named_constraint(meta, UNIQUE, UNIQUE_KEYS, COLUMNS, |inner| {
        Ok(column_list(&lit_str(inner)?))
    })?;
    let columns = columns.ok_or_else(|| meta.error("unique needs `columns = \"a, b\"`"))?;
    Ok(UniqueAttr { name, columns })
}

/// `check(...)`; a repeated option overrides the earlier one.
fn check(meta: &ParseNestedMeta<'_>) -> syn::Result<CheckAttr> {
    use symbol::{CHECK, CHECK_KEYS, EXPR};
    let (name, expr) = named_constraint(meta, CHECK, CHECK_KEYS, EXPR, lit_str)?;
    let expr = expr.ok_or_else(|| meta.error("check needs `expr = \"...\"`"))?;
    Ok(CheckAttr { name, expr })
}

/// The options of a `unique(...)` or `check(...)` (`of`, whose `keys` are
/// `NAME` and `body`): the constraint's name, and its body as `parse` reads
/// it; a repeated option overrides the earlier one.
fn named_constraint<T>(
    meta: &ParseNestedMeta<'_>,
    of: Symbol,
    keys: &[Symbol],
    body: Symbol,
    parse: impl Fn(&ParseNestedMeta<'_>) -> syn::Result<T>,
) -> syn::Result<(Option<String>, Option<T>)> {
    let what = format!("{of} constraint name");
    let (mut name, mut value) = (None, None);
    meta.parse_nested_meta(|inner| {
        if inner.path == body {
            value = Some(parse(&inner)?);
        } else if inner.path == symbol::NAME {
            name = Some(lit_name(&inner, &what, SHORTER_NAME)?);
        } else {
            return Err(unknown_option(&inner, of, keys));
        }
        Ok(())
    })?;
    Ok((name, value))
}
