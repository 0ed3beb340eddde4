//! Relations to load, as values: [`children`](super::children),
//! [`parent`](super::parent) and [`through`](super::through), nested with
//! `.with(...)`, loaded for rows already fetched ([`Relation::load`]) or
//! with the rows of a query ([`Select::with`]).

use std::future::Future;
use std::marker::PhantomData;

use crate::db::Exec;
use crate::error::Result;
use crate::model::Model;
use crate::query::Select;

/// A relation of `M` to load for many rows at once: one statement per
/// batch of keys for this level, plus those of the relations nested in it.
pub trait Relation<M>: Send + Sync {
    /// What each row gets: a `Vec` for children and many-to-many, an
    /// `Option` for a parent (each item paired with its own nested
    /// relations when there are any).
    type Out: Send;

    /// Loads the relation for `rows`: one entry per row, in the same order.
    ///
    /// ```
    /// # use alembix::{Db, Model};
    /// use alembix::relations::{children, Relation};
    /// # #[derive(Model, Debug, Clone)] #[model(table = "posts")] struct Post { id: i64, title: String }
    /// # #[derive(Model, Debug, Clone)] #[model(table = "comments")]
    /// # struct Comment { id: i64, #[column(references = "posts.id")] post_id: i64 }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let db = Db::connect("sqlite::memory:").await?;
    /// # db.create_all(&[Post::table(), Comment::table()]).await?;
    /// let posts = vec![
    ///     Post { id: 0, title: "a".into() }.insert(&db).await?,
    ///     Post { id: 0, title: "b".into() }.insert(&db).await?,
    /// ];
    /// Comment { id: 0, post_id: posts[1].id }.insert(&db).await?;
    /// let comments: Vec<Vec<Comment>> = children::<Comment>().load(&db, &posts).await?;
    /// assert_eq!((comments[0].len(), comments[1].len()), (0, 1));
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    fn load<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [M],
    ) -> impl Future<Output = Result<Vec<Self::Out>>> + Send + 'a;
}

/// What a relation does with the related rows it loaded: `()` keeps them
/// as they are, [`With`] pairs each with a relation of its own.
pub trait Nested<C>: Send + Sync {
    /// One related row, with its nested relations if any.
    type Item: Send;

    /// Loads the nested relations of `rows`.
    fn attach<'a>(
        &'a self,
        ex: Exec<'a>,
        rows: Vec<C>,
    ) -> impl Future<Output = Result<Vec<Self::Item>>> + Send + 'a
    where
        C: 'a;
}

impl<C: Send> Nested<C> for () {
    type Item = C;

    fn attach<'a>(
        &'a self,
        _ex: Exec<'a>,
        rows: Vec<C>,
    ) -> impl Future<Output = Result<Vec<C>>> + Send + 'a
    where
        C: 'a,
    {
        std::future::ready(Ok(rows))
    }
}

/// A relation nested under another: each related row comes paired with
/// what `R` loads for it. Made by the `with` methods.
#[derive(Debug, Clone)]
pub struct With<R>(R);

impl<C: Send + Sync, R: Relation<C>> Nested<C> for With<R> {
    type Item = (C, R::Out);

    async fn attach<'a>(&'a self, ex: Exec<'a>, rows: Vec<C>) -> Result<Vec<(C, R::Out)>>
    where
        C: 'a,
    {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let out = self.0.load(ex, &rows).await?;
        Ok(rows.into_iter().zip(out).collect())
    }
}

macro_rules! relation_spec {
    ($(#[$doc:meta])* $name:ident<$($t:ident),*>) => {
        $(#[$doc])*
        pub struct $name<$($t,)* N = ()> {
            nested: N,
            batch: Option<usize>,
            _models: PhantomData<fn() -> ($($t,)*)>,
        }

        impl<$($t,)* N: std::fmt::Debug> std::fmt::Debug for $name<$($t,)* N> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("nested", &self.nested)
                    .finish_non_exhaustive()
            }
        }

        impl<$($t,)* N: Clone> Clone for $name<$($t,)* N> {
            fn clone(&self) -> Self {
                $name { nested: self.nested.clone(), batch: self.batch, _models: PhantomData }
            }
        }

        impl<$($t,)*> $name<$($t,)* ()> {
            pub(super) fn new() -> Self {
                $name { nested: (), batch: None, _models: PhantomData }
            }

            /// Loads `rel` for each related row as well (one more statement
            /// for the level); several at once with a tuple `(a, b)`.
            pub fn with<R>(self, rel: R) -> $name<$($t,)* With<R>> {
                $name { nested: With(rel), batch: self.batch, _models: PhantomData }
            }
        }

        impl<$($t,)* N> $name<$($t,)* N> {
            /// At most `n` keys per statement instead of the backend's
            /// bind-parameter limit (for tests of the batching).
            #[doc(hidden)]
            pub fn batch_size(mut self, n: usize) -> Self {
                self.batch = Some(n);
                self
            }
        }
    };
}

