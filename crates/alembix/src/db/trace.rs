//! Tracing of the statements the runtime sends: each one runs inside an
//! `alembix.statement` span (target `alembix::statement`, level DEBUG), and
//! one slower than [`PoolOptions::slow_query`](super::PoolOptions::slow_query)
//! also emits a WARN event (target `alembix::slow_query`).
//!
//! The span's fields: `db.system` (`postgresql`, `mysql`, `sqlite`),
//! `db.statement` (the SQL text, with placeholders), `rows` (rows returned
//! or affected) and `duration_ms` (both recorded when the statement is
//! done), `db.values` (the bound values, only with
//! [`PoolOptions::log_values`](super::PoolOptions::log_values)) and `error`
//! (the error's message, when it failed), and `db.replica` (the index,
//! from 0 in the order they were added, of the read replica that served
//! the statement; absent when the primary served it).
//!
//! When no subscriber wants the span, it is [`Span::none`]: nothing is
//! formatted and no clock is read (unless a slow-query threshold is set).

use std::future::Future;
use std::time::{Duration, Instant};

use alembix_schema::Dialect;
use sea_query::Values;
use tracing::{Instrument, Span, field};

/// How a database traces its statements, set once at connect.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TraceOptions {
    /// Statements slower than this emit a warning.
    pub slow_query: Option<Duration>,
    /// Whether spans carry the bound values.
    pub log_values: bool,
}

/// One statement on its way: its span, when it started and, with a
/// slow-query threshold, its text for the warning.
pub(crate) struct Traced {
    span: Span,
    start: Option<Instant>,
    slow: Option<(Duration, String)>,
    rows: u64,
    failed: bool,
}

impl Traced {
    /// Opens the span of a statement about to be sent.
    /// The values are asked of `values` only when they are to be recorded.
    pub(crate) fn start(
        opts: &TraceOptions,
        dialect: Dialect,
        sql: &str,
        values: impl FnOnce() -> Option<Values>,
    ) -> Self {
        let span = tracing::debug_span!(
            target: "alembix::statement",
            "alembix.statement",
            db.system = dialect.caps().db_system,
            db.statement = sql,
            rows = field::Empty,
            duration_ms = field::Empty,
            db.values = field::Empty,
            db.replica = field::Empty,
            error = field::Empty,
        );
        if opts.log_values
            && !span.is_disabled()
            && let Some(values) = values()
        {
            span.record("db.values", field::debug(&values.0));
        }
        let slow = opts.slow_query.map(|limit| (limit, sql.to_string()));
        let timed = slow.is_some() || !span.is_disabled();
        Traced {
            span,
            start: timed.then(Instant::now),
            slow,
            rows: 0,
            failed: false,
        }
    }

    /// Runs `fut` (the statement) inside the span, then records how many
    /// rows `rows` counts in its result, or its error.
    pub(crate) async fn run<T, E: std::fmt::Display>(
        mut self,
        fut: impl Future<Output = Result<T, E>>,
        rows: impl FnOnce(&T) -> u64,
    ) -> Result<T, E> {
        let out = in_span(&self.span, fut).await;
        match &out {
            Ok(v) => self.rows = rows(v),
            Err(e) => self.failed(e),
        }
        out
    }

    /// The span, to run parts of a stream in.
    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Counts rows of a stream as they arrive.
    pub(crate) fn add_row(&mut self) {
        self.rows += 1;
    }

    /// Records the statement's error.
    pub(crate) fn failed(&mut self, e: &dyn std::fmt::Display) {
        self.failed = true;
        if !self.span.is_disabled() {
            self.span.record("error", field::display(e));
        }
    }
}

/// Ends the span: rows and duration recorded, and the slow-query warning
/// where due. A stream dropped before its end is done here too.
impl Drop for Traced {
    fn drop(&mut self) {
        let Some(start) = self.start else { return };
        let elapsed = start.elapsed();
        // Whole microseconds, so that the value prints short.
        let ms = elapsed.as_micros() as f64 / 1000.0;
        if !self.span.is_disabled() {
            if !self.failed {
                self.span.record("rows", self.rows);
            }
            self.span.record("duration_ms", ms);
        }
        if let Some((limit, sql)) = &self.slow
            && elapsed >= *limit
        {
            let limit_ms = limit.as_secs_f64() * 1000.0;
            self.span.in_scope(|| {
                tracing::warn!(
                    target: "alembix::slow_query",
                    duration_ms = ms,
                    "db.statement" = sql.as_str(),
                    threshold_ms = limit_ms,
                    "slow statement: {ms:.1} ms (threshold {limit_ms:.1} ms)"
                )
            });
        }
    }
}

/// Runs `fut` inside `span`; as it is when no subscriber records the span
/// (entering even a disabled span costs calls on every poll, and the
/// `log` compatibility of `tracing` formats nothing for it either).
pub(crate) async fn in_span<F: Future>(span: &Span, fut: F) -> F::Output {
    if span.is_disabled() {
        fut.await
    } else {
        fut.instrument(span.clone()).await
    }
}

/// Runs a transaction-control step the driver sends (`BEGIN`, `COMMIT`,
/// `ROLLBACK`) inside a statement span whose text is `sql`.
pub(crate) async fn control<T, E: std::fmt::Display>(
    opts: &TraceOptions,
    dialect: Dialect,
    sql: &'static str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    Traced::start(opts, dialect, sql, || None)
        .run(fut, |_| 0)
        .await
}
