//! A revision's upgrade and downgrade sections: the ops rendered with their
//! steps (`-- step:` marker lines where the step changes), destructive ops
//! preceded by `-- WARNING:` lines.

use alembix_schema::apply::IndexedSchema;
use alembix_schema::plan::{RenderOptions, Staged, render_staged};
use alembix_schema::{Dialect, Op};

use crate::diff::Diff;
use crate::error::Result;

/// A revision's sections.
#[derive(Debug, Clone)]
pub struct Sections {
    /// The upgrade's statements, each ending in `;` on its own line, with
    /// `-- step:` lines where the step changes.
    pub upgrade: String,
    /// The downgrade's statements (the ops reversed), likewise.
    pub downgrade: String,
    /// False when the revision holds its own transaction (SQLite rebuilds).
    pub transactional: bool,
}

/// Wraps a SQLite section that rebuilds tables: foreign keys off outside
/// the transaction, the statements in one transaction, foreign keys on.
fn own_transaction(body: &str) -> String {
    format!("PRAGMA foreign_keys = OFF;\nBEGIN;\n{body}COMMIT;\nPRAGMA foreign_keys = ON;\n")
}

/// The upgrade and downgrade sections for the ops, in their plain form
/// (see [`render_sections_with`] for the online one): statements ending in
/// `;`, destructive ones preceded by `-- WARNING:` lines.
///
/// ```
/// use alembix_autogen::{autogen::render_sections, diff::{diff, DiffOptions}};
/// use alembix_schema::{Column, ColumnType, Dialect::*, Schema, Table};
/// let models = Schema {
///     tables: vec![Table::new("users").column(Column::new("id", ColumnType::BigInt))],
///     ..Default::default()
/// };
/// let d = diff(&Schema::default(), &models, &models, Postgres, &DiffOptions::default());
/// let s = render_sections(&d, Postgres).unwrap();
/// assert!(s.upgrade.starts_with("CREATE TABLE \"users\""));
/// assert!(s.downgrade.starts_with("-- WARNING: drop_table drops what this revision added\n"));
/// assert!(s.transactional);
/// ```
pub fn render_sections(d: &Diff, dialect: Dialect) -> Result<Sections> {
    render_sections_with(d, dialect, &RenderOptions::default())
}

/// The sections, with `opts.online_ddl` in the online form for tables that
/// exist before the revision (see [`alembix_schema::plan::render_staged`]):
/// `-- step: no-transaction` / `-- step: transaction` lines split the
/// sections where the statements' steps change. The downgrade gets the
/// same treatment, against the schema after the upgrade.
///
/// ```
/// use alembix_autogen::{autogen::render_sections_with, diff::{diff, DiffOptions}};
/// use alembix_schema::plan::RenderOptions;
/// use alembix_schema::{Column, ColumnType, Dialect::*, Index, Schema, Table};
/// let t = Table::new("users").column(Column::new("email", ColumnType::Text));
/// let current = Schema { tables: vec![t.clone()], ..Default::default() };
/// let mut indexed = t.clone();
/// indexed.indexes.push(Index { name: "ix_users_email".into(), columns: vec!["email".into()], ..Default::default() });
/// let models = Schema { tables: vec![indexed], ..Default::default() };
/// let d = diff(&current, &models, &models, Postgres, &DiffOptions::default());
/// let s = render_sections_with(&d, Postgres, &RenderOptions { online_ddl: true, step_statements: None }).unwrap();
/// assert_eq!(
///     s.upgrade,
///     "-- step: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS \"ix_users_email\" ON \"users\" (\"email\");\n"
/// );
/// assert_eq!(s.downgrade, "-- step: no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS \"ix_users_email\";\n");
/// ```
pub fn render_sections_with(d: &Diff, dialect: Dialect, opts: &RenderOptions) -> Result<Sections> {
    let up_plan = render_staged(&d.ops, &d.current, dialect, opts)?;
    let mut after = IndexedSchema::new(d.current.clone());
    for op in &d.ops {
        after.apply(op);
    }
    let after = after.into_schema();
    let kept = crate::diff::downgrade(&d.ops);
    let down_plan = render_staged(&kept, &after, dialect, opts)?;
    let own = up_plan.own_transaction || down_plan.own_transaction;
    // A section holding its own transaction (SQLite rebuilds) stays whole.
    let limit = opts
        .step_statements
        .or(dialect.caps().step_statements)
        .filter(|_| !own);
    let mut up = Section::new(limit);
    for (i, stmts) in up_plan.statements.iter().enumerate() {
        let warnings: Vec<&str> = d
            .warnings
            .iter()
            .filter(|(at, _)| *at == i)
            .map(|(_, w)| w.as_str())
            .collect();
        up.op(&warnings, stmts, unsplit(&d.ops[i]));
    }
    up.op(&[], &up_plan.tail, false);
    let mut down = Section::new(limit);
    for (rev, stmts) in kept.iter().zip(&down_plan.statements) {
        let warning = format!("{} drops what this revision added", rev.kind());
        let drops =
            matches!(rev, Op::DropTable { .. } | Op::DropColumn { .. }) && !stmts.is_empty();
        let warnings: &[&str] = if drops { &[warning.as_str()] } else { &[] };
        down.op(warnings, stmts, unsplit(rev));
    }
    down.op(&[], &down_plan.tail, false);
    let (mut up, mut down) = (up.text, down.text);
    if own {
        up = own_transaction(&up);
        down = own_transaction(&down);
    }
    Ok(Sections {
        upgrade: up,
        downgrade: down,
        transactional: !own,
    })
}

