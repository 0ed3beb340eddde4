//! Building the graph: reading the files, then checking and linking the
//! revisions (duplicate ids and labels, unknown parents, cycles).

use std::collections::BTreeMap;
use std::path::Path;

use super::RevisionGraph;
use crate::error::{Error, Link, Result};
use crate::revision::Revision;
use crate::script_dir::{self, Ignored};

/// Revisions by id.
type Revs = BTreeMap<String, Revision>;

impl RevisionGraph {
    /// Reads every revision file of `dir` (see [`crate::script_dir`] for
    /// which files those are; not recursive) and builds the graph.
    pub fn load(dir: &Path) -> Result<RevisionGraph> {
        Self::load_listing(dir).map(|(graph, _)| graph)
    }

    /// [`load`](Self::load), also returning the entries of `dir` that were
    /// not read (other files, subdirectories) so the caller can say so.
    pub fn load_listing(dir: &Path) -> Result<(RevisionGraph, Vec<Ignored>)> {
        Self::load_dirs(&[dir.to_path_buf()])
    }

    /// [`load_listing`](Self::load_listing) of several script directories
    /// (Alembic's `version_locations`): one graph of every directory's
    /// revisions, which may name each other as parents.
    ///
    /// ```
    /// use alembix_migrate::RevisionGraph;
    /// let a = tempfile::tempdir().unwrap();
    /// let b = tempfile::tempdir().unwrap();
    /// std::fs::write(a.path().join("1_aaaaaaaaaaaa_a.sql"), "-- revision: aaaaaaaaaaaa\n-- down_revision:\n-- migrate:upgrade\n").unwrap();
    /// std::fs::write(b.path().join("2_bbbbbbbbbbbb_b.sql"), "-- revision: bbbbbbbbbbbb\n-- down_revision: aaaaaaaaaaaa\n-- migrate:upgrade\n").unwrap();
    /// let (g, _) = RevisionGraph::load_dirs(&[a.path().into(), b.path().into()]).unwrap();
    /// assert_eq!(g.heads()[0].id, "bbbbbbbbbbbb");
    /// ```
    pub fn load_dirs(dirs: &[std::path::PathBuf]) -> Result<(RevisionGraph, Vec<Ignored>)> {
        let mut revisions = Vec::new();
        let mut ignored = Vec::new();
        for dir in dirs {
            let files = script_dir::scan(dir)?;
            for path in files.revisions {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                    path: path.clone(),
                    source: e,
                })?;
                revisions.push(Revision::parse(&path, &text)?);
            }
            // Another location inside this one is not an odd entry.
            ignored.extend(
                files
                    .ignored
                    .into_iter()
                    .filter(|i| !dirs.iter().any(|d| same_dir(d, &i.path))),
            );
        }
        Ok((RevisionGraph::from_revisions(revisions)?, ignored))
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
        let mut revs: Revs = BTreeMap::new();
        for r in revisions {
            if let Some(other) = revs.get(&r.id) {
                return Err(Error::DuplicateRevision {
                    id: r.id.clone(),
                    first: other.path.clone(),
                    second: r.path.clone(),
                });
            }
            revs.insert(r.id.clone(), r);
        }
        let labels = index_labels(&revs)?;
        link(&mut revs, &labels)?;
        let order = topological_order(&revs)?;
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
}

/// Branch label → the labelled revision; a label used twice is an error.
fn index_labels(revs: &Revs) -> Result<BTreeMap<String, String>> {
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for r in revs.values() {
        for l in &r.branch_labels {
            if let Some(other) = labels.get(l) {
                return Err(Error::DuplicateLabel {
                    label: l.clone(),
                    first: other.clone(),
                    first_path: revs[other].path.clone(),
                    second: r.id.clone(),
                    second_path: r.path.clone(),
                });
            }
            labels.insert(l.clone(), r.id.clone());
        }
    }
    Ok(labels)
}

/// Why a link did not resolve: the ids it is a prefix of (none: unknown).
struct Unresolved(Vec<String>);

/// Resolves a link: an id, a unique prefix of 4+ hex digits, or (for
/// `depends_on`) a branch label.
fn find(
    revs: &Revs,
    labels: &BTreeMap<String, String>,
    key: &str,
    link: Link,
) -> std::result::Result<String, Unresolved> {
    if revs.contains_key(key) {
        return Ok(key.to_string());
    }
    if link == Link::DependsOn
        && let Some(id) = labels.get(key)
    {
        return Ok(id.clone());
    }
    if key.len() >= 4 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        let m: Vec<String> = revs
            .keys()
            .filter(|i| i.starts_with(key))
            .cloned()
            .collect();
        if m.len() == 1 {
            return Ok(m[0].clone());
        }
        return Err(Unresolved(m));
    }
    Err(Unresolved(Vec::new()))
}

/// Rewrites every `down_revision` and `depends_on` entry to a full id.
fn link(revs: &mut Revs, labels: &BTreeMap<String, String>) -> Result<()> {
    let resolve = |r: &Revision, key: &str, link: Link| {
        find(revs, labels, key, link).map_err(|Unresolved(candidates)| {
            let (path, key) = (r.path.clone(), key.to_string());
            if candidates.is_empty() {
                Error::MissingLink { path, link, key }
            } else {
                Error::AmbiguousLink {
                    path,
                    link,
                    key,
                    candidates,
                }
            }
        })
    };
    let mut resolved: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for r in revs.values() {
        let mut parents = Vec::new();
        for p in &r.down_revisions {
            parents.push(resolve(r, p, Link::DownRevision)?);
        }
        let mut deps = Vec::new();
        for d in &r.depends_on {
            let id = resolve(r, d, Link::DependsOn)?;
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
    Ok(())
}

/// Parents and dependencies before children, by depth-first search from
/// the ids in order; a node met again while on the stack is a cycle.
fn topological_order(revs: &Revs) -> Result<Vec<String>> {
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
            let next = r.down_revisions.iter().chain(r.depends_on.iter()).nth(idx);
            let Some(next) = next.map(String::as_str) else {
                state.insert(node, 2);
                order.push(node.to_string());
                stack.pop();
                continue;
            };
            stack.last_mut().expect("non-empty").1 += 1;
            match state.get(next) {
                Some(1) => {
                    let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    return Err(Error::Cycle {
                        revisions: stack[from..]
                            .iter()
                            .map(|(n, _)| (n.to_string(), revs[*n].path.clone()))
                            .collect(),
                    });
                }
                Some(_) => {}
                None => {
                    state.insert(next, 1);
                    stack.push((next, 0));
                }
            }
        }
    }
    Ok(order)
}

/// Whether two paths name the same directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
