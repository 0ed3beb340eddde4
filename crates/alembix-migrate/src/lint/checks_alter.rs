//! The checks on `ALTER TABLE` actions.

use super::checks::{Fired, timestamptz, volatile_default};
use super::context::Context;
use super::rules as r;
use super::tokens::{Tok, has_seq, qualified, skip_kws, split_top};

/// Words after `ADD` / `DROP` that name something other than a column.
const NOT_COLUMN: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "FOREIGN",
    "CHECK",
    "UNIQUE",
    "INDEX",
    "KEY",
    "FULLTEXT",
    "SPATIAL",
    "PARTITION",
    "DEFAULT",
];

/// Runs the `ALTER TABLE` rules over each action of the statement.
pub(crate) fn alter_table(ctx: &Context, t: &[Tok], table: &str, fired: &mut Fired) {
    if !ctx.existing(table) {
        return;
    }
    let i = skip_kws(t, 2, &["IF", "EXISTS", "ONLY"]);
    let Some((_, after)) = qualified(t, i) else {
        return;
    };
    let actions = split_top(&t[after..]);
    let mut online = true;
    for a in &actions {
        online &= action(ctx, a, table, fired);
    }
    timestamptz(ctx, t, fired);
    let algorithm = t.iter().any(|w| w.is("ALGORITHM"));
    if ctx.dialect.caps().online_alter_clauses && online && !algorithm && !actions.is_empty() {
        fired.push(&r::MYSQL_COPY_ALTER);
    }
    fired.dedup();
}

/// Checks one action; true when MySQL could run it without copying the table.
fn action(ctx: &Context, a: &[Tok], table: &str, fired: &mut Fired) -> bool {
    let Some(first) = a.first() else { return false };
    let next = a.get(1);
    let names_column = next.is_some_and(|w| NOT_COLUMN.iter().all(|k| !w.is(k)));
    if first.is("ADD") {
        if names_column {
            add_column(ctx, a, fired);
        } else {
            add_constraint(ctx, a, fired);
        }
        // A foreign key (with foreign_key_checks on), a primary key or a
        // check added copies the table whatever the clause says.
        return !a
            .iter()
            .any(|w| w.is("FOREIGN") || w.is("PRIMARY") || w.is("CHECK"));
    }
    if first.is("DROP") {
        if names_column {
            fired.push(&r::DROP_COLUMN);
        }
        return !a.iter().any(|w| w.is("PRIMARY") || w.is("FOREIGN"));
    }
    if first.is("RENAME") {
        if names_column {
            fired.push(&r::RENAME);
        }
        return true;
    }
    if first.is("ALTER") {
        alter_column(ctx, a, table, fired);
        return a.iter().any(|w| w.is("DEFAULT"));
    }
    if first.is("MODIFY") || first.is("CHANGE") {
        fired.push(&r::COLUMN_TYPE_CHANGE);
        let i = skip_kws(a, 1, &["COLUMN"]);
        if first.is("CHANGE") && a.get(i).and_then(Tok::name) != a.get(i + 1).and_then(Tok::name) {
            fired.push(&r::RENAME);
        }
    }
    false
}

/// `add-not-null-without-default`, `volatile-default` on `ADD [COLUMN]`.
fn add_column(ctx: &Context, a: &[Tok], fired: &mut Fired) {
    let _ = ctx;
    let nullable_free = has_seq(a, &["NOT", "NULL"]);
    let has_default = a.iter().any(|w| w.is("DEFAULT"));
    let generated = a
        .iter()
        .any(|w| w.is("GENERATED") || w.is("AUTO_INCREMENT"));
    if nullable_free && !has_default && !generated {
        fired.push(&r::ADD_NOT_NULL_WITHOUT_DEFAULT);
    }
    if volatile_default(a) {
        fired.push(&r::VOLATILE_DEFAULT);
    }
}

/// `constraint-without-not-valid` and `unique-without-index` (PostgreSQL).
fn add_constraint(ctx: &Context, a: &[Tok], fired: &mut Fired) {
    if !ctx.dialect.caps().deferred_validation {
        return;
    }
    let mut i = 1;
    if a.get(i).is_some_and(|w| w.is("CONSTRAINT")) {
        i += 2;
    }
    let kind = a.get(i);
    let not_valid = has_seq(a, &["NOT", "VALID"]);
    if kind.is_some_and(|w| w.is("FOREIGN") || w.is("CHECK")) && !not_valid {
        fired.push(&r::CONSTRAINT_WITHOUT_NOT_VALID);
    }
    if kind.is_some_and(|w| w.is("UNIQUE")) && !has_seq(a, &["USING", "INDEX"]) {
        fired.push(&r::UNIQUE_WITHOUT_INDEX);
    }
}

/// `set-not-null` and `column-type-change` on `ALTER [COLUMN] c ...`.
fn alter_column(ctx: &Context, a: &[Tok], table: &str, fired: &mut Fired) {
    let i = skip_kws(a, 1, &["COLUMN"]);
    let Some(column) = a.get(i).and_then(Tok::name) else {
        return;
    };
    let rest = &a[i + 1..];
    if ctx.dialect.caps().deferred_validation
        && has_seq(rest, &["SET", "NOT", "NULL"])
        && !ctx.has_validated_check(table, &column)
    {
        fired.push(&r::SET_NOT_NULL);
    }
    let ty = skip_kws(rest, 0, &["SET", "DATA"]);
    if rest.get(ty).is_some_and(|w| w.is("TYPE")) && rewrites(&rest[ty + 1..]) {
        fired.push(&r::COLUMN_TYPE_CHANGE);
    }
}

/// False for the PostgreSQL targets that never rewrite: `text` and
/// `varchar` without a length (the old type is not known to the linter).
fn rewrites(ty: &[Tok]) -> bool {
    let first = ty.first();
    let len_at = if first.is_some_and(|w| w.is("CHARACTER")) {
        2
    } else {
        1
    };
    let unbounded = ty.get(len_at).is_none_or(|w| *w != Tok::LParen);
    let text = first.is_some_and(|w| w.is("TEXT"));
    let varchar = first.is_some_and(|w| w.is("VARCHAR"))
        || has_seq(&ty[..ty.len().min(2)], &["CHARACTER", "VARYING"]);
    !((text || varchar) && unbounded)
}
