//! `#[derive(Model)]`, `#[derive(DbEnum)]`, `#[derive(Projection)]` and
//! `migrate!` for Alembix. Use them through
//! the `alembix` crate, which re-exports them; the logic lives in
//! `alembix-macros-core`.

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Maps a struct to a table; see the `alembix` crate docs for the attributes.
#[proc_macro_derive(Model, attributes(model, column))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    alembix_macros_core::expand_model(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Maps a unit-variant enum to a database enum; see the `alembix` crate docs.
#[proc_macro_derive(DbEnum, attributes(db_enum))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    alembix_macros_core::expand_db_enum(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Reads a plain struct from a row of selected values, field by field in
/// order; see `alembix::Projection`.
#[proc_macro_derive(Projection)]
pub fn derive_projection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    alembix_macros_core::expand_projection(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Embeds the revision files of a directory (relative to the crate root,
/// default `"migrations"`) as an `alembix::migrate::EmbeddedMigrations`; see
/// the `alembix` crate docs.
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    alembix_macros_core::expand_migrate(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares schema objects (views, materialized views, functions,
/// procedures, triggers, sequences, extensions) that autogen manages beside
/// the tables; checked at compile time, expands to nothing. See the
/// `alembix` crate docs.
#[proc_macro]
pub fn sql_objects(input: TokenStream) -> TokenStream {
    alembix_macros_core::expand_sql_objects(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
