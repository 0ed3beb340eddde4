//! Whether a database is at the head: the judgement autogenerate (a new
//! revision starts from the head) and `check` make.

use super::RevisionGraph;
use crate::error::{Error, Result};

impl RevisionGraph {
    /// What keeps a database whose version table holds `current` (sorted,
    /// as [`Migrator::current`](crate::Migrator::current) returns it) from
    /// being at the head, in this order: several heads
    /// ([`Error::MultipleHeads`]), rows other than the heads
    /// ([`Error::NotAtHead`]). Empty when the database is at the single head
    /// (or the graph and the database are both empty).
    ///
    /// Several heads are not a problem when they are deliberate branches:
    /// every head but at most one carries a branch label or descends from
    /// one ([`labelled_branches`](Self::labelled_branches)); the database
    /// must still be at all of them.
    pub fn head_problems(&self, current: &[String]) -> Vec<Error> {
        let mut problems = Vec::new();
        let heads = self.heads();
        if heads.len() > 1 && !self.labelled_branches() {
            problems.push(Error::MultipleHeads {
                heads: self.head_summaries(),
            });
        }
        let head_ids = self.sorted(heads.iter().map(|r| r.id.clone()));
        if current != head_ids {
            problems.push(Error::NotAtHead {
                current: current.to_vec(),
                heads: head_ids,
            });
        }
        problems
    }

    /// True when there are several heads and every one but at most one is
    /// on a labelled branch (its revision or an ancestor back to the branch
    /// point carries a branch label): branches kept apart on purpose, as
    /// `revision --branch-label` starts them, not two people's revisions
    /// that need a merge.
    ///
    /// ```
    /// use alembix_migrate::RevisionGraph;
    /// let rev = |id: &str, parent: &str, label: &str| format!(
    ///     "-- revision: {id}\n-- down_revision: {parent}\n-- branch_labels: {label}\n-- migrate:upgrade\n");
    /// let (a, b, c) = ("a".repeat(12), "b".repeat(12), "c".repeat(12));
    /// let labelled = [rev(&a, "", ""), rev(&b, &a, ""), rev(&c, &a, "billing")];
    /// let g = RevisionGraph::from_sources(&[("a", &labelled[0]), ("b", &labelled[1]), ("c", &labelled[2])]).unwrap();
    /// assert!(g.labelled_branches());
    /// let unlabelled = rev(&c, &a, "");
    /// let g = RevisionGraph::from_sources(&[("a", &labelled[0]), ("b", &labelled[1]), ("c", &unlabelled)]).unwrap();
    /// assert!(!g.labelled_branches());
    /// // A label above the divergence covers both heads: a merge is due.
    /// let root = rev(&a, "", "main");
    /// let g = RevisionGraph::from_sources(&[("a", &root), ("b", &labelled[1]), ("c", &unlabelled)]).unwrap();
    /// assert!(!g.labelled_branches());
    /// ```
    pub fn labelled_branches(&self) -> bool {
        let heads = self.heads();
        // A head is on a labelled branch when a label covers it and no
        // other head (a label above a divergence covers both sides).
        let own_label = |id: &str| {
            self.labels.keys().any(|l| {
                let cover = self.label_cover(l);
                cover.contains(id) && heads.iter().all(|h| h.id == id || !cover.contains(&h.id))
            })
        };
        let unlabelled = heads.iter().filter(|h| !own_label(&h.id)).count();
        heads.len() > 1 && unlabelled <= 1
    }

    /// Fails with the first of [`head_problems`](Self::head_problems).
    pub fn require_head(&self, current: &[String]) -> Result<()> {
        match self.head_problems(current).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::RevisionGraph;
    use crate::error::Error;

    fn rev(id: &str, parent: &str) -> String {
        format!(
            "-- revision: {id}\n-- down_revision: {parent}\n-- message: m {id}\n-- migrate:upgrade\n"
        )
    }

    fn graph(files: &[String]) -> RevisionGraph {
        let named: Vec<(String, &str)> = files
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("{i}.sql"), t.as_str()))
            .collect();
        let refs: Vec<(&str, &str)> = named.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        RevisionGraph::from_sources(&refs).unwrap()
    }

    const A: &str = "aaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbb";
    const C: &str = "cccccccccccc";

    #[test]
    fn at_the_single_head_or_both_empty() {
        let g = graph(&[rev(A, ""), rev(B, A)]);
        assert!(g.head_problems(&[B.into()]).is_empty());
        assert!(g.require_head(&[B.into()]).is_ok());
        assert!(graph(&[]).head_problems(&[]).is_empty());
    }

    #[test]
    fn behind_the_head() {
        let g = graph(&[rev(A, ""), rev(B, A)]);
        let e = g.require_head(&[A.into()]).unwrap_err();
        assert!(
            matches!(&e, Error::NotAtHead { current, heads } if current == &[A] && heads == &[B])
        );
        assert_eq!(
            e.to_string(),
            format!("the database is at {A} but the head is {B}; run `alembix upgrade head`")
        );
        let e = g.require_head(&[]).unwrap_err();
        assert!(
            e.to_string().starts_with("the database is at base but"),
            "{e}"
        );
    }

    #[test]
    fn several_heads_come_first() {
        let g = graph(&[rev(A, ""), rev(B, A), rev(C, A)]);
        let problems = g.head_problems(&[B.into(), C.into()]);
        assert_eq!(problems.len(), 1);
        assert!(matches!(&problems[0], Error::MultipleHeads { heads } if heads.len() == 2));
        let problems = g.head_problems(&[A.into()]);
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[1].to_string(),
            format!("the database is at {A} but the head is {B}, {C}; run `alembix upgrade heads`")
        );
        assert!(matches!(
            g.require_head(&[A.into()]),
            Err(Error::MultipleHeads { .. })
        ));
    }
}
