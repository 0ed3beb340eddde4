//! Planning: the steps from a version-table state to a target, each with
//! its version-table change (Alembic's head maintenance).

use std::collections::BTreeSet;

use super::RevisionGraph;
use super::targets::Parsed;
use crate::error::{Error, Result};
use crate::step::{Direction, Step, VersionChange};

impl RevisionGraph {
    /// Steps that upgrade a database whose version table holds `current` to `target`.
    ///
    /// Missing ancestors and dependencies are pulled in, one branch finished
    /// before the next (depth-first from the target). An already applied
    /// target gives an empty plan.
    pub fn plan_upgrade(&self, current: &[String], target: &str) -> Result<Vec<Step>> {
        self.check_current(current)?;
        let targets = self.resolve(target, current)?;
        let applied = self.ancestors(current);
        let mut emitted: Vec<String> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for t in &targets {
            self.visit_up(t, &applied, &mut seen, &mut emitted);
        }
        let mut rows: Vec<String> = current.to_vec();
        let mut steps = Vec::with_capacity(emitted.len());
        for id in emitted {
            let below = self.ancestors(&[&id]);
            let delete: Vec<String> = rows
                .iter()
                .filter(|r| **r != id && below.contains(*r))
                .cloned()
                .collect();
            rows.retain(|r| !delete.contains(r));
            rows.push(id.clone());
            steps.push(Step {
                revision: id.clone(),
                direction: Direction::Up,
                versions: VersionChange {
                    delete,
                    insert: vec![id],
                },
            });
        }
        Ok(steps)
    }

    fn visit_up(
        &self,
        id: &str,
        applied: &BTreeSet<String>,
        seen: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if applied.contains(id) || !seen.insert(id.to_string()) {
            return;
        }
        let r = &self.revs[id];
        for p in r.down_revisions.iter().chain(r.depends_on.iter()) {
            self.visit_up(p, applied, seen, out);
        }
        out.push(id.to_string());
    }

    /// Steps that downgrade a database whose version table holds `current` to `target`.
    ///
    /// A revision target keeps that revision and undoes everything applied
    /// that descends from it (or depends on it); `base` undoes everything;
    /// `LABEL@base` undoes the branch; `-N` undoes N revisions below the
    /// current one (a merge point may be undone, but not walked through).
    pub fn plan_downgrade(&self, current: &[String], target: &str) -> Result<Vec<Step>> {
        self.check_current(current)?;
        let applied = self.ancestors(current);
        let parsed = self.parse_target(target, current)?;
        let undo: BTreeSet<String> = match parsed {
            Parsed::Base => applied.clone(),
            Parsed::Heads => BTreeSet::new(),
            Parsed::Relative { label, n } => {
                if n > 0 {
                    return Err(Error::DowngradeGoesUp {
                        target: target.to_string(),
                    });
                }
                let start = self.relative_start(label.as_deref(), current)?;
                let Some(start) = start else {
                    return Err(Error::NothingApplied { label });
                };
                self.down_chain(&start, -n)?.into_iter().collect()
            }
            Parsed::Ids(ids) => self.undo_for_ids(target, &ids, &applied, current)?,
        };
        // Whatever needs an undone revision goes too.
        let undo: BTreeSet<String> = self
            .descendants(&undo.iter().collect::<Vec<_>>())
            .into_iter()
            .filter(|d| applied.contains(d))
            .collect();
        Ok(self.down_steps(undo, current))
    }

    /// What downgrading to revision targets undoes: everything applied that
    /// descends from them; for `LABEL@base`, the branch itself.
    fn undo_for_ids(
        &self,
        target: &str,
        ids: &[String],
        applied: &BTreeSet<String>,
        current: &[String],
    ) -> Result<BTreeSet<String>> {
        let is_label_base = target.trim().ends_with("@base");
        let mut undo = BTreeSet::new();
        for t in ids {
            if is_label_base {
                if applied.contains(t) {
                    undo.insert(t.clone());
                }
                // The branch revisions below the labelled one go too.
                let label = target.trim().trim_end_matches("@base");
                for c in self.label_cover(label) {
                    if applied.contains(&c) && self.ancestors(&[&c]).contains(t) {
                        undo.insert(c);
                    }
                }
                continue;
            }
            if !applied.contains(t) {
                return Err(Error::NotApplied {
                    revision: t.clone(),
                    current: current.to_vec(),
                });
            }
            undo.extend(
                self.descendants(&[t])
                    .into_iter()
                    .filter(|d| d != t && applied.contains(d)),
            );
        }
        Ok(undo)
    }

    /// The downgrade steps that undo `undo`, children first, each with its
    /// version-table change.
    fn down_steps(&self, undo: BTreeSet<String>, current: &[String]) -> Vec<Step> {
        let order: Vec<String> = self.sorted(undo).into_iter().rev().collect();
        let mut rows: Vec<String> = current.to_vec();
        let mut steps = Vec::with_capacity(order.len());
        for id in order {
            rows.retain(|r| *r != id);
            let still = self.ancestors(&rows);
            let r = &self.revs[&id];
            let mut insert = Vec::new();
            for p in r.down_revisions.iter().chain(r.depends_on.iter()) {
                if !still.contains(p) && !insert.contains(p) {
                    insert.push(p.clone());
                }
            }
            rows.extend(insert.iter().cloned());
            steps.push(Step {
                revision: id.clone(),
                direction: Direction::Down,
                versions: VersionChange {
                    delete: vec![id],
                    insert,
                },
            });
        }
        steps
    }

    /// The `n` revisions to undo walking down from `start`; a merge point
    /// may be the last one, but the walk cannot continue below it.
    fn down_chain(&self, start: &str, n: i64) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut cur = Some(start.to_string());
        for step in 0..n {
            let Some(id) = cur else {
                return Err(Error::DowngradeTooFar {
                    n,
                    start: start.to_string(),
                    applied: step,
                });
            };
            let parents = self.revs[&id].down_revisions.clone();
            out.push(id.clone());
            cur = match parents.len() {
                0 => None,
                1 => Some(parents[0].clone()),
                _ if step + 1 == n => None,
                _ => {
                    return Err(Error::DowngradeThroughMerge {
                        n,
                        start: start.to_string(),
                        merge: id,
                        parents,
                    });
                }
            };
        }
        Ok(out)
    }

    /// The version-table change that stamps `targets` (without running SQL).
    ///
    /// With `purge` every current row goes (even ones no file defines);
    /// otherwise rows on the same line as a target are replaced and others kept.
    pub fn plan_stamp(
        &self,
        current: &[String],
        targets: &[String],
        purge: bool,
    ) -> Result<VersionChange> {
        if !purge {
            self.check_current(current)?;
        }
        let mut ids = Vec::new();
        for t in targets {
            ids.extend(self.resolve(t, if purge { &[] } else { current })?);
        }
        let ids = self.minimal(&self.sorted(ids));
        let mut change = VersionChange::default();
        if purge {
            change.delete = current.to_vec();
            change.insert = ids;
            return Ok(change);
        }
        for row in current {
            let below = self.ancestors(&[row]);
            let related = ids
                .iter()
                .any(|t| below.contains(t) || self.ancestors(&[t]).contains(row));
            if (related || ids.is_empty()) && !ids.contains(row) {
                change.delete.push(row.clone());
            }
        }
        let keep: Vec<&String> = current
            .iter()
            .filter(|r| !change.delete.contains(r))
            .collect();
        for id in ids {
            if !keep.contains(&&id) {
                change.insert.push(id);
            }
        }
        Ok(change)
    }
}
