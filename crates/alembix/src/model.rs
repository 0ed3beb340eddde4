//! The [`Model`] trait, implemented by `#[derive(Model)]`, and the
//! per-model metadata the queries are built from.

use std::future::Future;

use alembix_schema::{ColumnType, EnumType, Table};
use sea_query::{IntoIden, Value};
#[cfg(feature = "mysql")]
use sqlx::mysql::MySqlRow;
#[cfg(feature = "postgres")]
use sqlx::postgres::PgRow;
#[cfg(feature = "sqlite")]
use sqlx::sqlite::SqliteRow;

use crate::db::Exec;
use crate::error::{Error, Result};
use crate::expr::Cond;
use crate::query::{self, DeleteMany, RawQuery, Select, UpdateMany};
use crate::types::DbType;

/// The position of an enum column and the function giving its enum type.
#[doc(hidden)]
pub type EnumFixup = (usize, fn() -> EnumType);

/// What Alembix knows about a model at run time: its table and where its key,
/// auto-increment and version columns are.
#[derive(Debug)]
pub struct ModelMeta {
    /// The Rust name of the model, for messages.
    pub rust_name: &'static str,
    /// The table the model maps to.
    pub table: Table,
    /// Positions of the primary-key columns.
    pub primary_key: Vec<usize>,
    /// Position of the auto-increment key column.
    pub auto_increment: Option<usize>,
    /// Position of the optimistic-locking `version` column.
    pub version: Option<usize>,
    pub(crate) statements: crate::query::cache::StatementCache,
    /// Every column, qualified by the table: see [`ModelMeta::select_all`].
    select_list: std::sync::OnceLock<String>,
    /// The join condition of each foreign key of the table, in order,
    /// made by the join module the first time a join needs one.
    pub(crate) foreign_key_on: std::sync::OnceLock<Vec<String>>,
}

impl ModelMeta {
    #[doc(hidden)]
    pub fn new(
        rust_name: &'static str,
        table_json: &str,
        version: Option<usize>,
        enums: &[EnumFixup],
    ) -> ModelMeta {
        let mut table: Table =
            serde_json::from_str(table_json).expect("the derive embeds a valid table");
        for (index, enum_type) in enums {
            let e = enum_type();
            table.columns[*index].ty = ColumnType::Enum {
                name: e.name,
                values: e.values,
            };
        }
        let position = |name: &str| table.columns.iter().position(|c| c.name == name);
        let primary_key = table
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.iter().filter_map(|c| position(c)).collect())
            .unwrap_or_default();
        let auto_increment = table.columns.iter().position(|c| c.auto_increment);
        ModelMeta {
            rust_name,
            table,
            primary_key,
            auto_increment,
            version,
            statements: Default::default(),
            select_list: std::sync::OnceLock::new(),
            foreign_key_on: std::sync::OnceLock::new(),
        }
    }

    /// The table as sea-query names it. The names are borrowed from the
    /// metadata, which lives as long as the program: nothing is copied.
    pub(crate) fn table_ref(&'static self) -> sea_query::TableRef {
        let name = self.table.name.as_str().into_iden();
        let schema = self
            .table
            .schema
            .as_deref()
            .map(|s| sea_query::SchemaName(None, s.into_iden()));
        sea_query::TableRef::Table(sea_query::TableName(schema, name), None)
    }

    pub(crate) fn column_name(&'static self, index: usize) -> &'static str {
        &self.table.columns[index].name
    }

    /// Every column of the table, qualified by its name (`"post"."id",
    /// "post"."title", ...`), as one select expression: made once per model
    /// and quoted by [`Dialect::build_query`](alembix_schema::Dialect::build_query)
    /// as the backend quotes identifiers.
    pub(crate) fn select_all(&'static self) -> sea_query::Expr {
        let list = self.select_list.get_or_init(|| {
            alembix_schema::dialect::column_list(
                &self.table.name,
                self.table.columns.iter().map(|c| c.name.as_str()),
            )
        });
        sea_query::Expr::cust(list.as_str())
    }
}

