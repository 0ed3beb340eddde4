//! Query builders and the statements behind the [`Model`](crate::Model) methods.

mod backend;
mod bulk;
pub(crate) mod cache;
pub mod join;
mod keyset;
mod projected;
mod select;
mod tuple;
mod upsert;
mod write;

pub(crate) use bulk::insert_many;
pub use join::{Join, Joined};
pub use keyset::{Cursor, KeyOrder, Keys, Keyset, Page};
pub use projected::Projected;
pub use select::Select;
#[doc(hidden)]
pub use tuple::Labels;
pub use tuple::{Projection, RowValues, SelectItem, SelectList, Selectable};
pub use upsert::{Columns, Upsert};
pub use write::{BindValue, DeleteMany, RawQuery, UpdateMany};
pub(crate) use write::{delete_by_key, find_by_key, insert, save};
