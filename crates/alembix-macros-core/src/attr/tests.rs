use super::{Container, Field};
use crate::ctxt::Ctxt;
use crate::symbol::{self, Symbol};

fn field(attrs: syn::Field) -> (Field, Result<(), syn::Error>) {
    let cx = Ctxt::new();
    let ident = attrs.ident.clone().unwrap();
    let parsed = Field::from_ast(&cx, 0, &ident, &attrs.attrs);
    (parsed, cx.check())
}

fn container(input: syn::DeriveInput) -> (Container, Result<(), syn::Error>) {
    let cx = Ctxt::new();
    let parsed = Container::from_ast(&cx, &input.attrs);
    (parsed, cx.check())
}

/// A value that parses for every key, so only "unknown key" can fail.
fn sample(key: Symbol) -> proc_macro2::TokenStream {
    let k = syn::Ident::new(key.as_str(), proc_macro2::Span::call_site());
    match key.as_str() {
        "max_length" | "precision" | "scale" => quote::quote!(#k = 1),
        "on_delete" | "on_update" => quote::quote!(#k = "cascade"),
        "references" => quote::quote!(#k = "t.c"),
        "primary_key" | "auto_increment" | "unique" | "index" | "version" | "skip" => {
            quote::quote!(#k)
        }
        _ => quote::quote!(#k = "x"),
    }
}

#[test]
fn every_listed_column_key_is_parsed() {
    for key in symbol::COLUMN_KEYS {
        let tokens = sample(*key);
        let (_, res) = field(syn::parse_quote!(#[column(#tokens)] f: i64));
        // `on_delete` alone is refused for want of `references`, not unknown.
        let unknown = res.is_err_and(|e| e.to_string().starts_with("unknown column attribute"));
        assert!(!unknown, "{key}");
    }
}

#[test]
fn every_listed_model_key_is_parsed() {
    let ok: [syn::DeriveInput; 13] = [
        syn::parse_quote!(
            #[model(table = "t")]
            struct S;
        ),
        syn::parse_quote!(
            #[model(schema = "s")]
            struct S;
        ),
        syn::parse_quote!(
            #[model(index(columns = "a"))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(unique(columns = "a"))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(check(expr = "a > 0"))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(foreign_key(
                columns = "a, b",
                ref_table = "t",
                ref_columns = "x, y",
                name = "fk",
                on_delete = "cascade"
            ))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(primary_key(columns = "a"))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(no_primary_key)]
            struct S;
        ),
        syn::parse_quote!(
            #[model(renamed_from = "old")]
            struct S;
        ),
        syn::parse_quote!(
            #[model(comment = "c")]
            struct S;
        ),
        syn::parse_quote!(
            #[model(partition_by = "RANGE (a)")]
            struct S;
        ),
        syn::parse_quote!(
            #[model(partition(name = "s_1", bound = "DEFAULT"))]
            struct S;
        ),
        syn::parse_quote!(
            #[model(partition_monthly(from = "2026-01", to = "2026-02"))]
            struct S;
        ),
    ];
    assert_eq!(ok.len(), symbol::MODEL_KEYS.len());
    for input in ok {
        let (_, res) = container(input);
        assert!(res.is_ok(), "{res:?}");
    }
}

#[test]
fn no_primary_key_takes_no_value() {
    let (attrs, res) = container(syn::parse_quote!(
        #[model(no_primary_key)]
        struct S;
    ));
    assert!(res.is_ok() && attrs.no_primary_key.is_some(), "{res:?}");
    let (_, res) = container(syn::parse_quote!(
        #[model(no_primary_key = true)]
        struct S;
    ));
    let err = res.unwrap_err().to_string();
    assert!(err.contains("`no_primary_key` takes no value"), "{err}");
}

#[test]
fn a_key_twice_in_one_attribute_is_an_error_at_the_second() {
    let (_, res) = field(syn::parse_quote!(#[column(name = "a", name = "b")] f: i64));
    let err = res.unwrap_err();
    assert_eq!(err.to_string(), "duplicate column attribute `name`");
}

#[test]
fn a_later_attribute_overrides_an_earlier_one() {
    let (f, res) = field(
        syn::parse_quote!(#[column(name = "a")] #[column(name = "b", unique = false)] #[column(renamed_from = "x")] f: i64),
    );
    assert!(res.is_ok());
    assert_eq!(f.name.as_deref(), Some("b"));
    assert!(!f.unique);
    assert_eq!(f.renamed_from, ["x"]);
}

#[test]
fn an_empty_primary_key_is_an_error() {
    let (c, res) = container(syn::parse_quote!(
        #[model(primary_key(columns = " , "))]
        struct S;
    ));
    assert!(c.primary_key.is_none());
    assert_eq!(
        res.unwrap_err().to_string(),
        "primary_key needs `columns = \"a, b\"`"
    );
}

#[test]
fn a_skipped_field_has_no_reference_to_check() {
    let (f, res) = field(syn::parse_quote!(#[column(skip, references = "bad")] f: i64));
    assert!(res.is_ok());
    assert!(f.skip && f.references.is_none());
}

#[test]
fn backfill_is_parsed_and_kept_once() {
    let (f, res) = field(syn::parse_quote!(#[column(backfill = "'anon'")] nick: String));
    res.unwrap();
    assert_eq!(f.backfill.as_deref(), Some("'anon'"));
    let (_, res) = field(syn::parse_quote!(#[column(backfill = "1", backfill = "2")] n: i32));
    assert!(res.is_err());
}

#[test]
fn foreign_key_needs_matching_column_lists() {
    let (_, res) = container(syn::parse_quote!(
        #[model(foreign_key(columns = "a, b", ref_table = "t", ref_columns = "x"))]
        struct S;
    ));
    let err = res.unwrap_err().to_string();
    assert!(err.contains("same number of columns"), "{err}");
    let (_, res) = container(syn::parse_quote!(
        #[model(foreign_key(columns = "a", ref_columns = "x"))]
        struct S;
    ));
    let err = res.unwrap_err().to_string();
    assert!(err.contains("needs `columns"), "{err}");
}
