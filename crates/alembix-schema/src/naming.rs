//! The naming convention for constraints and indexes the model does not name.
//!
//! | object | name |
//! | --- | --- |
//! | primary key | `pk_<table>` |
//! | unique constraint | `uq_<table>_<cols>` |
//! | index | `ix_<table>_<cols>` |
//! | foreign key | `fk_<table>_<cols>_<reftable>` |
//! | check | `ck_<table>_<name>` |
//!
//! Columns are joined with `_`. A name longer than [`MAX_NAME_LEN`] (63, the
//! PostgreSQL limit and below MySQL's 64) is cut and given an 8-digit hash
//! suffix, so it stays unique and deterministic on every backend.

/// The longest identifier every supported backend accepts.
pub const MAX_NAME_LEN: usize = 63;

/// `pk_<table>`.
///
/// ```
/// assert_eq!(alembix_schema::naming::primary_key_name("users"), "pk_users");
/// ```
pub fn primary_key_name(table: &str) -> String {
    fit(format!("pk_{table}"))
}

/// `uq_<table>_<cols>`.
pub fn unique_name(table: &str, columns: &[impl AsRef<str>]) -> String {
    fit(format!("uq_{table}_{}", join(columns)))
}

/// `ix_<table>_<cols>`.
///
/// ```
/// assert_eq!(alembix_schema::naming::index_name("users", &["org_id", "created_at"]), "ix_users_org_id_created_at");
/// ```
pub fn index_name(table: &str, columns: &[impl AsRef<str>]) -> String {
    fit(format!("ix_{table}_{}", join(columns)))
}

/// `fk_<table>_<cols>_<reftable>`.
pub fn foreign_key_name(table: &str, columns: &[impl AsRef<str>], ref_table: &str) -> String {
    fit(format!("fk_{table}_{}_{ref_table}", join(columns)))
}

/// `ck_<table>_<name>`.
pub fn check_name(table: &str, name: &str) -> String {
    fit(format!("ck_{table}_{name}"))
}

fn join(columns: &[impl AsRef<str>]) -> String {
    columns
        .iter()
        .map(|c| c.as_ref())
        .collect::<Vec<_>>()
        .join("_")
}

/// Cuts a name to [`MAX_NAME_LEN`] bytes with a hash suffix when it is longer.
///
/// ```
/// let long = "ix_".to_string() + &"a".repeat(100);
/// let cut = alembix_schema::naming::fit(long.clone());
/// assert_eq!(cut.len(), 63);
/// assert_eq!(cut, alembix_schema::naming::fit(long));
/// ```
pub fn fit(name: String) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name;
    }
    let hash = fnv1a(name.as_bytes());
    let suffix = format!("_{:08x}", hash as u32);
    let mut cut = MAX_NAME_LEN - suffix.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{}", &name[..cut], suffix)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