/// Whether the op's statements are sent whole: the bodies of functions,
/// procedures and triggers.
fn unsplit(op: &Op) -> bool {
    op.object().is_some_and(|o| o.kind.is_statement())
}

/// A section being written: its text and the kind of the step it is in
/// (`None` before the first statement: the section's first step is
/// transactional unless a marker says otherwise), the statements of that
/// step so far, and the most a transactional step may hold.
struct Section {
    text: String,
    transactional: Option<bool>,
    in_step: usize,
    limit: Option<usize>,
}

impl Section {
    fn new(limit: Option<usize>) -> Self {
        Section {
            text: String::new(),
            transactional: None,
            in_step: 0,
            limit,
        }
    }

    /// Whether `stmts` (one op's) would take the transactional step they
    /// join past the limit: they start a new one. An op's statements stay
    /// together, whatever their number.
    fn full(&self, stmts: &[Staged]) -> bool {
        let joins =
            stmts.first().is_some_and(|s| s.transactional) && self.transactional != Some(false);
        joins && self.in_step > 0 && self.limit.is_some_and(|n| self.in_step + stmts.len() > n)
    }

    /// One op's statements, its warnings right before the first of them
    /// (after a step marker the statement needs).
    /// `whole`: statements holding a body with `;` go between
    /// `-- statement: begin` / `end` lines, so that no splitter cuts them.
    fn op(&mut self, warnings: &[&str], stmts: &[Staged], whole: bool) {
        let full = self.full(stmts);
        if let Some(first) = stmts.first() {
            self.marker(first, full);
        }
        for w in warnings {
            self.text.push_str(&format!("-- WARNING: {w}\n"));
        }
        for (k, s) in stmts.iter().enumerate() {
            if k > 0 {
                self.marker(s, false);
            }
            let sql = s.sql.trim_end_matches(';');
            if whole && sql.contains(';') {
                self.text
                    .push_str(&format!("-- statement: begin\n{sql}\n-- statement: end\n"));
            } else {
                self.text.push_str(sql);
                self.text.push_str(";\n");
            }
            self.transactional = Some(s.transactional);
            self.in_step += 1;
        }
    }

    /// The `-- step:` line before `s` when it starts a step (`full`: the
    /// transactional step so far holds as many statements as it may).
    fn marker(&mut self, s: &Staged, full: bool) {
        let starts = match self.transactional {
            None => !s.transactional,
            Some(tx) => tx != s.transactional || (s.transactional && (s.new_step || full)),
        };
        if starts {
            self.in_step = 0;
            let kind = if s.transactional {
                "transaction"
            } else {
                "no-transaction"
            };
            self.text.push_str(&format!("-- step: {kind}\n"));
        }
    }
}
