//! Named enum types (where the backend has them): created, altered (labels
//! added, removed or reordered) and dropped.

use alembix_schema::{ColumnType, EnumType, Op};

use super::{Changes, Cx};

/// Compares the enum types of both sides into enum ops.
pub(super) fn diff_enums(cx: &Cx, ch: &mut Changes) {
    if !cx.driver.named_enums() {
        return;
    }
    for e in &cx.target.enums {
        match cx.current.enum_type(&e.name) {
            None => ch.enum_creates.push(Op::CreateEnum {
                enum_type: cx
                    .model
                    .enum_type(&e.name)
                    .cloned()
                    .unwrap_or_else(|| e.clone()),
            }),
            Some(c) if c.values != e.values => ch.enum_alters.push(Op::AlterEnum {
                name: e.name.clone(),
                from: c.values.clone(),
                to: e.values.clone(),
            }),
            _ => {}
        }
    }
    for c in &cx.current.enums {
        if cx.target.enum_type(&c.name).is_none() && !used_by_kept_table(cx, &c.name) {
            ch.enum_drops.push(Op::DropEnum {
                enum_type: EnumType {
                    name: c.name.clone(),
                    values: c.values.clone(),
                },
            });
        }
    }
}

/// Whether a table the comparison leaves alone still uses the enum.
fn used_by_kept_table(cx: &Cx, enum_name: &str) -> bool {
    cx.current.tables.iter().any(|t| {
        cx.excluded(&t.name)
            && t.columns
                .iter()
                .any(|col| matches!(&col.ty, ColumnType::Enum { name, .. } if name == enum_name))
    })
}
