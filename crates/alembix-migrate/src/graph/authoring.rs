//! Writing new revisions: `revision`, `merge` and `squash`.

use std::path::PathBuf;

use super::{BASE, RevisionGraph};
use crate::error::{Error, Result};
use crate::revision::{Revision, bad_label, is_revision_id, new_id};
use crate::step::Direction;

/// What `alembix revision` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    /// The message (also the file name's slug).
    pub message: String,
    /// The parent: a revision, `head` or `base` (a new base); default: the single head.
    pub head: Option<String>,
    /// Allows `head` to name a revision that is not a head (a new branch from it).
    pub splice: bool,
    /// Branch labels of the new revision.
    pub branch_labels: Vec<String>,
    /// Ids, prefixes or labels; written as full ids.
    pub depends_on: Vec<String>,
    /// A chosen id (12 lowercase hex digits).
    pub rev_id: Option<String>,
    /// RFC 3339 creation time; default: now.
    pub created: Option<String>,
}

/// The result of planning a squash: the revision to write and the files it replaces.
#[derive(Debug, Clone)]
pub struct Squash {
    /// The replacing revision (END's id), not yet written.
    pub revision: Revision,
    /// Files of the replaced revisions (END's included: the new file takes its place).
    pub remove: Vec<PathBuf>,
}

/// The marker line that starts a transactional step (DESIGN "Steps").
const STEP_TRANSACTION: &str = "-- step: transaction";
/// The marker line that starts a step run statement by statement outside a transaction.
const STEP_NO_TRANSACTION: &str = "-- step: no-transaction";

