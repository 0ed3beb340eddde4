//! `#[derive(Projection)]`: a plain struct read from a row of selected
//! values, field by field in order.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// At most this many fields: the select lists are tuples of up to eight.
const MAX_FIELDS: usize = 8;

/// Expands `#[derive(Projection)]`.
pub fn expand_projection(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let fields = match &input.data {
        syn::Data::Struct(data) => &data.fields,
        _ => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(Projection)] needs a struct",
            ));
        }
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(Projection)] does not support generic structs",
        ));
    }
    if fields.is_empty() || fields.len() > MAX_FIELDS {
        return Err(syn::Error::new_spanned(
            &input.ident,
            format!(
                "#[derive(Projection)] needs 1 to {MAX_FIELDS} fields (one per selected value), found {}",
                fields.len()
            ),
        ));
    }
    Ok(generate(&input.ident, fields))
}

fn generate(ident: &syn::Ident, fields: &syn::Fields) -> TokenStream {
    let rust_name = ident.to_string();
    let tys: Vec<&syn::Type> = fields.iter().map(|f| &f.ty).collect();
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| match &f.ident {
            Some(id) => id.to_string(),
            None => i.to_string(),
        })
        .collect();
    let vars: Vec<syn::Ident> = (0..tys.len()).map(|i| format_ident!("__v{}", i)).collect();
    let build = match fields {
        syn::Fields::Named(_) => {
            let idents = fields.iter().map(|f| &f.ident);
            quote! { Self { #(#idents: #vars),* } }
        }
        _ => quote! { Self(#(#vars),*) },
    };
    let consts = quote! {
        const NAME: &'static str = #rust_name;
        const FIELDS: &'static [&'static str] = &[#(#names),*];
    };
    // One field: the select list is one value, not a 1-tuple.
    let single = (tys.len() == 1).then(|| {
        let ty = tys[0];
        let var = &vars[0];
        quote! {
            impl __a::Projection<#ty> for #ident {
                #consts
                fn from_row(#var: #ty) -> Self {
                    #build
                }
            }
        }
    });
    quote! {
        const _: () = {
            use ::alembix::__private as __a;

            impl __a::Projection<(#(#tys,)*)> for #ident {
                #consts
                fn from_row(row: (#(#tys,)*)) -> Self {
                    let (#(#vars,)*) = row;
                    #build
                }
            }

            #single
        };
    }
}
