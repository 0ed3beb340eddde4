//! mysql specifics: lock, version and log tables, DDL transactions.
