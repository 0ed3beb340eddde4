//! `partition_by = "..."` and `partition(name = "...", bound = "...")` on
//! the struct, and the same attributes written back as source text
//! ([`partition_attributes`]) for code that generates models.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use super::{lit_name, sql_text};
use crate::symbol;

/// `partition(name = "...", bound = "...")`.
pub struct PartitionAttr {
    /// The partition's table name.
    pub name: String,
    /// `FOR VALUES ...` or `DEFAULT`, as written.
    pub bound: String,
    /// The `partition` key, where errors about the partition point.
    pub span: Span,
}

/// `partition(...)`; a repeated option overrides the earlier one.
pub(super) fn partition(meta: &ParseNestedMeta<'_>) -> syn::Result<PartitionAttr> {
    let (mut name, mut bound) = (None, None);
    meta.parse_nested_meta(|inner| {
        if inner.path == symbol::NAME {
            name = Some(lit_name(
                &inner,
                "partition name",
                "give a shorter `name = \"...\"`",
            )?);
        } else if inner.path == symbol::BOUND {
            bound = Some(sql_text(&inner, symbol::BOUND)?);
        } else {
            return Err(inner.error(format!(
                "unknown `partition` option `{}`; expected {}",
                super::meta_key(&inner),
                symbol::join(symbol::PARTITION_KEYS)
            )));
        }
        Ok(())
    })?;
    let name = name.ok_or_else(|| meta.error("partition needs `name = \"...\"`"))?;
    let bound = bound.ok_or_else(|| {
        meta.error("partition needs `bound = \"FOR VALUES ...\"` (or `bound = \"DEFAULT\"`)")
    })?;
    Ok(PartitionAttr {
        name,
        bound,
        span: meta.path.span(),
    })
}

/// A table's partitioning as items of its `#[model(...)]` attribute:
/// `partition_by = "..."`, then one `partition(name = "...", bound =
/// "...")` per partition; nothing for a plain table. Parsing the items
/// back gives the same partitioning.
///
/// ```
/// use alembix_macros_core::partition_attributes;
/// use alembix_schema::{Partition, Table};
/// let mut t = Table::new("events");
/// t.partition_by = Some("RANGE (created_at)".into());
/// t.partitions.push(Partition::new("events_default", "DEFAULT"));
/// assert_eq!(
///     partition_attributes(&t),
///     [
///         r#"partition_by = "RANGE (created_at)""#,
///         r#"partition(name = "events_default", bound = "DEFAULT")"#,
///     ]
/// );
/// assert!(partition_attributes(&Table::new("users")).is_empty());
/// ```
pub fn partition_attributes(table: &alembix_schema::Table) -> Vec<String> {
    let lit = |s: &str| proc_macro2::Literal::string(s).to_string();
    let Some(key) = &table.partition_by else {
        return Vec::new();
    };
    let mut out = vec![format!("partition_by = {}", lit(key))];
    out.extend(table.partitions.iter().map(|p| {
        format!(
            "partition(name = {}, bound = {})",
            lit(&p.name),
            lit(&p.bound)
        )
    }));
    out
}
