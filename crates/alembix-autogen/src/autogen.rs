//! The whole comparison (introspect, normalise, diff) and the rendering of
//! its ops into a revision's upgrade and downgrade sections.

mod sections;

use alembix_migrate::Database;
use alembix_schema::{Dialect, Op, Schema, SqlObject};

use crate::diff::{Diff, DiffOptions, diff};
use crate::error::{Error, Result};
use crate::introspect::{DEFAULT_PG_SCHEMA, IntrospectOptions, introspect, qualified};
use crate::normalize::normalized_target;

pub use sections::{Sections, render_sections, render_sections_with};

/// Compares the database with the models.
///
/// On PostgreSQL the schemas read are `opts.schemas` (default `public`) and
/// every schema a model names; tables outside `public` are compared, and
/// named in ops, as `schema.table`. A schema that does not exist is an error
/// (autogenerate does not create schemas). MySQL/MariaDB and SQLite have no
/// schemas: a model that names one is an error there.
///
/// ```no_run
/// # async fn run() -> alembix_autogen::Result<()> {
/// use alembix_autogen::{autogen::compare, diff::DiffOptions};
/// let db = alembix_migrate::Database::connect("sqlite://app.db").await?;
/// let models = alembix_autogen::scan::scan(".".as_ref(), &["src/**/*.rs".into()])?;
/// let opts = DiffOptions::default();
/// let d = compare(&db, &models, "alembix_version", "alembix_log", &opts).await?;
/// for op in &d.ops {
///     println!("{}", alembix_autogen::autogen::describe(op));
/// }
/// # Ok(())
/// # }
/// ```
pub async fn compare(
    db: &Database,
    models: &Schema,
    version_table: &str,
    log_table: &str,
    opts: &DiffOptions,
) -> Result<Diff> {
    let tables = Tables {
        version: version_table,
        log: log_table,
    };
    let models = async { Ok((models, ())) };
    Ok(compare_with(db, models, tables, opts).await?.0)
}

/// [`compare`] with the models still to be read: `scan` (parsing the model
/// sources, CPU work) runs on a blocking thread while the database's own
/// schema is read, instead of before. Its second value (the scanner's
/// sites, say) is handed back with the models. An error of `scan` comes
/// before an error of reading the database.
///
/// ```no_run
/// # async fn run() -> alembix_autogen::Result<()> {
/// use alembix_autogen::{autogen::compare_scanning, diff::DiffOptions, scan::scan};
/// let db = alembix_migrate::Database::connect("sqlite://app.db").await?;
/// let read = || Ok((scan(".".as_ref(), &["src/**/*.rs".into()])?, ()));
/// let opts = DiffOptions::default();
/// let (d, models, ()) =
///     compare_scanning(&db, read, "alembix_version", "alembix_log", &opts).await?;
/// println!("{} models, {} ops", models.tables.len(), d.ops.len());
/// # Ok(())
/// # }
/// ```
pub async fn compare_scanning<T: Send + 'static>(
    db: &Database,
    scan: impl FnOnce() -> Result<(Schema, T)> + Send + 'static,
    version_table: &str,
    log_table: &str,
    opts: &DiffOptions,
) -> Result<(Diff, Schema, T)> {
    let tables = Tables {
        version: version_table,
        log: log_table,
    };
    let models = async {
        match tokio::task::spawn_blocking(scan).await {
            Ok(scanned) => scanned,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::Scan(format!("the model scan did not finish: {e}"))),
        }
    };
    compare_with(db, models, tables, opts).await
}

/// The version and log tables, never compared.
#[derive(Clone, Copy)]
struct Tables<'a> {
    version: &'a str,
    log: &'a str,
}

/// Reads the database while `models` are made, then normalises them and
/// compares. The schemas read are the configured ones; on PostgreSQL, when
/// the models name another schema, the database is read again with it
/// (the models are not known when the first read starts).
async fn compare_with<M: std::borrow::Borrow<Schema>, T>(
    db: &Database,
    models: impl Future<Output = Result<(M, T)>>,
    tables: Tables<'_>,
    opts: &DiffOptions,
) -> Result<(Diff, M, T)> {
    let dialect = db.dialect();
    if !dialect.caps().has_schemas && opts.schemas.iter().any(|s| s != DEFAULT_PG_SCHEMA) {
        return Err(Error::SchemasUnsupported {
            dialect,
            schemas: opts.schemas.clone(),
        });
    }
    let iopts = IntrospectOptions {
        exclude_tables: vec![tables.version.to_string(), tables.log.to_string()],
        schemas: if opts.schemas.is_empty() {
            vec![DEFAULT_PG_SCHEMA.to_string()]
        } else {
            opts.schemas.clone()
        },
    };
    // Two connections at once: the catalog reads of one overlap the scan
    // and the scratch work of the other (each waits on the server most of
    // its time).
    let target = async {
        let (models, extra) = models.await?;
        let (qualified, schemas) = prepare(db, models.borrow(), &iopts.schemas).await?;
        let target = normalized_target(db, &qualified).await?;
        Ok::<_, Error>((models, extra, qualified, schemas, target))
    };
    let (current, target) = tokio::join!(introspect(db, &iopts), target);
    let (models, extra, qualified, schemas, target) = target?;
    let current = if schemas == iopts.schemas {
        current?
    } else {
        let iopts = IntrospectOptions { schemas, ..iopts };
        introspect(db, &iopts).await?
    };
    let mut opts = opts.clone();
    opts.exclude_tables.push(tables.version.to_string());
    opts.exclude_tables.push(tables.log.to_string());
    let d = diff(&current, &target, &qualified, dialect, &opts);
    Ok((d, models, extra))
}