/// One section of a squashed revision: each part's section after a
/// `-- from ID: MESSAGE` line, oldest first for the upgrade and newest
/// first for the downgrade. When the parts' transaction modes differ,
/// each part starts with the step marker of its mode, so every part runs
/// as it did on its own.
fn squashed_section(revs: &[&Revision], direction: Direction) -> String {
    let mixed = revs.iter().any(|r| r.transactional) && revs.iter().any(|r| !r.transactional);
    let ordered: Vec<&&Revision> = match direction {
        Direction::Up => revs.iter().collect(),
        Direction::Down => revs.iter().rev().collect(),
    };
    let mut out = String::new();
    for r in ordered {
        if mixed {
            out.push_str(if r.transactional {
                STEP_TRANSACTION
            } else {
                STEP_NO_TRANSACTION
            });
            out.push('\n');
        }
        out.push_str(&format!("-- from {}: {}\n", r.id, r.message));
        out.push_str(r.section(direction).trim_end());
        out.push_str("\n\n");
    }
    out.trim_end().to_string() + "\n"
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl RevisionGraph {
    fn fresh_id(&self, wanted: Option<&str>) -> Result<String> {
        match wanted {
            Some(id) => {
                if !is_revision_id(id) {
                    return Err(Error::Usage(format!(
                        "--rev-id `{id}` must be 12 lowercase hex digits"
                    )));
                }
                if self.revs.contains_key(id) {
                    return Err(Error::Usage(format!(
                        "--rev-id {id} is already used by {}",
                        self.revs[id].path.display()
                    )));
                }
                Ok(id.to_string())
            }
            None => loop {
                let id = new_id();
                if !self.revs.contains_key(&id) {
                    return Ok(id);
                }
            },
        }
    }

    fn check_labels(&self, labels: &[String]) -> Result<()> {
        for l in labels {
            if let Some(why) = bad_label(l) {
                return Err(Error::Usage(format!("branch label `{l}` {why}")));
            }
            if let Some(id) = self.labels.get(l) {
                return Err(Error::Usage(format!(
                    "branch label `{l}` is already used by revision {id}"
                )));
            }
        }
        Ok(())
    }

    /// An empty revision to fill by hand.
    pub fn new_revision(&self, opts: NewRevision) -> Result<Revision> {
        let parents = match opts.head.as_deref() {
            None | Some("head") => {
                if self.is_empty() {
                    Vec::new()
                } else {
                    vec![self.single_head()?]
                }
            }
            Some(BASE) => Vec::new(),
            Some(h) => {
                // `LABEL@head` names the head of a branch, as a target does.
                let id = match h.strip_suffix("@head") {
                    Some(_) => match self.resolve(h, &[])?.as_slice() {
                        [one] => one.clone(),
                        many => {
                            return Err(Error::Usage(format!(
                                "`{h}` names {} heads; name one revision with --head",
                                many.len()
                            )));
                        }
                    },
                    None => self.resolve_id(h)?,
                };
                if !self.is_head(&id) && !opts.splice {
                    return Err(Error::Usage(format!(
                        "{id} is not a head (its children: {}); pass --splice to start a new branch from it",
                        self.children(&id).join(", ")
                    )));
                }
                vec![id]
            }
        };
        self.check_labels(&opts.branch_labels)?;
        let mut deps = Vec::new();
        for d in &opts.depends_on {
            let id = self.resolve_id(d)?;
            if !deps.contains(&id) {
                deps.push(id);
            }
        }
        Ok(Revision {
            branch_labels: opts.branch_labels,
            depends_on: deps,
            created: Some(opts.created.unwrap_or_else(now)),
            ..empty_revision(
                self.fresh_id(opts.rev_id.as_deref())?,
                parents,
                opts.message,
            )
        })
    }

    /// A merge revision joining heads: `revs` = `["heads"]` or two or more revisions.
    pub fn merge_revision(&self, revs: &[String], message: &str) -> Result<Revision> {
        self.merge_revision_with(revs, message, None, &[])
    }

    /// [`merge_revision`](Self::merge_revision) with a chosen id and branch
    /// labels, checked as `new_revision` checks them (format, uniqueness).
    ///
    /// ```
    /// use alembix_migrate::RevisionGraph;
    /// let rev = |id: &str, parent: &str| format!("-- revision: {id}\n-- down_revision: {parent}\n-- migrate:upgrade\n");
    /// let (a, b, c) = ("a".repeat(12), "b".repeat(12), "c".repeat(12));
    /// let files = [rev(&a, ""), rev(&b, &a), rev(&c, &a)];
    /// let g = RevisionGraph::from_sources(&[("a", &files[0]), ("b", &files[1]), ("c", &files[2])]).unwrap();
    /// let m = g.merge_revision_with(&["heads".into()], "join", Some("dddddddddddd"), &["release".into()]).unwrap();
    /// assert_eq!((m.id.as_str(), m.branch_labels[0].as_str()), ("dddddddddddd", "release"));
    /// assert!(g.merge_revision_with(&["heads".into()], "join", Some(&a), &[]).is_err());
    /// ```
    pub fn merge_revision_with(
        &self,
        revs: &[String],
        message: &str,
        rev_id: Option<&str>,
        branch_labels: &[String],
    ) -> Result<Revision> {
        let ids: Vec<String> = if revs.len() == 1 && revs[0] == "heads" {
            self.heads().iter().map(|r| r.id.clone()).collect()
        } else {
            let mut ids = Vec::new();
            for r in revs {
                let id = self.resolve_id(r)?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            ids
        };
        if ids.len() < 2 {
            return Err(Error::Usage(format!(
                "a merge joins two or more heads; {} given{}",
                ids.len(),
                if revs.len() == 1 && revs[0] == "heads" {
                    " (there is only one head: nothing to merge)"
                } else {
                    ""
                }
            )));
        }
        for id in &ids {
            if !self.is_head(id) {
                return Err(Error::Usage(format!(
                    "{id} is not a head; a merge joins heads ({})",
                    self.heads()
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        self.check_labels(branch_labels)?;
        Ok(Revision {
            branch_labels: branch_labels.to_vec(),
            ..empty_revision(
                self.fresh_id(rev_id)?,
                self.sorted(ids),
                message.to_string(),
            )
        })
    }

    /// The ids from `start` up to `end`, oldest first, checked to be a
    /// linear run nothing outside depends on.
    fn squash_run(&self, start: &str, end: &str) -> Result<Vec<String>> {
        // Walk down from END to START through single parents.
        let mut run = vec![end.to_string()];
        let mut cur = end.to_string();
        while cur != start {
            let parents = &self.revs[&cur].down_revisions;
            match parents.len() {
                1 => {}
                0 => {
                    return Err(Error::Usage(format!(
                        "{start} is not below {end}; squash START END takes the older revision first"
                    )));
                }
                _ => {
                    return Err(Error::Usage(format!(
                        "{cur} is a merge point; squash needs a linear run of revisions"
                    )));
                }
            }
            cur = parents[0].clone();
            run.push(cur.clone());
        }
        run.reverse();
        if run.len() < 2 {
            return Err(Error::Usage("squash needs at least two revisions".into()));
        }
        for id in &run[..run.len() - 1] {
            if self.children[id].len() != 1 {
                return Err(Error::Usage(format!(
                    "{id} is a branch point (children {}); squash needs a linear run",
                    self.children[id].join(", ")
                )));
            }
            for r in self.revs.values() {
                if !run.contains(&r.id) && r.depends_on.contains(id) {
                    return Err(Error::Usage(format!(
                        "{} depends on {id}, which the squash would remove; squash up to {id}'s descendants only",
                        r.id
                    )));
                }
            }
        }
        Ok(run)
    }

    /// One revision replacing the linear run `start..=end`; it keeps END's
    /// id so databases at END or later are untouched.
    pub fn squash(&self, start: &str, end: &str, message: &str) -> Result<Squash> {
        let start = self.resolve_id(start)?;
        let end = self.resolve_id(end)?;
        let run = self.squash_run(&start, &end)?;
        let revs: Vec<&Revision> = run.iter().map(|id| &self.revs[id]).collect();
        let upgrade = squashed_section(&revs, Direction::Up);
        let downgrade = squashed_section(&revs, Direction::Down);
        let mut labels = Vec::new();
        let mut deps = Vec::new();
        let mut replaces = Vec::new();
        for r in &revs {
            labels.extend(r.branch_labels.iter().cloned());
            for d in &r.depends_on {
                if !run.contains(d) && !deps.contains(d) {
                    deps.push(d.clone());
                }
            }
            replaces.extend(r.replaces.iter().cloned());
            if r.id != end {
                replaces.push(r.id.clone());
            }
        }
        let revision = Revision {
            id: end.clone(),
            down_revisions: revs[0].down_revisions.clone(),
            branch_labels: labels,
            depends_on: deps,
            message: message.to_string(),
            created: Some(now()),
            // Mixed parts keep their modes through step markers instead.
            transactional: revs.iter().any(|r| r.transactional),
            replaces,
            // One backend when every part was written for the same one.
            dialect: revs[0]
                .dialect
                .filter(|d| revs.iter().all(|r| r.dialect == Some(*d))),
            upgrade,
            downgrade,
            path: PathBuf::new(),
            upgrade_line: 0,
            downgrade_line: 0,
        };
        Ok(Squash {
            revision,
            remove: revs.iter().map(|r| r.path.clone()).collect(),
        })
    }
}

/// A new revision with empty sections, not yet written to a file.
fn empty_revision(id: String, down_revisions: Vec<String>, message: String) -> Revision {
    Revision {
        id,
        down_revisions,
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message,
        created: Some(now()),
        transactional: true,
        replaces: Vec::new(),
        dialect: None,
        upgrade: String::new(),
        downgrade: String::new(),
        path: PathBuf::new(),
        upgrade_line: 0,
        downgrade_line: 0,
    }
}
