//! Upserts: an `INSERT` that, on a conflict of a unique key, updates the
//! columns chosen or does nothing, and returns the row as stored.

use std::marker::PhantomData;

use sea_query::{OnConflict, Query, Value};

use super::write::{
    column_idens, find_inserted, insert_columns, inserted_row_key, returning_clause,
};
use crate::db::Exec;
use crate::error::{Error, Result};
use crate::expr::Col;
use crate::model::{Model, ModelMeta};

/// Columns of model `M`, named by their typed constants: one column
/// (`User::email`), a tuple of columns (`(Member::org_id, Member::name)`),
/// or an array, slice or `Vec` of columns of one type.
///
/// ```
/// use alembix::{Model, query::Columns};
///
/// #[derive(Model, Debug, Clone)]
/// #[model(table = "seats", unique(columns = "room, seat"))]
/// struct Seat { id: i64, room: i32, seat: String, holder: String }
///
/// assert_eq!(Seat::holder.positions(), [3]);
/// assert_eq!((Seat::room, Seat::seat).positions(), [1, 2]);
/// assert_eq!([Seat::seat, Seat::holder].positions(), [2, 3]);
/// let _on_the_seat = Seat::upsert_by((Seat::room, Seat::seat)).update(Seat::holder);
/// ```
pub trait Columns<M> {
    /// The columns' positions in the model.
    fn positions(&self) -> Vec<usize>;
}

impl<M, T> Columns<M> for Col<M, T> {
    fn positions(&self) -> Vec<usize> {
        vec![self.index()]
    }
}

impl<M, C: Columns<M>, const N: usize> Columns<M> for [C; N] {
    fn positions(&self) -> Vec<usize> {
        self.iter().flat_map(Columns::positions).collect()
    }
}

impl<M, C: Columns<M>> Columns<M> for &[C] {
    fn positions(&self) -> Vec<usize> {
        self.iter().flat_map(Columns::positions).collect()
    }
}

impl<M, C: Columns<M>> Columns<M> for Vec<C> {
    fn positions(&self) -> Vec<usize> {
        self.iter().flat_map(Columns::positions).collect()
    }
}

macro_rules! tuple_columns {
    ($($name:ident),+) => {
        impl<M, $($name: Columns<M>),+> Columns<M> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn positions(&self) -> Vec<usize> {
                let ($($name,)+) = self;
                let mut out = Vec::new();
                $(out.extend($name.positions());)+
                out
            }
        }
    };
}

tuple_columns!(A);
tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, F);
tuple_columns!(A, B, C, D, E, F, G);
tuple_columns!(A, B, C, D, E, F, G, H);

/// What an upsert does on a conflict.
#[derive(Debug, Clone)]
enum OnConflictDo {
    /// Updates these columns to the values given (`None`: every column
    /// but the primary key and the conflict key).
    Update(Option<Vec<usize>>),
    Nothing,
}

