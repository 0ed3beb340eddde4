//! `INSERT`, `UPDATE`, `DELETE` and raw SQL.

use std::marker::PhantomData;
use std::sync::OnceLock;

use alembix_schema::Dialect;
use sea_query::{ExprTrait, IntoIden, Query, QueryStatementWriter, Value, Values};

use super::cache::Statements;
use crate::db::{Exec, Route};
use crate::error::{Error, Result};
use crate::expr::{Col, Cond, Operand, Source};
use crate::model::{Model, ModelMeta, key_cond};
use crate::types::DbType;

/// The cached SQL of a statement on `M`'s row with primary key `key`: `pick`
/// chooses the cache slot, `render` builds the statement from the key's
/// condition the first time.
fn by_key_sql<M: Model, S: QueryStatementWriter>(
    ex: &Exec<'_>,
    key: &[Value],
    pick: fn(&Statements) -> &OnceLock<String>,
    render: impl FnOnce(&'static ModelMeta, sea_query::Expr) -> S,
) -> Result<String> {
    let meta = M::meta();
    let dialect = ex.dialect();
    if key.len() != meta.primary_key.len() {
        return Err(key_cond::<M>(key.to_vec()).expect_err("length differs"));
    }
    let slot = pick(meta.statements.get(dialect, ex.has_returning()));
    Ok(slot
        .get_or_init(|| {
            let cond = crate::model::columns_eq(meta, &meta.primary_key, key.to_vec()).0;
            dialect.build_query(&render(meta, cond)).0
        })
        .clone())
}

/// The row of `M` with this key; `route` says whether a replica may read it.
pub(crate) async fn find_by_key<M: Model>(
    ex: Exec<'_>,
    key: Vec<Value>,
    route: Route,
) -> Result<Option<M>> {
    let select = |meta: &'static ModelMeta, cond| {
        Query::select()
            .expr(meta.select_all())
            .from(meta.table_ref())
            .and_where(cond)
            .to_owned()
    };
    let sql = by_key_sql::<M, _>(&ex, &key, |s| &s.find_by_key, select)?;
    Ok(ex.read(sql, Values(key), route).await?.decode(0)?.pop())
}

/// Column positions written by an insert of `row`: all, or all but an
/// auto-increment key the database is to generate.
pub(crate) fn insert_columns<M: Model>(row: &M) -> Vec<usize> {
    let meta = M::meta();
    let skip = meta.auto_increment.filter(|_| row.auto_key_unset());
    (0..meta.table.columns.len())
        .filter(|i| Some(*i) != skip)
        .collect()
}

/// The columns of `insert_columns` less those that hold NULL and have a
/// server default: the database fills those in (as Diesel does for `None`).
pub(crate) fn insert_columns_for_defaults<M: Model>(row: &M, columns: &[usize]) -> Vec<usize> {
    let meta = M::meta();
    columns
        .iter()
        .copied()
        .filter(|i| {
            if meta.table.columns[*i].default.is_none() {
                return true;
            }
            let v = row.value_at(*i);
            v != v.as_null()
        })
        .collect()
}

pub(crate) fn column_idens<M: Model>(columns: &[usize]) -> Vec<sea_query::DynIden> {
    let meta = M::meta();
    columns
        .iter()
        .map(|i| meta.column_name(*i).into_iden())
        .collect()
}

/// ` RETURNING "a", "b"` for every column of `M`.
pub(crate) fn returning_clause<M: Model>(dialect: Dialect) -> String {
    format!(" RETURNING {}", all_columns::<M>(dialect))
}

/// `"a", "b"`: every column of `M`, quoted.
fn all_columns<M: Model>(dialect: Dialect) -> String {
    let cols: Vec<String> = M::meta()
        .table
        .columns
        .iter()
        .map(|c| dialect.quote_ident(&c.name))
        .collect();
    cols.join(", ")
}

