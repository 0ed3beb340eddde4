//! A column type as a Rust field type plus the `#[column(...)]` keys that
//! pin the column type down (`max_length`, `precision`/`scale`,
//! `sql_type`), following the derive's type table.

use alembix_schema::{ColumnType, Dialect};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// What a column's type becomes in the model.
pub struct FieldType {
    /// The field type, without `Option`.
    pub ty: TokenStream,
    /// `#[column(...)]` keys for the type.
    pub attrs: Vec<TokenStream>,
    /// A doc line for the field when the type needs a person's look.
    pub note: Option<String>,
}

impl FieldType {
    fn plain(ty: TokenStream) -> Self {
        FieldType {
            ty,
            attrs: Vec::new(),
            note: None,
        }
    }

    fn with(ty: TokenStream, attrs: Vec<TokenStream>) -> Self {
        FieldType {
            ty,
            attrs,
            note: None,
        }
    }
}

/// The field type of a column of type `t`; `enum_ident` is the generated
/// `DbEnum` for an enum column.
pub fn field_type(t: &ColumnType, enum_ident: Option<&Ident>, d: Dialect) -> FieldType {
    use ColumnType as T;
    let string = || quote!(String);
    match t {
        T::SmallInt => FieldType::plain(quote!(i16)),
        T::Integer => FieldType::plain(quote!(i32)),
        T::BigInt => FieldType::plain(quote!(i64)),
        T::Real => FieldType::plain(quote!(f32)),
        T::Double => FieldType::plain(quote!(f64)),
        T::Boolean => FieldType::plain(quote!(bool)),
        T::Text => FieldType::plain(string()),
        T::Varchar { length: Some(n) } => {
            let n = Literal::u32_unsuffixed(*n);
            FieldType::with(string(), vec![quote!(max_length = #n)])
        }
        T::Binary => FieldType::plain(quote!(Vec<u8>)),
        T::Date => FieldType::plain(quote!(chrono::NaiveDate)),
        T::Time => FieldType::plain(quote!(chrono::NaiveTime)),
        T::Timestamp => FieldType::plain(quote!(chrono::NaiveDateTime)),
        T::TimestampTz => FieldType::plain(quote!(chrono::DateTime<chrono::Utc>)),
        T::Uuid => FieldType::plain(quote!(uuid::Uuid)),
        T::Json => FieldType::plain(quote!(serde_json::Value)),
        T::Decimal { precision, scale } => {
            let mut attrs = Vec::new();
            if let Some(p) = precision {
                let p = Literal::u32_unsuffixed(*p);
                attrs.push(quote!(precision = #p));
            }
            if let Some(s) = scale {
                let s = Literal::u32_unsuffixed(*s);
                attrs.push(quote!(scale = #s));
            }
            FieldType::with(quote!(rust_decimal::Decimal), attrs)
        }
        T::Enum { .. } => match enum_ident {
            Some(e) => FieldType::plain(quote!(#e)),
            None => custom(&d.rules().column_type(t)),
        },
        // Strings the derive has no bare Rust type for: the type is given
        // as SQL, which reads back as the same column type.
        T::Char { .. } | T::Varchar { length: None } => {
            let sql = Literal::string(&d.rules().column_type(t));
            FieldType::with(string(), vec![quote!(sql_type = #sql)])
        }
        T::Custom { sql } => custom(sql),
    }
}

/// A type with no Rust mapping: `sql_type` keeps the column type, and the
/// field is a `String` until the user picks a type that implements
/// `alembix::DbType` for it.
fn custom(sql: &str) -> FieldType {
    let lit = Literal::string(sql);
    FieldType {
        ty: quote!(String),
        attrs: vec![quote!(sql_type = #lit)],
        note: Some(format!(
            "`{sql}` has no Rust type mapping: this field is a `String` for now; change it to a type that implements `alembix::DbType` for `{sql}`."
        )),
    }
}
