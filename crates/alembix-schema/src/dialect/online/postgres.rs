//! PostgreSQL's online forms: concurrent index builds, constraints added
//! `NOT VALID` and validated later, unique constraints attached to a
//! concurrently built index, `SET NOT NULL` behind a validated check, and
//! batched backfills (`postgres_fill`).

use super::postgres_fill::batched_update;
use crate::dialect::{Dialect, Postgres};
use crate::model::{Column, Schema, Table, UniqueConstraint};
use crate::naming;
use crate::op::Op;
use crate::plan::{Fill, OnlineDdl, OnlineOp, Staged};
use crate::render::{
    RenderError, TableName, create_index_as, detach_partition, drop_detached, render_op,
};

const D: Dialect = Dialect::Postgres;

impl OnlineDdl for Postgres {
    fn target(&self) -> Dialect {
        D
    }

    fn existing_table_op(
        &self,
        op: &Op,
        plain: Vec<String>,
        state: &Schema,
    ) -> Result<OnlineOp, RenderError> {
        let caps = D.caps();
        let err = |message: String| RenderError {
            op: op.kind(),
            dialect: D,
            message,
        };
        let now = |v: Vec<Staged>| OnlineOp {
            now: v,
            later: Vec::new(),
        };
        Ok(match op {
            Op::CreateIndex { table, index } if caps.concurrent_indexes => {
                let sql = create_index_as(TableName::bare(table), index, D, true).map_err(err)?;
                now(vec![Staged::no_tx(sql)])
            }
            Op::DropIndex { table, index } if caps.concurrent_indexes => {
                now(vec![Staged::no_tx(format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {}",
                    index_name(table, &index.name)
                ))])
            }
            Op::AddUnique { table, unique }
                if caps.concurrent_indexes && caps.deferred_validation =>
            {
                now(add_unique(table, unique))
            }
            Op::AddForeignKey { table, foreign_key } if caps.deferred_validation => {
                not_valid(plain, table, &foreign_key.name)
            }
            Op::AddCheck { table, check } if caps.deferred_validation => {
                not_valid(plain, table, &check.name)
            }
            Op::AlterColumn { table, from, to }
                if caps.deferred_validation && from.nullable && !to.nullable =>
            {
                now(set_not_null(table, from, to, state)?)
            }
            Op::DropPartition { table, partition } if concurrent_detach(table, state) => now(vec![
                Staged::no_tx(detach_partition(table, &partition.name, D, true)),
                Staged::tx(drop_detached(table, &partition.name, D)).after_commit(),
            ]),
            _ => OnlineOp::plain(plain),
        })
    }

    fn backfill(&self, fill: &Fill, table: Option<&Table>) -> Vec<Staged> {
        let keys = table.and_then(key_columns);
        match keys {
            Some(keys) if D.caps().batched_backfill => {
                vec![Staged::no_tx(batched_update(fill, &keys))]
            }
            _ => vec![Staged::tx(fill.update(D))],
        }
    }
}

/// Whether a partition of `table` that is dropped afterwards can be
/// detached `CONCURRENTLY` (PostgreSQL 14 and later): not while the table
/// has a default partition. A partition detached to stay a table of its
/// own is detached plainly (a brief lock, no scan): `CONCURRENTLY` would
/// leave a copy of its bound behind as a check constraint.
fn concurrent_detach(table: &str, state: &Schema) -> bool {
    state
        .table(table)
        .is_some_and(|t| !t.partitions.iter().any(|p| p.is_default()))
}

/// The primary key's columns, when the table has one.
fn key_columns(table: &Table) -> Option<Vec<&Column>> {
    let pk = table.primary_key.as_ref()?;
    let cols: Option<Vec<&Column>> = pk.columns.iter().map(|c| table.find_column(c)).collect();
    cols.filter(|c| !c.is_empty())
}

/// An index's name as `DROP INDEX` takes it: in its table's schema.
fn index_name(table: &str, name: &str) -> String {
    match TableName::bare(table).parts(D) {
        (Some(schema), _) => format!("{}.{}", D.quote_ident(schema), D.quote_ident(name)),
        (None, _) => D.quote_ident(name),
    }
}

/// The unique index built concurrently, then attached as the constraint
/// (which takes the index's name, the constraint's).
fn add_unique(table: &str, unique: &UniqueConstraint) -> Vec<Staged> {
    let t = TableName::bare(table).sql(D);
    let name = D.quote_ident(&unique.name);
    vec![
        Staged::no_tx(format!(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {t} ({})",
            D.quote_list(&unique.columns)
        )),
        Staged::tx(format!(
            "ALTER TABLE {t} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}"
        )),
    ]
}

/// The constraint added `NOT VALID` now (no scan under the lock), validated
/// at the end (a scan that lets writes through).
fn not_valid(plain: Vec<String>, table: &str, name: &str) -> OnlineOp {
    OnlineOp {
        now: plain
            .into_iter()
            .map(|s| Staged::tx(format!("{s} NOT VALID")))
            .collect(),
        later: vec![validate(table, name)],
    }
}

fn validate(table: &str, name: &str) -> String {
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        TableName::bare(table).sql(D),
        D.quote_ident(name)
    )
}

/// A column made NOT NULL without a scan under an exclusive lock: the
/// other changes first; a `CHECK (col IS NOT NULL) NOT VALID`, validated in
/// a step of its own; `SET NOT NULL` (PostgreSQL 12+ trusts the validated
/// check and skips the scan) and the check dropped; then the changes that
/// need the column NOT NULL (an identity added) and the comment.
fn set_not_null(
    table: &str,
    from: &Column,
    to: &Column,
    state: &Schema,
) -> Result<Vec<Staged>, RenderError> {
    let mut mid = to.clone();
    mid.nullable = true;
    mid.auto_increment = from.auto_increment;
    mid.comment = from.comment.clone();
    let alter = |from: &Column, to: &Column| {
        let op = Op::AlterColumn {
            table: table.to_string(),
            from: from.clone(),
            to: to.clone(),
        };
        render_op(&op, D)
    };
    let mut out: Vec<Staged> = alter(from, &mid)?.into_iter().map(Staged::tx).collect();
    let t = TableName::bare(table).sql(D);
    let col = D.quote_ident(&to.name);
    let check = not_null_check_name(state, table, &to.name);
    let ck = D.quote_ident(&check);
    out.push(Staged::tx(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {ck} CHECK ({col} IS NOT NULL) NOT VALID"
    )));
    out.push(Staged::tx(validate(table, &check)).after_commit());
    out.push(Staged::tx(format!("ALTER TABLE {t} ALTER COLUMN {col} SET NOT NULL")).after_commit());
    out.push(Staged::tx(format!("ALTER TABLE {t} DROP CONSTRAINT {ck}")));
    mid.nullable = false;
    out.extend(alter(&mid, to)?.into_iter().map(Staged::tx));
    Ok(out)
}

/// `ck_<table>_<column>_not_null`, with a number added when the table
/// already has a check of that name.
fn not_null_check_name(state: &Schema, table: &str, column: &str) -> String {
    let (_, bare) = TableName::bare(table).parts(D);
    let base = format!("ck_{bare}_{column}_not_null");
    let taken = |name: &str| {
        state
            .table(table)
            .is_some_and(|t| t.checks.iter().any(|c| c.name == name))
    };
    let mut name = naming::fit(base.clone());
    let mut n = 1;
    while taken(&name) {
        n += 1;
        name = naming::fit(format!("{base}_{n}"));
    }
    name
}
