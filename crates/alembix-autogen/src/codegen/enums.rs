//! One `#[derive(DbEnum)]` per enum: PostgreSQL's named enum types, and on
//! MySQL/MariaDB and SQLite (where an enum lives in its column) one per
//! enum column, named `<table>_<column>`.

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::idents::{self, Taken};
use super::model::lit;

/// An enum to generate: its database name, labels and Rust name.
pub struct EnumCode {
    /// The enum's database name (`#[db_enum(name = ...)]`).
    pub name: String,
    /// The labels, in order.
    pub values: Vec<String>,
    /// The Rust type's name.
    pub ident: Ident,
}

/// The `DbEnum` item of `e`.
pub fn enum_item(e: &EnumCode) -> TokenStream {
    let ident = &e.ident;
    let mut taken = Taken::default();
    let variants = e.values.iter().map(|label| {
        let v = idents::ident(&taken.unique(&idents::camel(label, "Variant")));
        let rename = (v.to_string().to_snake_case() != *label).then(|| {
            let label = lit(label);
            quote!(#[db_enum(rename = #label)])
        });
        quote!(#rename #v)
    });
    let name = (ident.to_string().to_snake_case() != e.name).then(|| {
        let name = lit(&e.name);
        quote!(#[db_enum(name = #name)])
    });
    let doc = lit(&format!(" Enum `{}`.", e.name));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, alembix::DbEnum)]
        #name
        pub enum #ident {
            #(#variants),*
        }
    }
}
