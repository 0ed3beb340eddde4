//! The statements a piece of test code sends, as the runtime's tracing
//! reports them: every statement runs inside an `alembix.statement` span,
//! and [`capture`] records those spans (and `alembix::slow_query` warnings)
//! while it runs a future.
//!
//! ```ignore
//! let (user, sent) = trace::capture(row.insert(&db)).await;
//! assert_eq!(sent.len(), 1, "one statement: {:?}", sent.sql());
//! assert!(sent[0].sql.starts_with("INSERT"));
//! ```
//!
//! The subscriber is scoped to the future (`WithSubscriber`), so tests
//! running in parallel never see each other's statements; statements of
//! tasks the future spawns are not seen. `BEGIN`, `COMMIT` and `ROLLBACK`
//! count as statements (they are round trips too).

use std::future::Future;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::instrument::WithSubscriber;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One statement sent: the fields of its `alembix.statement` span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    /// `db.statement`: the SQL text, with placeholders.
    pub sql: String,
    /// `db.system`: `postgresql`, `mysql` or `sqlite`.
    pub system: String,
    /// `rows`: rows returned or affected (set when the statement is done).
    pub rows: Option<u64>,
    /// `duration_ms` (set when the statement is done).
    pub duration_ms: Option<f64>,
    /// `db.values`: the bound values, only with `PoolOptions::log_values`.
    pub values: Option<String>,
    /// `error`: the error's message, when the statement failed.
    pub error: Option<String>,
    /// `db.replica`: the read replica that served the statement (its
    /// index); `None` for the primary.
    pub replica: Option<u64>,
}

/// One `alembix::slow_query` warning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlowQuery {
    /// The statement's SQL text.
    pub sql: String,
    /// How long it took.
    pub duration_ms: f64,
}

/// What [`capture`] saw, statements in the order they were sent. Derefs to
/// the statements: `sent.len()`, `sent[0].sql`, `sent.iter()`.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub statements: Vec<Statement>,
    pub slow_queries: Vec<SlowQuery>,
}

impl Trace {
    /// The SQL text of each statement.
    pub fn sql(&self) -> Vec<&str> {
        self.statements.iter().map(|s| s.sql.as_str()).collect()
    }
}

impl Deref for Trace {
    type Target = [Statement];

    fn deref(&self) -> &[Statement] {
        &self.statements
    }
}

/// Runs `fut` with a subscriber of its own that records the statements it
/// sends; returns its output and what was sent.
pub async fn capture<F: Future>(fut: F) -> (F::Output, Trace) {
    let trace = Arc::new(Mutex::new(Trace::default()));
    let subscriber = tracing_subscriber::registry().with(Recorder(trace.clone()));
    let out = fut.with_subscriber(subscriber).await;
    let seen = std::mem::take(&mut *trace.lock().unwrap());
    (out, seen)
}

/// The layer: a statement span's position in the trace is kept in the
/// span's extensions, so fields recorded later land on the right entry.
struct Recorder(Arc<Mutex<Trace>>);

/// Where a statement span's fields go.
struct Position(usize);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "alembix.statement" {
            return;
        }
        let mut statement = Statement::default();
        attrs.record(&mut StatementFields(&mut statement));
        let mut trace = self.0.lock().unwrap();
        trace.statements.push(statement);
        let position = Position(trace.statements.len() - 1);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(position);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let Some(Position(n)) = span.extensions().get::<Position>().map(|p| Position(p.0)) else {
            return;
        };
        let mut trace = self.0.lock().unwrap();
        values.record(&mut StatementFields(&mut trace.statements[n]));
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "alembix::slow_query" {
            return;
        }
        let mut fields = Statement::default();
        event.record(&mut StatementFields(&mut fields));
        self.0.lock().unwrap().slow_queries.push(SlowQuery {
            sql: fields.sql,
            duration_ms: fields.duration_ms.unwrap_or_default(),
        });
    }
}

/// Reads the fields the runtime sets into a [`Statement`].
struct StatementFields<'a>(&'a mut Statement);

impl Visit for StatementFields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "db.statement" => self.0.sql = value.to_string(),
            "db.system" => self.0.system = value.to_string(),
            _ => self.record_debug(field, &value),
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "rows" => self.0.rows = Some(value),
            "db.replica" => self.0.replica = Some(value),
            _ => self.record_debug(field, &value),
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        match field.name() {
            "duration_ms" => self.0.duration_ms = Some(value),
            _ => self.record_debug(field, &value),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "db.values" => self.0.values = Some(format!("{value:?}")),
            "error" => self.0.error = Some(format!("{value:?}")),
            _ => {}
        }
    }
}
