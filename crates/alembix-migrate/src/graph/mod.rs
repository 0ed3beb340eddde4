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
mod plan;
mod targets;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use authoring::{NewRevision, Squash};

use crate::error::{Error, Result};
use crate::revision::{Revision, is_revision_id};

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
    /// Reads every `*.sql` file of `dir` (not recursive) and builds the graph.
    pub fn load(dir: &Path) -> Result<RevisionGraph> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!(
                    "the script directory {} does not exist; create it with `alembix init` or set `migrations` in alembix.toml",
                    dir.display()
                ))
            } else {
                Error::Io {
                    path: dir.to_path_buf(),
                    source: e,
                }
            }
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
            let path = entry.path();
            if path.is_file() && path.extension().is_some_and(|e| e == "sql") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut revisions = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            revisions.push(Revision::parse(&path, &text)?);
        }
        RevisionGraph::from_revisions(revisions)
    }

    /// Builds the graph from `(file name, file text)` pairs (embedded migrations).
    pub fn from_sources(files: &[(&str, &str)]) -> Result<RevisionGraph> {
        let mut revisions = Vec::with_capacity(files.len());
        for (name, text) in files {
            revisions.push(Revision::parse(*name, text)?);
        }
        RevisionGraph::from_revisions(revisions)
    }

    /// Validates and links parsed revisions: duplicate ids and labels, missing
    /// parents or dependencies, cycles, are errors naming the files.
    pub fn from_revisions(revisions: Vec<Revision>) -> Result<RevisionGraph> {
        let mut revs: BTreeMap<String, Revision> = BTreeMap::new();
        for r in revisions {
            if let Some(other) = revs.get(&r.id) {
                return Err(Error::Graph(format!(
                    "revision {} is defined twice: in {} and in {}",
                    r.id,
                    other.path.display(),
                    r.path.display()
                )));
            }
            revs.insert(r.id.clone(), r);
        }
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        for r in revs.values() {
            for l in &r.branch_labels {
                if let Some(other) = labels.get(l) {
                    return Err(Error::Graph(format!(
                        "branch label `{l}` is used twice: by {} ({}) and by {} ({})",
                        other,
                        revs[other].path.display(),
                        r.id,
                        r.path.display()
                    )));
                }
                labels.insert(l.clone(), r.id.clone());
            }
        }
        // Resolve parents (ids or unique prefixes) and dependencies (also labels).
        let ids: Vec<String> = revs.keys().cloned().collect();
        let find = |key: &str, allow_label: bool| -> std::result::Result<String, String> {
            if revs.contains_key(key) {
                return Ok(key.to_string());
            }
            if allow_label && let Some(id) = labels.get(key) {
                return Ok(id.clone());
            }
            if key.len() >= 4 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
                let m: Vec<&String> = ids.iter().filter(|i| i.starts_with(key)).collect();
                match m.len() {
                    1 => return Ok(m[0].clone()),
                    0 => {}
                    _ => {
                        return Err(format!(
                            "`{key}` is ambiguous ({})",
                            m.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
            }
            Err(format!("`{key}` names no revision"))
        };
        let mut resolved: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for r in revs.values() {
            let mut parents = Vec::new();
            for p in &r.down_revisions {
                parents.push(find(p, false).map_err(|m| {
                    Error::Graph(format!(
                        "{}: down_revision {m}; is a revision file missing?",
                        r.path.display()
                    ))
                })?);
            }
            let mut deps = Vec::new();
            for d in &r.depends_on {
                let id = find(d, true).map_err(|m| {
                    Error::Graph(format!(
                        "{}: depends_on {m}; is a revision file missing?",
                        r.path.display()
                    ))
                })?;
                if !deps.contains(&id) {
                    deps.push(id);
                }
            }
            resolved.push((r.id.clone(), parents, deps));
        }
        for (id, parents, deps) in resolved {
            let r = revs.get_mut(&id).expect("resolved from revs");
            r.down_revisions = parents;
            r.depends_on = deps;
        }
        // Topological order by depth-first search from the ids in order;
        // a grey node met again is a cycle.
        let mut order = Vec::with_capacity(revs.len());
        let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on stack, 2 = done
        for start in revs.keys() {
            if state.get(start.as_str()) == Some(&2) {
                continue;
            }
            // Iterative DFS: (node, next edge index).
            let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
            state.insert(start.as_str(), 1);
            while let Some((node, idx)) = stack.last().cloned() {
                let r = &revs[node];
                let edges: Vec<&str> = r
                    .down_revisions
                    .iter()
                    .chain(r.depends_on.iter())
                    .map(|s| s.as_str())
                    .collect();
                if idx < edges.len() {
                    stack.last_mut().expect("non-empty").1 += 1;
                    let next = edges[idx];
                    match state.get(next) {
                        Some(1) => {
                            let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                            let cycle: Vec<String> = stack[from..]
                                .iter()
                                .map(|(n, _)| format!("{n} ({})", revs[*n].path.display()))
                                .collect();
                            return Err(Error::Graph(format!(
                                "the revisions form a cycle: {}",
                                cycle.join(" -> ")
                            )));
                        }
                        Some(_) => {}
                        None => {
                            state.insert(next, 1);
                            stack.push((next, 0));
                        }
                    }
                } else {
                    state.insert(node, 2);
                    order.push(node.to_string());
                    stack.pop();
                }
            }
        }
        let pos: BTreeMap<String, usize> = order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut children: BTreeMap<String, Vec<String>> =
            revs.keys().map(|k| (k.clone(), Vec::new())).collect();
        for id in &order {
            for p in &revs[id].down_revisions {
                children.get_mut(p).expect("parent exists").push(id.clone());
            }
        }
        Ok(RevisionGraph {
            revs,
            order,
            pos,
            children,
            labels,
        })
    }

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
            return Err(Error::Target(format!(
                "`{key}` is too short: a revision prefix needs at least 4 hex digits"
            )));
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
                    let list: Vec<String> = m
                        .iter()
                        .map(|r| format!("  {}  {}", r.id, r.message))
                        .collect();
                    return Err(Error::Target(format!(
                        "`{key}` is ambiguous; it is a prefix of:\n{}\nGive more digits",
                        list.join("\n")
                    )));
                }
            }
        }
        let what = if is_revision_id(key) || hex {
            "no revision has this id"
        } else {
            "no revision has this id or branch label"
        };
        Err(Error::Target(format!(
            "`{key}`: {what}; `alembix history` lists them"
        )))
    }
}
