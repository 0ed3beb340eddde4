//! Tables: paired by name, then by `renamed_from`; the rest are created or
//! dropped. Also the table comment of a pair.

use std::collections::BTreeSet;

use alembix_schema::{Op, Table};

use super::{Changes, Cx};

/// Pairs each target table with its current table (same name, or a former
/// name from `renamed_from` that only the database has, which is a
/// rename). Unpaired target tables are created (their indexes as separate
/// ops); unpaired current tables are dropped unless left alone.
pub(super) fn pair_tables<'a>(cx: &Cx<'a>, ch: &mut Changes) -> Vec<(&'a Table, &'a Table)> {
    let (current, target) = (cx.current, cx.target);
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    let mut used_current: BTreeSet<&str> = BTreeSet::new();
    for t in &target.tables {
        if let Some(c) = cx.current_table(&t.name) {
            pairs.push((c, t));
            used_current.insert(&c.name);
            continue;
        }
        let old = t
            .renamed_from
            .iter()
            .find(|r| cx.current_table(r).is_some() && cx.target_table(r).is_none());
        match old.and_then(|r| cx.current_table(r)) {
            Some(c) => {
                ch.renames.push(Op::RenameTable {
                    table: t.name.clone(),
                    from: c.name.clone(),
                });
                pairs.push((c, t));
                used_current.insert(&c.name);
            }
            // A partition being detached becomes this table.
            None if super::partitions::is_partition_of(current, &t.name) => {}
            None => {
                if !t.renamed_from.is_empty() {
                    ch.notes.push(super::columns::unmatched_rename(
                        &format!("table `{}`", t.name),
                        &t.renamed_from,
                    ));
                }
                let mut m = cx.model_table(&t.name);
                for ix in std::mem::take(&mut m.indexes) {
                    ch.adds.push(Op::CreateIndex {
                        table: t.name.clone(),
                        index: ix,
                    });
                }
                ch.creates.push(m);
            }
        }
    }
    for c in &current.tables {
        // A table being attached as a partition stays.
        if !used_current.contains(c.name.as_str())
            && !cx.excluded(&c.name)
            && !super::partitions::is_partition_of(target, &c.name)
        {
            ch.table_drops.push(c.clone());
        }
    }
    pairs
}

/// The table comment, where the backend keeps comments.
pub(super) fn diff_comment(cx: &Cx, cur: &Table, tgt: &Table, mt: &Table, ch: &mut Changes) {
    if cx.driver.compares_comments() && cur.comment != tgt.comment {
        ch.comments.push(Op::AlterTableComment {
            table: tgt.name.clone(),
            from: cur.comment.clone(),
            to: mt.comment.clone(),
        });
    }
}
