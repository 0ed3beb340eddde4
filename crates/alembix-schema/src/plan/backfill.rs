//! Backfilled columns: a NOT NULL column added to a table, or a column
//! made NOT NULL, whose model gives `backfill = "SQL expr"` is carried out
//! in three parts — the column added nullable (for an add), an `UPDATE`
//! that gives the existing rows the value, then the change to NOT NULL,
//! which each backend renders its own way (PostgreSQL `SET NOT NULL`,
//! MySQL `MODIFY`, SQLite a table rebuild). The op itself stays one op, so
//! its inverse (a drop, or the change back to NULL) is the downgrade.

use crate::apply::IndexedSchema;
use crate::dialect::Dialect;
use crate::model::{Column, Schema};
use crate::op::Op;
use crate::plan::{RenderedPlan, StatefulRender};
use crate::render::{RenderError, TableName};

/// The parts of a backfilled op.
pub(crate) struct Parts {
    /// The op before the fill (the column added nullable), if any.
    pub before: Option<Op>,
    /// The fill of the existing rows.
    pub fill: Fill,
    /// The op that makes the column NOT NULL.
    pub after: Op,
}

/// The fill of a backfilled column: `column` of `table` gets `expr` where
/// it is NULL.
///
/// ```
/// use alembix_schema::{Dialect::*, plan::Fill};
/// let f = Fill { table: "posts".into(), column: "status".into(), expr: "'draft'".into() };
/// assert_eq!(f.update(Postgres), r#"UPDATE "posts" SET "status" = 'draft' WHERE "status" IS NULL"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// The table, as an op names it.
    pub table: String,
    /// The column filled.
    pub column: String,
    /// The value, an SQL expression written verbatim.
    pub expr: String,
}

impl Fill {
    /// One `UPDATE` of every row still NULL.
    pub fn update(&self, d: Dialect) -> String {
        self.update_where(d, "")
    }

    /// The `UPDATE` of the rows still NULL that also meet `cond` (an SQL
    /// condition followed by `AND`, or empty).
    ///
    /// ```
    /// use alembix_schema::{Dialect::*, plan::Fill};
    /// let f = Fill { table: "posts".into(), column: "status".into(), expr: "'draft'".into() };
    /// assert_eq!(
    ///     f.update_where(MySql, "`id` <= 10 AND "),
    ///     "UPDATE `posts` SET `status` = 'draft' WHERE `id` <= 10 AND `status` IS NULL"
    /// );
    /// ```
    pub fn update_where(&self, d: Dialect, cond: &str) -> String {
        let col = d.quote_ident(&self.column);
        format!(
            "UPDATE {} SET {col} = {} WHERE {cond}{col} IS NULL",
            TableName::bare(&self.table).sql(d),
            self.expr
        )
    }
}

/// Whether the change leaves `to` NOT NULL where rows may hold NULL, and
/// the model gives a backfill for them.
fn fill(to: &Column, was_nullable: bool) -> Option<&str> {
    let needs = !to.nullable && was_nullable && !to.auto_increment;
    needs.then_some(()).and(to.backfill.as_deref())
}

fn fill_of(table: &str, column: &str, expr: &str) -> Fill {
    Fill {
        table: table.to_string(),
        column: column.to_string(),
        expr: expr.to_string(),
    }
}

/// The parts of `op` when it is a backfilled add or change to NOT NULL.
pub(crate) fn parts(op: &Op) -> Option<Parts> {
    match op {
        Op::AddColumn { table, column } if column.default.is_none() => {
            let expr = fill(column, true)?;
            let mut nullable = column.clone();
            nullable.nullable = true;
            nullable.backfill = None;
            let mut to = column.clone();
            to.backfill = None;
            Some(Parts {
                fill: fill_of(table, &column.name, expr),
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
                fill: fill_of(table, &to.name, expr),
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
    let mut state = IndexedSchema::new(start.clone());
    let mut run: Vec<Op> = Vec::new();
    let one = |ops: &[Op], state: &mut IndexedSchema, out: &mut RenderedPlan| {
        let p = r.render_plan(ops, state.schema())?;
        out.own_transaction |= p.own_transaction;
        ops.iter().for_each(|o| state.apply(o));
        Ok::<_, RenderError>(p.statements)
    };
    for op in ops {
        let Some(p) = parts(op) else {
            run.push(op.clone());
            continue;
        };
        let stmts = one(&std::mem::take(&mut run), &mut state, &mut out)?;
        out.statements.extend(stmts);
        let mut mine = Vec::new();
        if let Some(before) = &p.before {
            mine.extend(one(std::slice::from_ref(before), &mut state, &mut out)?.concat());
        }
        mine.push(p.fill.update(r.target()));
        mine.extend(one(std::slice::from_ref(&p.after), &mut state, &mut out)?.concat());
        out.statements.push(mine);
    }
    let stmts = one(&run, &mut state, &mut out)?;
    out.statements.extend(stmts);
    Ok(out)
}
