//! Online DDL: a list of ops rendered so that tables which exist before the
//! revision keep taking reads and writes while it runs.
//!
//! [`render_staged`] walks the ops with the schema (as [`super::render_plan`]
//! does) and gives every statement the step it runs in ([`Staged`]): a
//! transactional step, or a no-transaction step whose statements commit one
//! by one. A table created by the same list is empty, so its ops keep their
//! plain form; so are table creations, drops and renames, and enum ops.
//! For the other ops the backend's [`OnlineDdl`] (reached by
//! [`Dialect::online`]) says what to write:
//!
//! - PostgreSQL: indexes built and dropped `CONCURRENTLY` in no-transaction
//!   steps; foreign keys and checks added `NOT VALID` and validated in a
//!   transactional step at the end (earlier when a later op changes their
//!   table); a unique constraint built as a unique index concurrently, then
//!   attached with `ADD CONSTRAINT ... UNIQUE USING INDEX`; `SET NOT NULL`
//!   after a validated `CHECK (col IS NOT NULL)`, dropped afterwards; a
//!   backfill updated in batches of [`BACKFILL_BATCH`] keys, each committed,
//!   by one `DO` block in a no-transaction step.
//! - MySQL/MariaDB: `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE`
//!   where the server accepts it ([`crate::dialect::OnlineAlter`]), every
//!   statement in transactional steps (DDL commits itself there anyway).
//! - SQLite has no online forms: its plan is [`super::render_plan`]'s.

use std::collections::HashSet;

use super::backfill::{self, Fill};
use super::{RenderedPlan, render_plan};
use crate::apply::IndexedSchema;
use crate::dialect::Dialect;
use crate::model::{Schema, Table};
use crate::op::Op;
use crate::render::RenderError;

/// Keys per batch of an online backfill.
///
/// ```
/// assert_eq!(alembix_schema::plan::BACKFILL_BATCH, 10_000);
/// ```
pub const BACKFILL_BATCH: usize = 10_000;

/// One statement and the step it runs in.
///
/// ```
/// use alembix_schema::plan::Staged;
/// let s = Staged::no_tx("CREATE INDEX CONCURRENTLY ix ON t (a)");
/// assert!(!s.transactional && !s.new_step);
/// assert!(Staged::tx("ALTER TABLE t VALIDATE CONSTRAINT c").after_commit().new_step);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// The statement, without a trailing `;`.
    pub sql: String,
    /// True for a transactional step, false for a no-transaction one.
    pub transactional: bool,
    /// True when the statement must not share a transaction with the
    /// statements before it (they commit first).
    pub new_step: bool,
}

impl Staged {
    /// A statement of a transactional step.
    pub fn tx(sql: impl Into<String>) -> Staged {
        Staged {
            sql: sql.into(),
            transactional: true,
            new_step: false,
        }
    }

    /// A statement of a no-transaction step (autocommit).
    pub fn no_tx(sql: impl Into<String>) -> Staged {
        Staged {
            sql: sql.into(),
            transactional: false,
            new_step: false,
        }
    }

    /// The same statement, in a step after the statements before it commit.
    pub fn after_commit(mut self) -> Staged {
        self.new_step = true;
        self
    }
}

/// The online form of one op.
///
/// ```
/// use alembix_schema::plan::{OnlineOp, Staged};
/// let o = OnlineOp::plain(vec!["ALTER TABLE t ADD COLUMN a int".into()]);
/// assert_eq!(o.now, [Staged::tx("ALTER TABLE t ADD COLUMN a int")]);
/// assert!(o.later.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnlineOp {
    /// The statements in the op's place.
    pub now: Vec<Staged>,
    /// Statements for a transactional step at the end of the section
    /// (`VALIDATE CONSTRAINT`).
    pub later: Vec<String>,
}

impl OnlineOp {
    /// The plain statements, in a transactional step.
    pub fn plain(statements: Vec<String>) -> OnlineOp {
        OnlineOp {
            now: statements.into_iter().map(Staged::tx).collect(),
            later: Vec::new(),
        }
    }
}

