//! `partition_by = "..."` and `partition(name = "...", bound = "...")` on
//! the struct, and the same attributes written back as source text
//! ([`partition_attributes`]) for code that generates models.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use super::{lit_name, sql_text};
use crate::symbol;

/// `partition(name = "...", bound = "...")`.
#[derive(Clone)]
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

/// `partition_monthly(from = "YYYY-MM", to = "YYYY-MM")`: one range
/// partition per month from `from` up to, not including, `to`.
pub struct MonthlyAttr {
    /// The first month, as `(year, month)`.
    pub from: (i32, u32),
    /// The month after the last, as `(year, month)`.
    pub to: (i32, u32),
    /// The `partition_monthly` key, where errors point.
    pub span: Span,
}

/// Months one template may span (a century).
const MAX_MONTHS: i32 = 1200;

/// `partition_monthly(...)`.
pub(super) fn monthly(meta: &ParseNestedMeta<'_>) -> syn::Result<MonthlyAttr> {
    let (mut from, mut to) = (None, None);
    meta.parse_nested_meta(|inner| {
        if inner.path == symbol::FROM {
            from = Some(year_month(&inner)?);
        } else if inner.path == symbol::TO {
            to = Some(year_month(&inner)?);
        } else {
            return Err(inner.error(format!(
                "unknown `partition_monthly` option `{}`; expected {}",
                super::meta_key(&inner),
                symbol::join(symbol::PARTITION_MONTHLY_KEYS)
            )));
        }
        Ok(())
    })?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(meta.error(
            "partition_monthly needs `from = \"YYYY-MM\"` (the first month) and `to = \"YYYY-MM\"` (the month after the last)",
        ));
    };
    let months = month_index(to) - month_index(from);
    if months <= 0 || months > MAX_MONTHS {
        return Err(meta.error(format!(
            "partition_monthly needs `to` after `from`, at most {MAX_MONTHS} months later"
        )));
    }
    Ok(MonthlyAttr {
        from,
        to,
        span: meta.path.span(),
    })
}

/// `"YYYY-MM"` as `(year, month)`.
fn year_month(meta: &ParseNestedMeta<'_>) -> syn::Result<(i32, u32)> {
    let lit: syn::LitStr = meta.value()?.parse()?;
    let text = lit.value();
    let parsed = text.split_once('-').and_then(|(y, m)| {
        let ok = y.len() == 4 && m.len() == 2;
        let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        (ok && (1..=12).contains(&m)).then_some((y, m))
    });
    parsed.ok_or_else(|| {
        syn::Error::new(
            lit.span(),
            format!("`{text}` is not a month; write it as \"YYYY-MM\" (\"2026-01\")"),
        )
    })
}

fn month_index((y, m): (i32, u32)) -> i32 {
    y * 12 + m as i32 - 1
}

impl MonthlyAttr {
    /// The partitions of table `table` (its bare name): `<table>_YYYY_MM`,
    /// `FOR VALUES FROM ('YYYY-MM-01') TO ('<next month>-01')`.
    pub fn partitions(&self, table: &str) -> Vec<PartitionAttr> {
        let day = |i: i32| format!("{:04}-{:02}-01", i.div_euclid(12), i.rem_euclid(12) + 1);
        (month_index(self.from)..month_index(self.to))
            .map(|i| PartitionAttr {
                name: format!(
                    "{table}_{:04}_{:02}",
                    i.div_euclid(12),
                    i.rem_euclid(12) + 1
                ),
                bound: format!("FOR VALUES FROM ('{}') TO ('{}')", day(i), day(i + 1)),
                span: self.span,
            })
            .collect()
    }
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
