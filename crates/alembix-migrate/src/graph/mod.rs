//! The revision graph: bases, heads, branch points, merge points, branch
//! labels and `depends_on`, with Alembic's semantics.
//!
//! ```
//! use alembix_migrate::RevisionGraph;
//! let file = |id: &str, parent: &str| format!(
//!     "-- revision: {id}\n-- down_revision: {parent}\n-- message: {id}\n-- migrate:upgrade\nSELECT 1;\n");
//! let a = file("aaaaaaaaaaaa", "");
//! let b = file("bbbbbbbbbbbb", "aaaaaaaaaaaa");
//! let graph = RevisionGraph::from_sources(&[("a.sql", a.as_str()), ("b.sql", b.as_str())]).unwrap();
//! assert_eq!(graph.heads()[0].id, "bbbbbbbbbbbb");
//! let steps = graph.plan_upgrade(&[], "head").unwrap();
//! assert_eq!(steps.len(), 2);
//! assert_eq!(steps[1].versions.insert, vec!["bbbbbbbbbbbb".to_string()]);
//! ```

mod authoring;
mod build;
mod heads;
mod plan;
mod targets;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub use authoring::{NewRevision, Squash};

use crate::error::{Error, Result};
use crate::revision::Revision;

/// The target below every revision: no row in the version table.
pub const BASE: &str = "base";

/// How messages name a version-table state: the ids joined with `, `, or
/// [`BASE`] when there are none.
pub fn describe_versions(ids: &[String]) -> String {
    if ids.is_empty() {
        BASE.to_string()
    } else {
        ids.join(", ")
    }
}

/// All revisions of a script directory, validated and linked.
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    revs: BTreeMap<String, Revision>,
    /// Parents and dependencies before children: a stable topological order.
    order: Vec<String>,
    /// Position of each id in `order`.
    pos: BTreeMap<String, usize>,
    /// Children by `down_revision` (not `depends_on`), in `order`.
    children: BTreeMap<String, Vec<String>>,
    /// Branch label → the labelled revision.
    labels: BTreeMap<String, String>,
}

