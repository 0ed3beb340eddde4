//! Query builders and the statements behind the [`Model`](crate::Model) methods.

mod backend;
mod bulk;
pub(crate) mod cache;
pub mod join;
mod keyset;
mod select;
mod upsert;
mod write;

pub(crate) use bulk::insert_many;
pub use join::{Join, Joined};
pub use keyset::{Cursor, KeyOrder, Keys, Keyset, Page};
pub use select::Select;
pub use upsert::{Columns, Upsert};
pub use write::{BindValue, DeleteMany, RawQuery, UpdateMany};
pub(crate) use write::{delete_by_key, find_by_key, insert, save};
