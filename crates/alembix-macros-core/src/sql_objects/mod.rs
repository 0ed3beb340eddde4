//! `sql_objects! { ... }`: declared schema objects (views, materialized
//! views, functions, procedures, triggers, sequences, extensions), parsed
//! into [`SqlObject`]s by the one function the proc macro and autogen's
//! scanner share ([`parse_sql_objects`]), and written back as source by
//! [`render_sql_objects`].
//!
//! ```text
//! alembix::sql_objects! {
//!     extension "pgcrypto";
//!     sequence "invoice_no" (start = 1000);
//!     view "active_users" = "SELECT id, email FROM users WHERE status = 'active'";
//!     materialized view "daily_totals" = "SELECT ...";
//!     function "touch_updated_at" = "CREATE FUNCTION touch_updated_at() RETURNS trigger ...";
//!     trigger "trg_users_touch" on "users" = "CREATE TRIGGER ...";
//!     view "v2" (renamed_from = "old_v2", backend = "postgres") = "...";
//! }
//! ```

mod item;
mod render;
mod sequence;

use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};

use alembix_schema::SqlObject;

pub use render::render_sql_objects;
pub use sequence::sequence_definition;

/// The objects a `sql_objects!` block declares, or every mistake in it
/// (combined into one error, each with its span).
///
/// ```
/// use alembix_macros_core::parse_sql_objects;
/// use alembix_schema::ObjectKind;
/// let tokens: proc_macro2::TokenStream = r#"
///     view "active_users" = "SELECT id FROM users";
///     trigger "trg" on "users" = "CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END";
/// "#.parse().unwrap();
/// let objects = parse_sql_objects(tokens).unwrap();
/// assert_eq!(objects[0].kind, ObjectKind::View);
/// assert_eq!(objects[1].table.as_deref(), Some("users"));
///
/// let bad: proc_macro2::TokenStream = r#"view "v";"#.parse().unwrap();
/// assert!(parse_sql_objects(bad).unwrap_err().to_string().contains("needs its query"));
/// ```
pub fn parse_sql_objects(tokens: TokenStream) -> syn::Result<Vec<SqlObject>> {
    let parser = |input: ParseStream| {
        let mut errors: Vec<syn::Error> = Vec::new();
        let mut objects: Vec<SqlObject> = Vec::new();
        while !input.is_empty() {
            match item::parse_item(input) {
                Ok((object, span)) => {
                    let dup = objects.iter().any(|o| {
                        o.kind == object.kind
                            && o.name == object.name
                            && (o.backend.is_none()
                                || object.backend.is_none()
                                || o.backend == object.backend)
                    });
                    if dup {
                        errors.push(syn::Error::new(
                            span,
                            format!("{} \"{}\" is declared twice", object.kind, object.name),
                        ));
                    }
                    if let Err(e) = item::check(&object, span) {
                        errors.extend(e);
                    }
                    objects.push(object);
                }
                Err(e) => {
                    errors.push(e);
                    item::skip_to_semicolon(input)?;
                }
            }
        }
        match errors.into_iter().reduce(|mut a, b| {
            a.combine(b);
            a
        }) {
            Some(e) => Err(e),
            None => Ok(objects),
        }
    };
    parser.parse2(tokens)
}

/// The macro's expansion: the block is checked and expands to nothing
/// (autogen reads the objects from the source).
pub fn expand_sql_objects(tokens: TokenStream) -> syn::Result<TokenStream> {
    parse_sql_objects(tokens)?;
    Ok(TokenStream::new())
}

#[cfg(test)]
mod tests;
