//! The rule for names that reach the database: at most
//! [`MAX_NAME_LEN`] bytes, the smallest limit of the supported backends.
//! PostgreSQL would cut a longer name short without a word, and the next
//! comparison would see a different table; so a longer name is an error
//! where it is given, never a truncation.
//!
//! Names the derive makes itself (`pk_<table>`, `ix_<table>_<cols>`, ...)
//! are cut and hashed by [`alembix_schema::naming`] and need no check.

use alembix_schema::naming::MAX_NAME_LEN;

/// The error message for `name` when it is too long, else `None`: `what`
/// says which name it is (`table name`), `fix` what to do instead.
pub(crate) fn too_long(what: &str, name: &str, fix: &str) -> Option<String> {
    (name.len() > MAX_NAME_LEN).then(|| {
        format!(
            "{what} `{name}` is {} bytes long; a name may have at most {MAX_NAME_LEN} bytes \
             (the PostgreSQL limit, the smallest of the supported backends); {fix}",
            name.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::too_long;

    #[test]
    fn counts_bytes_not_characters() {
        assert!(too_long("table name", &"a".repeat(63), "x").is_none());
        let long = too_long("table name", &"a".repeat(64), "give a shorter `table`").unwrap();
        assert!(long.contains("64 bytes long"), "{long}");
        assert!(long.contains("at most 63 bytes"), "{long}");
        assert!(long.ends_with("give a shorter `table`"), "{long}");
        // 32 two-byte letters: 32 characters, 64 bytes.
        assert!(too_long("column name", &"é".repeat(32), "x").is_some());
        assert!(too_long("column name", &"é".repeat(31), "x").is_none());
    }

    /// The messages of a model's errors, in report order.
    fn messages(input: syn::DeriveInput) -> Vec<String> {
        match crate::parse_model(&input) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn every_written_name_is_held_to_the_limit() {
        let long = "n".repeat(64);
        let errors = messages(syn::parse_quote! {
            #[model(table = #long)]
            #[model(schema = #long)]
            #[model(index(name = #long, columns = "a"))]
            #[model(unique(name = #long, columns = "a"))]
            #[model(check(name = #long, expr = "a > 0"))]
            struct M {
                id: i64,
                #[column(name = #long)]
                a: i64,
                #[column(references = "users.id")]
                b: i64,
            }
        });
        let expected = [
            "table name",
            "schema name",
            "index name",
            "unique constraint name",
            "check constraint name",
            "column name",
        ];
        assert_eq!(errors.len(), expected.len(), "{errors:#?}");
        for (e, what) in errors.iter().zip(expected) {
            assert!(
                e.starts_with(&format!("{what} `{long}` is 64 bytes long")),
                "{e}"
            );
            assert!(e.contains("at most 63 bytes"), "{e}");
            assert!(e.contains("give a shorter"), "{e}");
        }
        let reference = format!("{long}.id");
        let errors = messages(syn::parse_quote! {
            struct M { id: i64, #[column(references = #reference)] b: i64 }
        });
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with("referenced table name"),
            "{errors:#?}"
        );
    }

    #[test]
    fn names_from_rust_names_are_held_to_the_limit() {
        let ident = syn::Ident::new(&"A".repeat(64), proc_macro2::Span::call_site());
        let field = syn::Ident::new(&"f".repeat(64), proc_macro2::Span::call_site());
        let errors = messages(syn::parse_quote! { struct #ident { id: i64, #field: i64 } });
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(
            errors[0].starts_with("table name (from the struct name)"),
            "{errors:#?}"
        );
        assert!(errors[0].ends_with("give a shorter #[model(table = \"...\")]"));
        assert!(
            errors[1].starts_with("column name (from the field name)"),
            "{errors:#?}"
        );
        // A written name in its place is all it takes.
        let ok = messages(syn::parse_quote! {
            #[model(table = "t")]
            struct #ident { id: i64, #[column(name = "f")] #field: i64 }
        });
        assert!(ok.is_empty(), "{ok:#?}");
    }

    #[test]
    fn a_name_of_63_bytes_is_accepted_and_derived_names_are_cut() {
        let table = format!("{}é", "t".repeat(61));
        let column = "c".repeat(63);
        let reference = format!("{table}.id");
        let (by_id, by_column) = (format!("id, {column}"), format!("{column}, id"));
        let model = crate::parse_model(&syn::parse_quote! {
            #[model(table = #table)]
            #[model(index(columns = #by_id), unique(columns = #by_column))]
            #[model(check(expr = "parent > 0 AND id > 0"))]
            struct M {
                id: i64,
                #[column(name = #column, index, unique, references = #reference)]
                parent: i64,
            }
        })
        .unwrap();
        let t = &model.table;
        assert_eq!(t.name.len(), 63);
        let mut names = vec![t.primary_key.as_ref().unwrap().name.clone()];
        names.extend(t.indexes.iter().map(|i| i.name.clone()));
        names.extend(t.uniques.iter().map(|u| u.name.clone()));
        names.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
        names.extend(t.checks.iter().map(|c| c.name.clone()));
        assert_eq!(names.len(), 7);
        for n in &names {
            assert!(n.len() <= 63, "{n}: {} bytes", n.len());
        }
        let distinct: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:#?}");
    }

    #[test]
    fn an_enum_type_name_is_held_to_the_limit() {
        let long = "e".repeat(64);
        let err = crate::parse_db_enum(&syn::parse_quote! {
            #[db_enum(name = #long)]
            enum Mood { Happy }
        })
        .unwrap_err();
        assert!(err.to_string().starts_with("enum type name `"), "{err}");
        let ident = syn::Ident::new(&"E".repeat(64), proc_macro2::Span::call_site());
        let err = crate::parse_db_enum(&syn::parse_quote! { enum #ident { Happy } }).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("enum type name (from the enum name)"),
            "{err}"
        );
        let ok = crate::parse_db_enum(&syn::parse_quote! {
            #[db_enum(name = "mood")]
            enum #ident { Happy }
        });
        assert!(ok.is_ok());
    }
}
