//! Schema objects besides tables and enums: the declared views, functions,
//! triggers, sequences and extensions, as one `alembix::sql_objects!` block.
//! (Partitions are model attributes: see `model::model_attrs`.)

use alembix_schema::Schema;
use proc_macro2::TokenStream;

use super::Cx;

/// Items for the schema's objects other than tables and enums.
pub fn extra_items(_cx: &Cx<'_>, schema: &Schema) -> Vec<TokenStream> {
    if schema.objects.is_empty() {
        return Vec::new();
    }
    let block = alembix_macros_core::render_sql_objects(&schema.objects);
    vec![
        block
            .parse::<TokenStream>()
            .expect("the sql_objects! block is Rust tokens"),
    ]
}
