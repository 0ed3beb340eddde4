//! `alembix models generate`: Rust source with one `#[derive(Model)]`
//! struct per table and one `#[derive(DbEnum)]` per enum, from a schema
//! read by the same introspection autogen uses, such that `alembix diff`
//! with the output as the models finds nothing.
//!
//! The pieces: `idents` turns database names into Rust names, `types`
//! maps column types, `model` writes a table's struct (one small function
//! per kind of key or constraint), `enums` the enums, `relations` the
//! relation helpers, `extras` the schema's other objects; this module
//! chooses the names and lays the items out in one file or a module tree,
//! formatted with `prettyplease`.
//!
//! ```
//! use alembix_autogen::codegen::{CodegenOptions, generate};
//! use alembix_schema::{Column, ColumnType, Dialect, Schema, Table};
//! let schema = Schema {
//!     tables: vec![Table::new("users")
//!         .column(Column::new("id", ColumnType::BigInt).auto_increment())
//!         .column(Column::new("email", ColumnType::Varchar(Some(255))))
//!         .primary_key(&["id"])],
//!     ..Default::default()
//! };
//! let out = generate(&schema, &CodegenOptions::new(Dialect::Postgres)).unwrap();
//! let source = out.single_file();
//! assert!(source.contains("pub struct Users {"));
//! assert!(source.contains("#[column(max_length = 255)]"));
//! ```

mod enums;
mod extras;
mod idents;
mod model;
mod relations;
mod select;
mod types;

use std::collections::HashMap;
use std::path::PathBuf;

use alembix_schema::{Column, ColumnType, Dialect, Schema, Table};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use enums::EnumCode;
use idents::Taken;

pub use select::{TableFilter, select_tables};

/// What to generate.
#[derive(Debug, Clone)]
pub struct CodegenOptions {
    /// The backend the schema was read from.
    pub dialect: Dialect,
    /// Emit relation helpers (`parent_x()`, `children_y()`) along foreign keys.
    pub with_relations: bool,
}

impl CodegenOptions {
    /// No relation helpers.
    pub fn new(dialect: Dialect) -> Self {
        CodegenOptions {
            dialect,
            with_relations: false,
        }
    }
}

/// Why nothing could be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// No table is left to generate.
    #[error("{0}")]
    NoTables(String),
    /// A `--tables`/`--exclude` pattern is not a glob.
    #[error("bad table pattern `{pattern}`: {why}; use `*` and `?` (e.g. `audit_*`)")]
    BadGlob { pattern: String, why: String },
}

/// One generated source file.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// The module's file name (`users.rs`, `mod.rs`) in directory layout.
    pub path: PathBuf,
    /// The formatted source.
    pub source: String,
}

/// The generated models.
#[derive(Debug, Clone)]
pub struct Generated {
    tables: Vec<(String, TokenStream, Vec<Ident>, Ident)>,
    enums: Vec<TokenStream>,
    enum_idents: Vec<Ident>,
    /// Source text placed after the items as written (a macro block keeps
    /// its own layout, which `prettyplease` would reflow).
    extras: Vec<String>,
    /// What could not be expressed (a second auto-increment column of a
    /// table), one line each.
    pub warnings: Vec<String>,
}

/// The names chosen for the schema's structs and enums.
pub struct Cx<'a> {
    /// The backend.
    pub dialect: Dialect,
    /// Table name (as introspected) -> struct name.
    pub structs: HashMap<String, Ident>,
    enums: HashMap<String, Ident>,
    fn_words: HashMap<String, String>,
    _schema: &'a Schema,
}

impl Cx<'_> {
    /// The struct of table `name` (chosen for every generated table).
    pub fn struct_ident(&self, name: &str) -> &Ident {
        &self.structs[name]
    }

    /// The enum type of column `c` of `t`, if it is an enum column.
    pub fn enum_ident(&self, t: &Table, c: &Column) -> Option<&Ident> {
        match &c.ty {
            ColumnType::Enum { name, .. } => self.enums.get(&enum_key(t, c, name)),
            _ => None,
        }
    }

    /// The snake-case word for a table in function names.
    pub fn fn_word(&self, table: &str) -> &str {
        &self.fn_words[table]
    }
}

/// PostgreSQL enums by type name; elsewhere by `table.column`.
fn enum_key(t: &Table, c: &Column, name: &str) -> String {
    if name.is_empty() {
        format!("{}\u{0}{}", t.name, c.name)
    } else {
        name.to_string()
    }
}

