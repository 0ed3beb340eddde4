//! Autogenerate: read the live database into a [`Schema`](alembix_schema::Schema)
//! (introspection), read the models from source files (scanning), compare
//! the two into ops, and write revisions.

pub mod autogen;
pub mod codegen;
pub mod dialect;
pub mod diff;
pub mod error;
pub mod guards;
pub mod introspect;
pub mod names;
pub mod normalize;
pub mod scan;

pub use error::{Error, Result};