relation_spec! {
    /// The rows of `C` whose foreign key refers to each row: made by
    /// [`children`](super::children); each row gets a `Vec`.
    Children<C>
}

relation_spec! {
    /// The row of `P` each row refers to by its foreign key: made by
    /// [`parent`](super::parent); each row gets an `Option`.
    Parent<P>
}

relation_spec! {
    /// The rows of `T` linked to each row by rows of the join model `J`:
    /// made by [`through`](super::through); each row gets a `Vec`.
    Through<J, T>
}

impl<M: Model, C: Model + Clone, N: Nested<C>> Relation<M> for Children<C, N>
where
    N::Item: Clone,
{
    type Out = Vec<N::Item>;

    fn load<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [M],
    ) -> impl Future<Output = Result<Vec<Self::Out>>> + Send + 'a {
        let ex = ex.into();
        async move {
            // The nested relations are loaded for the children as they
            // came; each is then moved once, into its row's list.
            let (children, grouping) =
                super::load_children_in::<M, C>(ex, rows, self.batch).await?;
            let items = self.nested.attach(ex, children).await?;
            Ok(grouping.distribute(items))
        }
    }
}

impl<M: Model, J: Model, T: Model + Clone, N: Nested<T>> Relation<M> for Through<J, T, N>
where
    N::Item: Clone,
{
    type Out = Vec<N::Item>;

    fn load<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [M],
    ) -> impl Future<Output = Result<Vec<Self::Out>>> + Send + 'a {
        let ex = ex.into();
        async move {
            let (targets, grouping) =
                super::through::load_through::<M, J, T>(ex, rows, self.batch).await?;
            let items = self.nested.attach(ex, targets).await?;
            Ok(grouping.distribute(items))
        }
    }
}

impl<M: Model, P: Model + Clone, N: Nested<P>> Relation<M> for Parent<P, N>
where
    N::Item: Clone,
{
    type Out = Option<N::Item>;

    fn load<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [M],
    ) -> impl Future<Output = Result<Vec<Self::Out>>> + Send + 'a {
        let ex = ex.into();
        async move {
            // The nested relations are loaded once for each distinct
            // parent, then shared by the rows that refer to it.
            let (parents, found) = super::load_parents_in::<M, P>(ex, rows, self.batch).await?;
            let items = self.nested.attach(ex, parents).await?;
            Ok(super::per_row(items, &found))
        }
    }
}

impl<M: Sync, A: Relation<M>, B: Relation<M>> Relation<M> for (A, B) {
    type Out = (A::Out, B::Out);

    fn load<'a>(
        &'a self,
        ex: impl Into<Exec<'a>> + Send + 'a,
        rows: &'a [M],
    ) -> impl Future<Output = Result<Vec<Self::Out>>> + Send + 'a {
        let ex = ex.into();
        async move {
            let a = self.0.load(ex, rows).await?;
            let b = self.1.load(ex, rows).await?;
            Ok(a.into_iter().zip(b).collect())
        }
    }
}

/// The rows of a query, each with a relation loaded: made by
/// [`Select::with`], run with [`all`](WithRelation::all).
#[derive(Debug, Clone)]
pub struct WithRelation<M, R> {
    select: Select<M>,
    rel: R,
}

impl<M: Model> Select<M> {
    /// Loads `rel` for the rows of this query: the query, then one
    /// statement per level of `rel` (see [`relations`](crate::relations)).
    ///
    /// ```
    /// # use alembix::{Db, Model};
    /// use alembix::relations::children;
    /// # #[derive(Model, Debug, Clone)] #[model(table = "posts")] struct Post { id: i64, title: String }
    /// # #[derive(Model, Debug, Clone)] #[model(table = "comments")]
    /// # struct Comment { id: i64, #[column(references = "posts.id")] post_id: i64 }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let db = Db::connect("sqlite::memory:").await?;
    /// # db.create_all(&[Post::table(), Comment::table()]).await?;
    /// let post = Post { id: 0, title: "Hi".into() }.insert(&db).await?;
    /// Comment { id: 0, post_id: post.id }.insert(&db).await?;
    /// let before = db.queries_run();
    /// let posts: Vec<(Post, Vec<Comment>)> =
    ///     Post::find().with(children::<Comment>()).all(&db).await?;
    /// assert_eq!(db.queries_run() - before, 2);
    /// assert_eq!(posts[0].1.len(), 1);
    /// # Ok::<_, alembix::Error>(()) }).unwrap();
    /// ```
    pub fn with<R: Relation<M>>(self, rel: R) -> WithRelation<M, R> {
        WithRelation { select: self, rel }
    }
}

impl<M: Model, R: Relation<M>> WithRelation<M, R> {
    /// Every matching row, paired with what the relation loaded for it.
    pub async fn all<'a>(self, ex: impl Into<Exec<'a>>) -> Result<Vec<(M, R::Out)>> {
        let ex = ex.into();
        let rows = self.select.all(ex).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let out = self.rel.load(ex, &rows).await?;
        Ok(rows.into_iter().zip(out).collect())
    }
}