/// The models as compared (see [`qualify_models`]) and the schemas to read:
/// `configured` and every schema a model names, each of which must exist.
async fn prepare(
    db: &Database,
    models: &Schema,
    configured: &[String],
) -> Result<(Schema, Vec<String>)> {
    let dialect = db.dialect();
    crate::names::check_name_lengths(models, dialect)?;
    let models = qualify_models(models, dialect)?;
    let mut schemas = configured.to_vec();
    for t in &models.tables {
        if let Some((s, _)) = t.name.split_once('.')
            && !schemas.iter().any(|x| x == s)
        {
            schemas.push(s.to_string());
        }
    }
    if let Some(missing) = crate::introspect::missing_schema(db, &schemas).await? {
        let named_by = models
            .tables
            .iter()
            .find(|t| t.name.split_once('.').is_some_and(|(s, _)| *s == missing))
            .map(|t| t.name.clone());
        return Err(Error::MissingSchema {
            schema: missing,
            named_by,
            dialect,
        });
    }
    Ok((models, schemas))
}

/// The models as autogen compares them: on PostgreSQL a table in a schema
/// other than `public` becomes `schema.table` (its `renamed_from` names and
/// the foreign keys pointing at it likewise); elsewhere a schema is an error.
fn qualify_models(models: &Schema, dialect: Dialect) -> Result<Schema> {
    let mut out = models.clone();
    out.objects = objects_for(&models.objects, dialect)?;
    for t in &mut out.tables {
        if t.name.contains('.') {
            return Err(Error::DottedTableName {
                table: t.name.clone(),
            });
        }
        let Some(schema) = t.schema.take() else {
            continue;
        };
        if !dialect.caps().has_schemas {
            return Err(Error::ModelSchemaUnsupported {
                table: t.name.clone(),
                schema,
                dialect,
            });
        }
        t.name = qualified(&schema, &t.name);
        for r in &mut t.renamed_from {
            if !r.contains('.') {
                *r = qualified(&schema, r);
            }
        }
    }
    for t in &mut out.tables {
        for f in &mut t.foreign_keys {
            if let Some(schema) = f.ref_schema.take() {
                if !dialect.caps().has_schemas {
                    return Err(Error::ReferenceSchemaUnsupported {
                        table: t.name.clone(),
                        schema,
                        ref_table: f.ref_table.clone(),
                    });
                }
                f.ref_table = qualified(&schema, &f.ref_table);
            }
        }
    }
    Ok(out)
}

/// The declared objects for this backend: those declared for another
/// (`backend = "..."`) left out; one of a kind the backend lacks is an error.
fn objects_for(objects: &[SqlObject], dialect: Dialect) -> Result<Vec<SqlObject>> {
    let mut out = Vec::new();
    for o in objects {
        if o.backend.is_some_and(|b| b != dialect) {
            continue;
        }
        if !dialect.caps().object_kinds.contains(&o.kind) {
            return Err(Error::Usage(format!(
                "{} \"{}\" is declared in `sql_objects!`, but {} has no {}s: give it `backend = \"...\"` naming the backends that have them, or remove it",
                o.kind,
                o.name,
                dialect.caps().title,
                o.kind
            )));
        }
        out.push(SqlObject {
            backend: None,
            ..o.clone()
        });
    }
    Ok(out)
}

/// One line per op, for people.
///
/// ```
/// use alembix_autogen::autogen::describe;
/// use alembix_schema::{Column, ColumnType, Op};
/// let op = Op::AddColumn { table: "users".into(), column: Column::new("age", ColumnType::Integer) };
/// assert_eq!(describe(&op), "add_column table=users column=age");
/// ```
pub fn describe(op: &Op) -> String {
    let v = crate::diff::ops_json(std::slice::from_ref(op));
    let o = &v[0];
    let mut s = o["op"].as_str().unwrap_or_default().to_string();
    for key in ["table", "column", "name", "from"] {
        if let Some(x) = o[key].as_str() {
            s.push_str(&format!(" {key}={x}"));
        }
    }
    if let Some(ch) = o["changes"].as_array() {
        let ch: Vec<&str> = ch.iter().filter_map(|c| c.as_str()).collect();
        s.push_str(&format!(" changes={}", ch.join(",")));
    }
    s
}
