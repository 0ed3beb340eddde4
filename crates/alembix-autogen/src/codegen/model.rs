//! One `#[derive(Model)]` struct per table. The `#[model(...)]` keys and
//! each field's `#[column(...)]` keys come from small functions, one per
//! kind of schema object, so that a new kind adds one function.

use alembix_schema::{Column, ForeignKey, Index, Table, UniqueConstraint, naming};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::Cx;
use super::idents::{self, Taken};
use super::types::field_type;

/// The struct of one table and the generated names it uses.
pub struct TableCode {
    /// The table's struct.
    pub item: TokenStream,
    /// Enum types and structs of other tables the item names.
    pub uses: Vec<Ident>,
}

/// A database name as a string literal.
pub(super) fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// The table's name without its PostgreSQL schema, and the schema.
pub(super) fn split_name(name: &str) -> (Option<&str>, &str) {
    match name.split_once('.') {
        Some((s, t)) => (Some(s), t),
        None => (None, name),
    }
}

/// The struct of `t`, whose name was chosen in `cx`.
pub fn table_code(cx: &Cx<'_>, t: &Table) -> TableCode {
    let ident = cx.struct_ident(&t.name).clone();
    let mut uses = Vec::new();
    let mut taken = Taken::default();
    let fields: Vec<TokenStream> = t
        .columns
        .iter()
        .map(|c| field(cx, t, c, &mut taken, &mut uses))
        .collect();
    let model_attrs = model_attrs(cx, t);
    let doc = lit(&format!(" Table `{}`.", t.name));
    let model = (!model_attrs.is_empty()).then(|| quote!(#[model(#(#model_attrs),*)]));
    let item = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, alembix::Model)]
        #model
        pub struct #ident {
            #(#fields),*
        }
    };
    TableCode { item, uses }
}

