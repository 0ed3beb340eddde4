//! The partition comparison on literal schemas.

use alembix_schema::{Column, ColumnType, Dialect, Partition, Schema, Table};

use super::{DiffOptions, diff};

const JAN: &str = "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')";
const FEB: &str = "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')";

/// The backend with partitioned tables (PostgreSQL).
fn partitioning() -> Dialect {
    let d = Dialect::ALL.iter().find(|d| d.caps().partitioned_tables);
    *d.expect("a backend with partitioned tables")
}

fn table(name: &str) -> Table {
    Table::new(name)
        .column(Column::new("id", ColumnType::BigInt))
        .column(Column::new("created_at", ColumnType::TimestampTz))
}

fn events(parts: &[(&str, &str)]) -> Table {
    let mut t = table("events");
    t.partition_by = Some("RANGE (created_at)".into());
    t.partitions = parts.iter().map(|(n, b)| Partition::new(*n, *b)).collect();
    t
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables,
        ..Default::default()
    }
}

/// `(kind, name)` of each op, and the warnings.
fn ops(current: Vec<Table>, target: Vec<Table>) -> (Vec<(String, String)>, Vec<String>) {
    let (c, t) = (schema(current), schema(target));
    let d = diff(&c, &t, &t, partitioning(), &DiffOptions::default());
    let json = super::ops_json(&d.ops);
    let ops = json
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let s = |k: &str| o[k].as_str().unwrap_or_default().to_string();
            (s("op"), s("name"))
        })
        .collect();
    (ops, d.warnings.into_iter().map(|(_, w)| w).collect())
}

fn op(kind: &str, name: &str) -> (String, String) {
    (kind.into(), name.into())
}

#[test]
fn the_same_partitions_give_no_op() {
    let parts = [("e1", JAN), ("e_default", "DEFAULT")];
    assert_eq!(
        ops(vec![events(&parts)], vec![events(&parts)]),
        (vec![], vec![])
    );
}

#[test]
fn a_new_partition_is_created_and_a_removed_one_dropped_with_a_warning() {
    let (ops, warnings) = ops(vec![events(&[("e1", JAN)])], vec![events(&[("e2", FEB)])]);
    assert_eq!(
        ops,
        [op("drop_partition", "e1"), op("create_partition", "e2")]
    );
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("drops partition `e1` of `events` and its rows"));
}

#[test]
fn an_existing_table_is_attached_not_dropped() {
    let (ops, warnings) = ops(
        vec![events(&[("e1", JAN)]), table("e2")],
        vec![events(&[("e1", JAN), ("e2", FEB)])],
    );
    assert_eq!(ops, [op("attach_partition", "e2")]);
    assert!(warnings.is_empty());
}

#[test]
fn a_partition_a_model_declares_as_a_table_is_detached_not_created() {
    let (ops, warnings) = ops(
        vec![events(&[("e1", JAN), ("e2", FEB)])],
        vec![events(&[("e1", JAN)]), table("e2")],
    );
    assert_eq!(ops, [op("detach_partition", "e2")]);
    assert!(warnings.is_empty());
}

#[test]
fn a_changed_bound_is_detach_then_attach() {
    let (ops, _) = ops(vec![events(&[("e1", JAN)])], vec![events(&[("e1", FEB)])]);
    assert_eq!(
        ops,
        [op("detach_partition", "e1"), op("attach_partition", "e1")]
    );
}

#[test]
fn a_changed_key_gives_no_partition_op() {
    let mut listed = events(&[("e2", "FOR VALUES IN (1)")]);
    listed.partition_by = Some("LIST (id)".into());
    let (ops, _) = ops(vec![events(&[("e1", JAN)])], vec![listed]);
    assert_eq!(ops, []);
}