/// An upsert of a row of `M` on a conflict of one unique key: start one
/// with [`Model::upsert_by`], choose what a conflict does with
/// [`update`](Upsert::update) (by default every column but the primary key
/// and the conflict key) or [`do_nothing`](Upsert::do_nothing), and run it
/// with [`exec`](Upsert::exec), which returns the row as stored.
///
/// The columns must be the primary key, a unique constraint or a unique
/// index (not partial, not on expressions) of the model, in any order;
/// otherwise `exec` is an [`Error::Usage`]. On PostgreSQL and SQLite the
/// statement names that key (`ON CONFLICT (...)`). MySQL/MariaDB's
/// `ON DUPLICATE KEY UPDATE` cannot name a key: there it fires on a
/// conflict of *any* unique key of the table, and the row returned is then
/// the one read back by the named key.
///
/// Where the server has `RETURNING` (PostgreSQL, SQLite, MariaDB 10.5 and
/// later) an upsert is one statement; a `do_nothing` that met a conflict on
/// PostgreSQL or SQLite returns no row, so the stored one is read back with a
/// second. On MySQL the row is read back by the conflict key.
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
///     name: String,
///     logins: i32,
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_all(&[User::table()]).await?;
/// let ann = User { id: 0, email: "ann@example.com".into(), name: "Ann".into(), logins: 1 };
/// let stored = User::upsert_by(User::email).update(User::logins).exec(&db, &ann).await?;
/// assert!(stored.id > 0);
///
/// // Same email: only `logins` changes, the name stays.
/// let again = User { name: "Annie".into(), logins: 2, ..ann.clone() };
/// let updated = User::upsert_by(User::email).update(User::logins).exec(&db, &again).await?;
/// assert_eq!((updated.id, updated.name.as_str(), updated.logins), (stored.id, "Ann", 2));
///
/// // Do nothing on a conflict: the stored row comes back unchanged.
/// let kept = User::upsert_by(User::email).do_nothing().exec(&db, &again).await?;
/// assert_eq!(kept, updated);
///
/// // `name` is not a unique key.
/// assert!(User::upsert_by(User::name).exec(&db, &ann).await.is_err());
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Upsert<M> {
    conflict: Vec<usize>,
    action: OnConflictDo,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Upsert<M> {
    /// An upsert on a conflict of the unique key made of `columns`.
    pub fn by(columns: impl Columns<M>) -> Self {
        Upsert {
            conflict: columns.positions(),
            action: OnConflictDo::Update(None),
            _model: PhantomData,
        }
    }

    /// An upsert on a conflict of the primary key that updates every other
    /// column ([`Model::upsert`]).
    pub(crate) fn on_primary_key() -> Self {
        Upsert {
            conflict: M::meta().primary_key.clone(),
            action: OnConflictDo::Update(None),
            _model: PhantomData,
        }
    }

    /// On a conflict, sets these columns to the row's values (and leaves
    /// the others as stored).
    pub fn update(mut self, columns: impl Columns<M>) -> Self {
        self.action = OnConflictDo::Update(Some(columns.positions()));
        self
    }

    /// On a conflict, leaves the stored row as it is (and returns it).
    pub fn do_nothing(mut self) -> Self {
        self.action = OnConflictDo::Nothing;
        self
    }

    /// Inserts `row`, or handles the conflict; returns the row as stored.
    /// Every inserted column is written as given (a `None` is NULL, not the
    /// column's default); an auto-increment key left at 0 is generated.
    pub async fn exec<'a>(&self, ex: impl Into<Exec<'a>>, row: &M) -> Result<M> {
        let ex = ex.into();
        let meta = M::meta();
        check_unique_key(meta, &self.conflict)?;
        let update = self.update_columns(meta, row)?;
        let columns = insert_columns(row);
        let mut on_conflict = OnConflict::columns(column_idens::<M>(&self.conflict));
        if update.is_empty() {
            on_conflict.do_nothing_on(column_idens::<M>(&self.conflict));
        } else {
            on_conflict.update_columns(column_idens::<M>(&update));
        }
        let mut stmt = Query::insert();
        stmt.into_table(meta.table_ref())
            .columns(column_idens::<M>(&columns))
            .values_panic(
                columns
                    .iter()
                    .map(|i| sea_query::Expr::val(row.value_at(*i))),
            )
            .on_conflict(on_conflict);
        let dialect = ex.dialect();
        let (mut sql, values) = dialect.build_query(&stmt);
        let mut last_insert_id = None;
        if ex.has_returning() {
            sql.push_str(&returning_clause::<M>(dialect));
            if let Some(stored) = ex.fetch_all(sql, values).await?.decode::<M>(0)?.pop() {
                return Ok(stored);
            }
            // DO NOTHING met a conflict: no row comes back.
        } else {
            last_insert_id = ex.execute(sql, values).await?.last_insert_id;
        }
        self.read_back(ex, row, &columns, last_insert_id).await
    }

    /// The columns a conflict updates: those chosen, or every inserted
    /// column but the primary key and the conflict key; none for
    /// `do_nothing`.
    fn update_columns(&self, meta: &'static ModelMeta, row: &M) -> Result<Vec<usize>> {
        match &self.action {
            OnConflictDo::Nothing => Ok(Vec::new()),
            OnConflictDo::Update(None) => Ok(insert_columns(row)
                .into_iter()
                .filter(|i| !meta.primary_key.contains(i) && !self.conflict.contains(i))
                .collect()),
            OnConflictDo::Update(Some(chosen)) => {
                if chosen.is_empty() {
                    return Err(Error::Usage(format!(
                        "{}: upsert update() names no column; use do_nothing() to leave the stored row",
                        meta.rust_name
                    )));
                }
                if let Some(i) = chosen.iter().find(|i| meta.primary_key.contains(i)) {
                    return Err(Error::Usage(format!(
                        "{}: an upsert cannot update the primary-key column `{}`",
                        meta.rust_name,
                        meta.column_name(*i)
                    )));
                }
                let mut chosen = chosen.clone();
                chosen.sort();
                chosen.dedup();
                Ok(chosen)
            }
        }
    }

    /// The stored row, read by the conflict key's values; by the generated
    /// (or given) primary key when those cannot find it (a NULL, or a key
    /// left for the database to generate).
    async fn read_back(
        &self,
        ex: Exec<'_>,
        row: &M,
        inserted: &[usize],
        last_insert_id: Option<i64>,
    ) -> Result<M> {
        let meta = M::meta();
        let by_key: Vec<Value> = self.conflict.iter().map(|i| row.value_at(*i)).collect();
        let usable = self.conflict.iter().all(|i| inserted.contains(i))
            && by_key.iter().all(|v| *v != v.as_null());
        let found = if usable {
            find_inserted::<M>(ex, &self.conflict, by_key).await?
        } else {
            let (columns, key) = inserted_row_key(row, last_insert_id)?;
            find_inserted::<M>(ex, &columns, key).await?
        };
        found.ok_or(Error::NotFound {
            model: meta.rust_name,
        })
    }
}

/// Whether `columns` are a unique key of the model: its primary key, a
/// unique constraint, or a unique index that is neither partial nor on
/// expressions (in any order); a usage error naming the keys if not.
fn check_unique_key(meta: &'static ModelMeta, columns: &[usize]) -> Result<()> {
    let names = |cols: &[usize]| -> Vec<String> {
        cols.iter()
            .map(|i| meta.column_name(*i).to_string())
            .collect()
    };
    let mut wanted = names(columns);
    wanted.sort();
    wanted.dedup();
    let table = &meta.table;
    let keys: Vec<Vec<String>> = std::iter::once(names(&meta.primary_key))
        .chain(table.uniques.iter().map(|u| u.columns.clone()))
        .chain(
            table
                .indexes
                .iter()
                .filter(|ix| ix.unique && ix.expr.is_none() && ix.predicate.is_none())
                .map(|ix| ix.columns.clone()),
        )
        .filter(|k| !k.is_empty())
        .collect();
    let is_key = |k: &Vec<String>| {
        let mut k = k.clone();
        k.sort();
        k == wanted
    };
    if !wanted.is_empty() && keys.iter().any(is_key) {
        return Ok(());
    }
    let list: Vec<String> = keys.iter().map(|k| format!("({})", k.join(", "))).collect();
    Err(Error::Usage(format!(
        "{}::upsert_by({}): not a unique key of table `{}`; its unique keys are {}",
        meta.rust_name,
        wanted.join(", "),
        table.name,
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    )))
}