/// How a backend writes ops on tables that exist before the revision
/// without blocking their reads and writes. The defaults write the plain
/// statements; a backend overrides what it can do online.
///
/// ```
/// use alembix_schema::plan::{Fill, OnlineDdl, Staged};
/// use alembix_schema::{Dialect, Table};
/// let fill = Fill { table: "t".into(), column: "c".into(), expr: "0".into() };
/// // A table without a primary key: one UPDATE, in a transactional step.
/// let pg = Dialect::Postgres.online().unwrap();
/// assert_eq!(
///     pg.backfill(&fill, Some(&Table::new("t"))),
///     [Staged::tx(r#"UPDATE "t" SET "c" = 0 WHERE "c" IS NULL"#)]
/// );
/// ```
pub trait OnlineDdl: Send + Sync + std::fmt::Debug {
    /// The backend this renders for.
    fn target(&self) -> Dialect;

    /// The online form of `op`, an op on a table that exists before the
    /// revision, given its plain statements and the schema before it.
    fn existing_table_op(
        &self,
        op: &Op,
        plain: Vec<String>,
        state: &Schema,
    ) -> Result<OnlineOp, RenderError> {
        let _ = (op, state);
        Ok(OnlineOp::plain(plain))
    }

    /// The statements that fill a backfilled column of `table` (the table
    /// as it stands, the column already there): one `UPDATE` by default.
    fn backfill(&self, fill: &Fill, table: Option<&Table>) -> Vec<Staged> {
        let _ = table;
        vec![Staged::tx(fill.update(self.target()))]
    }
}

/// What [`render_staged`] writes.
///
/// ```
/// use alembix_schema::plan::RenderOptions;
/// assert!(!RenderOptions::default().online_ddl);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Online forms for tables that exist before the revision (the
    /// configuration's `online_ddl`); false writes the plain plan.
    pub online_ddl: bool,
    /// The most statements of a transactional step in a revision's
    /// sections (the configuration's `statements_per_step`); `None`: the
    /// backend's [`step_statements`](crate::dialect::Capabilities::step_statements).
    pub step_statements: Option<usize>,
}

/// The statements of a list of ops with their steps.
///
/// ```
/// use alembix_schema::plan::{RenderOptions, render_staged};
/// use alembix_schema::{Check, Column, ColumnType, Dialect, Op, Schema, Table};
/// let start = Schema {
///     tables: vec![Table::new("t").column(Column::new("n", ColumnType::Integer))],
///     ..Default::default()
/// };
/// let ops = [Op::AddCheck {
///     table: "t".into(),
///     check: Check { name: "ck_t_n".into(), expr: "n > 0".into() },
/// }];
/// let plan = render_staged(&ops, &start, Dialect::Postgres, &RenderOptions { online_ddl: true, step_statements: None }).unwrap();
/// let sql: Vec<&str> = plan.flat().iter().map(|s| s.sql.as_str()).collect();
/// assert_eq!(sql, [
///     r#"ALTER TABLE "t" ADD CONSTRAINT "ck_t_n" CHECK (n > 0) NOT VALID"#,
///     r#"ALTER TABLE "t" VALIDATE CONSTRAINT "ck_t_n""#,
/// ]);
/// assert!(plan.tail[0].new_step);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StagedPlan {
    /// For each op, in order, the statements in its place (validations
    /// that must run before a later op come after the op before it).
    pub statements: Vec<Vec<Staged>>,
    /// Statements after the last op (the collected validations).
    pub tail: Vec<Staged>,
    /// As [`RenderedPlan::own_transaction`] (SQLite rebuilds; never with
    /// online forms).
    pub own_transaction: bool,
}

impl StagedPlan {
    /// Every statement of a plain plan, in transactional steps.
    fn plain(p: RenderedPlan) -> StagedPlan {
        StagedPlan {
            statements: p
                .statements
                .into_iter()
                .map(|v| v.into_iter().map(Staged::tx).collect())
                .collect(),
            tail: Vec::new(),
            own_transaction: p.own_transaction,
        }
    }

