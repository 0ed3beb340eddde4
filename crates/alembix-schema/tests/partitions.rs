//! Partitioned tables rendered: `PARTITION BY` and the partitions of a new
//! table, the four partition ops and their inverses, the online forms of a
//! detach, and the refusal on backends without partitioning.

use alembix_schema::plan::{RenderOptions, render_staged};
use alembix_schema::{Column, ColumnType, Dialect, Op, Partition, Schema, Table, render_op};

fn events() -> Table {
    let mut t = Table::new("events")
        .column(Column::new("id", ColumnType::BigInt))
        .column(Column::new("created_at", ColumnType::TimestampTz));
    t.partition_by = Some("RANGE (created_at)".into());
    t.partitions = vec![
        Partition::new(
            "events_2026_01",
            "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')",
        ),
        Partition::new("events_default", "DEFAULT"),
    ];
    t
}

#[test]
fn a_new_partitioned_table_comes_with_its_partitions() {
    let sql = render_op(&Op::CreateTable { table: events() }, Dialect::Postgres).unwrap();
    assert_eq!(
        sql,
        [
            "CREATE TABLE \"events\" (\n  \"id\" bigint NOT NULL,\n  \"created_at\" timestamptz NOT NULL\n) PARTITION BY RANGE (created_at)",
            "CREATE TABLE \"events_2026_01\" PARTITION OF \"events\" FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')",
            "CREATE TABLE \"events_default\" PARTITION OF \"events\" DEFAULT",
        ]
    );
}

#[test]
fn partition_ops_and_their_inverses() {
    let p = Partition::new(
        "events_2026_02",
        "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')",
    );
    let table = "audit.events".to_string();
    let cases = [
        (
            Op::CreatePartition {
                table: table.clone(),
                partition: p.clone(),
            },
            "create_partition",
            vec![
                "CREATE TABLE \"audit\".\"events_2026_02\" PARTITION OF \"audit\".\"events\" FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')",
            ],
        ),
        (
            Op::DropPartition {
                table: table.clone(),
                partition: p.clone(),
            },
            "drop_partition",
            vec![
                "ALTER TABLE \"audit\".\"events\" DETACH PARTITION \"audit\".\"events_2026_02\"",
                "DROP TABLE \"audit\".\"events_2026_02\"",
            ],
        ),
        (
            Op::AttachPartition {
                table: table.clone(),
                partition: p.clone(),
            },
            "attach_partition",
            vec![
                "ALTER TABLE \"audit\".\"events\" ATTACH PARTITION \"audit\".\"events_2026_02\" FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')",
            ],
        ),
        (
            Op::DetachPartition {
                table: table.clone(),
                partition: p.clone(),
            },
            "detach_partition",
            vec!["ALTER TABLE \"audit\".\"events\" DETACH PARTITION \"audit\".\"events_2026_02\""],
        ),
    ];
    for (op, kind, sql) in cases {
        assert_eq!(op.kind(), kind);
        assert_eq!(op.table(), Some("audit.events"));
        assert_eq!(op.reverse().reverse(), op);
        assert_eq!(render_op(&op, Dialect::Postgres).unwrap(), sql);
    }
}

#[test]
fn partitioning_is_refused_where_the_backend_has_none() {
    for d in [Dialect::MySql, Dialect::Sqlite] {
        let err = render_op(&Op::CreateTable { table: events() }, d).unwrap_err();
        assert!(err.message.contains("no partitioned tables"), "{err}");
        let op = Op::CreatePartition {
            table: "events".into(),
            partition: Partition::new("p", "DEFAULT"),
        };
        assert!(render_op(&op, d).is_err());
    }
}

/// Dropped partitions are detached concurrently on a live table, unless it
/// has a default partition; a detach that keeps the table stays plain.
#[test]
fn online_detach() {
    let mut no_default = events();
    no_default.partitions.pop();
    let p = no_default.partitions[0].clone();
    let online = RenderOptions {
        online_ddl: true,
        step_statements: None,
    };
    let drop = Op::DropPartition {
        table: "events".into(),
        partition: p.clone(),
    };
    let start = Schema {
        tables: vec![no_default],
        ..Default::default()
    };
    let plan = render_staged(
        std::slice::from_ref(&drop),
        &start,
        Dialect::Postgres,
        &online,
    )
    .unwrap();
    let staged = &plan.statements[0];
    assert_eq!(
        staged[0].sql,
        "ALTER TABLE \"events\" DETACH PARTITION \"events_2026_01\" CONCURRENTLY"
    );
    assert!(!staged[0].transactional);
    assert_eq!(staged[1].sql, "DROP TABLE \"events_2026_01\"");
    assert!(staged[1].transactional && staged[1].new_step);

    let with_default = Schema {
        tables: vec![events()],
        ..Default::default()
    };
    let plan = render_staged(
        std::slice::from_ref(&drop),
        &with_default,
        Dialect::Postgres,
        &online,
    )
    .unwrap();
    assert!(
        plan.flat()
            .iter()
            .all(|s| s.transactional && !s.sql.contains("CONCURRENTLY"))
    );

    let detach = Op::DetachPartition {
        table: "events".into(),
        partition: p,
    };
    let plan = render_staged(&[detach], &start, Dialect::Postgres, &online).unwrap();
    assert!(
        plan.flat()
            .iter()
            .all(|s| s.transactional && !s.sql.contains("CONCURRENTLY"))
    );
}

#[test]
fn applying_attach_and_detach_moves_the_table() {
    let mut schema = Schema {
        tables: vec![
            events(),
            Table::new("events_2026_03").column(Column::new("id", ColumnType::BigInt)),
        ],
        ..Default::default()
    };
    let p = Partition::new(
        "events_2026_03",
        "FOR VALUES FROM ('2026-03-01') TO ('2026-04-01')",
    );
    schema.apply(&Op::AttachPartition {
        table: "events".into(),
        partition: p.clone(),
    });
    assert!(schema.table("events_2026_03").is_none());
    assert_eq!(schema.table("events").unwrap().partitions.len(), 3);
    schema.apply(&Op::DetachPartition {
        table: "events".into(),
        partition: p,
    });
    assert_eq!(schema.table("events").unwrap().partitions.len(), 2);
    assert_eq!(schema.table("events_2026_03").unwrap().columns.len(), 2);
}

#[test]
fn existing_json_stays_the_same() {
    let t = Table::new("users").column(Column::new("id", ColumnType::BigInt));
    let json = serde_json::to_string(&t).unwrap();
    assert!(!json.contains("partition"), "{json}");
    let back: Table = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
}
