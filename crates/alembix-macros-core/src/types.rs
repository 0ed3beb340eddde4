//! Mapping of Rust field types to column types.
//!
//! | Rust type (last path segment) | column type |
//! | --- | --- |
//! | `i16` | `SmallInt` |
//! | `i32` | `Integer` |
//! | `i64` | `BigInt` |
//! | `f32` | `Real` |
//! | `f64` | `Double` |
//! | `bool` | `Boolean` |
//! | `String` | `Varchar { max_length }` with `max_length`, else `Text` |
//! | `Vec<u8>` | `Binary` |
//! | `NaiveDate` | `Date` |
//! | `NaiveTime` | `Time` |
//! | `NaiveDateTime` | `Timestamp` |
//! | `DateTime<Utc>` | `TimestampTz` |
//! | `Uuid` | `Uuid` |
//! | `Decimal` | `Decimal { precision, scale }` |
//! | `serde_json::Value`, `JsonValue` | `Json` |
//! | a `#[derive(DbEnum)]` type | `Enum` |
//! | `Option<T>` | as `T`, nullable |
//!
//! Any other type needs `#[column(sql_type = "...")]` (and an implementation
//! of `alembix::DbType` for the Rust type).

use alembix_schema::ColumnType;

/// What the field's type tokens say about its column.
#[derive(Debug, Clone)]
pub enum FieldType {
    /// A type with a known column type.
    Known(ColumnType),
    /// A user type that must be a `DbEnum`; resolved later (at run time by the
    /// derive, from the scanned enums by autogen).
    Enum(syn::Path),
}

/// A field type split into its inner type and whether it is `Option<...>`.
pub struct Unwrapped<'a> {
    pub inner: &'a syn::Type,
    pub nullable: bool,
}

/// Strips one `Option<...>`.
pub fn unwrap_option(ty: &syn::Type) -> Unwrapped<'_> {
    if let Some(arg) = single_generic(ty, "Option") {
        return Unwrapped {
            inner: arg,
            nullable: true,
        };
    }
    Unwrapped {
        inner: ty,
        nullable: false,
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        syn::Type::Group(g) => last_segment(&g.elem),
        syn::Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn single_generic<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let seg = last_segment(ty)?;
    if seg.ident != name {
        return None;
    }
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
            match args.args.first()? {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }
        }
        _ => None,
    }
}

fn path_string(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "")
}

/// Maps the inner (non-`Option`) type. `Err` carries why it cannot be mapped.
pub fn map_type(
    ty: &syn::Type,
    max_length: Option<u32>,
    precision: Option<u32>,
    scale: Option<u32>,
) -> Result<FieldType, String> {
    let Some(seg) = last_segment(ty) else {
        return Err(format!("`{}` is not a named type", path_string(ty)));
    };
    let name = seg.ident.to_string();
    let no_args = matches!(seg.arguments, syn::PathArguments::None);
    let known = |t: ColumnType| Ok(FieldType::Known(t));
    match name.as_str() {
        "i16" if no_args => known(ColumnType::SmallInt),
        "i32" if no_args => known(ColumnType::Integer),
        "i64" if no_args => known(ColumnType::BigInt),
        "f32" if no_args => known(ColumnType::Real),
        "f64" if no_args => known(ColumnType::Double),
        "bool" if no_args => known(ColumnType::Boolean),
        "String" if no_args => known(match max_length {
            Some(n) => ColumnType::Varchar { length: Some(n) },
            None => ColumnType::Text,
        }),
        "Vec" if single_generic(ty, "Vec").is_some_and(|t| path_string(t) == "u8") => {
            known(ColumnType::Binary)
        }
        "NaiveDate" if no_args => known(ColumnType::Date),
        "NaiveTime" if no_args => known(ColumnType::Time),
        "NaiveDateTime" if no_args => known(ColumnType::Timestamp),
        "DateTime"
            if single_generic(ty, "DateTime").is_some_and(|t| path_string(t).ends_with("Utc")) =>
        {
            known(ColumnType::TimestampTz)
        }
        "Uuid" if no_args => known(ColumnType::Uuid),
        "Decimal" if no_args => known(ColumnType::Decimal { precision, scale }),
        "JsonValue" if no_args => known(ColumnType::Json),
        "Value" if no_args && path_string(ty).contains("json") => known(ColumnType::Json),
        "Option" => Err("nested `Option` cannot be mapped".into()),
        "i8" | "u8" | "u16" | "u32" | "u64" | "u128" | "i128" | "usize" | "isize" | "char"
        | "str" | "Vec" | "HashMap" | "BTreeMap" | "HashSet" | "Box" | "Rc" | "Arc"
        | "DateTime" | "Value" | "Cow" => {
            Err(format!("`{}` has no column type mapping", path_string(ty)))
        }
        _ if no_args => match ty {
            syn::Type::Path(p) => Ok(FieldType::Enum(p.path.clone())),
            _ => Err(format!("`{}` has no column type mapping", path_string(ty))),
        },
        _ => Err(format!("`{}` has no column type mapping", path_string(ty))),
    }
}
