//! The whole comparison (introspect, normalise, diff) and the rendering of
//! its ops into a revision's upgrade and downgrade sections.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Op, Schema, render_plan};

use crate::diff::{Diff, DiffOptions, diff};
use crate::error::{Error, Result};
use crate::introspect::{DEFAULT_PG_SCHEMA, IntrospectOptions, introspect, qualified};
use crate::normalize::normalized_target;

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
    let dialect = db.dialect();
    if !dialect.caps().has_schemas && opts.schemas.iter().any(|s| s != DEFAULT_PG_SCHEMA) {
        return Err(Error::SchemasUnsupported {
            dialect,
            schemas: opts.schemas.clone(),
        });
    }
    // Before the database is read: nothing is written for such models.
    crate::names::check_name_lengths(models, dialect)?;
    let models = qualify_models(models, dialect)?;
    let mut schemas: Vec<String> = if opts.schemas.is_empty() {
        vec![DEFAULT_PG_SCHEMA.to_string()]
    } else {
        opts.schemas.clone()
    };
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
    let iopts = IntrospectOptions {
        exclude_tables: vec![version_table.to_string(), log_table.to_string()],
        schemas,
    };
    let current = introspect(db, &iopts).await?;
    let target = normalized_target(db, &models).await?;
    let mut opts = opts.clone();
    opts.exclude_tables.push(version_table.to_string());
    opts.exclude_tables.push(log_table.to_string());
    Ok(diff(&current, &target, &models, dialect, &opts))
}

/// The models as autogen compares them: on PostgreSQL a table in a schema
/// other than `public` becomes `schema.table` (its `renamed_from` names and
/// the foreign keys pointing at it likewise); elsewhere a schema is an error.
fn qualify_models(models: &Schema, dialect: Dialect) -> Result<Schema> {
    let mut out = models.clone();
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

/// A revision's sections.
#[derive(Debug, Clone)]
pub struct Sections {
    /// The upgrade's statements, each ending in `;` on its own line.
    pub upgrade: String,
    /// The downgrade's statements (the ops reversed), likewise.
    pub downgrade: String,
    /// False when the revision holds its own transaction (SQLite rebuilds).
    pub transactional: bool,
}

/// Wraps a SQLite section that rebuilds tables: foreign keys off outside
/// the transaction, the statements in one transaction, foreign keys on.
fn own_transaction(body: &str) -> String {
    format!("PRAGMA foreign_keys = OFF;\nBEGIN;\n{body}COMMIT;\nPRAGMA foreign_keys = ON;\n")
}

/// The upgrade and downgrade sections for the ops: statements ending in
/// `;`, destructive ones preceded by `-- WARNING:` lines.
///
/// ```
/// use alembix_autogen::{autogen::render_sections, diff::{diff, DiffOptions}};
/// use alembix_schema::{Column, ColumnType, Dialect::*, Schema, Table};
/// let models = Schema {
///     tables: vec![Table::new("users").column(Column::new("id", ColumnType::BigInt))],
///     ..Default::default()
/// };
/// let d = diff(&Schema::default(), &models, &models, Postgres, &DiffOptions::default());
/// let s = render_sections(&d, Postgres).unwrap();
/// assert!(s.upgrade.starts_with("CREATE TABLE \"users\""));
/// assert!(s.downgrade.starts_with("-- WARNING: drop_table drops what this revision added\n"));
/// assert!(s.transactional);
/// ```
pub fn render_sections(d: &Diff, dialect: Dialect) -> Result<Sections> {
    let mut up = String::new();
    let up_plan = render_plan(&d.ops, &d.current, dialect)?;
    for (i, stmts) in up_plan.statements.into_iter().enumerate() {
        for (_, w) in d.warnings.iter().filter(|(at, _)| *at == i) {
            up.push_str(&format!("-- WARNING: {w}\n"));
        }
        for stmt in stmts {
            up.push_str(stmt.trim_end_matches(';'));
            up.push_str(";\n");
        }
    }
    let mut after = d.current.clone();
    for op in &d.ops {
        after.apply(op);
    }
    let kept = crate::diff::downgrade(&d.ops);
    let mut down = String::new();
    let down_plan = render_plan(&kept, &after, dialect)?;
    for (rev, stmts) in kept.iter().zip(down_plan.statements) {
        if matches!(rev, Op::DropTable { .. } | Op::DropColumn { .. }) && !stmts.is_empty() {
            down.push_str(&format!(
                "-- WARNING: {} drops what this revision added\n",
                rev.kind()
            ));
        }
        for stmt in stmts {
            down.push_str(stmt.trim_end_matches(';'));
            down.push_str(";\n");
        }
    }
    let own = up_plan.own_transaction || down_plan.own_transaction;
    if own {
        up = own_transaction(&up);
        down = own_transaction(&down);
    }
    Ok(Sections {
        upgrade: up,
        downgrade: down,
        transactional: !own,
    })
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