pub(crate) async fn insert<M: Model>(ex: Exec<'_>, row: &M) -> Result<M> {
    let meta = M::meta();
    let all_columns = insert_columns(row);
    let columns = insert_columns_for_defaults(row, &all_columns);
    let values: Vec<Value> = columns.iter().map(|i| row.value_at(*i)).collect();
    let dialect = ex.dialect();
    let returning = ex.has_returning();
    let render = || {
        let mut stmt = Query::insert();
        stmt.into_table(meta.table_ref())
            .columns(column_idens::<M>(&columns))
            .values_panic(values.iter().cloned().map(sea_query::Expr::val));
        let mut sql = dialect.build_query(&stmt).0;
        if returning {
            sql.push_str(&returning_clause::<M>(dialect));
        }
        sql
    };
    // Only the two column sets without omitted defaults are cached.
    let sql = if columns.len() == all_columns.len() {
        let statements = meta.statements.get(dialect, ex.has_returning());
        let cell = if columns.len() == meta.table.columns.len() {
            &statements.insert_given
        } else {
            &statements.insert_generated
        };
        cell.get_or_init(render).clone()
    } else {
        render()
    };
    if returning {
        let mut rows = ex.fetch_all(sql, Values(values)).await?.decode::<M>(0)?;
        return rows
            .pop()
            .ok_or_else(|| Error::Usage("INSERT returned no row".into()));
    }
    // MySQL: no RETURNING; read the row back.
    let done = ex.execute(sql, Values(values)).await?;
    let (columns, key) = inserted_row_key(row, done.last_insert_id)?;
    find_inserted::<M>(ex, &columns, key)
        .await?
        .ok_or(Error::NotFound {
            model: meta.rust_name,
        })
}

/// The columns and values that find a row just inserted where the server
/// has no `RETURNING`: the auto-increment column the database filled in
/// (the key's or one outside it), by the id it reported; else the key.
pub(crate) fn inserted_row_key<M: Model>(
    row: &M,
    last_insert_id: Option<i64>,
) -> Result<(Vec<usize>, Vec<Value>)> {
    let meta = M::meta();
    if let Some(auto) = meta.auto_increment.filter(|_| row.auto_key_unset()) {
        let id =
            last_insert_id.ok_or_else(|| Error::Usage("no generated key was returned".into()))?;
        let id = match row.value_at(auto) {
            Value::SmallInt(_) => Value::SmallInt(Some(id as i16)),
            Value::Int(_) => Value::Int(Some(id as i32)),
            _ => Value::BigInt(Some(id)),
        };
        return Ok((vec![auto], vec![id]));
    }
    if meta.primary_key.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the inserted row of a model without a primary key can only be read back with INSERT ... RETURNING, which this server lacks (MySQL, MariaDB before 10.5); use insert_many, which returns the row count",
            meta.rust_name
        )));
    }
    Ok((meta.primary_key.clone(), row.key_values()))
}

/// The row of `M` whose `columns` hold `values`, read from the primary
/// (the primary key's cached statement when `columns` are the key).
pub(crate) async fn find_inserted<M: Model>(
    ex: Exec<'_>,
    columns: &[usize],
    values: Vec<Value>,
) -> Result<Option<M>> {
    let meta = M::meta();
    if columns == meta.primary_key {
        return find_by_key::<M>(ex, values, Route::Primary).await;
    }
    let select = Query::select()
        .expr(meta.select_all())
        .from(meta.table_ref())
        .and_where(crate::model::columns_eq(meta, columns, values).0)
        .to_owned();
    let (sql, values) = ex.dialect().build_query(&select);
    Ok(ex.fetch_all(sql, values).await?.decode::<M>(0)?.pop())
}

/// The table's name, schema-qualified when it has a schema, quoted.
pub(crate) fn table_name(meta: &crate::model::ModelMeta, d: Dialect) -> String {
    match &meta.table.schema {
        Some(schema) => format!(
            "{}.{}",
            d.quote_ident(schema),
            d.quote_ident(&meta.table.name)
        ),
        None => d.quote_ident(&meta.table.name),
    }
}

