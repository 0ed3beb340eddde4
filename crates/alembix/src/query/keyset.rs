//! Keyset pagination: pages of a query that continue after (or before) the
//! last row seen, by its ordering key, instead of by an `OFFSET`.

mod cursor;

use std::mem::discriminant;

use sea_query::{ExprTrait, IntoIden, Value};

pub use cursor::Cursor;

use super::Select;
use crate::db::Exec;
use crate::error::{Error, Result};
use crate::expr::Col;
use crate::model::Model;
use crate::types::DbType;

/// One column of a keyset and its direction: `Post::id.asc_key()` or
/// `Post::id.desc_key()`.
#[derive(Debug, Clone, Copy)]
pub struct KeyOrder<M, T> {
    col: Col<M, T>,
    desc: bool,
}

impl<M, T> Col<M, T> {
    /// This column, ascending, as part of a keyset ([`Select::keyset`]).
    pub fn asc_key(self) -> KeyOrder<M, T> {
        KeyOrder {
            col: self,
            desc: false,
        }
    }

    /// This column, descending, as part of a keyset ([`Select::keyset`]).
    pub fn desc_key(self) -> KeyOrder<M, T> {
        KeyOrder {
            col: self,
            desc: true,
        }
    }
}

/// A keyset column with its types erased.
#[derive(Debug, Clone)]
struct Part {
    table: &'static str,
    name: &'static str,
    index: usize,
    desc: bool,
    /// A NULL of the column's type: what a cursor value must be a value of.
    kind: Value,
}

impl Part {
    fn expr(&self) -> sea_query::Expr {
        sea_query::Expr::col((self.table.into_iden(), self.name.into_iden()))
    }
}

/// The columns of a keyset: a [`KeyOrder`] or a tuple of up to four, all
/// columns of `M` (a column of another model does not compile). Implemented
/// by Alembix only.
pub trait Keys<M> {
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn parts(self) -> Vec<Part>;
}

impl<M, T: DbType> Keys<M> for KeyOrder<M, T> {
    #[allow(private_interfaces)]
    fn parts(self) -> Vec<Part> {
        vec![Part {
            table: self.col.table(),
            name: self.col.name(),
            index: self.col.index(),
            desc: self.desc,
            kind: T::null_value(),
        }]
    }
}

macro_rules! tuple_keys {
    ($($t:ident $v:ident),*) => {
        impl<M, $($t: Keys<M>),*> Keys<M> for ($($t,)*) {
            #[allow(private_interfaces)]
            fn parts(self) -> Vec<Part> {
                let ($($v,)*) = self;
                let mut parts = Vec::new();
                $(parts.extend($v.parts());)*
                parts
            }
        }
    };
}
tuple_keys!(A a);
tuple_keys!(A a, B b);
tuple_keys!(A a, B b, C c);
tuple_keys!(A a, B b, C c, D d);

/// One page of a keyset query: the rows in the keyset's order, and the
/// cursors of the pages around it.
#[derive(Debug, Clone)]
pub struct Page<M> {
    /// The rows of the page, in the keyset's order (also when paging
    /// backwards).
    pub rows: Vec<M>,
    /// The cursor for the next page ([`Keyset::after`]), when there are
    /// rows after this page.
    pub next: Option<Cursor>,
    /// The cursor for the previous page ([`Keyset::before`]), when there
    /// are rows before this page.
    pub prev: Option<Cursor>,
}

/// A keyset-paginated query: made by [`Select::keyset`], run with
/// [`fetch`](Keyset::fetch).
#[derive(Debug, Clone)]
pub struct Keyset<M> {
    select: Select<M>,
    parts: Vec<Part>,
    size: u64,
    after: Option<Cursor>,
    before: Option<Cursor>,
}

