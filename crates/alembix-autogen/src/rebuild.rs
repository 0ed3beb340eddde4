//! The schema after an op, under its former path.
//!
//! [`apply_op`] is [`alembix_schema::Schema::apply`]; the SQLite table
//! rebuilds that lived here are part of [`alembix_schema::render_plan`].
//! This path stays for callers that still name
//! `alembix_autogen::rebuild::apply_op`.

pub use alembix_schema::apply_op;
