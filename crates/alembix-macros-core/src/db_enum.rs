//! Parsing of a `#[derive(DbEnum)]` enum.

use std::collections::HashSet;

use alembix_schema::EnumType;
use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::ctxt::{Ctxt, FieldStep, Place};
use crate::names;
use crate::symbol;

/// A parsed enum: its database name and each variant's label.
#[derive(Debug, Clone)]
pub struct EnumDef {
    pub ident: syn::Ident,
    pub name: String,
    pub variants: Vec<(syn::Ident, String)>,
}

impl EnumDef {
    /// The schema's view of the enum.
    pub fn enum_type(&self) -> EnumType {
        EnumType {
            name: self.name.clone(),
            values: self.variants.iter().map(|(_, l)| l.clone()).collect(),
        }
    }
}

fn rename(style: &str, ident: &str) -> Option<String> {
    Some(match style {
        "snake_case" => ident.to_snake_case(),
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "SCREAMING_SNAKE_CASE" => ident.to_shouty_snake_case(),
        "kebab-case" => ident.to_kebab_case(),
        "camelCase" => ident.to_lower_camel_case(),
        "PascalCase" => ident.to_upper_camel_case(),
        _ => return None,
    })
}

/// Parses a derive input into an enum definition.
///
/// ```
/// let input: syn::DeriveInput = syn::parse_quote! {
///     #[db_enum(name = "mood")]
///     enum Mood { Happy, #[db_enum(rename = "so-so")] SoSo, VeryBad }
/// };
/// let e = alembix_macros_core::parse_db_enum(&input).unwrap();
/// assert_eq!(e.enum_type().values, vec!["happy", "so-so", "very_bad"]);
/// ```
pub fn parse_db_enum(input: &syn::DeriveInput) -> Result<EnumDef, syn::Error> {
    let cx = Ctxt::new();
    let (name, style) = enum_attrs(&cx, input);
    let syn::Data::Enum(data) = &input.data else {
        let reported = cx.error_spanned_by(
            Place::Container,
            &input.ident,
            "#[derive(DbEnum)] works on enums only",
        );
        return cx.finish(Err(reported));
    };
    let mut variants = Vec::new();
    let mut labels = HashSet::new();
    for (index, v) in data.variants.iter().enumerate() {
        if !matches!(v.fields, syn::Fields::Unit) {
            let place = Place::Field(index, FieldStep::Attrs);
            cx.error_spanned_by(place, &v.ident, "DbEnum variants cannot carry data");
        }
        let label = variant_label(&cx, index, v, &style);
        if !labels.insert(label.clone()) {
            let place = Place::Field(index, FieldStep::Name);
            cx.error_spanned_by(
                place,
                &v.ident,
                format!("two variants have the label `{label}`"),
            );
        }
        variants.push((v.ident.clone(), label));
    }
    if variants.is_empty() {
        cx.error_spanned_by(
            Place::Model,
            &input.ident,
            "a DbEnum needs at least one variant",
        );
    }
    cx.check()?;
    Ok(EnumDef {
        ident: input.ident.clone(),
        name,
        variants,
    })
}

/// The enum's `#[db_enum(...)]`: its database name and `rename_all` style.
/// A repeated key overrides the earlier one.
fn enum_attrs(cx: &Ctxt, input: &syn::DeriveInput) -> (String, String) {
    let mut name = input.ident.to_string().to_snake_case();
    let mut style = "snake_case".to_string();
    // Whether `name` was given (and checked where it was given).
    let mut named = false;
    for attr in input.attrs.iter().filter(|a| a.path() == &symbol::DB_ENUM) {
        let res = attr.parse_nested_meta(|meta| {
            let known = symbol::DB_ENUM_KEYS.iter().any(|k| meta.path == *k);
            if !known {
                let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                return Err(meta.error(format!(
                    "unknown db_enum attribute `{key}`; expected one of: {}",
                    symbol::join(symbol::DB_ENUM_KEYS)
                )));
            }
            let lit: syn::LitStr = meta.value()?.parse()?;
            if meta.path == symbol::NAME {
                let fix = "give a shorter `name = \"...\"`";
                if let Some(message) = names::too_long("enum type name", &lit.value(), fix) {
                    return Err(syn::Error::new_spanned(&lit, message));
                }
                name = lit.value();
                named = true;
            } else {
                if rename(&lit.value(), "x").is_none() {
                    return Err(syn::Error::new_spanned(&lit, "unknown rename_all style; expected snake_case, lowercase, UPPERCASE, SCREAMING_SNAKE_CASE, kebab-case, camelCase or PascalCase"));
                }
                style = lit.value();
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(Place::Container, e);
        }
    }
    if !named {
        let fix = "give a shorter #[db_enum(name = \"...\")]";
        if let Some(message) = names::too_long("enum type name (from the enum name)", &name, fix) {
            cx.error_spanned_by(Place::Container, &input.ident, message);
        }
    }
    (name, style)
}

/// The variant's label: its `rename`, else its name in the enum's style.
fn variant_label(cx: &Ctxt, index: usize, v: &syn::Variant, style: &str) -> String {
    let mut label = rename(style, &v.ident.to_string()).unwrap_or_default();
    for attr in v.attrs.iter().filter(|a| a.path() == &symbol::DB_ENUM) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path == symbol::RENAME {
                label = meta.value()?.parse::<syn::LitStr>()?.value();
                Ok(())
            } else {
                Err(meta.error(format!(
                    "unknown db_enum variant attribute; expected one of: {}",
                    symbol::join(symbol::DB_ENUM_VARIANT_KEYS)
                )))
            }
        });
        if let Err(e) = res {
            cx.syn_error(Place::Field(index, FieldStep::Attrs), e);
        }
    }
    label
}