/// The `#[model(...)]` keys of `t`.
pub fn model_attrs(cx: &Cx<'_>, t: &Table) -> Vec<TokenStream> {
    let mut attrs = Vec::new();
    attrs.extend(table_name(cx, t));
    attrs.extend(primary_key(t));
    if t.primary_key
        .as_ref()
        .is_none_or(|pk| pk.columns.is_empty())
    {
        attrs.push(quote!(no_primary_key));
    }
    attrs.extend(t.uniques.iter().filter(|u| !column_unique(t, u)).map(|u| {
        let (columns, name) = (lit(&u.columns.join(", ")), lit(&u.name));
        quote!(unique(columns = #columns, name = #name))
    }));
    attrs.extend(t.indexes.iter().filter(|i| !column_index(t, i)).map(index));
    attrs.extend(t.checks.iter().map(|c| {
        let (name, expr) = (lit(&c.name), lit(&c.expr));
        quote!(check(name = #name, expr = #expr))
    }));
    attrs.extend(
        t.foreign_keys
            .iter()
            .filter(|fk| !column_reference(t, fk))
            .map(foreign_key),
    );
    if let Some(c) = &t.comment {
        let c = lit(c);
        attrs.push(quote!(comment = #c));
    }
    attrs.extend(
        alembix_macros_core::partition_attributes(t)
            .iter()
            .map(|a| {
                a.parse::<TokenStream>()
                    .expect("partition attributes are Rust tokens")
            }),
    );
    attrs
}

/// `table` when the struct name does not give it, and `schema`.
fn table_name(cx: &Cx<'_>, t: &Table) -> Vec<TokenStream> {
    let (schema, bare) = split_name(&t.name);
    let mut attrs = Vec::new();
    let derived = heck::ToSnakeCase::to_snake_case(cx.struct_ident(&t.name).to_string().as_str());
    if derived != bare {
        let bare = lit(bare);
        attrs.push(quote!(table = #bare));
    }
    if let Some(s) = schema {
        let s = lit(s);
        attrs.push(quote!(schema = #s));
    }
    attrs
}

/// A composite key; a single key column is marked on its field.
fn primary_key(t: &Table) -> Option<TokenStream> {
    let pk = t.primary_key.as_ref().filter(|pk| pk.columns.len() > 1)?;
    let columns = lit(&pk.columns.join(", "));
    Some(quote!(primary_key(columns = #columns)))
}

fn index(ix: &Index) -> TokenStream {
    let mut keys = vec![];
    if let Some(e) = &ix.expr {
        let e = lit(e);
        keys.push(quote!(expr = #e));
    } else {
        let c = lit(&ix.columns.join(", "));
        keys.push(quote!(columns = #c));
    }
    if ix.unique {
        keys.push(quote!(unique));
    }
    if let Some(p) = &ix.predicate {
        let p = lit(p);
        keys.push(quote!(where = #p));
    }
    let name = lit(&ix.name);
    keys.push(quote!(name = #name));
    quote!(index(#(#keys),*))
}

fn foreign_key(fk: &ForeignKey) -> TokenStream {
    let (schema, table) = split_name(&fk.ref_table);
    let columns = lit(&fk.columns.join(", "));
    let ref_columns = lit(&fk.ref_columns.join(", "));
    let (table, name) = (lit(table), lit(&fk.name));
    let mut keys = vec![
        quote!(columns = #columns),
        quote!(ref_table = #table),
        quote!(ref_columns = #ref_columns),
    ];
    if let Some(s) = schema {
        let s = lit(s);
        keys.push(quote!(ref_schema = #s));
    }
    keys.extend(actions(fk));
    keys.push(quote!(name = #name));
    quote!(foreign_key(#(#keys),*))
}

/// `on_delete`/`on_update` where they are not the default.
fn actions(fk: &ForeignKey) -> Vec<TokenStream> {
    let word = |a: alembix_schema::ReferentialAction| lit(&a.as_sql().to_ascii_lowercase());
    let mut keys = Vec::new();
    if fk.on_delete != Default::default() {
        let a = word(fk.on_delete);
        keys.push(quote!(on_delete = #a));
    }
    if fk.on_update != Default::default() {
        let a = word(fk.on_update);
        keys.push(quote!(on_update = #a));
    }
    keys
}

/// A unique constraint `#[column(unique)]` gives: one column, default name.
fn column_unique(t: &Table, u: &UniqueConstraint) -> bool {
    let bare = split_name(&t.name).1;
    u.columns.len() == 1 && u.name == naming::unique_name(bare, &u.columns)
}

/// An index `#[column(index)]` gives: one plain column, default name.
fn column_index(t: &Table, ix: &Index) -> bool {
    let bare = split_name(&t.name).1;
    ix.columns.len() == 1
        && !ix.unique
        && !ix.is_special()
        && ix.name == naming::index_name(bare, &ix.columns)
}

/// A foreign key `#[column(references = "t.c")]` gives: one column, the
/// default name, names the `t.c` form can carry, and the first such key
/// of its column.
fn column_reference(t: &Table, fk: &ForeignKey) -> bool {
    let bare = split_name(&t.name).1;
    let (schema, ref_table) = split_name(&fk.ref_table);
    let plain = |s: &str| !s.contains('.') && s.trim() == s && !s.is_empty();
    let fits = fk.columns.len() == 1
        && schema.is_none()
        && plain(ref_table)
        && plain(&fk.ref_columns[0])
        && fk.name == naming::foreign_key_name(bare, &fk.columns, ref_table);
    fits && t
        .foreign_keys
        .iter()
        .find(|f| f.columns == fk.columns && column_reference_shape(f, bare))
        .is_some_and(|first| first.name == fk.name)
}

fn column_reference_shape(fk: &ForeignKey, bare: &str) -> bool {
    let (schema, ref_table) = split_name(&fk.ref_table);
    fk.columns.len() == 1
        && schema.is_none()
        && fk.name == naming::foreign_key_name(bare, &fk.columns, ref_table)
}

/// One field: its docs, `#[column(...)]` and type.
fn field(
    cx: &Cx<'_>,
    t: &Table,
    c: &Column,
    taken: &mut Taken,
    uses: &mut Vec<Ident>,
) -> TokenStream {
    let ident = idents::ident(&taken.unique(&idents::snake(&c.name, "column")));
    let enum_ident = cx.enum_ident(t, c);
    if let Some(e) = enum_ident {
        uses.push(e.clone());
    }
    let ft = field_type(&c.ty, enum_ident, cx.dialect);
    let mut keys = column_attrs(t, c, &ident);
    keys.extend(ft.attrs);
    let column = (!keys.is_empty()).then(|| quote!(#[column(#(#keys),*)]));
    let doc = ft.note.map(|n| {
        let n = lit(&format!(" {n}"));
        quote!(#[doc = #n])
    });
    let ty = ft.ty;
    let ty = if c.nullable { quote!(Option<#ty>) } else { ty };
    quote! {
        #doc
        #column
        pub #ident: #ty
    }
}

/// The `#[column(...)]` keys of column `c` other than its type's.
pub fn column_attrs(t: &Table, c: &Column, ident: &Ident) -> Vec<TokenStream> {
    let mut keys = Vec::new();
    if idents::unraw(ident) != c.name {
        let n = lit(&c.name);
        keys.push(quote!(name = #n));
    }
    keys.extend(key_attrs(t, c));
    if t.uniques
        .iter()
        .any(|u| column_unique(t, u) && u.columns[0] == c.name)
    {
        keys.push(quote!(unique));
    }
    if t.indexes
        .iter()
        .any(|i| column_index(t, i) && i.columns[0] == c.name)
    {
        keys.push(quote!(index));
    }
    if let Some(d) = &c.default {
        let d = lit(d);
        keys.push(quote!(default = #d));
    }
    let reference = t
        .foreign_keys
        .iter()
        .find(|fk| fk.columns[0] == c.name && column_reference(t, fk));
    if let Some(fk) = reference {
        let target = lit(&format!("{}.{}", fk.ref_table, fk.ref_columns[0]));
        keys.push(quote!(references = #target));
        keys.extend(actions(fk));
    }
    if let Some(comment) = &c.comment {
        let comment = lit(comment);
        keys.push(quote!(comment = #comment));
    }
    keys
}

/// `primary_key` on a single key column (not needed for `id`), and
/// `auto_increment` where the derive's rule (a single integer key is
/// auto-increment) does not say it: on the column [`kept_auto_increment`]
/// names, in the key or outside it.
fn key_attrs(t: &Table, c: &Column) -> Vec<TokenStream> {
    let pk: &[String] = t.primary_key.as_ref().map_or(&[], |p| &p.columns);
    let in_key = pk.contains(&c.name);
    let single = pk.len() == 1;
    let mut keys = Vec::new();
    if in_key && single && c.name != "id" {
        keys.push(quote!(primary_key));
    }
    let by_rule = in_key && single && c.ty.is_integer();
    let auto = kept_auto_increment(t) == Some(c.name.as_str());
    if by_rule && !auto {
        keys.push(quote!(auto_increment = false));
    } else if !by_rule && auto {
        keys.push(quote!(auto_increment));
    }
    keys
}

/// The auto-increment column a model of `t` declares (a model has at most
/// one): the single integer key's when it is one, else the first.
pub(super) fn kept_auto_increment(t: &Table) -> Option<&str> {
    let pk: &[String] = t.primary_key.as_ref().map_or(&[], |p| &p.columns);
    let key = match pk {
        [k] => t.find_column(k).filter(|c| c.auto_increment),
        _ => None,
    };
    key.or_else(|| t.columns.iter().find(|c| c.auto_increment))
        .map(|c| c.name.as_str())
}
