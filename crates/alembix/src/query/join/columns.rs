//! Typed selection of columns across the models of a join:
//! `.columns((Post::title, Author::name))` reads `(String, String)` rows.

use crate::expr::source::index::{I0, I1, I2, I3, I4};
use crate::expr::{Col, Expr, Source};
use crate::model::Model;
use crate::types::DbType;

use super::row::{Many, Name, One, RowShape};

/// The member at position `I` of a join's row type (`B` or `Option<B>`).
#[doc(hidden)]
pub trait At<I> {
    /// The member.
    type Member;
}

macro_rules! at {
    ($all:tt $($I:ident => $P:ident),+) => {$( at!(@one $all $I $P); )+};
    (@one ($($All:ident),+) $I:ident $P:ident) => {
        impl<$($All),+> At<$I> for ($($All,)+) {
            type Member = $P;
        }
    };
}
at!((A) I0 => A);
at!((A, B) I0 => A, I1 => B);
at!((A, B, C) I0 => A, I1 => B, I2 => C);
at!((A, B, C, D) I0 => A, I1 => B, I2 => C, I3 => D);
at!((A, B, C, D, E) I0 => A, I1 => B, I2 => C, I3 => D, I4 => E);

/// How a column of type `T` of model `M` reads in a row whose member for
/// `M` is `Self`: `T` for an inner-joined model, `Option<T>` for a
/// left-joined one (NULL when the row is missing).
#[doc(hidden)]
pub trait Slot<M, T> {
    /// The Rust type the column reads as.
    type Value;
}

impl<M: Model, T> Slot<M, T> for M {
    type Value = T;
}

impl<M: Model, T> Slot<M, T> for Option<M> {
    type Value = Option<T>;
}

/// A column or expression that a join over the models `Q` (rows `R`) can
/// select; `I` is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected by this query",
    label = "not a column or expression over the models `{Q}`",
    note = "select columns (`Post::title`) or expressions of models the query includes"
)]
pub trait Item<Q, R, I> {
    /// The Rust type of the value read.
    type Value: DbType;
    #[doc(hidden)]
    fn item(self) -> (sea_query::Expr, Name);
}

impl<Q, R, M, T, I> Item<Q, R, I> for Col<M, T>
where
    M: Source<Q, I>,
    R: At<I>,
    R::Member: Slot<M, T>,
    <R::Member as Slot<M, T>>::Value: DbType,
{
    type Value = <R::Member as Slot<M, T>>::Value;
    fn item(self) -> (sea_query::Expr, Name) {
        (self.expr(), (self.table(), self.name()))
    }
}

impl<Q, R, T: DbType, S: Source<Q, I>, I> Item<Q, R, I> for Expr<T, S> {
    type Value = T;
    fn item(self) -> (sea_query::Expr, Name) {
        (self.inner, ("the selection", "expression"))
    }
}

/// What [`Joined::columns`](super::Joined::columns) accepts: one column or
/// expression, or a tuple of up to six, of the query's models.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a selection of this query's columns",
    label = "expected a column, an expression, or a tuple of up to six of them",
    note = "select columns (`Post::title`) or expressions of models the query includes"
)]
pub trait Selection<Q, R, I> {
    /// The shape of the selected rows.
    type Shape: RowShape;
    #[doc(hidden)]
    fn items(self) -> Vec<(sea_query::Expr, Name)>;
}

impl<Q, R, I, M, T> Selection<Q, R, I> for Col<M, T>
where
    Col<M, T>: Item<Q, R, I>,
{
    type Shape = One<<Self as Item<Q, R, I>>::Value>;
    fn items(self) -> Vec<(sea_query::Expr, Name)> {
        vec![self.item()]
    }
}

impl<Q, R, I, T, S> Selection<Q, R, I> for Expr<T, S>
where
    Expr<T, S>: Item<Q, R, I>,
{
    type Shape = One<<Self as Item<Q, R, I>>::Value>;
    fn items(self) -> Vec<(sea_query::Expr, Name)> {
        vec![self.item()]
    }
}

macro_rules! selection {
    ($($X:ident $I:ident $i:tt)+) => {
        impl<Q, R, $($X: Item<Q, R, $I>, $I,)+> Selection<Q, R, ($($I,)+)> for ($($X,)+) {
            type Shape = Many<($($X::Value,)+)>;
            fn items(self) -> Vec<(sea_query::Expr, Name)> {
                vec![$(self.$i.item()),+]
            }
        }
    };
}
selection!(A IA 0);
selection!(A IA 0 B IB 1);
selection!(A IA 0 B IB 1 C IC 2);
selection!(A IA 0 B IB 1 C IC 2 D ID 3);
selection!(A IA 0 B IB 1 C IC 2 D ID 3 E IE 4);
selection!(A IA 0 B IB 1 C IC 2 D ID 3 E IE 4 F IF 5);
