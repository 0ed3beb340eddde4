//! The schema model of Alembix, the schema operations ([`Op`]) and their
//! rendering to SQL for PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! ```
//! use alembix_schema::{render_op, Column, ColumnType, Dialect::*, Op, Table};
//! let table = Table::new("users")
//!     .column(Column::new("id", ColumnType::BigInt).auto_increment())
//!     .column(Column::new("email", ColumnType::Varchar(Some(255))))
//!     .primary_key(&["id"]);
//! let sql = render_op(&Op::CreateTable { table }, Postgres).unwrap();
//! assert!(sql[0].starts_with("CREATE TABLE \"users\""));
//! ```
//!
//! # Column types per backend
//!
//! | `ColumnType` | PostgreSQL | MySQL / MariaDB | SQLite |
//! | --- | --- | --- | --- |
//! | `SmallInt` | `smallint` | `smallint` | `integer` |
//! | `Integer` | `integer` | `int` | `integer` |
//! | `BigInt` | `bigint` | `bigint` | `integer` |
//! | `Real` | `real` | `float` | `real` |
//! | `Double` | `double precision` | `double` | `real` |
//! | `Decimal { p, s }` | `numeric(p, s)` | `decimal(p, s)` | `text` (exact) |
//! | `Boolean` | `boolean` | `bool` (`tinyint(1)`) | `boolean` |
//! | `Char { n }` | `char(n)` | `char(n)` | `text` |
//! | `Varchar { n }` | `varchar(n)` | `varchar(n)` (255 when unset) | `text` |
//! | `Text` | `text` | `text` | `text` |
//! | `Binary` | `bytea` | `longblob` | `blob` |
//! | `Date` | `date` | `date` | `text` |
//! | `Time` | `time` | `time(6)` | `text` |
//! | `Timestamp` | `timestamp` | `datetime(6)` | `text` |
//! | `TimestampTz` | `timestamptz` | `datetime(6)` (UTC) | `text` |
//! | `Uuid` | `uuid` | `binary(16)` | `blob` |
//! | `Json` | `jsonb` | `json` | `text` |
//! | `Enum` | named enum type | `enum(...)` | `text` + `CHECK` |
//! | `Custom { sql }` | `sql` verbatim | `sql` verbatim | `sql` verbatim |

pub mod apply;
pub mod dialect;
pub mod model;
pub mod naming;
pub mod objects;
pub mod op;
pub mod plan;
pub mod render;
pub mod sql_type;

pub use apply::apply_op;
pub use dialect::{SqlDialect, UnknownScheme};
pub use model::{
    Check, Column, ColumnType, EnumType, ForeignKey, Index, Partition, PrimaryKey,
    ReferentialAction, Schema, Table, UniqueConstraint, partition_table_name,
};
pub use objects::{ObjectKind, SqlObject};
pub use op::{ColumnChange, Op, column_changes};
pub use plan::{RenderedPlan, StatefulRender, render_plan};
pub use render::{
    DEFAULT_PG_SCHEMA, Dialect, RenderError, TableName, create_schema, drop_schema, render_op,
    render_ops,
};
