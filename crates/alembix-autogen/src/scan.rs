//! The model scanner: the Rust files matched by the `models` globs, read
//! with syn, every `#[derive(Model)]` struct and `#[derive(DbEnum)]` enum
//! turned into tables with the very functions the derive macro uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use alembix_macros_core::{EnumDef, ModelDef, parse_db_enum, parse_model, parse_sql_objects};
use alembix_schema::{ColumnType, Schema, SqlObject};

use crate::error::{Error, Result};

/// Where a scanned item came from.
#[derive(Debug, Clone)]
struct Found<T> {
    item: T,
    file: PathBuf,
    line: usize,
    /// Each named field with the line it is declared on.
    fields: Vec<(String, usize)>,
}

/// Where a model is declared: for messages that point at the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The model's table, as in the scanned schema (without its schema).
    pub table: String,
    /// The model's `schema`, when it names one.
    pub schema: Option<String>,
    /// The file that declares the model.
    pub file: PathBuf,
    /// The line of the struct's name.
    pub line: usize,
    /// Each named field (Rust name) with its line.
    pub fields: Vec<(String, usize)>,
}

impl Site {
    /// `file:line` of the field whose Rust name or column name is
    /// `column`, else of the struct.
    pub fn at(&self, column: Option<&str>) -> String {
        let line = column
            .and_then(|c| self.fields.iter().find(|(f, _)| f == c))
            .map_or(self.line, |(_, l)| *l);
        format!("{}:{line}", self.file.display())
    }

    /// Whether an op's table name (`schema.table` outside PostgreSQL's
    /// default schema) names this model.
    pub fn names(&self, table: &str) -> bool {
        match (table.split_once('.'), &self.schema) {
            (Some((s, t)), Some(schema)) => s == schema && t == self.table,
            _ => table == self.table,
        }
    }
}

fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            })
            .unwrap_or(false)
    })
}

fn error_at(file: &Path, e: &syn::Error) -> Error {
    let start = e.span().start();
    Error::Scan(format!(
        "{}:{}:{}: {e}",
        file.display(),
        start.line,
        start.column + 1
    ))
}

/// What the scanned files declare.
#[derive(Default)]
struct Declared {
    models: Vec<Found<ModelDef>>,
    enums: Vec<Found<EnumDef>>,
    /// `sql_objects!` objects with the file and line of each.
    objects: Vec<(SqlObject, PathBuf, usize)>,
}

/// Whether a macro call is `sql_objects!` (by its last path segment).
fn is_sql_objects(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "sql_objects")
}

