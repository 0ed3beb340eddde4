//! Schema objects besides tables and enums: the declared views, functions,
//! triggers, sequences and extensions, as one `alembix::sql_objects!` block.
//! (Partitions are model attributes: see `model::model_attrs`.)

use alembix_schema::Schema;

use super::Cx;

/// Source text for the schema's objects other than tables and enums,
/// placed after the models as written.
pub fn extra_items(_cx: &Cx<'_>, schema: &Schema) -> Vec<String> {
    if schema.objects.is_empty() {
        return Vec::new();
    }
    vec![alembix_macros_core::render_sql_objects(&schema.objects)]
}