/// `INSERT INTO t (a, b)` for the columns at positions `columns` of `meta`.
pub(crate) fn insert_into(
    meta: &'static crate::model::ModelMeta,
    d: Dialect,
    columns: &[usize],
) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|i| d.quote_ident(meta.column_name(*i)))
        .collect();
    format!("INSERT INTO {} ({})", table_name(meta, d), names.join(", "))
}

pub(crate) async fn save<M: Model>(ex: Exec<'_>, row: &mut M) -> Result<()> {
    let meta = M::meta();
    let dialect = ex.dialect();
    if meta.primary_key.len() == meta.table.columns.len() {
        // Nothing but key columns: nothing to write, but the row must exist.
        return match find_by_key::<M>(ex, row.key_values(), Route::Primary).await? {
            Some(_) => Ok(()),
            None => Err(Error::NotFound {
                model: meta.rust_name,
            }),
        };
    }
    // Values in statement order: SET columns, then the key, then the version.
    let set_columns: Vec<usize> = (0..meta.table.columns.len())
        .filter(|i| !meta.primary_key.contains(i) && Some(*i) != meta.version)
        .collect();
    let mut values: Vec<Value> = set_columns.iter().map(|i| row.value_at(*i)).collect();
    values.extend(row.key_values());
    if let Some(i) = meta.version {
        values.push(row.value_at(i));
    }
    let sql = meta
        .statements
        .get(dialect, ex.has_returning())
        .save
        .get_or_init(|| {
            let mut stmt = Query::update();
            stmt.table(meta.table_ref());
            for (n, i) in set_columns.iter().enumerate() {
                stmt.value(meta.column_name(*i).into_iden(), values[n].clone());
            }
            if let Some(i) = meta.version {
                let col = meta.column_name(i).into_iden();
                // A literal, not a parameter: the values are bound in a fixed order.
                stmt.value(
                    col.clone(),
                    sea_query::Expr::col(col).add(sea_query::Expr::cust("1")),
                );
            }
            let key =
                values[set_columns.len()..set_columns.len() + meta.primary_key.len()].to_vec();
            let mut cond = crate::model::columns_eq(meta, &meta.primary_key, key);
            if let Some(i) = meta.version {
                cond = cond.and(crate::model::columns_eq(meta, &[i], vec![row.value_at(i)]));
            }
            stmt.and_where(cond.0);
            dialect.build_query(&stmt).0
        });
    let version = row.version();
    let done = ex.execute(sql.clone(), Values(values)).await?;
    if done.rows_affected == 0 {
        return Err(match version {
            Some(version) => Error::StaleData {
                model: meta.rust_name,
                version,
            },
            None => Error::NotFound {
                model: meta.rust_name,
            },
        });
    }
    if let Some(v) = version {
        row.set_version(v + 1);
    }
    Ok(())
}

pub(crate) async fn delete_by_key<M: Model>(ex: Exec<'_>, key: Vec<Value>) -> Result<u64> {
    let delete = |meta: &'static ModelMeta, cond| {
        Query::delete()
            .from_table(meta.table_ref())
            .and_where(cond)
            .to_owned()
    };
    let sql = by_key_sql::<M, _>(&ex, &key, |s| &s.delete_by_key, delete)?;
    Ok(ex.execute(sql, Values(key)).await?.rows_affected)
}

/// A bulk `UPDATE` of `M`; start one with `M::update_many()`. It runs as
/// one statement, so `set(c, c + 1)` is atomic.
///
/// ```
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] struct Counter { id: i64, value: i32 }
/// let bump = Counter::update_many().set(Counter::value, Counter::value + 1).filter(Counter::id.eq(1));
/// # let _ = bump;
/// ```
#[derive(Debug, Clone)]
pub struct UpdateMany<M> {
    stmt: sea_query::UpdateStatement,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> UpdateMany<M> {
    pub(crate) fn new() -> Self {
        let stmt = Query::update().table(M::meta().table_ref()).to_owned();
        UpdateMany {
            stmt,
            _model: PhantomData,
        }
    }

    /// Sets `col` to a value, another column or an expression of its type.
    pub fn set<T, V: Operand<T>, I>(mut self, col: Col<M, T>, value: V) -> Self
    where
        V::Src: Source<(M,), I>,
    {
        self.stmt
            .value(col.name().to_string().into_iden(), value.into_expr());
        self
    }

    /// Updates only the rows for which `cond` holds.
    pub fn filter<S: Source<(M,), I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_where(cond.0);
        self
    }

