//! The whole comparison (introspect, normalise, diff) and the rendering of
//! its ops into a revision's upgrade and downgrade sections.

use alembix_migrate::Database;
use alembix_schema::{Dialect, Op, Schema, render_op};

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
pub async fn compare(
    db: &Database,
    models: &Schema,
    version_table: &str,
    log_table: &str,
    opts: &DiffOptions,
) -> Result<Diff> {
    let dialect = db.dialect();
    if dialect != Dialect::Postgres && opts.schemas.iter().any(|s| s != DEFAULT_PG_SCHEMA) {
        return Err(Error::Usage(format!(
            "`schemas = {:?}` is for PostgreSQL; {dialect:?} has no schemas: remove the key from alembix.toml",
            opts.schemas
        )));
    }
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
    #[cfg(feature = "postgres")]
    if let Some(pool) = db.as_postgres() {
        let found: Vec<String> =
            sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname = ANY($1)")
                .bind(&schemas)
                .fetch_all(pool)
                .await?;
        if let Some(missing) = schemas.iter().find(|s| !found.contains(s)) {
            let by = models
                .tables
                .iter()
                .find(|t| t.name.split_once('.').is_some_and(|(s, _)| s == missing))
                .map(|t| format!(" (named by the model of `{}`)", t.name))
                .unwrap_or_else(|| " (listed in `schemas`)".to_string());
            return Err(Error::Usage(format!(
                "schema `{missing}`{by} does not exist in the database; autogenerate does not create schemas: create it first, e.g. in a revision from `alembix revision -m \"create schema {missing}\"` holding CREATE SCHEMA {}, then upgrade",
                Dialect::Postgres.quote_ident(missing)
            )));
        }
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
            return Err(Error::Usage(format!(
                "model table `{}` has a `.` in its name; give the schema with #[model(schema = \"...\")] and the bare table name",
                t.name
            )));
        }
        let Some(schema) = t.schema.take() else {
            continue;
        };
        if dialect != Dialect::Postgres {
            return Err(Error::Usage(format!(
                "model table `{}` sets schema = \"{schema}\", but only PostgreSQL has schemas; remove `schema` from #[model(...)] for {dialect:?}",
                t.name
            )));
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
                if dialect != Dialect::Postgres {
                    return Err(Error::Usage(format!(
                        "model table `{}` references `{schema}.{}.*`, but only PostgreSQL has schemas; reference `{}.<column>`",
                        t.name, f.ref_table, f.ref_table
                    )));
                }
                f.ref_table = qualified(&schema, &f.ref_table);
            }
        }
    }
    Ok(out)
}

/// Per op, the statements that perform it (SQLite: with table rebuilds),
/// and whether a SQLite rebuild is among them.
fn statements(ops: &[Op], start: &Schema, dialect: Dialect) -> Result<(Vec<Vec<String>>, bool)> {
    if dialect == Dialect::Sqlite {
        return crate::rebuild::render_sqlite(ops, start);
    }
    let mut state = start.clone();
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let stmts = match (op, dialect) {
            (Op::AlterEnum { name, from, to }, Dialect::Postgres)
                if from.iter().any(|v| !to.contains(v)) =>
            {
                recreate_enum(&state, name, to)
            }
            (Op::DropForeignKey { table, foreign_key }, Dialect::MySql) => {
                let mut v = render_op(op, dialect)?;
                // InnoDB made an index named after the key when no other
                // index starts with its columns; it goes with the key.
                let served = state.table(table).is_some_and(|t| {
                    let starts = |cols: &[String]| cols.starts_with(&foreign_key.columns);
                    t.indexes.iter().any(|i| starts(&i.columns))
                        || t.uniques.iter().any(|u| starts(&u.columns))
                        || t.primary_key.as_ref().is_some_and(|p| starts(&p.columns))
                });
                if !served {
                    v.push(format!(
                        "DROP INDEX {} ON {}",
                        dialect.quote_ident(&foreign_key.name),
                        dialect.quote_ident(table)
                    ));
                }
                v
            }
            _ => render_op(op, dialect)?,
        };
        crate::rebuild::apply_op(&mut state, op);
        out.push(stmts);
    }
    Ok((out, false))
}

/// PostgreSQL cannot remove enum labels: the type is recreated and every
/// column using it converted through text.
fn recreate_enum(state: &Schema, name: &str, to: &[String]) -> Vec<String> {
    let d = Dialect::Postgres;
    let q = |s: &str| d.quote_ident(s);
    let old = format!("{name}_alembix_old");
    let labels: Vec<String> = to.iter().map(|v| d.quote_literal(v)).collect();
    let mut out = vec![
        format!("ALTER TYPE {} RENAME TO {}", q(name), q(&old)),
        format!("CREATE TYPE {} AS ENUM ({})", q(name), labels.join(", ")),
    ];
    for t in &state.tables {
        for c in &t.columns {
            if matches!(&c.ty, alembix_schema::ColumnType::Enum { name: n, .. } if n == name) {
                let (tq, cq) = (d.quote_table(None, &t.name), q(&c.name));
                if c.default.is_some() {
                    out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} DROP DEFAULT"));
                }
                out.push(format!(
                    "ALTER TABLE {tq} ALTER COLUMN {cq} TYPE {} USING {cq}::text::{}",
                    q(name),
                    q(name)
                ));
                if let Some(def) = &c.default {
                    out.push(format!(
                        "ALTER TABLE {tq} ALTER COLUMN {cq} SET DEFAULT {def}"
                    ));
                }
            }
        }
    }
    out.push(format!("DROP TYPE {}", q(&old)));
    out
}

/// A revision's sections.
#[derive(Debug, Clone)]
pub struct Sections {
    pub upgrade: String,
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
pub fn render_sections(d: &Diff, dialect: Dialect) -> Result<Sections> {
    let mut up = String::new();
    let (up_stmts, up_rebuild) = statements(&d.ops, &d.current, dialect)?;
    for (i, stmts) in up_stmts.into_iter().enumerate() {
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
        crate::rebuild::apply_op(&mut after, op);
    }
    let reversed: Vec<Op> = d.ops.iter().rev().map(Op::reverse).collect();
    // An index of a table the downgrade drops goes with the table (and
    // MySQL refuses to drop an index a foreign key needs).
    let kept: Vec<Op> = reversed
        .iter()
        .enumerate()
        .filter(|(i, rev)| match rev {
            Op::DropIndex { table, .. } => !reversed[i + 1..]
                .iter()
                .any(|o| matches!(o, Op::DropTable { table: t } if &t.name == table)),
            _ => true,
        })
        .map(|(_, op)| op.clone())
        .collect();
    let mut down = String::new();
    let (down_stmts, down_rebuild) = statements(&kept, &after, dialect)?;
    for (rev, stmts) in kept.iter().zip(down_stmts) {
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
    let own = up_rebuild || down_rebuild;
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
