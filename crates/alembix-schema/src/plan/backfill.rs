//! Backfilled columns: a NOT NULL column added to a table, or a column
//! made NOT NULL, whose model gives `backfill = "SQL expr"` is carried out
//! in three parts — the column added nullable (for an add), an `UPDATE`
//! that gives the existing rows the value, then the change to NOT NULL,
//! which each backend renders its own way (PostgreSQL `SET NOT NULL`,
//! MySQL `MODIFY`, SQLite a table rebuild). The op itself stays one op, so
//! its inverse (a drop, or the change back to NULL) is the downgrade.

use crate::dialect::Dialect;
use crate::model::{Column, Schema};
use crate::op::Op;
use crate::plan::{RenderedPlan, StatefulRender};
use crate::render::{RenderError, TableName};

/// The parts of a backfilled op.
pub(crate) struct Parts {
    /// The op before the fill (the column added nullable), if any.
    before: Option<Op>,
    /// The `UPDATE` that fills the existing rows.
    update: String,
    /// The op that makes the column NOT NULL.
    after: Op,
}

/// Whether the change leaves `to` NOT NULL where rows may hold NULL, and
/// the model gives a backfill for them.
fn fill(to: &Column, was_nullable: bool) -> Option<&str> {
    let needs = !to.nullable && was_nullable && !to.auto_increment;
    needs.then_some(()).and(to.backfill.as_deref())
}

fn update(table: &str, column: &str, expr: &str, d: Dialect) -> String {
    let col = d.quote_ident(column);
    format!(
        "UPDATE {} SET {col} = {expr} WHERE {col} IS NULL",
        TableName::bare(table).sql(d)
    )
}

/// The parts of `op` when it is a backfilled add or change to NOT NULL.
pub(crate) fn parts(op: &Op, d: Dialect) -> Option<Parts> {
    match op {
        Op::AddColumn { table, column } if column.default.is_none() => {
            let expr = fill(column, true)?;
            let mut nullable = column.clone();
            nullable.nullable = true;
            nullable.backfill = None;
            let mut to = column.clone();
            to.backfill = None;
            Some(Parts {
                update: update(table, &column.name, expr, d),
                before: Some(Op::AddColumn {
                    table: table.clone(),
                    column: nullable.clone(),
                }),
                after: Op::AlterColumn {
                    table: table.clone(),
                    from: nullable,
                    to,
                },
            })
        }
        Op::AlterColumn { table, from, to } => {
            let expr = fill(to, from.nullable)?;
            Some(Parts {
                update: update(table, &to.name, expr, d),
                before: None,
                after: op.clone(),
            })
        }
        _ => None,
    }
}

/// Renders `ops` with `r`, each backfilled op in its parts; the ops
/// between them are rendered together, as [`StatefulRender::render_plan`]
/// would.
pub(crate) fn render(
    r: &dyn StatefulRender,
    ops: &[Op],
    start: &Schema,
) -> Result<RenderedPlan, RenderError> {
    let mut out = RenderedPlan::default();
    let mut state = start.clone();
    let mut run: Vec<Op> = Vec::new();
    let one = |ops: &[Op], state: &mut Schema, out: &mut RenderedPlan| {
        let p = r.render_plan(ops, state)?;
        out.own_transaction |= p.own_transaction;
        ops.iter().for_each(|o| state.apply(o));
        Ok::<_, RenderError>(p.statements)
    };
    for op in ops {
        let Some(p) = parts(op, r.target()) else {
            run.push(op.clone());
            continue;
        };
        let stmts = one(&std::mem::take(&mut run), &mut state, &mut out)?;
        out.statements.extend(stmts);
        let mut mine = Vec::new();
        if let Some(before) = &p.before {
            mine.extend(one(std::slice::from_ref(before), &mut state, &mut out)?.concat());
        }
        mine.push(p.update);
        mine.extend(one(std::slice::from_ref(&p.after), &mut state, &mut out)?.concat());
        out.statements.push(mine);
    }
    let stmts = one(&run, &mut state, &mut out)?;
    out.statements.extend(stmts);
    Ok(out)
}
