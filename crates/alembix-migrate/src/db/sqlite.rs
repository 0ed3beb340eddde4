//! sqlite specifics: lock, version and log tables, DDL transactions.
