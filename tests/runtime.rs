//! End-to-end tests of the runtime on PostgreSQL, MariaDB and SQLite: every
//! query method, relations, transactions, streaming, raw SQL, errors and
//! column types, each checked by reading values back.

mod common;

#[path = "runtime/models.rs"]
mod models;

#[path = "runtime/crud.rs"]
mod crud;

#[path = "runtime/relations.rs"]
mod relations;

#[path = "runtime/load_models.rs"]
mod load_models;

#[path = "runtime/loading.rs"]
mod loading;

#[path = "runtime/keyset.rs"]
mod keyset;

#[path = "runtime/tx.rs"]
mod tx;

#[path = "runtime/types.rs"]
mod types;

#[path = "runtime/trace.rs"]
mod trace;

#[path = "runtime/upsert.rs"]
mod upsert;

#[path = "runtime/keyless.rs"]
mod keyless;

#[path = "runtime/join_models.rs"]
mod join_models;

#[path = "runtime/joins.rs"]
mod joins;

#[path = "runtime/aggr_models.rs"]
mod aggr_models;

#[path = "runtime/aggregates.rs"]
mod aggregates;

#[path = "runtime/subqueries.rs"]
mod subqueries;
