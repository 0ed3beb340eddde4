//! Rendering of [`Op`]s to SQL statements per dialect.
//!
//! (Stub: being implemented.)

use crate::op::Op;

/// The SQL dialect to render for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

/// An op that cannot be rendered for a dialect as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub op: &'static str,
    pub dialect: Dialect,
    pub message: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot render {} for {:?}: {}",
            self.op, self.dialect, self.message
        )
    }
}

impl std::error::Error for RenderError {}

/// Renders one op to the statements that carry it out.
pub fn render_op(op: &Op, dialect: Dialect) -> Result<Vec<String>, RenderError> {
    let _ = (op, dialect);
    todo!()
}

/// Renders a list of ops in order.
pub fn render_ops(ops: &[Op], dialect: Dialect) -> Result<Vec<String>, RenderError> {
    let mut out = Vec::new();
    for op in ops {
        out.extend(render_op(op, dialect)?);
    }
    Ok(out)
}
