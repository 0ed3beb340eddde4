//! Code generation from a parsed model or enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{ModelDef, parse_model};
use crate::db_enum::{EnumDef, parse_db_enum};
use crate::types::{FieldType, unwrap_option};

/// Expands `#[derive(Model)]`.
pub fn expand_model(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let model = parse_model(input)?;
    if !model.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &model.generics,
            "#[derive(Model)] does not support generic structs",
        ));
    }
    Ok(generate_model(&model))
}

fn generate_model(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let rust_name = ident.to_string();
    let col_names: Vec<&str> = model
        .table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let meta = meta_method(model, &rust_name);
    let values = value_methods(model, &rust_name);
    let key_and_version = key_and_version_methods(model);
    let decoders = decoders(model, &col_names, &rust_name);
    let columns = column_consts(model, &col_names);
    // The key-based operations ask for this marker; a model declared
    // `no_primary_key` has none of them.
    let keyed = model
        .has_primary_key()
        .then(|| quote! { impl __a::HasPrimaryKey for #ident {} });
    quote! {
        const _: () = {
            use ::alembix::__private as __a;

            impl __a::Model for #ident {
                #meta

                #values

                #key_and_version

                #(#decoders)*
            }

            #keyed

            #columns
        };
    }
}

/// `Model::meta`: the table (as JSON), the version column and the enum
/// types of enum columns.
fn meta_method(model: &ModelDef, rust_name: &str) -> TokenStream {
    let table_json = serialize_table(&model.table);
    let enum_fixups = model.fields.iter().enumerate().filter_map(|(i, f)| match &f.field_type {
        FieldType::Enum(path) => {
            Some(quote_spanned! {f.ty.span()=> (#i, <#path as __a::DbEnum>::enum_type as fn() -> __a::EnumType) })
        }
        FieldType::Known(_) => None,
    });
    let version_idx = match model.version_field() {
        Some(i) => quote! { ::core::option::Option::Some(#i) },
        None => quote! { ::core::option::Option::None },
    };
    quote! {
        fn meta() -> &'static __a::ModelMeta {
            static META: __a::OnceLock<__a::ModelMeta> = __a::OnceLock::new();
            META.get_or_init(|| {
                __a::ModelMeta::new(#rust_name, #table_json, #version_idx, &[#(#enum_fixups),*])
            })
        }
    }
}

/// `Model::values` and `Model::value_at`.
fn value_methods(model: &ModelDef, rust_name: &str) -> TokenStream {
    let value_exprs = model.fields.iter().map(|f| {
        let fid = &f.ident;
        let ty = &f.ty;
        quote_spanned! {ty.span()=> <#ty as __a::DbType>::to_value(&self.#fid) }
    });
    let value_arms = model.fields.iter().enumerate().map(|(i, f)| {
        let fid = &f.ident;
        let ty = &f.ty;
        quote! { #i => <#ty as __a::DbType>::to_value(&self.#fid), }
    });
    quote! {
        fn values(&self) -> ::std::vec::Vec<__a::Value> {
            ::std::vec![#(#value_exprs),*]
        }

        fn value_at(&self, index: usize) -> __a::Value {
            match index {
                #(#value_arms)*
                _ => ::core::panic!("column index {} out of range for {}", index, #rust_name),
            }
        }
    }
}

/// The key's values, the auto-increment key and the version counter.
fn key_and_version_methods(model: &ModelDef) -> TokenStream {
    let pk_idx = model.primary_key_fields();
    let key_fields: Vec<_> = pk_idx.iter().map(|i| &model.fields[*i].ident).collect();
    let (auto_unset, set_auto) = match model.auto_increment_field() {
        Some(i) => {
            let f = &model.fields[i].ident;
            let ty = unwrap_option(&model.fields[i].ty).inner;
            (quote! { self.#f == 0 }, quote! { self.#f = id as #ty; })
        }
        None => (quote! { false }, quote! { let _ = id; }),
    };
    let (get_version, set_version) = match model.version_field() {
        Some(i) => {
            let f = &model.fields[i].ident;
            let ty = &model.fields[i].ty;
            (
                quote! { ::core::option::Option::Some(self.#f as i64) },
                quote! { self.#f = v as #ty; },
            )
        }
        None => (
            quote! { ::core::option::Option::None },
            quote! { let _ = v; },
        ),
    };
    quote! {
        fn key_values(&self) -> ::std::vec::Vec<__a::Value> {
            ::std::vec![#(__a::DbType::to_value(&self.#key_fields)),*]
        }

        fn auto_key_unset(&self) -> bool {
            #auto_unset
        }

        fn set_auto_key(&mut self, id: i64) {
            #set_auto
        }

        fn version(&self) -> ::core::option::Option<i64> {
            #get_version
        }

        fn set_version(&mut self, v: i64) {
            #set_version
        }
    }
}

/// One typed column constant per field: `User::email`.
fn column_consts(model: &ModelDef, col_names: &[&str]) -> TokenStream {
    let ident = &model.ident;
    let table_name = &model.table.name;
    let field_idents: Vec<_> = model.fields.iter().map(|f| &f.ident).collect();
    let field_tys: Vec<_> = model.fields.iter().map(|f| &f.ty).collect();
    let idx: Vec<usize> = (0..model.fields.len()).collect();
    quote! {
        #[allow(non_upper_case_globals, dead_code)]
        impl #ident {
            #(
                #[doc = concat!("The `", #col_names, "` column of `", #table_name, "`.")]
                pub const #field_idents: __a::Col<#ident, #field_tys> = __a::Col::new(#table_name, #col_names, #idx);
            )*
        }
    }
}

/// `decode_pg`, `decode_mysql` and `decode_sqlite`, each kept only when the
/// runtime has the backend's feature.
fn decoders(model: &ModelDef, col_names: &[&str], rust_name: &str) -> Vec<TokenStream> {
    let skipped = &model.skipped;
    [
        (
            format_ident!("decode_pg"),
            quote!(__a::PgRow),
            quote!(__a::__alembix_postgres),
        ),
        (
            format_ident!("decode_mysql"),
            quote!(__a::MySqlRow),
            quote!(__a::__alembix_mysql),
        ),
        (
            format_ident!("decode_sqlite"),
            quote!(__a::SqliteRow),
            quote!(__a::__alembix_sqlite),
        ),
    ]
    .into_iter()
    .map(|(method, row_ty, if_enabled)| {
        let gets = model.fields.iter().enumerate().map(|(i, f)| {
            let fid = &f.ident;
            let ty = &f.ty;
            let col = &col_names[i];
            quote_spanned! {ty.span()=>
                #fid: <#ty as __a::DbType>::#method(row, base + #i)
                    .map_err(|e| __a::Error::decode(#rust_name, #col, e))?
            }
        });
        quote! {
            #if_enabled! {
                fn #method(row: &#row_ty, base: usize) -> ::core::result::Result<Self, __a::Error> {
                    ::core::result::Result::Ok(Self {
                        #(#gets,)*
                        #(#skipped: ::core::default::Default::default(),)*
                    })
                }
            }
        }
    })
    .chain(std::iter::once(pg_array_binder(model)))
    .collect()
}

/// `bind_pg_column`: each column of the rows bound as one PostgreSQL array
/// borrowed from the fields (`insert_many`).
fn pg_array_binder(model: &ModelDef) -> TokenStream {
    let arms = model.fields.iter().enumerate().map(|(i, f)| {
        let fid = &f.ident;
        let ty = &f.ty;
        quote_spanned! {ty.span()=>
            #i => <#ty as __a::DbType>::bind_pg_array(rows.iter().map(|r| &r.#fid), args),
        }
    });
    quote! {
        __a::__alembix_postgres! {
            fn bind_pg_column(
                rows: &[&Self],
                index: usize,
                args: &mut __a::PgArguments,
            ) -> ::core::option::Option<&'static str> {
                match index {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

/// The table as JSON, embedded in the generated code and read once at run time.
fn serialize_table(table: &alembix_schema::Table) -> String {
    serde_json::to_string(table).expect("a table always serialises")
}

/// Expands `#[derive(DbEnum)]`.
pub fn expand_db_enum(input: &syn::DeriveInput) -> Result<TokenStream, syn::Error> {
    let def = parse_db_enum(input)?;
    Ok(generate_db_enum(&def))
}

fn generate_db_enum(def: &EnumDef) -> TokenStream {
    let ident = &def.ident;
    let name = &def.name;
    let variants: Vec<_> = def.variants.iter().map(|(v, _)| v).collect();
    let labels: Vec<_> = def.variants.iter().map(|(_, l)| l.as_str()).collect();
    let rust_name = ident.to_string();
    quote! {
        const _: () = {
            use ::alembix::__private as __a;

            impl __a::DbEnum for #ident {
                const NAME: &'static str = #name;
                const LABELS: &'static [&'static str] = &[#(#labels),*];

                fn label(&self) -> &'static str {
                    match self {
                        #(Self::#variants => #labels,)*
                    }
                }

                fn from_label(label: &str) -> ::core::option::Option<Self> {
                    match label {
                        #(#labels => ::core::option::Option::Some(Self::#variants),)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            impl __a::DbType for #ident {
                fn to_value(&self) -> __a::Value {
                    __a::enum_value::<Self>(::core::option::Option::Some(self))
                }
                fn null_value() -> __a::Value {
                    __a::enum_value::<Self>(::core::option::Option::None)
                }
                __a::__alembix_postgres! {
                    fn decode_pg(row: &__a::PgRow, index: usize) -> ::core::result::Result<Self, __a::DecodeError> {
                        __a::decode_enum_pg::<Self>(row, index, #rust_name)
                    }
                }
                __a::__alembix_mysql! {
                    fn decode_mysql(row: &__a::MySqlRow, index: usize) -> ::core::result::Result<Self, __a::DecodeError> {
                        __a::decode_enum_mysql::<Self>(row, index, #rust_name)
                    }
                }
                __a::__alembix_sqlite! {
                    fn decode_sqlite(row: &__a::SqliteRow, index: usize) -> ::core::result::Result<Self, __a::DecodeError> {
                        __a::decode_enum_sqlite::<Self>(row, index, #rust_name)
                    }
                }
            }
        };
    }
}