/// A struct mapped to a table. Derive it with `#[derive(Model)]`; the
/// provided methods are the whole query API for the model.
///
/// ```
/// use alembix::{Db, Model};
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[model(table = "users")]
/// struct User {
///     id: i64,
///     #[column(max_length = 255, unique)]
///     email: String,
///     age: Option<i32>,
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_all(&[User::table()]).await?;
/// let ann = User { id: 0, email: "ann@example.com".into(), age: Some(31) }.insert(&db).await?;
/// assert!(ann.id > 0);
/// let adults = User::find().filter(User::age.ge(18)).order_by(User::email.asc()).all(&db).await?;
/// assert_eq!(adults, vec![ann]);
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
pub trait Model: Sized + Send + Sync + Unpin + 'static {
    #[doc(hidden)]
    fn meta() -> &'static ModelMeta;
    #[doc(hidden)]
    fn values(&self) -> Vec<Value>;
    #[doc(hidden)]
    fn value_at(&self, index: usize) -> Value;
    #[doc(hidden)]
    fn key_values(&self) -> Vec<Value>;
    #[doc(hidden)]
    fn auto_key_unset(&self) -> bool;
    #[doc(hidden)]
    fn set_auto_key(&mut self, id: i64);
    #[doc(hidden)]
    fn version(&self) -> Option<i64>;
    #[doc(hidden)]
    fn set_version(&mut self, v: i64);
    #[doc(hidden)]
    #[cfg(feature = "postgres")]
    fn decode_pg(row: &PgRow, base: usize) -> Result<Self>;
    /// PostgreSQL `insert_many`: binds column `index` of `rows` as one
    /// typed array borrowed from them (see `DbType::bind_pg_array`); `None`
    /// when the column's type does not travel this way.
    #[doc(hidden)]
    #[cfg(feature = "postgres")]
    fn bind_pg_column(
        rows: &[&Self],
        index: usize,
        args: &mut sqlx::postgres::PgArguments,
    ) -> Option<&'static str> {
        let _ = (rows, index, args);
        None
    }
    #[doc(hidden)]
    #[cfg(feature = "mysql")]
    fn decode_mysql(row: &MySqlRow, base: usize) -> Result<Self>;
    #[doc(hidden)]
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(row: &SqliteRow, base: usize) -> Result<Self>;

    /// The model's table, as `create_all` and autogen see it.
    fn table() -> &'static Table {
        &Self::meta().table
    }

    /// A query over all rows; narrow it with `filter`.
    fn find() -> Select<Self> {
        Select::new()
    }

    /// The row with this primary key (a tuple for a composite key), or
    /// [`Error::NotFound`].
    fn get<'a, K: Key + Send + 'a>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        key: K,
    ) -> impl Future<Output = Result<Self>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        async move {
            Self::find_by_key(ex, key).await?.ok_or(Error::NotFound {
                model: Self::meta().rust_name,
            })
        }
    }

    /// The row with this primary key, if there is one.
    fn find_by_key<'a, K: Key + Send + 'a>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        key: K,
    ) -> impl Future<Output = Result<Option<Self>>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        let route = crate::db::Route::Replica;
        async move { query::find_by_key::<Self>(ex, key.into_values(), route).await }
    }

    /// Inserts the row and returns it as stored (with its generated key and
    /// server defaults). An auto-increment key left at 0 is generated, and a
    /// `None` in a column with a `default` is left out so that the database
    /// fills in its default. On a server without `INSERT ... RETURNING`
    /// (MySQL, MariaDB before 10.5) the row is read back by its generated
    /// auto-increment value or its key; a model without a key and without
    /// an auto-increment column gets a usage error there (use
    /// [`Model::insert_many`]).
    fn insert<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<Self>> + Send + 'a {
        let ex = ex.into();
        async move { query::insert(ex, self).await }
    }

    /// Inserts many rows in as few statements as the backend allows;
    /// returns the number of rows inserted. Keys and defaults are treated as
    /// by [`Model::insert`].
    fn insert_many<'a>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [Self],
    ) -> impl Future<Output = Result<u64>> + Send + 'a {
        let ex = ex.into();
        async move { query::insert_many(ex, rows).await }
    }

    /// Writes every column of a loaded row back by its key. With a `version`
    /// column, the update only happens when the version is unchanged and
    /// bumps it; otherwise [`Error::StaleData`] and nothing changes.
    fn save<'a>(
        &'a mut self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<()>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        async move { query::save(ex, self).await }
    }

    /// Inserts the row, or updates every non-key column of the row with the
    /// same primary key; returns the row as stored. Every column is written
    /// as given (a `None` is stored as NULL, not as the column's default).
    /// For a conflict of another unique key, see [`Model::upsert_by`].
    fn upsert<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<Self>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        async move { query::Upsert::on_primary_key().exec(ex, self).await }
    }

    /// An upsert on a conflict of the unique key made of `columns` (one
    /// column or a tuple): `User::upsert_by(User::email).update(User::name).exec(&db, &row)`.
    /// See [`Upsert`](query::Upsert).
    fn upsert_by(columns: impl query::Columns<Self>) -> query::Upsert<Self> {
        query::Upsert::by(columns)
    }

    /// Deletes this row by its key; [`Error::NotFound`] when it was not there.
    fn delete<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<()>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        async move {
            let n = query::delete_by_key::<Self>(ex, self.key_values()).await?;
            if n == 0 {
                return Err(Error::NotFound {
                    model: Self::meta().rust_name,
                });
            }
            Ok(())
        }
    }

    /// Deletes the row with this key; returns how many rows went (0 or 1).
    fn delete_by_key<'a, K: Key + Send + 'a>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        key: K,
    ) -> impl Future<Output = Result<u64>> + Send + 'a
    where
        Self: HasPrimaryKey,
    {
        let ex = ex.into();
        async move { query::delete_by_key::<Self>(ex, key.into_values()).await }
    }

    /// A bulk `UPDATE`: `Counter::update_many().set(Counter::value, Counter::value + 1).filter(..).exec(&db)`.
    fn update_many() -> UpdateMany<Self> {
        UpdateMany::new()
    }

    /// A bulk `DELETE`: `User::delete_many().filter(User::age.lt(18)).exec(&db)`.
    fn delete_many() -> DeleteMany<Self> {
        DeleteMany::new()
    }

    /// Rows of this model from raw SQL (the backend's own placeholders: `$1`
    /// on PostgreSQL, `?` elsewhere), with bound parameters. The SQL must
    /// return every column of the model; extra columns are ignored.
    fn from_sql(sql: impl Into<String>) -> RawQuery<Self> {
        RawQuery::new(sql.into())
    }

    /// The row this one refers to through its foreign key to `P`.
    fn parent<'a, P: Model + Clone>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<Option<P>>> + Send + 'a {
        let ex = ex.into();
        async move {
            Ok(
                crate::relations::load_parents::<Self, P>(ex, std::slice::from_ref(self))
                    .await?
                    .pop()
                    .flatten(),
            )
        }
    }

    /// The rows of `C` whose foreign key refers to this row.
    fn children<'a, C: Model + Clone>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
    ) -> impl Future<Output = Result<Vec<C>>> + Send + 'a {
        let ex = ex.into();
        async move {
            Ok(
                crate::relations::load_children::<Self, C>(ex, std::slice::from_ref(self))
                    .await?
                    .pop()
                    .unwrap_or_default(),
            )
        }
    }

    /// The parent of each row, for a whole list, in one query.
    fn load_parents<'a, P: Model + Clone>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [Self],
    ) -> impl Future<Output = Result<Vec<Option<P>>>> + Send + 'a {
        let ex = ex.into();
        async move { crate::relations::load_parents::<Self, P>(ex, rows).await }
    }

    /// The children of each row, for a whole list, in one query.
    fn load_children<'a, C: Model + Clone>(
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [Self],
    ) -> impl Future<Output = Result<Vec<Vec<C>>>> + Send + 'a {
        let ex = ex.into();
        async move { crate::relations::load_children::<Self, C>(ex, rows).await }
    }
}

