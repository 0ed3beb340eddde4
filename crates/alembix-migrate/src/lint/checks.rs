//! The rules' checks, on a statement's tokens (see `tokens` for why
//! tokens rather than sqlparser's AST).

use super::context::Context;
use super::rules::{self as r, Rule};
use super::tokens::{Tok, find_seq, has_seq, qualified, skip_kws, split_top};

/// The rules a statement fires, in the order they were checked.
pub(super) type Fired = Vec<&'static Rule>;

/// Functions whose value differs per row: a default calling one rewrites the table.
const VOLATILE: &[&str] = &[
    "RANDOM",
    "GEN_RANDOM_UUID",
    "UUID_GENERATE_V1",
    "UUID_GENERATE_V4",
    "CLOCK_TIMESTAMP",
    "TIMEOFDAY",
    "NEXTVAL",
    "UUID",
    "RAND",
    "UUID_SHORT",
    "RANDOMBLOB",
    "STATEMENT_TIMESTAMP",
];

/// Integer types narrower than 64 bits.
const NARROW_INTS: &[&str] = &[
    "INT",
    "INTEGER",
    "INT4",
    "INT2",
    "SMALLINT",
    "MEDIUMINT",
    "TINYINT",
    "SERIAL",
    "SERIAL4",
    "SMALLSERIAL",
    "SERIAL2",
];

/// Rules about running at all, for both sections: `transaction-control`
/// (in a transactional step: a no-transaction step runs in autocommit, and
/// a transaction it opens itself, such as a SQLite rebuild's, is kept with
/// its statements' records by the runner), `concurrently-in-transaction`.
pub(crate) fn statement_rules(_ctx: &Context, t: &[Tok], transactional: bool, fired: &mut Fired) {
    let first = t.first();
    let control = first
        .is_some_and(|w| w.is("BEGIN") || w.is("COMMIT") || w.is("ROLLBACK") || w.is("END"))
        || has_seq(&t[..t.len().min(2)], &["START", "TRANSACTION"]);
    if transactional && control {
        fired.push(&r::TRANSACTION_CONTROL);
    }
    if transactional && t.iter().any(|w| w.is("CONCURRENTLY")) {
        fired.push(&r::CONCURRENTLY_IN_TRANSACTION);
    }
}

/// Rules about the schema change a statement makes (upgrade sections).
pub(crate) fn schema_rules(ctx: &Context, t: &[Tok], fired: &mut Fired) {
    if ctx.dialect.caps().concurrent_indexes
        && t.first().is_some_and(|w| w.is("CREATE"))
        && index_kw(t)
        && let Some((_, table)) = index_target(t)
        && ctx.existing(&table)
        && !t.iter().any(|w| w.is("CONCURRENTLY"))
    {
        fired.push(&r::NON_CONCURRENT_INDEX);
    }
    if has_seq(&t[..t.len().min(2)], &["DROP", "INDEX"]) {
        drop_index(ctx, t, fired);
    }
    if has_seq(&t[..t.len().min(2)], &["DROP", "TABLE"]) {
        let names = &t[skip_kws(t, 2, &["IF", "EXISTS"])..];
        let existing = split_top(names)
            .into_iter()
            .filter_map(|n| qualified(n, 0))
            .any(|(n, _)| ctx.existing(&n));
        if existing {
            fired.push(&r::DROP_TABLE);
        }
    }
    if has_seq(&t[..t.len().min(2)], &["RENAME", "TABLE"]) {
        fired.push(&r::RENAME);
    }
    if t.first().is_some_and(|w| w.is("CREATE")) && find_seq(t, &["TABLE"]).is_some_and(|i| i < 4) {
        create_table(ctx, t, fired);
    }
    if let Some(table) = alter_table_name(t) {
        super::checks_alter::alter_table(ctx, t, &table, fired);
    }
}

/// True for `CREATE [UNIQUE] INDEX`.
fn index_kw(t: &[Tok]) -> bool {
    t.get(skip_kws(t, 1, &["UNIQUE"]))
        .is_some_and(|w| w.is("INDEX"))
}

/// `non-concurrent-index` for `DROP INDEX` (PostgreSQL): fires unless the
/// index was created on a new table in this revision.
fn drop_index(ctx: &Context, t: &[Tok], fired: &mut Fired) {
    if !ctx.dialect.caps().concurrent_indexes || t.iter().any(|w| w.is("CONCURRENTLY")) {
        return;
    }
    let i = skip_kws(t, 2, &["IF", "EXISTS"]);
    let known_new = qualified(t, i).is_some_and(|(n, _)| ctx.new_indexes.contains(&n));
    if !known_new {
        fired.push(&r::NON_CONCURRENT_INDEX);
    }
}