impl<M: Model> Select<M> {
    /// Pages through the rows of this query in the order of `keys`, each
    /// page continuing where a cursor left off (`WHERE (a, b) > (x, y)` in
    /// the keys' directions, never an `OFFSET`, so a page costs the same
    /// wherever it is). `keys` replace the query's order, limit and
    /// offset.
    ///
    /// The last key must be unique (the primary key or a `unique`
    /// column), so that the order is total; keys must be `NOT NULL`
    /// columns (a nullable key is refused: NULLs have no place in the
    /// comparison). Both are checked by [`fetch`](Keyset::fetch), as
    /// [`Error::Usage`]. Directions may be mixed.
    ///
    /// ```
    /// # use alembix::{Db, Model};
    /// #[derive(Model, Debug, Clone)]
    /// #[model(table = "posts")]
    /// struct Post { id: i64, votes: i32 }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// db.create_all(&[Post::table()]).await?;
    /// for votes in [5, 9, 5, 1, 9] {
    ///     Post { id: 0, votes }.insert(&db).await?;
    /// }
    /// let query = Post::find()
    ///     .filter(Post::votes.ge(2))
    ///     .keyset((Post::votes.desc_key(), Post::id.asc_key()))
    ///     .size(3);
    /// let first = query.clone().fetch(&db).await?;
    /// let ids: Vec<i64> = first.rows.iter().map(|p| p.id).collect();
    /// assert_eq!(ids, [2, 5, 1]);
    /// // The cursor travels as text, e.g. in a link.
    /// let next = first.next.expect("one more row").to_string();
    /// let second = query.clone().after(next.parse::<alembix::query::Cursor>()?).fetch(&db).await?;
    /// assert_eq!(second.rows.iter().map(|p| p.id).collect::<Vec<_>>(), [3]);
    /// assert!(second.next.is_none());
    /// // And back again.
    /// let back = query.before(second.prev.expect("rows before")).fetch(&db).await?;
    /// assert_eq!(back.rows.iter().map(|p| p.id).collect::<Vec<_>>(), ids);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn keyset(self, keys: impl Keys<M>) -> Keyset<M> {
        Keyset {
            select: self,
            parts: keys.parts(),
            size: 20,
            after: None,
            before: None,
        }
    }
}

impl<M: Model> Keyset<M> {
    /// Rows per page (default 20).
    pub fn size(mut self, n: u64) -> Self {
        self.size = n;
        self
    }

    /// The page after the row the cursor was made from (`None`: the first
    /// page).
    pub fn after(mut self, cursor: impl Into<Option<Cursor>>) -> Self {
        self.after = cursor.into();
        self
    }

    /// The page before the row the cursor was made from (`None`: the first
    /// page). Its rows are still in the keyset's order.
    pub fn before(mut self, cursor: impl Into<Option<Cursor>>) -> Self {
        self.before = cursor.into();
        self
    }

    /// Runs the query for one page: `size + 1` rows are read to know
    /// whether another page follows.
    pub async fn fetch<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Page<M>> {
        self.check()?;
        let (cursor, backward) = match (self.after, self.before) {
            (Some(_), Some(_)) => {
                return Err(Error::Usage(
                    "a keyset page is either after or before a cursor, not both".into(),
                ));
            }
            (after, None) => (after, false),
            (None, before) => (before, true),
        };
        let from_cursor = cursor.is_some();
        let mut select = self.select;
        select
            .stmt
            .clear_order_by()
            .reset_offset()
            .limit(self.size.saturating_add(1));
        if let Some(cursor) = cursor {
            select.stmt.and_where(seek(&self.parts, &cursor, backward)?);
        }
        for p in &self.parts {
            let order = if p.desc != backward {
                sea_query::Order::Desc
            } else {
                sea_query::Order::Asc
            };
            select.stmt.order_by_expr(p.expr(), order);
        }
        let mut rows = select.all(ex).await?;
        let more = rows.len() as u64 > self.size;
        rows.truncate(self.size as usize);
        if backward {
            rows.reverse();
        }
        let (more_after, more_before) = if backward {
            (from_cursor, more)
        } else {
            (more, from_cursor)
        };
        let cursor_of = |row: Option<&M>| row.map(|r| cursor_for(&self.parts, r)).transpose();
        let next = if more_after {
            cursor_of(rows.last())?
        } else {
            None
        };
        let prev = if more_before {
            cursor_of(rows.first())?
        } else {
            None
        };
        Ok(Page { rows, next, prev })
    }