/// A model with a primary key: every `#[derive(Model)]` struct but one
/// declared `#[model(no_primary_key)]`. The operations that find a row by
/// its key ([`Model::get`], [`Model::find_by_key`], [`Model::save`],
/// [`Model::upsert`], [`Model::delete`], [`Model::delete_by_key`]) ask for
/// it, so calling one on a model without a key is a compile error.
///
/// ```
/// use alembix::{HasPrimaryKey, Model};
///
/// #[derive(Model, Debug, Clone)]
/// #[model(table = "events", no_primary_key)]
/// struct Event {
///     kind: String,
///     at: i64,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// struct User {
///     id: i64,
///     name: String,
/// }
///
/// fn keyed<M: HasPrimaryKey>() {}
/// keyed::<User>();
/// assert!(Event::table().primary_key.is_none());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no primary key, so rows of it cannot be found, saved or deleted one by one",
    label = "a model declared `#[model(no_primary_key)]`",
    note = "query it with `find().filter(...)`, change rows with `update_many()` / `delete_many()`, or give the table a primary key"
)]
pub trait HasPrimaryKey: Model {}

/// A primary-key value: one value, or a tuple for a composite key.
pub trait Key {
    /// The key's values in key-column order.
    fn into_values(self) -> Vec<Value>;
}

impl<T: DbType> Key for T {
    fn into_values(self) -> Vec<Value> {
        vec![self.to_value()]
    }
}

impl Key for &str {
    fn into_values(self) -> Vec<Value> {
        vec![Value::from(self)]
    }
}

impl<A: DbType, B: DbType> Key for (A, B) {
    fn into_values(self) -> Vec<Value> {
        vec![self.0.to_value(), self.1.to_value()]
    }
}

impl<A: DbType, B: DbType, C: DbType> Key for (A, B, C) {
    fn into_values(self) -> Vec<Value> {
        vec![self.0.to_value(), self.1.to_value(), self.2.to_value()]
    }
}

/// `key columns = values` for a model.
pub(crate) fn key_cond<M: Model>(values: Vec<Value>) -> Result<Cond> {
    let meta = M::meta();
    if values.len() != meta.primary_key.len() {
        return Err(Error::Usage(format!(
            "{} has a {}-column primary key, but {} values were given",
            meta.rust_name,
            meta.primary_key.len(),
            values.len()
        )));
    }
    Ok(columns_eq(meta, &meta.primary_key, values))
}

pub(crate) fn columns_eq(meta: &'static ModelMeta, columns: &[usize], values: Vec<Value>) -> Cond {
    use sea_query::ExprTrait;
    let mut iter = columns.iter().zip(values).map(|(i, v)| {
        sea_query::Expr::col((
            meta.table.name.as_str().into_iden(),
            meta.column_name(*i).into_iden(),
        ))
        .eq(sea_query::Expr::val(v))
    });
    let first = iter.next().expect("a key has a column");
    Cond::new(iter.fold(first, |acc, e| acc.and(e)))
}
