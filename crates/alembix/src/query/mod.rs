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

/// `OFFSET n` on `stmt`. MySQL/MariaDB and SQLite take an `OFFSET` only after
/// a `LIMIT`: a query with an offset and no limit gets the largest limit all
/// three backends accept (`i64::MAX` rows), which a later `limit` replaces.
pub(crate) fn offset(stmt: &mut sea_query::SelectStatement, n: u64, limited: bool) {
    stmt.offset(n);
    if !limited {
        stmt.limit(i64::MAX as u64);
    }
}
