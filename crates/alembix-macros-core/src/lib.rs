//! The logic behind `#[derive(Model)]`, `#[derive(DbEnum)]` and
//! `#[derive(Projection)]` ([`expand_projection`]): parse a
//! struct or enum into the schema model ([`parse_model`], [`parse_db_enum`]),
//! then generate code from that model ([`expand_model`], [`expand_db_enum`]).
//!
//! Autogen's source scanner calls the same parse functions on source files,
//! so the derive and autogen can never disagree about a table.

mod ast;
mod attr;
mod check;
mod ctxt;
mod db_enum;
mod expand;
mod migrate;
mod names;
mod projection;
mod sql_objects;
mod symbol;
mod table;
pub mod types;

pub use ast::{FieldDef, ModelDef, parse_model};
pub use attr::partition_attributes;
pub use db_enum::{EnumDef, parse_db_enum};
pub use expand::{expand_db_enum, expand_model};
pub use migrate::expand_migrate;
pub use projection::expand_projection;
pub use sql_objects::{
    expand_sql_objects, parse_sql_objects, render_sql_objects, sequence_definition,
};
