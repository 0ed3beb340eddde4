//! `partition_by` / `partition(...)`: parsed into the table, refused when
//! inconsistent, and written back as source that parses to the same table.

use alembix_macros_core::{parse_model, partition_attributes};
use alembix_schema::Partition;

fn model(items: &str) -> Result<alembix_schema::Table, String> {
    let src = format!(
        "#[model(table = \"events\", primary_key(columns = \"id, created_at\"), {items})]
         struct Event {{ id: i64, created_at: chrono::DateTime<chrono::Utc>, region: String }}"
    );
    let input: syn::DeriveInput = syn::parse_str(&src).map_err(|e| e.to_string())?;
    parse_model(&input)
        .map(|m| m.table)
        .map_err(|e| e.to_string())
}

#[test]
fn declared_partitions_are_read_into_the_table() {
    let t = model(
        r#"partition_by = "RANGE (created_at)",
           partition(name = "events_2026_01", bound = "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"),
           partition(name = "events_default", bound = "DEFAULT")"#,
    )
    .unwrap();
    assert_eq!(t.partition_by.as_deref(), Some("RANGE (created_at)"));
    assert_eq!(
        t.partitions,
        [
            Partition::new(
                "events_2026_01",
                "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"
            ),
            Partition::new("events_default", "DEFAULT"),
        ]
    );
}

#[test]
fn rendered_attributes_parse_back_to_the_same_partitioning() {
    let mut t = alembix_schema::Table::new("events");
    t.partition_by = Some("LIST (region)".into());
    t.partitions = vec![
        Partition::new("events_eu", "FOR VALUES IN ('eu', 'uk \"north\"')"),
        Partition::new("events_us", "FOR VALUES IN ('us')"),
        Partition::new("events_other", "DEFAULT"),
    ];
    let items = partition_attributes(&t).join(", ");
    let back = model(&items).unwrap();
    assert_eq!(back.partition_by, t.partition_by);
    assert_eq!(back.partitions, t.partitions);
}

#[test]
fn a_plain_table_renders_no_partition_attributes() {
    let t = model(r#"comment = "plain""#).unwrap();
    assert!(t.partition_by.is_none() && t.partitions.is_empty());
    assert!(partition_attributes(&t).is_empty());
}

#[test]
fn a_partition_without_a_partition_key_is_an_error() {
    let err = model(r#"partition(name = "events_1", bound = "DEFAULT")"#).unwrap_err();
    assert!(err.contains("needs the table's partition key"), "{err}");
}

#[test]
fn partition_options_are_checked() {
    let cases = [
        (
            r#"partition_by = "HASH (id)", partition(name = "events_1")"#,
            "partition needs `bound",
        ),
        (
            r#"partition_by = "HASH (id)", partition(bound = "DEFAULT")"#,
            "partition needs `name",
        ),
        (
            r#"partition_by = "HASH (id)", partition(name = "p", bound = "DEFAULT", at = "x")"#,
            "unknown `partition` option `at`; expected name, bound",
        ),
        (
            r#"partition_by = "RANGE (id)", partition(name = "a", bound = "DEFAULT"), partition(name = "a", bound = "FOR VALUES FROM (1) TO (2)")"#,
            "partition name `a` is used twice",
        ),
        (
            r#"partition_by = "RANGE (id)", partition(name = "a", bound = "DEFAULT"), partition(name = "b", bound = "default")"#,
            "second default partition",
        ),
        (r#"partition_by = " ""#, "`partition_by` is empty"),
    ];
    for (items, expected) in cases {
        let err = model(items).unwrap_err();
        assert!(err.contains(expected), "{items}: {err}");
    }
}

#[test]
fn monthly_partitions_are_generated_over_the_span() {
    let t = model(
        r#"partition_by = "RANGE (created_at)",
           partition_monthly(from = "2025-11", to = "2026-02"),
           partition(name = "events_default", bound = "DEFAULT")"#,
    )
    .unwrap();
    assert_eq!(
        t.partitions,
        [
            Partition::new(
                "events_2025_11",
                "FOR VALUES FROM ('2025-11-01') TO ('2025-12-01')"
            ),
            Partition::new(
                "events_2025_12",
                "FOR VALUES FROM ('2025-12-01') TO ('2026-01-01')"
            ),
            Partition::new(
                "events_2026_01",
                "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"
            ),
            Partition::new("events_default", "DEFAULT"),
        ]
    );
    // Written back, the generated partitions are listed one by one.
    let back = model(&partition_attributes(&t).join(", ")).unwrap();
    assert_eq!(back.partitions, t.partitions);
}

#[test]
fn monthly_options_are_checked() {
    let key = r#"partition_by = "RANGE (created_at)""#;
    let cases = [
        (
            r#"partition_monthly(from = "2026-01")"#,
            "partition_monthly needs `from",
        ),
        (
            r#"partition_monthly(from = "2026-1", to = "2026-03")"#,
            "`2026-1` is not a month",
        ),
        (
            r#"partition_monthly(from = "2026-13", to = "2027-03")"#,
            "`2026-13` is not a month",
        ),
        (
            r#"partition_monthly(from = "2026-03", to = "2026-03")"#,
            "needs `to` after `from`",
        ),
        (
            r#"partition_monthly(from = "2026-01", to = "2026-03", every = "2")"#,
            "unknown `partition_monthly` option `every`; expected from, to",
        ),
        (
            r#"partition_monthly(from = "2026-01", to = "2026-03"), partition(name = "events_2026_02", bound = "DEFAULT")"#,
            "partition name `events_2026_02` is used twice",
        ),
    ];
    for (items, expected) in cases {
        let err = model(&format!("{key}, {items}")).unwrap_err();
        assert!(err.contains(expected), "{items}: {err}");
    }
}
