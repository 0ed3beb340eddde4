//! Subqueries in conditions: `IN (SELECT ...)`, `EXISTS (SELECT ...)` and,
//! through [`Projected::scalar`](crate::query::Projected::scalar), scalar
//! subqueries.
//!
//! A subquery is an ordinary query: `Tag::find().select(Tag::post_id)` is
//! one column of type `i64`, so `Post::id.in_subquery(..)` accepts it and
//! `Post::title.in_subquery(..)` does not compile. A subquery that reads the
//! outer query's row (a *correlated* one) names the outer model first, with
//! [`Select::correlated`](crate::query::Select::correlated): its filter may
//! then use the columns of both models, and the condition it makes reads
//! the outer model, so only a query including that model accepts it.
//!
//! ```
//! use alembix::Model;
//! use alembix::expr::{exists, not_exists};
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[model(table = "posts")]
//! struct Post { id: i64, title: String }
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "comments")]
//! struct Comment {
//!     id: i64,
//!     #[column(references = "posts.id")]
//!     post_id: i64,
//!     spam: bool,
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let db = alembix::Db::connect("sqlite::memory:").await?;
//! db.create_all(&[Post::table(), Comment::table()]).await?;
//! let quiet = Post { id: 0, title: "quiet".into() }.insert(&db).await?;
//! let busy = Post { id: 0, title: "busy".into() }.insert(&db).await?;
//! Comment { id: 0, post_id: busy.id, spam: false }.insert(&db).await?;
//! Comment { id: 0, post_id: busy.id, spam: true }.insert(&db).await?;
//!
//! // Uncorrelated: the posts some comment is spam on.
//! let spammed = Post::find()
//!     .filter(Post::id.in_subquery(
//!         Comment::find().filter(Comment::spam.eq(true)).select(Comment::post_id),
//!     ))
//!     .all(&db)
//!     .await?;
//! assert_eq!(spammed, vec![busy.clone()]);
//!
//! // Correlated: the posts without any comment.
//! let comments_of_post = Comment::find()
//!     .correlated::<Post>()
//!     .filter(Comment::post_id.eq(Post::id));
//! let silent = Post::find().filter(not_exists(comments_of_post.clone())).all(&db).await?;
//! assert_eq!(silent, vec![quiet]);
//! let commented = Post::find().filter(exists(comments_of_post)).all(&db).await?;
//! assert_eq!(commented, vec![busy]);
//! # Ok::<_, alembix::Error>(()) }).unwrap();
//! ```
//!
//! MySQL and MariaDB refuse `limit` in a subquery of `IN`.

use sea_query::{ExprTrait, SelectStatement};

use super::{Col, Cond, Merge};
use crate::model::Model;

/// A query usable as a subquery: a [`Select`](crate::query::Select) or a
/// [`Projected`](crate::query::Projected) query.
pub trait Subquery {
    /// The models of the outer query it reads: `()` when it is not
    /// correlated, the outer model given to
    /// [`correlated`](crate::query::Select::correlated) otherwise.
    type Outer;
    /// The statement (no select list is written for a backend: a subquery
    /// is never read back by Alembix, only by the outer query).
    fn into_statement(self) -> SelectStatement;
}

/// A subquery selecting one column of type `T` (or `Option<T>`), for
/// [`Col::in_subquery`].
#[diagnostic::on_unimplemented(
    message = "this subquery does not select one column of type `{T}`",
    label = "expected a query selecting one column or expression of type `{T}`",
    note = "`in_subquery` compares the column with the values of a one-column subquery of the same Rust type, like `Tag::find().select(Tag::post_id)`"
)]
pub trait ColumnSubquery<T>: Subquery {}

/// The models a query of `M` reads when correlated with `Self`: `(M,)` for
/// `()`, `(M, P)` for an outer model `P`.
pub trait Correlation<M> {
    /// The models the query's conditions may read.
    type Models;
}

impl<M> Correlation<M> for () {
    type Models = (M,);
}

impl<M, P: Model> Correlation<M> for P {
    type Models = (M, P);
}

/// `EXISTS (subquery)`: the subquery returns at least one row. The
/// condition reads the outer models the subquery reads.
pub fn exists<Q: Subquery>(subquery: Q) -> Cond<Q::Outer> {
    Cond::new(sea_query::Expr::exists(subquery.into_statement()))
}

/// `NOT EXISTS (subquery)`: the subquery returns no row.
pub fn not_exists<Q: Subquery>(subquery: Q) -> Cond<Q::Outer> {
    Cond::new(sea_query::Expr::not_exists(subquery.into_statement()))
}

impl<M, T> Col<M, T> {
    /// `col IN (subquery)`: the subquery selects one column of the
    /// column's type (see the [module docs](self)).
    pub fn in_subquery<Q: ColumnSubquery<T>>(self, subquery: Q) -> Cond<<Q::Outer as Merge<M>>::Out>
    where
        Q::Outer: Merge<M>,
    {
        Cond::new(self.expr().in_subquery(subquery.into_statement()))
    }

    /// `col NOT IN (subquery)`. As in SQL, a NULL among the subquery's
    /// values makes the condition unknown for every row: select a column
    /// that is never NULL, or filter out its NULLs.
    pub fn not_in_subquery<Q: ColumnSubquery<T>>(
        self,
        subquery: Q,
    ) -> Cond<<Q::Outer as Merge<M>>::Out>
    where
        Q::Outer: Merge<M>,
    {
        Cond::new(self.expr().not_in_subquery(subquery.into_statement()))
    }
}