    /// Every statement, in order.
    pub fn flat(&self) -> Vec<&Staged> {
        self.statements.iter().flatten().chain(&self.tail).collect()
    }
}

/// Renders `ops` for `dialect`, the first op running against `start`,
/// every statement with its step; with `opts.online_ddl` off (or on SQLite)
/// the statements are [`render_plan`]'s, all transactional.
///
/// With `online_ddl`, ops on tables that exist before the list (not created
/// by it; table creations, drops and renames and enum ops excepted) are
/// written so that the table keeps taking reads and writes:
///
/// - PostgreSQL: `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS` and
///   `DROP INDEX CONCURRENTLY IF EXISTS` in no-transaction steps; foreign
///   keys and checks added `NOT VALID`, `VALIDATE CONSTRAINT` in a
///   transactional step at the end ([`StagedPlan::tail`]; before a later op
///   that changes their table otherwise than by adding to it); a unique
///   constraint built as a unique index concurrently, then attached with
///   `ADD CONSTRAINT ... UNIQUE USING INDEX`; a column made NOT NULL through
///   a `CHECK (col IS NOT NULL) NOT VALID`, validated in a step of its own,
///   then `SET NOT NULL` (no scan) and the check dropped; a backfill as one
///   `DO` block in a no-transaction step that updates [`BACKFILL_BATCH`]
///   keys at a time in primary-key order and commits after each batch (one
///   `UPDATE` in a transactional step for a table without a primary key).
/// - MySQL/MariaDB: `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE`
///   on the statements the server can run that way
///   ([`crate::dialect::OnlineAlter`]); the others stay plain.
/// - SQLite: no online forms.
///
/// ```
/// use alembix_schema::plan::{RenderOptions, render_staged};
/// use alembix_schema::{Column, ColumnType, Dialect::*, Index, Op, Schema, Table};
/// let start = Schema {
///     tables: vec![Table::new("t").column(Column::new("a", ColumnType::Integer))],
///     ..Default::default()
/// };
/// let ops = [Op::CreateIndex {
///     table: "t".into(),
///     index: Index { name: "ix_t_a".into(), columns: vec!["a".into()], ..Default::default() },
/// }];
/// let online = RenderOptions { online_ddl: true, step_statements: None };
/// let plan = render_staged(&ops, &start, Postgres, &online).unwrap();
/// let s = &plan.statements[0][0];
/// assert_eq!(s.sql, r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_t_a" ON "t" ("a")"#);
/// assert!(!s.transactional);
/// let plan = render_staged(&ops, &start, MySql, &online).unwrap();
/// assert_eq!(plan.statements[0][0].sql, "CREATE INDEX `ix_t_a` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE");
/// let plain = render_staged(&ops, &start, Postgres, &RenderOptions::default()).unwrap();
/// assert_eq!(plain.statements[0][0].sql, r#"CREATE INDEX "ix_t_a" ON "t" ("a")"#);
/// ```
pub fn render_staged(
    ops: &[Op],
    start: &Schema,
    dialect: Dialect,
    opts: &RenderOptions,
) -> Result<StagedPlan, RenderError> {
    let online = match dialect.online() {
        Some(online) if opts.online_ddl => online,
        _ => return Ok(StagedPlan::plain(render_plan(ops, start, dialect)?)),
    };
    let mut walk = Walk {
        online,
        dialect,
        state: IndexedSchema::new(start.clone()),
        fresh: HashSet::new(),
        pending: Vec::new(),
        out: StagedPlan::default(),
    };
    for op in ops {
        if walk.must_validate_before(op) {
            let done = walk.validations();
            if let Some(prev) = walk.out.statements.last_mut() {
                prev.extend(done);
            }
        }
        let staged = walk.op(op)?;
        walk.out.statements.push(staged);
    }
    walk.out.tail = walk.validations();
    Ok(walk.out)
}

