//! Partitions of a partitioned table (PostgreSQL), per pair of tables: a
//! partition only the models declare is created, or attached when a table
//! of its name exists; one only the database has is dropped, or detached
//! when a model declares a table of its name; a changed bound is a detach
//! and an attach with the new bound (rows kept). A changed partition key
//! is not compared here: it needs a table rewrite, and
//! [`crate::guards::partitioning_supported`] refuses it.

use alembix_schema::{Op, Partition, Table};

use super::{Changes, Cx};

/// Whether the table named `name` is a partition declared by another
/// side's table: a database table about to be attached (`schema` is the
/// target) or a model table about to be detached (`schema` is the
/// database), which are neither dropped nor created.
pub(super) fn is_partition_of(schema: &alembix_schema::Schema, name: &str) -> bool {
    schema.tables.iter().any(|t| {
        t.partitions
            .iter()
            .any(|p| t.partition_table_name(&p.name) == name)
    })
}

/// The ops on the partitions of a pair of tables.
pub(super) fn diff_partitions(cx: &Cx, cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    if cur.partition_by != tgt.partition_by {
        return;
    }
    let table = tgt.name.clone();
    let written = |p: &Partition| mt.partition(&p.name).cloned().unwrap_or_else(|| p.clone());
    for p in &cur.partitions {
        let standalone = cur.partition_table_name(&p.name);
        match tgt.partition(&p.name) {
            Some(q) if q.bound == p.bound => {}
            Some(q) => {
                ch.drops.push(Op::DetachPartition {
                    table: table.clone(),
                    partition: p.clone(),
                });
                ch.adds.push(Op::AttachPartition {
                    table: table.clone(),
                    partition: written(q),
                });
            }
            None if cx.target.table(&standalone).is_some() => ch.drops.push(Op::DetachPartition {
                table: table.clone(),
                partition: p.clone(),
            }),
            None => ch.drops.push(Op::DropPartition {
                table: table.clone(),
                partition: p.clone(),
            }),
        }
    }
    for q in &tgt.partitions {
        if cur.partition(&q.name).is_some() {
            continue;
        }
        let standalone = tgt.partition_table_name(&q.name);
        let partition = written(q);
        ch.adds.push(if cx.current.table(&standalone).is_some() {
            Op::AttachPartition {
                table: table.clone(),
                partition,
            }
        } else {
            Op::CreatePartition {
                table: table.clone(),
                partition,
            }
        });
    }
}