impl RevisionGraph {
    /// The revision with this full id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.revs.get(id)
    }

    /// True when the graph has no revisions.
    pub fn is_empty(&self) -> bool {
        self.revs.is_empty()
    }

    /// Every revision, parents before children (a stable topological order).
    pub fn revisions(&self) -> Vec<&Revision> {
        self.order.iter().map(|id| &self.revs[id]).collect()
    }

    /// Revisions with no children, in a stable order.
    pub fn heads(&self) -> Vec<&Revision> {
        self.order
            .iter()
            .filter(|id| self.children[*id].is_empty())
            .map(|id| &self.revs[id])
            .collect()
    }

    /// `(id, message)` of every head, for messages.
    pub fn head_summaries(&self) -> Vec<(String, String)> {
        self.heads()
            .iter()
            .map(|r| (r.id.clone(), r.message.clone()))
            .collect()
    }

    /// Revisions with no parents.
    pub fn bases(&self) -> Vec<&Revision> {
        self.order
            .iter()
            .filter(|id| self.revs[*id].down_revisions.is_empty())
            .map(|id| &self.revs[id])
            .collect()
    }

    /// Children ids of a revision (revisions that name it in `down_revision`).
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.children
            .get(id)
            .map(|c| c.iter().map(|s| s.as_str()).collect())
            .unwrap_or_default()
    }

    /// True when several revisions name this one as their parent.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.children.get(id).is_some_and(|c| c.len() > 1)
    }

    /// True when this revision has several parents.
    pub fn is_merge_point(&self, id: &str) -> bool {
        self.revs
            .get(id)
            .is_some_and(|r| r.down_revisions.len() > 1)
    }

    /// True when no revision names this one as its parent.
    pub fn is_head(&self, id: &str) -> bool {
        self.children.get(id).is_some_and(|c| c.is_empty())
    }

    /// The branch labels that cover a revision (its own, those of the
    /// revisions on its branch above and below, back to the branch point).
    pub fn labels_covering(&self, id: &str) -> Vec<String> {
        self.labels
            .keys()
            .filter(|l| self.label_cover(l).contains(id))
            .cloned()
            .collect()
    }

    /// Every branch label and the revision it is on.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// The ids and everything they need: parents and dependencies, transitively (inclusive).
    pub fn ancestors<S: AsRef<str>>(&self, ids: &[S]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<&str> = ids.iter().map(|s| s.as_ref()).collect();
        while let Some(id) = todo.pop() {
            let Some(r) = self.revs.get(id) else { continue };
            if out.insert(id.to_string()) {
                todo.extend(r.down_revisions.iter().map(|s| s.as_str()));
                todo.extend(r.depends_on.iter().map(|s| s.as_str()));
            }
        }
        out
    }

    /// The ids and everything that needs them: children and dependents, transitively (inclusive).
    pub fn descendants<S: AsRef<str>>(&self, ids: &[S]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<String> = ids.iter().map(|s| s.as_ref().to_string()).collect();
        while let Some(id) = todo.pop() {
            if !self.revs.contains_key(&id) || !out.insert(id.clone()) {
                continue;
            }
            todo.extend(self.children[&id].iter().cloned());
            for r in self.revs.values() {
                if r.depends_on.contains(&id) {
                    todo.push(r.id.clone());
                }
            }
        }
        out
    }

    /// Revisions a branch label covers: its revision, the descendants, and
    /// the ancestors back to (not including) the branch point.
    pub(crate) fn label_cover(&self, label: &str) -> BTreeSet<String> {
        let Some(start) = self.labels.get(label) else {
            return BTreeSet::new();
        };
        let mut out = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(id) = todo.pop() {
            if out.insert(id.clone()) {
                todo.extend(self.children[&id].iter().cloned());
            }
        }
        let mut cur = start.clone();
        loop {
            let parents = &self.revs[&cur].down_revisions;
            if parents.len() != 1 {
                break;
            }
            let p = &parents[0];
            if self.children[p].len() != 1 {
                break;
            }
            out.insert(p.clone());
            cur = p.clone();
        }
        out
    }

    /// Sorts ids in the graph's topological order (parents first), without duplicates.
    pub fn sorted<I: IntoIterator<Item = String>>(&self, ids: I) -> Vec<String> {
        let mut v: Vec<String> = ids.into_iter().collect();
        v.sort_by_key(|id| self.pos.get(id).copied().unwrap_or(usize::MAX));
        v.dedup();
        v
    }

    /// Drops ids that are ancestors of other ids in the list (keeps the heads of the set).
    pub(crate) fn minimal(&self, ids: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for id in ids {
            let covered = ids
                .iter()
                .any(|other| other != id && self.ancestors(&[other]).contains(id));
            if !covered && !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// Fails with `UnknownRevisions` or `Squashed` when the version table names
    /// revisions that no file defines.
    pub fn check_current(&self, current: &[String]) -> Result<()> {
        let unknown: Vec<String> = current
            .iter()
            .filter(|id| !self.revs.contains_key(*id))
            .cloned()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        for id in &unknown {
            if let Some(r) = self.revs.values().find(|r| r.replaces.contains(id)) {
                return Err(Error::Squashed {
                    stamped: id.clone(),
                    squashed_into: r.id.clone(),
                    message: r.message.clone(),
                });
            }
        }
        Err(Error::UnknownRevisions {
            unknown,
            heads: self.head_summaries(),
        })
    }

    /// Resolves a revision reference: a full id, a unique prefix of 4+ hex
    /// digits, or a branch label (the labelled revision).
    pub fn resolve_id(&self, key: &str) -> Result<String> {
        if self.revs.contains_key(key) {
            return Ok(key.to_string());
        }
        if let Some(id) = self.labels.get(key) {
            return Ok(id.clone());
        }
        let hex = !key.is_empty() && key.bytes().all(|b| b.is_ascii_hexdigit());
        if hex && key.len() < 4 {
            return Err(Error::PrefixTooShort {
                key: key.to_string(),
            });
        }
        if hex {
            let key_l = key.to_ascii_lowercase();
            let m: Vec<&Revision> = self
                .order
                .iter()
                .filter(|id| id.starts_with(&key_l))
                .map(|id| &self.revs[id])
                .collect();
            match m.len() {
                1 => return Ok(m[0].id.clone()),
                0 => {}
                _ => {
                    return Err(Error::AmbiguousPrefix {
                        key: key.to_string(),
                        candidates: m
                            .iter()
                            .map(|r| (r.id.clone(), r.message.clone()))
                            .collect(),
                    });
                }
            }
        }
        Err(Error::NoSuchRevision {
            key: key.to_string(),
        })
    }
}
