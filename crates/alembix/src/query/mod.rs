//! Query builders and the statements behind the [`Model`](crate::Model) methods.

mod backend;
mod bulk;
pub(crate) mod cache;
pub mod join;
mod select;
mod write;

pub(crate) use bulk::insert_many;
pub use join::{Join, Joined};
pub use select::Select;
pub use write::{BindValue, DeleteMany, RawQuery, UpdateMany};
pub(crate) use write::{delete_by_key, find_by_key, insert, save, upsert};
