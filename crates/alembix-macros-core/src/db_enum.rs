//! Parsing of a `#[derive(DbEnum)]` enum.

use std::collections::HashSet;

use alembix_schema::EnumType;
use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::ctxt::Ctxt;
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
    let mut name = input.ident.to_string().to_snake_case();
    let mut style = "snake_case".to_string();
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident(symbol::DB_ENUM))
    {
        let res = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            let lit: syn::LitStr = match key.as_str() {
                k if symbol::DB_ENUM_KEYS.contains(&k) => meta.value()?.parse()?,
                _ => {
                    return Err(meta.error(format!(
                        "unknown db_enum attribute `{key}`; expected one of: {}",
                        symbol::DB_ENUM_KEYS.join(", ")
                    )))
                }
            };
            if key == "name" {
                name = lit.value();
            } else {
                if rename(&lit.value(), "x").is_none() {
                    return Err(syn::Error::new_spanned(&lit, "unknown rename_all style; expected snake_case, lowercase, UPPERCASE, SCREAMING_SNAKE_CASE, kebab-case, camelCase or PascalCase"));
                }
                style = lit.value();
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    let syn::Data::Enum(data) = &input.data else {
        cx.error_spanned_by(&input.ident, "#[derive(DbEnum)] works on enums only");
        cx.check()?;
        unreachable!()
    };
    let mut variants = Vec::new();
    let mut labels = HashSet::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned_by(&v.ident, "DbEnum variants cannot carry data");
        }
        let mut label = rename(&style, &v.ident.to_string()).unwrap_or_default();
        for attr in v
            .attrs
            .iter()
            .filter(|a| a.path().is_ident(symbol::DB_ENUM))
        {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    label = meta.value()?.parse::<syn::LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error(format!(
                        "unknown db_enum variant attribute; expected one of: {}",
                        symbol::DB_ENUM_VARIANT_KEYS.join(", ")
                    )))
                }
            });
            if let Err(e) = res {
                cx.syn_error(e);
            }
        }
        if !labels.insert(label.clone()) {
            cx.error_spanned_by(&v.ident, format!("two variants have the label `{label}`"));
        }
        variants.push((v.ident.clone(), label));
    }
    if variants.is_empty() {
        cx.error_spanned_by(&input.ident, "a DbEnum needs at least one variant");
    }
    cx.check()?;
    Ok(EnumDef {
        ident: input.ident.clone(),
        name,
        variants,
    })
}
