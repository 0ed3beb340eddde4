//! `migrate!("dir")`: the revision files of a directory embedded at compile
//! time, for applications that migrate themselves at start-up.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;
use syn::parse::{Parse, ParseStream};

/// The macro's argument: an optional directory, relative to the crate root.
struct Input {
    dir: Option<LitStr>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(Input { dir: None });
        }
        let dir: LitStr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("expected one string literal: `migrate!(\"migrations\")`"));
        }
        Ok(Input { dir: Some(dir) })
    }
}

/// Expands `migrate!("migrations")` (directory relative to the crate's
/// `CARGO_MANIFEST_DIR`; default `"migrations"`) into an
/// `alembix::migrate::EmbeddedMigrations` holding every `*.sql` file of the
/// directory. Each file is pulled in with `include_str!`, so editing a
/// revision rebuilds the crate; adding or removing a file needs a rebuild
/// trigger (`cargo:rerun-if-changed=migrations` in a build script).
pub fn expand_migrate(input: TokenStream) -> syn::Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let (rel, span) = match &input.dir {
        Some(lit) => (lit.value(), lit.span()),
        None => ("migrations".to_string(), proc_macro2::Span::call_site()),
    };
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| syn::Error::new(span, "CARGO_MANIFEST_DIR is not set; build with cargo"))?;
    let dir = root.join(&rel);
    let files = sql_files(&dir).map_err(|e| {
        syn::Error::new(
            span,
            format!(
                "cannot read the migrations directory {}: {e} (the path is relative to the crate root; create it with `alembix init`)",
                dir.display()
            ),
        )
    })?;
    let entries = files.iter().map(|path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = path.to_string_lossy().into_owned();
        quote! { (#name, ::core::include_str!(#abs)) }
    });
    Ok(quote! {
        ::alembix::migrate::EmbeddedMigrations::new(&[#(#entries),*])
    })
}

/// The revision files of a directory (not recursive), sorted by name: files
/// whose name ends in `.sql` in any case, the rule of
/// `alembix_migrate::script_dir`, which this crate cannot depend on.
fn sql_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_sql = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sql"));
        if path.is_file() && is_sql {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