    /// Runs the update; returns the number of rows matched.
    pub async fn exec<'a>(self, ex: impl Into<Exec<'a>>) -> Result<u64> {
        if self.stmt.get_values().is_empty() {
            return Err(Error::Usage(
                "update_many() needs at least one set(..)".into(),
            ));
        }
        execute(&self.stmt, ex.into()).await
    }
}

/// Runs `stmt`; returns the number of rows it affected.
async fn execute<S: QueryStatementWriter>(stmt: &S, ex: Exec<'_>) -> Result<u64> {
    let (sql, values) = ex.dialect().build_query(stmt);
    Ok(ex.execute(sql, values).await?.rows_affected)
}

/// A bulk `DELETE` of `M`; start one with `M::delete_many()`.
#[derive(Debug, Clone)]
pub struct DeleteMany<M> {
    stmt: sea_query::DeleteStatement,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> DeleteMany<M> {
    pub(crate) fn new() -> Self {
        DeleteMany {
            stmt: Query::delete().from_table(M::meta().table_ref()).to_owned(),
            _model: PhantomData,
        }
    }

    /// Deletes only the rows for which `cond` holds (without a filter, all rows).
    pub fn filter<S: Source<(M,), I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_where(cond.0);
        self
    }

    /// Runs the delete; returns the number of rows deleted.
    pub async fn exec<'a>(self, ex: impl Into<Exec<'a>>) -> Result<u64> {
        execute(&self.stmt, ex.into()).await
    }
}

/// A value that [`RawQuery::bind`] takes: any [`DbType`], or a `&str`.
pub trait BindValue {
    /// The value to bind.
    fn into_bind_value(self) -> Value;
}

impl<T: DbType> BindValue for T {
    fn into_bind_value(self) -> Value {
        self.to_value()
    }
}

impl BindValue for &str {
    fn into_bind_value(self) -> Value {
        Value::from(self)
    }
}

/// Raw SQL returning rows of `M`; start one with `M::from_sql(..)`.
///
/// ```no_run
/// # use alembix::Model;
/// # #[derive(Model, Debug, Clone)] struct User { id: i64, name: String }
/// # async fn run(db: alembix::Db) -> alembix::Result<()> {
/// let users = User::from_sql("SELECT * FROM users WHERE name LIKE ?").bind("a%").all(&db).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RawQuery<M> {
    sql: String,
    values: Vec<Value>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> RawQuery<M> {
    pub(crate) fn new(sql: String) -> Self {
        RawQuery {
            sql,
            values: Vec::new(),
            _model: PhantomData,
        }
    }

    /// Binds the next parameter: any column type, or a `&str`.
    pub fn bind<T: BindValue>(mut self, value: T) -> Self {
        self.values.push(value.into_bind_value());
        self
    }

    /// All rows. The user's SQL becomes a subquery that picks the model's
    /// columns by name, so column order and extra columns do not matter.
    pub async fn all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<M>> {
        let ex = ex.into();
        let d = ex.dialect();
        let sql = format!(
            "SELECT {} FROM ({}) AS {}",
            all_columns::<M>(d),
            self.sql.trim().trim_end_matches(';'),
            d.quote_ident("alembix_raw")
        );
        ex.fetch_all(sql, Values(self.values)).await?.decode(0)
    }

    /// The first row, if any.
    pub async fn one<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Option<M>> {
        Ok(self.all(ex).await?.into_iter().next())
    }
}