/// Generates the models of every table of `schema` (a table without a
/// primary key as a `#[model(no_primary_key)]` model).
pub fn generate(schema: &Schema, opts: &CodegenOptions) -> Result<Generated, CodegenError> {
    let mut warnings = Vec::new();
    let tables: Vec<&Table> = schema.tables.iter().collect();
    if tables.is_empty() {
        return Err(CodegenError::NoTables(
            "the database holds no table: nothing to generate".into(),
        ));
    }
    let (cx, enum_codes) = names(schema, &tables, opts.dialect);
    for t in &tables {
        warnings.extend(unexpressed(t));
    }
    let mut out = Generated {
        tables: Vec::new(),
        enums: enum_codes.iter().map(enums::enum_item).collect(),
        enum_idents: enum_codes.into_iter().map(|e| e.ident).collect(),
        extras: extras::extra_items(&cx, schema),
        warnings,
    };
    for t in tables {
        let code = model::table_code(&cx, t);
        let (mut items, mut uses) = (vec![code.item], code.uses);
        if opts.with_relations {
            let (rel, rel_uses) = relations::relation_items(&cx, t);
            items.extend(rel);
            uses.extend(rel_uses);
        }
        let ident = cx.struct_ident(&t.name).clone();
        out.tables.push((
            cx.fn_word(&t.name).to_string(),
            quote!(#(#items)*),
            uses,
            ident,
        ));
    }
    Ok(out)
}

/// What a model cannot say about `t`: a second auto-increment column (a
/// model has at most one).
fn unexpressed(t: &Table) -> Vec<String> {
    let kept = model::kept_auto_increment(t);
    t.columns
        .iter()
        .filter(|c| c.auto_increment && Some(c.name.as_str()) != kept)
        .map(|c| format!("column `{}`.`{}` is a second auto-increment column, and a model declares at most one: `diff` will report it", t.name, c.name))
        .collect()
}

/// Chooses the struct, enum and module names.
fn names<'a>(schema: &'a Schema, tables: &[&Table], d: Dialect) -> (Cx<'a>, Vec<EnumCode>) {
    let mut types = Taken::default();
    let mut words = Taken::default();
    // The generated source names these bare or as crates.
    for reserved in ["String", "Option", "Vec", "Model", "DbEnum", "Default"] {
        types.reserve(reserved);
    }
    for reserved in [
        "mod",
        "enums",
        "alembix",
        "chrono",
        "uuid",
        "serde_json",
        "rust_decimal",
        "std",
        "core",
    ] {
        words.reserve(reserved);
    }
    let mut cx = Cx {
        dialect: d,
        structs: HashMap::new(),
        enums: HashMap::new(),
        fn_words: HashMap::new(),
        _schema: schema,
    };
    for t in tables {
        let bare = model::split_name(&t.name).1;
        let ident = idents::ident(&types.unique(&idents::camel(bare, "Table")));
        cx.structs.insert(t.name.clone(), ident);
        let word = words.unique(&idents::snake(&t.name, "table"));
        cx.fn_words.insert(t.name.clone(), word);
    }
    let mut codes = Vec::new();
    let mut add = |key: String, name: String, values: Vec<String>, cx: &mut Cx<'_>| {
        if cx.enums.contains_key(&key) {
            return;
        }
        let ident = idents::ident(&types.unique(&idents::camel(&name, "Enum")));
        cx.enums.insert(key, ident.clone());
        codes.push(EnumCode {
            name,
            values,
            ident,
        });
    };
    for e in &schema.enums {
        add(e.name.clone(), e.name.clone(), e.values.clone(), &mut cx);
    }
    for t in tables {
        for c in &t.columns {
            if let ColumnType::Enum { name, values } = &c.ty
                && name.is_empty()
            {
                let bare = model::split_name(&t.name).1;
                let db_name = format!("{bare}_{}", c.name);
                add(enum_key(t, c, name), db_name, values.clone(), &mut cx);
            }
        }
    }
    (cx, codes)
}

const HEADER: &str = " Models generated by `alembix models generate` from the live database.\n Review them: names, Rust types and the relations are yours to adjust.";

impl Generated {
    /// Everything in one file.
    pub fn single_file(&self) -> String {
        let tables = self.tables.iter().map(|(_, item, _, _)| item);
        let enums = &self.enums;
        with_extras(format(quote!(#(#enums)* #(#tables)*)), &self.extras)
    }

    /// A module per table, `enums.rs` when there are enums, and `mod.rs`
    /// declaring them and re-exporting their types.
    pub fn directory(&self) -> Vec<GeneratedFile> {
        let mut files = Vec::new();
        let mut decls = Vec::new();
        if !self.enums.is_empty() {
            let enums = &self.enums;
            files.push(file("enums.rs", quote!(#(#enums)*)));
            let idents = &self.enum_idents;
            decls.push(quote!(mod enums; pub use enums::{#(#idents),*};));
        }
        for (word, item, uses, ident) in &self.tables {
            let mut uses: Vec<&Ident> = uses.iter().filter(|u| *u != ident).collect();
            uses.sort_by_key(|u| u.to_string());
            uses.dedup();
            let imports = (!uses.is_empty()).then(|| quote!(use super::{#(#uses),*};));
            files.push(file(&format!("{word}.rs"), quote!(#imports #item)));
            let module = idents::ident(word);
            decls.push(quote!(mod #module; pub use #module::#ident;));
        }
        let mut module = file("mod.rs", quote!(#(#decls)*));
        module.source = with_extras(module.source, &self.extras);
        files.push(module);
        files
    }
}

/// `source` with each extra block after it, a blank line between.
fn with_extras(mut source: String, extras: &[String]) -> String {
    for extra in extras {
        source.push('\n');
        source.push_str(extra.trim_end());
        source.push('\n');
    }
    source
}

fn file(name: &str, tokens: TokenStream) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(name),
        source: format(tokens),
    }
}

/// The items as formatted source, under the header.
fn format(items: TokenStream) -> String {
    let header = HEADER.lines().map(|l| quote!(#![doc = #l]));
    let tokens = quote!(#(#header)* #items);
    let file: syn::File = syn::parse2(tokens).expect("generated items are valid Rust");
    spaced(&prettyplease::unparse(&file))
}

/// A blank line after the header and between top-level items, which
/// `prettyplease` leaves out (and `rustfmt` keeps).
fn spaced(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut prev = "";
    for line in source.lines() {
        let top = !line.starts_with(' ') && !line.is_empty();
        let ends_item = prev == "}" || prev.starts_with("//!") || prev.ends_with(';');
        let prev_top = !prev.starts_with(' ') && !prev.is_empty();
        if top && prev_top && ends_item && !line.starts_with("//!") && !same_group(prev, line) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = line;
    }
    out
}

/// Consecutive `mod`/`use` lines stay together.
fn same_group(prev: &str, line: &str) -> bool {
    let group =
        |l: &str| l.starts_with("mod ") || l.starts_with("pub use ") || l.starts_with("use ");
    group(prev) && group(line)
}
