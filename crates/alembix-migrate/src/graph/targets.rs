//! Targets: `head`, `heads`, `base`, ids and prefixes, branch labels,
//! `LABEL@head`, `LABEL@base`, `LABEL@+N`, `+N`, `-N`, `REV+N`, `REV-N`,
//! `head-N`, and `history` ranges.

use super::{BASE, RevisionGraph};
use crate::error::{Error, Result};
use crate::revision::Revision;

/// A target after parsing, before the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Parsed {
    Base,
    Heads,
    /// Absolute revisions.
    Ids(Vec<String>),
    /// `+N` / `-N` from the current row, or from the row on a label's branch.
    Relative {
        label: Option<String>,
        n: i64,
    },
}

fn signed(s: &str) -> Option<i64> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// Splits `X+N` / `X-N` at the last sign followed only by digits.
fn split_offset(s: &str) -> Option<(&str, i64)> {
    let at = s.rfind(['+', '-'])?;
    if at == 0 {
        return None;
    }
    Some((&s[..at], signed(&s[at..])?))
}

impl RevisionGraph {
    /// The single head, or `MultipleHeads`.
    pub(crate) fn single_head(&self) -> Result<String> {
        let heads = self.heads();
        match heads.len() {
            0 => Err(Error::NoRevisions),
            1 => Ok(heads[0].id.clone()),
            _ => Err(Error::MultipleHeads {
                heads: self.head_summaries(),
            }),
        }
    }

    pub(crate) fn parse_target(&self, target: &str, current: &[String]) -> Result<Parsed> {
        let t = target.trim();
        if t.is_empty() {
            return Err(Error::EmptyTarget);
        }
        match t {
            BASE => return Ok(Parsed::Base),
            "heads" => return Ok(Parsed::Heads),
            // No revisions yet: head is base.
            "head" if self.is_empty() => return Ok(Parsed::Base),
            "head" => return Ok(Parsed::Ids(vec![self.single_head()?])),
            "current" => return Ok(Parsed::Ids(current.to_vec())),
            _ => {}
        }
        if let Some(n) = signed(t) {
            return Ok(Parsed::Relative { label: None, n });
        }
        if let Some((label, rest)) = t.split_once('@') {
            return self.parse_label_target(t, label, rest);
        }
        // A whole id, prefix or label wins over an `X-N` reading.
        if let Ok(id) = self.resolve_id(t) {
            return Ok(Parsed::Ids(vec![id]));
        }
        if let Some((base, n)) = split_offset(t) {
            let from = if base == "head" {
                self.single_head()?
            } else {
                self.resolve_id(base)?
            };
            return Ok(Parsed::Ids(
                self.walk(Some(&from), n)?.into_iter().collect(),
            ));
        }
        Err(self.resolve_id(t).expect_err("resolve_id failed above"))
    }

    /// `LABEL@head`, `LABEL@base`, `LABEL@+N`, `LABEL@-N`, `LABEL@head-N`.
    fn parse_label_target(&self, t: &str, label: &str, rest: &str) -> Result<Parsed> {
        let Some(labelled) = self.labels.get(label) else {
            return Err(Error::UnknownLabel {
                label: label.to_string(),
                target: t.to_string(),
                labels: self.labels.keys().cloned().collect(),
            });
        };
        let cover = self.label_cover(label);
        let head_of = || -> Result<String> {
            let heads: Vec<&String> = self
                .order
                .iter()
                .filter(|id| cover.contains(*id) && self.children[*id].is_empty())
                .collect();
            match heads.len() {
                1 => Ok(heads[0].clone()),
                0 => Ok(labelled.clone()),
                _ => Err(Error::BranchHeads {
                    label: label.to_string(),
                    heads: heads.into_iter().cloned().collect(),
                }),
            }
        };
        match rest {
            "head" => Ok(Parsed::Ids(vec![head_of()?])),
            BASE => Ok(Parsed::Ids(vec![
                self.order
                    .iter()
                    .find(|id| cover.contains(*id))
                    .cloned()
                    .unwrap_or_else(|| labelled.clone()),
            ])),
            _ => {
                if let Some(n) = signed(rest) {
                    Ok(Parsed::Relative {
                        label: Some(label.to_string()),
                        n,
                    })
                } else if let Some(("head", n)) = split_offset(rest) {
                    Ok(Parsed::Ids(
                        self.walk(Some(&head_of()?), n)?.into_iter().collect(),
                    ))
                } else {
                    Err(Error::BadLabelSuffix {
                        target: t.to_string(),
                    })
                }
            }
        }
    }

