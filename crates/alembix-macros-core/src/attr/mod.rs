//! Typed attributes: `#[model(...)]` parsed into a [`Container`] and each
//! field's `#[column(...)]` into a [`Field`]. Nothing after this module
//! looks at raw attributes.
//!
//! Like serde_derive's, the parsers do not return `Result`: a malformed
//! attribute is recorded in the [`Ctxt`] and parsing goes on, so every
//! mistake is reported at once. Within one `#[...]` attribute the first
//! error ends that attribute, as syn's nested-meta parsing does.

mod container;
mod field;
mod foreign_key;
mod partition;
#[cfg(test)]
mod tests;

pub use container::{Container, IndexTarget};
pub use field::Field;
pub use partition::{MonthlyAttr, PartitionAttr, partition_attributes};

use syn::meta::ParseNestedMeta;

use crate::ctxt::{Ctxt, Place};
use crate::symbol::Symbol;

/// One `#[model(...)]` or `#[column(...)]` attribute of an item: its kind
/// and its position among the item's attributes of that kind.
#[derive(Clone, Copy)]
struct Scope {
    kind: Symbol,
    index: usize,
}

/// A key that takes one value.
///
/// A key written twice inside one attribute is an error at the second
/// occurrence; a later attribute overrides an earlier one, so
/// `#[column(name = "a")] #[column(name = "b")]` names the column `b`.
struct Attr<T> {
    name: Symbol,
    value: Option<T>,
    /// The attribute (by [`Scope::index`]) that last set the value.
    set_in: Option<usize>,
}

impl<T> Attr<T> {
    fn none(name: Symbol) -> Self {
        Attr {
            name,
            value: None,
            set_in: None,
        }
    }

    /// Parses the value of `meta` with `parse` and records it. The duplicate
    /// check comes first, so a repeated key is reported as such whatever
    /// its value.
    fn set(
        &mut self,
        scope: Scope,
        meta: &ParseNestedMeta<'_>,
        parse: impl FnOnce(&ParseNestedMeta<'_>) -> syn::Result<T>,
    ) -> syn::Result<()> {
        if self.set_in == Some(scope.index) {
            return Err(meta.error(format!(
                "duplicate {} attribute `{}`",
                scope.kind, self.name
            )));
        }
        self.set_in = Some(scope.index);
        self.value = Some(parse(meta)?);
        Ok(())
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

/// A flag key: `key`, `key = true` or `key = false`; unset means false.
struct BoolAttr(Attr<bool>);

impl BoolAttr {
    fn none(name: Symbol) -> Self {
        BoolAttr(Attr::none(name))
    }

    fn set(&mut self, scope: Scope, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        self.0.set(scope, meta, lit_bool_or_true)
    }

    fn get(self) -> bool {
        self.0.get().unwrap_or(false)
    }
}

/// Runs `parse_key` on every key of every `kind` attribute in `attrs`,
/// recording each attribute's error at `place`.
fn parse_attrs(
    cx: &Ctxt,
    place: Place,
    kind: Symbol,
    attrs: &[syn::Attribute],
    mut parse_key: impl FnMut(Scope, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    let ours = attrs.iter().filter(|a| a.path() == &kind);
    for (index, attr) in ours.enumerate() {
        let scope = Scope { kind, index };
        if let Err(e) = attr.parse_nested_meta(|meta| parse_key(scope, &meta)) {
            cx.syn_error(place, e);
        }
    }
}

/// The "unknown key" error of a `kind` attribute.
fn unknown_key(meta: &ParseNestedMeta<'_>, kind: Symbol, keys: &[Symbol]) -> syn::Error {
    meta.error(format!(
        "unknown {kind} attribute `{}`; expected one of: {}",
        meta_key(meta),
        crate::symbol::join(keys)
    ))
}

/// The key as written, for messages (a path such as `a::b` included).
fn meta_key(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| quote::ToTokens::to_token_stream(&meta.path).to_string())
}

fn lit_str(meta: &ParseNestedMeta<'_>) -> syn::Result<String> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    Ok(lit.value())
}

/// A name that reaches the database (a table, schema, column, index or
/// constraint name): a string literal of at most
/// [`MAX_NAME_LEN`](alembix_schema::naming::MAX_NAME_LEN) bytes. A longer
/// one is an error at the literal; `what` names it in the message and `fix`
/// says what to write instead.
fn lit_name(meta: &ParseNestedMeta<'_>, what: &str, fix: &str) -> syn::Result<String> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    let name = lit.value();
    match crate::names::too_long(what, &name, fix) {
        Some(message) => Err(syn::Error::new(lit.span(), message)),
        None => Ok(name),
    }
}

fn lit_u32(meta: &ParseNestedMeta<'_>) -> syn::Result<u32> {
    let lit: syn::LitInt = meta.value()?.parse()?;
    lit.base10_parse()
}

fn lit_bool_or_true(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        let lit: syn::LitBool = meta.value()?.parse()?;
        Ok(lit.value)
    } else {
        Ok(true)
    }
}

/// A non-empty SQL text option (`expr`, `where`), trimmed.
fn sql_text(meta: &ParseNestedMeta<'_>, what: Symbol) -> syn::Result<String> {
    let s = lit_str(meta)?;
    if s.trim().is_empty() {
        return Err(meta.error(format!("`{what}` is empty; give an SQL expression")));
    }
    Ok(s.trim().to_string())
}

/// `"a, b"` as column names; empty entries are dropped.
fn column_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}