/// Turns the items of one file into models, enums and declared objects.
/// The items are taken by value: each struct becomes the derive's input
/// without a copy.
fn collect(items: Vec<syn::Item>, file: &Path, found: &mut Declared) -> Result<()> {
    for item in items {
        match item {
            syn::Item::Macro(m) if is_sql_objects(&m.mac) => {
                let line = m
                    .mac
                    .path
                    .segments
                    .last()
                    .map_or(0, |s| s.ident.span().start().line);
                let parsed = parse_sql_objects(m.mac.tokens).map_err(|e| error_at(file, &e))?;
                found
                    .objects
                    .extend(parsed.into_iter().map(|o| (o, file.to_path_buf(), line)));
            }
            syn::Item::Struct(s) if derives(&s.attrs, "Model") => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref())
                    .map(|i| (i.to_string(), i.span().start().line))
                    .collect();
                let line = s.ident.span().start().line;
                let input: syn::DeriveInput = s.into();
                let def = parse_model(&input).map_err(|e| error_at(file, &e))?;
                found.models.push(Found {
                    item: def,
                    file: file.to_path_buf(),
                    line,
                    fields,
                });
            }
            syn::Item::Enum(en) if derives(&en.attrs, "DbEnum") => {
                let line = en.ident.span().start().line;
                let input: syn::DeriveInput = en.into();
                let def = parse_db_enum(&input).map_err(|e| error_at(file, &e))?;
                found.enums.push(Found {
                    item: def,
                    file: file.to_path_buf(),
                    line,
                    fields: Vec::new(),
                });
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content {
                    collect(inner, file, found)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The files the globs match under `root`, sorted.
pub fn model_files(root: &Path, globs: &[String]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for g in globs {
        let pattern = root.join(g);
        let pattern = pattern.to_string_lossy();
        let paths = glob::glob(&pattern)
            .map_err(|e| Error::Usage(format!("bad glob `{g}` in `models`: {e}")))?;
        for p in paths {
            let p = p.map_err(|e| Error::Usage(format!("cannot read {}", e.path().display())))?;
            if p.is_file() && !files.contains(&p) {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Scans the files matched by `globs` (relative to `root`) into the target schema.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir(dir.path().join("src")).unwrap();
/// std::fs::write(dir.path().join("src/models.rs"), r#"
///     #[derive(alembix::Model)]
///     #[model(table = "notes")]
///     struct Note { id: i64, #[column(max_length = 80)] title: String }
/// "#).unwrap();
/// let schema = alembix_autogen::scan::scan(dir.path(), &["src/**/*.rs".into()]).unwrap();
/// assert_eq!(schema.tables[0].name, "notes");
/// assert_eq!(schema.tables[0].columns.len(), 2);
/// ```
pub fn scan(root: &Path, globs: &[String]) -> Result<Schema> {
    Ok(scan_with_sites(root, globs)?.0)
}

/// [`scan`], with where each model is declared (in the schema's table order).
pub fn scan_with_sites(root: &Path, globs: &[String]) -> Result<(Schema, Vec<Site>)> {
    let files = model_files(root, globs)?;
    let mut found = Declared::default();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Scan(format!("{}: {e}", file.display())))?;
        let parsed = syn::parse_file(&text).map_err(|e| error_at(file, &e))?;
        collect(parsed.items, file, &mut found)?;
    }
    let Declared {
        models,
        enums,
        objects,
    } = found;
    let mut schema = Schema::default();
    let mut sites = Vec::new();
    // (table, schema) → its index: a duplicate is found without a walk.
    let mut declared: HashMap<(String, Option<String>), usize> = HashMap::new();
    for m in &models {
        let table = m
            .item
            .resolve_table(|path| {
                let name = path.segments.last()?.ident.to_string();
                let hits: Vec<&Found<EnumDef>> =
                    enums.iter().filter(|e| e.item.ident == name).collect();
                (hits.len() == 1).then(|| hits[0].item.enum_type())
            })
            .map_err(|e| {
                let ambiguous = enums
                    .iter()
                    .filter(|x| e.to_string().contains(&format!("`{}`", x.item.ident)))
                    .count()
                    > 1;
                let mut err = error_at(&m.file, &e);
                if ambiguous && let Error::Scan(msg) = &mut err {
                    msg.push_str(
                        " (several DbEnum types have this name in the scanned files; rename one)",
                    );
                }
                err
            })?;
        let key = (table.name.clone(), table.schema.clone());
        if let Some(&other) = declared.get(&key) {
            let o = &models[other];
            return Err(Error::Scan(format!(
                "table `{}` is declared twice: by {} ({}:{}) and by {} ({}:{})",
                table.name,
                o.item.ident,
                o.file.display(),
                o.line,
                m.item.ident,
                m.file.display(),
                m.line
            )));
        }
        declared.insert(key, schema.tables.len());
        sites.push(Site {
            table: table.name.clone(),
            schema: table.schema.clone(),
            file: m.file.clone(),
            line: m.line,
            fields: m.fields.clone(),
        });
        schema.tables.push(table);
    }
    // Named enum types used by the columns (PostgreSQL creates them).
    let mut enums = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            if let ColumnType::Enum { name, values } = &c.ty
                && !enums
                    .iter()
                    .any(|e: &alembix_schema::EnumType| &e.name == name)
            {
                enums.push(alembix_schema::EnumType {
                    name: name.clone(),
                    values: values.clone(),
                });
            }
        }
    }
    schema.enums = enums;
    schema.objects = unique_objects(objects)?;
    Ok((schema, sites))
}

/// The declared objects, each (kind, name, backend) once across the files.
fn unique_objects(objects: Vec<(SqlObject, PathBuf, usize)>) -> Result<Vec<SqlObject>> {
    for (i, (o, file, line)) in objects.iter().enumerate() {
        if let Some((_, f2, l2)) = objects[..i]
            .iter()
            .find(|(x, _, _)| x.kind == o.kind && x.name == o.name && x.backend == o.backend)
        {
            return Err(Error::Scan(format!(
                "{} \"{}\" is declared twice: at {}:{l2} and at {}:{line}",
                o.kind,
                o.name,
                f2.display(),
                file.display()
            )));
        }
    }
    Ok(objects.into_iter().map(|(o, _, _)| o).collect())
}
