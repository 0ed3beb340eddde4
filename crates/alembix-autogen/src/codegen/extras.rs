//! Schema objects besides tables and enums. Each kind the schema model
//! gains (views, functions, triggers, partitions) adds a function here that
//! returns its items; [`extra_items`] gathers them into the output.

use alembix_schema::Schema;
use proc_macro2::TokenStream;

use super::Cx;

/// Items for the schema's objects other than tables and enums (none yet).
pub fn extra_items(_cx: &Cx<'_>, _schema: &Schema) -> Vec<TokenStream> {
    Vec::new()
}