/// For `CREATE [UNIQUE] INDEX ... [name] ON [ONLY] table`: the index name
/// (when given) and the table.
pub(crate) fn index_target(t: &[Tok]) -> Option<(Option<String>, String)> {
    let on = t.iter().position(|w| w.is("ON"))?;
    let before = t.get(on.checked_sub(1)?)?;
    let name = ["INDEX", "CONCURRENTLY", "EXISTS"]
        .iter()
        .all(|kw| !before.is(kw))
        .then(|| before.name())
        .flatten();
    let (table, _) = qualified(t, skip_kws(t, on + 1, &["ONLY"]))?;
    Some((name, table))
}

/// The table of an `ALTER TABLE [IF EXISTS] [ONLY] name ...` statement.
pub(crate) fn alter_table_name(t: &[Tok]) -> Option<String> {
    if !has_seq(&t[..t.len().min(2)], &["ALTER", "TABLE"]) {
        return None;
    }
    let i = skip_kws(t, 2, &["IF", "EXISTS", "ONLY"]);
    qualified(t, i).map(|(n, _)| n)
}

/// `prefer-bigint-key` and `prefer-timestamptz` on `CREATE TABLE`.
fn create_table(ctx: &Context, t: &[Tok], fired: &mut Fired) {
    timestamptz(ctx, t, fired);
    if ctx.dialect.caps().integer_keys_are_64_bit {
        // `INTEGER PRIMARY KEY` is the 64-bit rowid there (SQLite).
        return;
    }
    let body = paren_group(t);
    let mut narrow = Vec::new();
    let mut pk_cols = Vec::new();
    for el in split_top(body) {
        let Some(first) = el.first() else { continue };
        if first.is("CONSTRAINT") || first.is("PRIMARY") {
            if let Some(k) = find_seq(el, &["PRIMARY", "KEY"]) {
                pk_cols = split_top(paren_group(&el[k + 2..]))
                    .into_iter()
                    .filter_map(|c| c.first().and_then(Tok::name))
                    .collect();
            }
            continue;
        }
        let (Some(name), Some(ty)) = (first.name(), el.get(1)) else {
            continue;
        };
        let is_narrow = NARROW_INTS.iter().any(|n| ty.is(n));
        if is_narrow && has_seq(el, &["PRIMARY", "KEY"]) {
            pk_cols = vec![name.clone()];
        }
        if is_narrow {
            narrow.push(name);
        }
    }
    if pk_cols.len() == 1 && narrow.contains(&pk_cols[0]) {
        fired.push(&r::PREFER_BIGINT_KEY);
    }
}

/// The tokens inside the first parenthesised group of `t`.
fn paren_group(t: &[Tok]) -> &[Tok] {
    let Some(open) = t.iter().position(|w| *w == Tok::LParen) else {
        return &[];
    };
    let mut depth = 0;
    for (i, w) in t.iter().enumerate().skip(open) {
        match w {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return &t[open + 1..i];
                }
            }
            _ => {}
        }
    }
    &t[open + 1..]
}

/// `prefer-timestamptz`: PostgreSQL `timestamp` not followed by `WITH TIME ZONE`.
pub(crate) fn timestamptz(ctx: &Context, t: &[Tok], fired: &mut Fired) {
    if !ctx.dialect.caps().has_timestamptz || fired.contains(&&r::PREFER_TIMESTAMPTZ) {
        return;
    }
    for (i, w) in t.iter().enumerate() {
        if !w.is("TIMESTAMP") {
            continue;
        }
        let mut j = i + 1;
        if t.get(j) == Some(&Tok::LParen) {
            j += 3;
        }
        if !has_seq(
            &t[j.min(t.len())..t.len().min(j + 3)],
            &["WITH", "TIME", "ZONE"],
        ) {
            fired.push(&r::PREFER_TIMESTAMPTZ);
            return;
        }
    }
}

/// True when `t` calls a volatile function after `DEFAULT`.
pub(crate) fn volatile_default(t: &[Tok]) -> bool {
    let Some(d) = t.iter().position(|w| w.is("DEFAULT")) else {
        return false;
    };
    t[d..].windows(2).any(|p| {
        p[1] == Tok::LParen
            && VOLATILE
                .iter()
                .any(|f| matches!(&p[0], Tok::Word { up, .. } if up == f))
    })
}
