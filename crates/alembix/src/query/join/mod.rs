//! Joins of up to five models: `A::find().join::<B>().left_join::<C>()`,
//! with typed filters, orderings and column selections over every model of
//! the query.

mod columns;
mod on;
mod row;
mod run;

use std::marker::PhantomData;

use sea_query::{JoinType, SelectStatement};

use crate::expr::{Cond, OrderBy, Source};
use crate::model::{Model, ModelMeta};

use super::Select;
pub use columns::{At, Item, Selection, Slot};
pub use row::{AnyRow, Many, Name, One, Part, RowShape};

/// Rows of `A` joined with one related model: `A::find().join::<B>()`.
/// Kept for code written before joins could chain; it is a [`Joined`].
pub type Join<A, B> = Joined<(A, B), (A, B)>;

/// A query over several joined models.
///
/// `Q` is the tuple of the models the query reads, `(A, B, C)`, and `R` the
/// type of one row: each model, or `Option<M>` for a model joined with
/// [`left_join`](Joined::left_join), e.g. `(A, B, Option<C>)`. Start one
/// with [`Select::join`] or [`Select::left_join`]; filters, orderings and
/// [`columns`](Joined::columns) may use the columns of every model of `Q`,
/// and of no other (a compile error).
///
/// Each join follows the one foreign key declared between the new model
/// and a model already in the query, either way. When there is none, or
/// several, running the query is an [`Error::Usage`](crate::Error::Usage)
/// that says so; give the condition with [`join_on`](Joined::join_on).
/// A query reads each table once: joining a model whose table is already
/// in the query is also an [`Error::Usage`](crate::Error::Usage).
///
/// ```
/// use alembix::{Db, Model};
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Author { id: i64, name: String }
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Post { id: i64, #[column(references = "author.id")] author_id: i64, title: String }
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Comment { id: i64, #[column(references = "post.id")] post_id: i64, body: String }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_all(&[Author::table(), Post::table(), Comment::table()]).await?;
/// let ann = Author { id: 0, name: "Ann".into() }.insert(&db).await?;
/// let post = Post { id: 0, author_id: ann.id, title: "Joins".into() }.insert(&db).await?;
/// Comment { id: 0, post_id: post.id, body: "Nice".into() }.insert(&db).await?;
///
/// // comment -> post -> author, filtered and ordered on any of them.
/// let rows: Vec<(Comment, Post, Author)> = Comment::find()
///     .join::<Post>()
///     .join::<Author>()
///     .filter(Author::name.eq("Ann"))
///     .order_by(Post::title.asc())
///     .all(&db)
///     .await?;
/// assert_eq!(rows[0].2, ann);
///
/// // A left join: authors without posts get `None`.
/// let bob = Author { id: 0, name: "Bob".into() }.insert(&db).await?;
/// let rows: Vec<(Author, Option<Post>)> =
///     Author::find().left_join::<Post>().order_by(Author::name.asc()).all(&db).await?;
/// assert_eq!(rows[1], (bob, None));
///
/// // Typed columns of several models.
/// let titles: Vec<(String, String)> =
///     Post::find().join::<Author>().columns((Post::title, Author::name)).all(&db).await?;
/// assert_eq!(titles, [("Joins".to_string(), "Ann".to_string())]);
/// # Ok::<_, alembix::Error>(()) }).unwrap();
/// ```
pub struct Joined<Q, R> {
    stmt: SelectStatement,
    lock: bool,
    /// `limit` was called.
    limited: bool,
    /// The models read, in query order, each with whether it is left-joined.
    models: Vec<(&'static ModelMeta, bool)>,
    /// The names of the selected values, for decode errors (a selection).
    names: Vec<Name>,
    /// The first mistake in building the query, reported when it runs.
    error: Option<String>,
    _rows: PhantomData<fn() -> (Q, R)>,
}

impl<Q, R> Clone for Joined<Q, R> {
    fn clone(&self) -> Self {
        Joined {
            stmt: self.stmt.clone(),
            lock: self.lock,
            limited: self.limited,
            models: self.models.clone(),
            names: self.names.clone(),
            error: self.error.clone(),
            _rows: PhantomData,
        }
    }
}

impl<Q, R> std::fmt::Debug for Joined<Q, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let models: Vec<&str> = self.models.iter().map(|(m, _)| m.rust_name).collect();
        f.debug_struct("Joined")
            .field("models", &models)
            .field("stmt", &self.stmt)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// A tuple with one more member: `(A, B)` plus `C` is `(A, B, C)`.
#[diagnostic::on_unimplemented(
    message = "a query joins at most five models",
    label = "`{X}` would be a sixth model of `{Self}`"
)]
pub trait RoomForOneMore<X> {
    /// The longer tuple.
    type Out;
}

impl<A, X> RoomForOneMore<X> for (A,) {
    type Out = (A, X);
}
impl<A, B, X> RoomForOneMore<X> for (A, B) {
    type Out = (A, B, X);
}
impl<A, B, C, X> RoomForOneMore<X> for (A, B, C) {
    type Out = (A, B, C, X);
}
impl<A, B, C, D, X> RoomForOneMore<X> for (A, B, C, D) {
    type Out = (A, B, C, D, X);
}

/// How a model enters the query, and on what condition.
enum On {
    ForeignKey,
    Cond(sea_query::Expr),
}

impl<M: Model> Select<M> {
    fn joined(self) -> Joined<(M,), (M,)> {
        let limited = self.limited;
        let (stmt, lock) = self.into_parts();
        Joined {
            stmt,
            lock,
            limited,
            models: vec![(M::meta(), false)],
            names: Vec::new(),
            error: None,
            _rows: PhantomData,
        }
    }

    /// Joins `B` along the foreign key declared between `M` and `B` (either
    /// way): rows `(M, B)`, for each pair that matches (an inner join).
    /// See [`Joined`].
    pub fn join<B: Model>(self) -> Joined<(M, B), (M, B)> {
        self.joined().join::<B>()
    }

    /// Joins `B` as a left (outer) join: rows `(M, Option<B>)`, `None` for
    /// a row of `M` with no matching `B`.
    pub fn left_join<B: Model>(self) -> Joined<(M, B), (M, Option<B>)> {
        self.joined().left_join::<B>()
    }

    /// Joins `B` on an explicit condition over `M` and `B` (an inner join):
    /// `join_on::<B, _>(cond)`, see [`Joined::join_on`].
    pub fn join_on<B: Model, I>(self, on: Cond<impl Source<(M, B), I>>) -> Joined<(M, B), (M, B)> {
        self.joined().join_on::<B, I>(on)
    }

    /// Left-joins `B` on an explicit condition over `M` and `B`.
    pub fn left_join_on<B: Model, I>(
        self,
        on: Cond<impl Source<(M, B), I>>,
    ) -> Joined<(M, B), (M, Option<B>)> {
        self.joined().left_join_on::<B, I>(on)
    }
}

impl<Q, R> Joined<Q, R> {
    fn add<B: Model, Q2, R2>(mut self, kind: JoinType, on: On) -> Joined<Q2, R2> {
        let meta = B::meta();
        let on = on::check_new(&self.models, meta).and_then(|()| match on {
            On::ForeignKey => on::along_foreign_key(&self.models, meta),
            On::Cond(cond) => Ok(cond),
        });
        match on {
            Ok(on) => {
                self.stmt
                    .expr(meta.select_all())
                    .join(kind, meta.table_ref(), on);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self.models.push((meta, kind == JoinType::LeftJoin));
        Joined {
            stmt: self.stmt,
            lock: self.lock,
            limited: self.limited,
            models: self.models,
            names: self.names,
            error: self.error,
            _rows: PhantomData,
        }
    }

    /// Joins `B` along the foreign key declared between `B` and a model
    /// already in the query (either way): an inner join, `B` in each row.
    pub fn join<B: Model>(self) -> Joined<Q::Out, R::Out>
    where
        Q: RoomForOneMore<B>,
        R: RoomForOneMore<B>,
    {
        self.add::<B, _, _>(JoinType::InnerJoin, On::ForeignKey)
    }

    /// Left-joins `B` along its foreign key: `Option<B>` in each row,
    /// `None` where no row of `B` matches.
    pub fn left_join<B: Model>(self) -> Joined<Q::Out, <R as RoomForOneMore<Option<B>>>::Out>
    where
        Q: RoomForOneMore<B>,
        R: RoomForOneMore<Option<B>>,
    {
        self.add::<B, _, _>(JoinType::LeftJoin, On::ForeignKey)
    }

    /// Joins `B` on `on`, a condition over the query's models and `B`
    /// (the second type argument, the condition's index, is inferred:
    /// write `join_on::<B, _>(cond)`).
    ///
    /// ```
    /// # use alembix::Model;
    /// # #[derive(Model, Debug, Clone)] struct User { id: i64, name: String }
    /// # #[derive(Model, Debug, Clone)] struct Post { id: i64, author: String, editor: String }
    /// // No foreign key needed: any condition over `Post` and `User`.
    /// let q = Post::find().join_on::<User, _>(Post::editor.eq(User::name));
    /// # let _ = q;
    /// ```
    pub fn join_on<B: Model, I>(self, on: Cond<impl Source<Q::Out, I>>) -> Joined<Q::Out, R::Out>
    where
        Q: RoomForOneMore<B>,
        R: RoomForOneMore<B>,
    {
        self.add::<B, _, _>(JoinType::InnerJoin, On::Cond(on.0))
    }

    /// Left-joins `B` on `on`, a condition over the query's models and `B`.
    pub fn left_join_on<B: Model, I>(
        self,
        on: Cond<impl Source<Q::Out, I>>,
    ) -> Joined<Q::Out, <R as RoomForOneMore<Option<B>>>::Out>
    where
        Q: RoomForOneMore<B>,
        R: RoomForOneMore<Option<B>>,
    {
        self.add::<B, _, _>(JoinType::LeftJoin, On::Cond(on.0))
    }

    /// Keeps the rows for which `cond` holds (several filters are ANDed).
    /// The condition may read the columns of every model of the query.
    pub fn filter<S: Source<Q, I>, I>(mut self, cond: Cond<S>) -> Self {
        self.stmt.and_where(cond.0);
        self
    }

    /// Orders the rows (several calls order by each in turn), by columns of
    /// any model of the query.
    pub fn order_by<S: Source<Q, I>, I>(mut self, order: OrderBy<S>) -> Self {
        self.stmt.order_by_expr(order.expr, order.order);
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit(n);
        self.limited = true;
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        crate::query::offset(&mut self.stmt, n, self.limited);
        self
    }

    /// Locks the selected rows until the transaction ends (`FOR UPDATE`).
    /// On PostgreSQL, which cannot lock the missing side of an outer join,
    /// only the rows of the inner-joined models are locked
    /// (`FOR UPDATE OF ...`); SQLite locks the whole database for writes
    /// instead, so there it changes nothing.
    pub fn for_update(mut self) -> Self {
        self.lock = true;
        self
    }

    /// Reads the given columns or expressions instead of whole models: one
    /// value (rows of its Rust type) or a tuple of up to six (rows of their
    /// tuple). A column of a left-joined model reads as an `Option` of its
    /// type (so a nullable one as `Option<Option<T>>`, `None` whether the
    /// row is missing or the column is NULL). An expression reads as its own
    /// type: one over a left-joined model fails to decode where the row is
    /// missing, so select its columns instead.
    ///
    /// ```
    /// # use alembix::Model;
    /// # #[derive(Model, Debug, Clone)] struct User { id: i64, name: String }
    /// # #[derive(Model, Debug, Clone)] struct Post { id: i64, #[column(references = "user.id")] user_id: i64, votes: i32 }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let db = alembix::Db::connect("sqlite::memory:").await?;
    /// # db.create_all(&[User::table(), Post::table()]).await?;
    /// let rows: Vec<(String, Option<i32>)> = User::find()
    ///     .left_join::<Post>()
    ///     .columns((User::name, Post::votes))
    ///     .all(&db)
    ///     .await?;
    /// let doubled: Vec<i32> = Post::find().join::<User>().columns(Post::votes * 2).all(&db).await?;
    /// # let _ = (rows, doubled);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn columns<C: Selection<Q, R, I>, I>(mut self, columns: C) -> Joined<Q, C::Shape> {
        let items = columns.items();
        self.stmt.clear_selects();
        self.names.clear();
        for (expr, name) in items {
            self.stmt.expr(expr);
            self.names.push(name);
        }
        Joined {
            stmt: self.stmt,
            lock: self.lock,
            limited: self.limited,
            models: self.models,
            names: self.names,
            error: self.error,
            _rows: PhantomData,
        }
    }
}