    /// The cursor of `row` for this keyset: pages [`after`](Keyset::after)
    /// it start just after the row, pages [`before`](Keyset::before) it end
    /// just before.
    ///
    /// ```
    /// # use alembix::{Db, Model};
    /// # #[derive(Model, Debug, Clone)] #[model(table = "posts")] struct Post { id: i64, votes: i32 }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let db = Db::connect("sqlite::memory:").await?;
    /// # db.create_all(&[Post::table()]).await?;
    /// # for votes in [1, 2, 3] { Post { id: 0, votes }.insert(&db).await?; }
    /// let query = Post::find().keyset(Post::id.asc_key()).size(10);
    /// let two = Post::get(&db, 2).await?;
    /// let page = query.clone().after(query.cursor_for(&two)?).fetch(&db).await?;
    /// assert_eq!(page.rows.iter().map(|p| p.id).collect::<Vec<_>>(), [3]);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn cursor_for(&self, row: &M) -> Result<Cursor> {
        cursor_for(&self.parts, row)
    }

    /// The keyset is usable: keys given, not NULL, the last one unique.
    fn check(&self) -> Result<()> {
        let meta = M::meta();
        let Some(last) = self.parts.last() else {
            return Err(Error::Usage("a keyset needs at least one column".into()));
        };
        if self.size == 0 {
            return Err(Error::Usage(
                "a keyset page needs a size of at least 1".into(),
            ));
        }
        for p in &self.parts {
            if meta.table.columns[p.index].nullable {
                return Err(Error::Usage(format!(
                    "keyset column `{}.{}` is nullable; keyset pagination needs NOT NULL \
                     columns (NULLs do not compare), e.g. order by a non-null column instead",
                    p.table, p.name
                )));
            }
        }
        if !is_unique(meta, last.name) {
            return Err(Error::Usage(format!(
                "the last keyset column `{}.{}` is not unique, so rows with equal keys could \
                 be skipped or repeated between pages; end the keyset with the primary key \
                 (e.g. `{}::id.asc_key()`) or a unique column",
                last.table, last.name, meta.rust_name
            )));
        }
        Ok(())
    }
}

fn cursor_for<M: Model>(parts: &[Part], row: &M) -> Result<Cursor> {
    let values: Vec<Value> = parts.iter().map(|p| row.value_at(p.index)).collect();
    Cursor::encode(&values)
}

/// Whether `column` alone is the primary key, or has a unique constraint
/// or a full unique index of its own.
fn is_unique(meta: &crate::model::ModelMeta, column: &str) -> bool {
    let only = |cols: &[String]| matches!(cols, [c] if c == column);
    let table = &meta.table;
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| only(&pk.columns))
        || table.uniques.iter().any(|u| only(&u.columns))
        || table
            .indexes
            .iter()
            .any(|i| i.unique && i.expr.is_none() && i.predicate.is_none() && only(&i.columns))
}

/// The rows strictly after the cursor in the keyset's order (before it when
/// `backward`): `(a > x) OR (a = x AND b < y) OR ...`, each comparison in
/// its key's direction, every value a bound parameter.
fn seek(parts: &[Part], cursor: &Cursor, backward: bool) -> Result<sea_query::Expr> {
    let values = cursor.values();
    if values.len() != parts.len()
        || parts
            .iter()
            .zip(values)
            .any(|(p, v)| discriminant(&p.kind) != discriminant(v))
    {
        return Err(Error::Usage(format!(
            "malformed keyset cursor: it does not hold values for the keyset's columns ({})",
            parts.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut any: Option<sea_query::Expr> = None;
    for i in 0..parts.len() {
        let mut all: Option<sea_query::Expr> = None;
        for (p, v) in parts[..i].iter().zip(values) {
            let eq = p.expr().eq(v.clone());
            all = Some(all.map_or(eq.clone(), |a| a.and(eq)));
        }
        let (p, v) = (&parts[i], values[i].clone());
        let step = if p.desc != backward {
            p.expr().lt(v)
        } else {
            p.expr().gt(v)
        };
        let term = all.map_or(step.clone(), |a| a.and(step));
        any = Some(any.map_or(term.clone(), |a| a.or(term)));
    }
    Ok(any.expect("a keyset has a column"))
}