    /// The current row a relative target starts from (`None` = base).
    pub(crate) fn relative_start(
        &self,
        label: Option<&str>,
        current: &[String],
    ) -> Result<Option<String>> {
        match label {
            None => match current.len() {
                0 => Ok(None),
                1 => Ok(Some(current[0].clone())),
                _ => Err(Error::SeveralCurrent {
                    current: current.to_vec(),
                }),
            },
            Some(l) => {
                let cover = self.label_cover(l);
                let rows: Vec<&String> = current.iter().filter(|c| cover.contains(*c)).collect();
                match rows.len() {
                    0 => {
                        // Nothing of the branch applied yet: start below its first revision.
                        Ok(None)
                    }
                    1 => Ok(Some(rows[0].clone())),
                    _ => Err(Error::SeveralCurrentOnBranch {
                        label: l.to_string(),
                    }),
                }
            }
        }
    }

    /// Walks `n` steps from `from` (`None` = base): up through children for
    /// n > 0, down through parents for n < 0. `None` result = base.
    pub(crate) fn walk(&self, from: Option<&str>, n: i64) -> Result<Option<String>> {
        let mut cur: Option<String> = from.map(str::to_string);
        if n >= 0 {
            for step in 0..n {
                let next: Vec<String> = match &cur {
                    None => self.bases().iter().map(|r| r.id.clone()).collect(),
                    Some(id) => self.children[id].clone(),
                };
                match next.len() {
                    1 => cur = Some(next[0].clone()),
                    0 => {
                        return Err(Error::WalkAboveHead {
                            n,
                            from: from.map(str::to_string),
                            steps: step,
                        });
                    }
                    _ => {
                        return Err(Error::WalkAtBranchPoint {
                            n,
                            at: cur,
                            children: next,
                        });
                    }
                }
            }
        } else {
            for step in 0..(-n) {
                let Some(id) = cur.clone() else {
                    return Err(Error::WalkBelowBase { n, steps: step });
                };
                let parents = &self.revs[&id].down_revisions;
                match parents.len() {
                    0 => cur = None,
                    1 => cur = Some(parents[0].clone()),
                    _ => {
                        return Err(Error::WalkAtMergePoint {
                            n,
                            from: from.map(str::to_string),
                            merge: id,
                            parents: parents.clone(),
                        });
                    }
                }
            }
        }
        Ok(cur)
    }

    /// Resolves one target to full revision ids, relative to the current heads
    /// (for `+N`, `-N`, `LABEL@head`, ...). `base` resolves to the empty list.
    pub fn resolve(&self, target: &str, current: &[String]) -> Result<Vec<String>> {
        match self.parse_target(target, current)? {
            Parsed::Base => Ok(Vec::new()),
            Parsed::Heads => Ok(self.heads().iter().map(|r| r.id.clone()).collect()),
            Parsed::Ids(ids) => Ok(ids),
            Parsed::Relative { label, n } => {
                let start = self.relative_start(label.as_deref(), current)?;
                let start = match (&label, &start, n > 0) {
                    // `LABEL@+N` with nothing of the branch applied: +1 is LABEL@base.
                    (Some(l), None, true) => {
                        let base = self.resolve(&format!("{l}@base"), current)?;
                        return Ok(self
                            .walk(base.first().map(|s| s.as_str()), n - 1)?
                            .into_iter()
                            .collect());
                    }
                    _ => start,
                };
                Ok(self.walk(start.as_deref(), n)?.into_iter().collect())
            }
        }
    }

    /// Revisions for `history -r`: `A:B` (B's ancestors that descend from A,
    /// both included), `:B`, `A:`, or everything for an empty spec; newest first.
    pub fn range(&self, spec: &str, current: &[String]) -> Result<Vec<&Revision>> {
        let spec = spec.trim();
        let (lo, hi) = match spec.split_once(':') {
            Some((a, b)) => (a.trim(), b.trim()),
            None if spec.is_empty() => ("", ""),
            None => {
                return Err(Error::BadRange {
                    spec: spec.to_string(),
                });
            }
        };
        let upper = if hi.is_empty() {
            None
        } else {
            Some(self.ancestors(&self.resolve(hi, current)?))
        };
        let lower = if lo.is_empty() || lo == BASE {
            None
        } else {
            // A start that resolves to base (`-2` from the second revision)
            // is no bound.
            let ids = self.resolve(lo, current)?;
            (!ids.is_empty()).then(|| self.descendants(&ids))
        };
        Ok(self
            .order
            .iter()
            .rev()
            .filter(|id| upper.as_ref().is_none_or(|u| u.contains(*id)))
            .filter(|id| lower.as_ref().is_none_or(|l| l.contains(*id)))
            .map(|id| &self.revs[id])
            .collect())
    }
}