/// A validation collected for the end, and the tables it reads.
struct Pending {
    tables: Vec<String>,
    sql: String,
}

/// The walk over the ops: the schema so far, the tables the list created.
struct Walk {
    online: &'static dyn OnlineDdl,
    dialect: Dialect,
    state: IndexedSchema,
    fresh: HashSet<String>,
    pending: Vec<Pending>,
    out: StagedPlan,
}

impl Walk {
    /// True when `op` acts on a table that exists before the list.
    fn on_existing_table(&self, op: &Op) -> bool {
        let whole_table = matches!(
            op,
            Op::CreateTable { .. } | Op::DropTable { .. } | Op::RenameTable { .. }
        );
        match op.table() {
            Some(t) if !whole_table => !self.fresh.contains(t) && self.state.table(t).is_some(),
            _ => false,
        }
    }

    /// True when a collected validation reads a table `op` changes in a way
    /// other than adding to it: the validation runs first.
    fn must_validate_before(&self, op: &Op) -> bool {
        let adds = matches!(
            op,
            Op::AddColumn { .. }
                | Op::CreateIndex { .. }
                | Op::AddUnique { .. }
                | Op::AddForeignKey { .. }
                | Op::AddCheck { .. }
                | Op::AlterTableComment { .. }
                | Op::CreateTable { .. }
        );
        let touched: Vec<&str> = match op {
            Op::RenameTable { table, from } => vec![table, from],
            _ => op.table().into_iter().collect(),
        };
        !adds
            && self
                .pending
                .iter()
                .any(|p| p.tables.iter().any(|t| touched.contains(&t.as_str())))
    }

    /// The collected validations, in a transactional step of their own.
    fn validations(&mut self) -> Vec<Staged> {
        let mut out: Vec<Staged> = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|p| Staged::tx(p.sql))
            .collect();
        if let Some(first) = out.first_mut() {
            first.new_step = true;
        }
        out
    }

    /// The statements of one op, the schema moved past it.
    fn op(&mut self, op: &Op) -> Result<Vec<Staged>, RenderError> {
        if !self.on_existing_table(op) {
            let plan = render_plan(std::slice::from_ref(op), self.state.schema(), self.dialect)?;
            self.apply(op);
            return Ok(plan
                .statements
                .concat()
                .into_iter()
                .map(Staged::tx)
                .collect());
        }
        let Some(parts) = backfill::parts(op) else {
            return self.online_op(op);
        };
        let mut out = Vec::new();
        if let Some(before) = &parts.before {
            out.extend(self.online_op(before)?);
        }
        let table = self.state.table(&parts.fill.table);
        out.extend(self.online.backfill(&parts.fill, table));
        out.extend(self.online_op(&parts.after)?);
        Ok(out)
    }

    /// One op on an existing table, in the backend's online form.
    fn online_op(&mut self, op: &Op) -> Result<Vec<Staged>, RenderError> {
        let plain = self
            .dialect
            .stateful()
            .render_with_state(op, self.state.schema())?;
        let online = self
            .online
            .existing_table_op(op, plain, self.state.schema())?;
        let mut tables: Vec<String> = op.table().into_iter().map(str::to_string).collect();
        if let Op::AddForeignKey { foreign_key, .. } = op {
            tables.push(foreign_key.ref_table.clone());
        }
        for sql in online.later {
            self.pending.push(Pending {
                tables: tables.clone(),
                sql,
            });
        }
        self.apply(op);
        Ok(online.now)
    }

    /// Moves the schema (and the set of tables the list created) past `op`.
    fn apply(&mut self, op: &Op) {
        match op {
            Op::CreateTable { table } => {
                self.fresh.insert(table.name.clone());
            }
            Op::RenameTable { table, from } if self.fresh.remove(from) => {
                self.fresh.insert(table.clone());
            }
            Op::DropTable { table } => {
                self.fresh.remove(&table.name);
            }
            _ => {}
        }
        self.state.apply(op);
    }
}
