//! The service's tables. The revisions under `migrations/<backend>/` create
//! them (written by `alembix autogen` from this file), and `alembix check`
//! compares a database with them.

use alembix::Model;
use serde::Serialize;

/// Longest account name, in characters (the column is `varchar(100)`).
pub const NAME_MAX: usize = 100;
/// Longest note title, in characters (the column is `varchar(200)`).
pub const TITLE_MAX: usize = 200;
/// Longest note body, in characters (a limit of the service, not the column).
pub const BODY_MAX: usize = 10_000;

/// Someone who writes notes.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[model(table = "accounts")]
pub struct Account {
    /// The key; 0 on insert lets the database choose it.
    pub id: i64,
    /// Unique among accounts.
    #[column(max_length = 100, unique)]
    pub name: String,
    /// How many appends this account's notes received: bumped in the same
    /// transaction as the note itself.
    #[column(default = "0")]
    pub edits: i64,
}

/// A note of an account, edited under optimistic locking.
#[derive(Model, Debug, Clone, PartialEq, Serialize)]
#[model(table = "notes")]
pub struct Note {
    /// The key; 0 on insert lets the database choose it.
    pub id: i64,
    /// The owner; deleting the account deletes its notes.
    #[column(references = "accounts.id", on_delete = "cascade", index)]
    pub account_id: i64,
    /// A short title.
    #[column(max_length = 200)]
    pub title: String,
    /// The text.
    pub body: String,
    /// Optimistic-locking counter: `save` writes the row only when it is
    /// unchanged since it was read, and bumps it.
    #[column(version)]
    pub version: i32,
}
