//! Partitioned tables (PostgreSQL): the `PARTITION BY` clause of a new
//! table, its partitions, and the partition ops on an existing table.

use super::{Rendered, TableName};
use crate::dialect::Dialect;
use crate::model::{Partition, Table};
use crate::op::Op;

/// Refuses partitioning where the backend has none.
fn supported(d: Dialect) -> Result<(), String> {
    if d.caps().partitioned_tables {
        Ok(())
    } else {
        Err(format!(
            "{} has no partitioned tables here; remove `partition_by` and `partition(...)` from the model",
            d.caps().title
        ))
    }
}

/// ` PARTITION BY <key>` for a partitioned table, empty for a plain one.
pub(crate) fn partition_by_clause(t: &Table, d: Dialect) -> Result<String, String> {
    match &t.partition_by {
        None if t.partitions.is_empty() => Ok(String::new()),
        None => Err(format!(
            "table {:?} declares partitions but no `partition_by`",
            t.qualified_name()
        )),
        Some(key) => {
            supported(d)?;
            Ok(format!(" PARTITION BY {key}"))
        }
    }
}

/// The quoted name of partition `name` of table `parent` (an op's table
/// name): it lives in its parent's schema.
fn partition_name(parent: TableName<'_>, name: &str, d: Dialect) -> String {
    let (schema, _) = parent.parts(d);
    d.quote_table(schema, name)
}

/// `CREATE TABLE <p> PARTITION OF <t> <bound>`.
pub(crate) fn create_partition(parent: TableName<'_>, p: &Partition, d: Dialect) -> String {
    format!(
        "CREATE TABLE {} PARTITION OF {} {}",
        partition_name(parent, &p.name, d),
        parent.sql(d),
        p.bound
    )
}

/// `ALTER TABLE <t> DETACH PARTITION <p> [CONCURRENTLY]`.
pub(crate) fn detach_partition(
    table: &str,
    partition: &str,
    d: Dialect,
    concurrently: bool,
) -> String {
    let parent = TableName::bare(table);
    format!(
        "ALTER TABLE {} DETACH PARTITION {}{}",
        parent.sql(d),
        partition_name(parent, partition, d),
        if concurrently { " CONCURRENTLY" } else { "" }
    )
}

/// `DROP TABLE <p>` of a detached partition.
pub(crate) fn drop_detached(table: &str, partition: &str, d: Dialect) -> String {
    format!(
        "DROP TABLE {}",
        partition_name(TableName::bare(table), partition, d)
    )
}

/// The `CREATE TABLE ... PARTITION OF` statements of a new table's partitions.
pub(crate) fn create_partitions(t: &Table, d: Dialect) -> Vec<String> {
    t.partitions
        .iter()
        .map(|p| create_partition(TableName::of(t), p, d))
        .collect()
}

/// The statements of a partition op.
pub(crate) fn partition_op(op: &Op, d: Dialect) -> Rendered {
    supported(d)?;
    Ok(match op {
        Op::CreatePartition { table, partition } => {
            vec![create_partition(TableName::bare(table), partition, d)]
        }
        Op::DropPartition { table, partition } => vec![
            detach_partition(table, &partition.name, d, false),
            drop_detached(table, &partition.name, d),
        ],
        Op::AttachPartition { table, partition } => {
            let parent = TableName::bare(table);
            vec![format!(
                "ALTER TABLE {} ATTACH PARTITION {} {}",
                parent.sql(d),
                partition_name(parent, &partition.name, d),
                partition.bound
            )]
        }
        Op::DetachPartition { table, partition } => {
            vec![detach_partition(table, &partition.name, d, false)]
        }
        other => return Err(format!("{} is not a partition op", other.kind())),
    })
}
