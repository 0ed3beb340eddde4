//! Which models an expression reads, checked at compile time against the
//! models a query includes.
//!
//! Every [`Cond`](super::Cond), [`OrderBy`](super::OrderBy) and
//! [`Expr`](super::Expr) carries a *source* type: `()` for one that reads no
//! column (a value, raw SQL), the model `M` for one that reads columns of
//! `M`, and [`And<A, B>`] for one that reads the columns of both sources. A
//! query accepts it only when every model of the source is in the query:
//!
//! ```compile_fail
//! # use alembix::Model;
//! # #[derive(Model, Debug, Clone)] struct Post { id: i64 }
//! # #[derive(Model, Debug, Clone)] struct Tag { id: i64 }
//! // `Tag` is not in this query: a compile error, not a runtime one.
//! let q = Post::find().filter(Tag::id.eq(1));
//! ```

use std::marker::PhantomData;

use crate::model::Model;

/// The source of an expression that reads the columns of `A` and of `B`.
pub struct And<A, B>(PhantomData<fn() -> (A, B)>);

/// Position markers for [`Has`]: which member of a query's tuple of models
/// a model is. Inferred, never written.
pub mod index {
    /// The first model of a query.
    pub struct I0;
    /// The second model of a query.
    pub struct I1;
    /// The third model of a query.
    pub struct I2;
    /// The fourth model of a query.
    pub struct I3;
    /// The fifth model of a query.
    pub struct I4;
}
use index::{I0, I1, I2, I3, I4};

/// Implemented by a query's tuple of models (`(A,)`, `(A, B)`, ... up to
/// five) for each model `M` it includes; `I` is `M`'s position.
#[diagnostic::on_unimplemented(
    message = "this query does not include the model `{M}`",
    label = "a column of `{M}` is used in a query of `{Self}`",
    note = "join `{M}` into the query first, or use a column of a model the query includes"
)]
pub trait Has<M, I> {}

impl<A> Has<A, I0> for (A,) {}
impl<A, B> Has<A, I0> for (A, B) {}
impl<A, B> Has<B, I1> for (A, B) {}
impl<A, B, C> Has<A, I0> for (A, B, C) {}
impl<A, B, C> Has<B, I1> for (A, B, C) {}
impl<A, B, C> Has<C, I2> for (A, B, C) {}
impl<A, B, C, D> Has<A, I0> for (A, B, C, D) {}
impl<A, B, C, D> Has<B, I1> for (A, B, C, D) {}
impl<A, B, C, D> Has<C, I2> for (A, B, C, D) {}
impl<A, B, C, D> Has<D, I3> for (A, B, C, D) {}
impl<A, B, C, D, E> Has<A, I0> for (A, B, C, D, E) {}
impl<A, B, C, D, E> Has<B, I1> for (A, B, C, D, E) {}
impl<A, B, C, D, E> Has<C, I2> for (A, B, C, D, E) {}
impl<A, B, C, D, E> Has<D, I3> for (A, B, C, D, E) {}
impl<A, B, C, D, E> Has<E, I4> for (A, B, C, D, E) {}

/// Implemented by a source whose models are all in the query `Q` (a tuple
/// of models); `I` is inferred.
#[diagnostic::on_unimplemented(
    message = "an expression reads a model this query does not include",
    label = "this reads columns of `{Self}`, but the query includes only `{Q}`",
    note = "join the model into the query first, or use a column of a model the query includes"
)]
pub trait Source<Q, I> {}

impl<Q> Source<Q, ()> for () {}
impl<Q: Has<M, I>, M: Model, I> Source<Q, I> for M {}
impl<Q, A: Source<Q, IA>, B: Source<Q, IB>, IA, IB> Source<Q, (IA, IB)> for And<A, B> {}

/// Combines two sources: `Self` added to `S`. Reading no column adds
/// nothing, so `Cond<Post>` combined with a value stays `Cond<Post>`.
pub trait Merge<S> {
    /// The combined source.
    type Out;
}

impl<S> Merge<S> for () {
    type Out = S;
}
impl<S, M: Model> Merge<S> for M {
    type Out = And<S, M>;
}
impl<S, A, B> Merge<S> for And<A, B> {
    type Out = And<S, And<A, B>>;
}
