//! PostgreSQL: removing enum labels recreates the type.

use crate::dialect::{Dialect, Postgres};
use crate::model::{ColumnType, Schema};
use crate::op::Op;
use crate::plan::StatefulRender;
use crate::render::{RenderError, render_op};

impl StatefulRender for Postgres {
    fn target(&self) -> Dialect {
        Dialect::Postgres
    }

    fn render_with_state(&self, op: &Op, state: &Schema) -> Result<Vec<String>, RenderError> {
        match op {
            Op::AlterEnum { name, from, to } if from.iter().any(|v| !to.contains(v)) => {
                Ok(recreate_enum(state, name, to))
            }
            _ => render_op(op, Dialect::Postgres),
        }
    }
}

/// PostgreSQL cannot remove enum labels: the type is renamed away, created
/// again with the new labels, every column using it (in `state`) converted
/// through text (its default dropped and set again around the conversion),
/// and the old type dropped.
fn recreate_enum(state: &Schema, name: &str, to: &[String]) -> Vec<String> {
    let d = Dialect::Postgres;
    let q = |s: &str| d.quote_ident(s);
    let old = format!("{name}_alembix_old");
    let labels: Vec<String> = to.iter().map(|v| d.quote_literal(v)).collect();
    let mut out = vec![
        format!("ALTER TYPE {} RENAME TO {}", q(name), q(&old)),
        format!("CREATE TYPE {} AS ENUM ({})", q(name), labels.join(", ")),
    ];
    for t in &state.tables {
        for c in &t.columns {
            if matches!(&c.ty, ColumnType::Enum { name: n, .. } if n == name) {
                let (tq, cq) = (d.quote_table(None, &t.name), q(&c.name));
                if c.default.is_some() {
                    out.push(format!("ALTER TABLE {tq} ALTER COLUMN {cq} DROP DEFAULT"));
                }
                out.push(format!(
                    "ALTER TABLE {tq} ALTER COLUMN {cq} TYPE {} USING {cq}::text::{}",
                    q(name),
                    q(name)
                ));
                if let Some(def) = &c.default {
                    out.push(format!(
                        "ALTER TABLE {tq} ALTER COLUMN {cq} SET DEFAULT {def}"
                    ));
                }
            }
        }
    }
    out.push(format!("DROP TYPE {}", q(&old)));
    out
}
