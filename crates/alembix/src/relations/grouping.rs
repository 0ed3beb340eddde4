//! Which parent each loaded row belongs to, worked out from keys before the
//! rows are moved anywhere, so that they are moved once, into lists of the
//! right size.

use foldhash::{HashMap, HashMapExt};
use sea_query::Value;

use super::value_key;

/// No parent: the row's key is NULL or matches no parent.
const NONE: usize = usize::MAX;

/// The parents each item of a flat list belongs to (several parents may
/// share a key, and then each gets the item).
pub(super) struct Grouping {
    /// For each item, the first parent with its key, or `NONE`.
    heads: Vec<usize>,
    /// For each parent, the next parent with the same key.
    next: Vec<Option<usize>>,
    /// How many items each parent gets.
    counts: Vec<usize>,
}

impl Grouping {
    /// Matches the items' keys against the parents' keys (in order).
    pub(super) fn new(
        parent_keys: impl ExactSizeIterator<Item = Value>,
        item_keys: impl Iterator<Item = Value>,
    ) -> Grouping {
        let parents = parent_keys.len();
        // The first parent of each key, and for each parent the next one
        // with the same key (keys are most often unique: no list per key).
        let mut first: HashMap<super::Key, usize> = HashMap::with_capacity(parents);
        let mut next: Vec<Option<usize>> = vec![None; parents];
        for (i, key) in parent_keys.enumerate() {
            if let Some(k) = value_key(&key)
                && let Some(previous) = first.insert(k, i)
            {
                next[i] = Some(previous);
            }
        }
        let mut counts = vec![0usize; parents];
        let heads = item_keys
            .map(|key| {
                let Some(&head) = value_key(&key).and_then(|k| first.get(&k)) else {
                    return NONE;
                };
                let mut at = Some(head);
                while let Some(i) = at {
                    counts[i] += 1;
                    at = next[i];
                }
                head
            })
            .collect();
        Grouping {
            heads,
            next,
            counts,
        }
    }

    /// Each parent's items, in the order given; an item shared by several
    /// parents is cloned for each after the first. `items` are the items
    /// whose keys were given to [`Grouping::new`], in the same order.
    pub(super) fn distribute<T: Clone>(&self, items: impl IntoIterator<Item = T>) -> Vec<Vec<T>> {
        let mut out: Vec<Vec<T>> = self.counts.iter().map(|&n| Vec::with_capacity(n)).collect();
        for (item, &head) in items.into_iter().zip(&self.heads) {
            if head == NONE {
                continue;
            }
            let mut at = head;
            while let Some(following) = self.next[at] {
                out[at].push(item.clone());
                at = following;
            }
            out[at].push(item);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[Option<i64>]) -> Vec<Value> {
        v.iter().map(|k| Value::BigInt(*k)).collect()
    }

    #[test]
    fn items_go_to_every_parent_of_their_key_in_order() {
        // Parents 0 and 2 share key 1; parent 3 has a NULL key.
        let parents = ints(&[Some(1), Some(2), Some(1), None]);
        let items = ints(&[Some(2), Some(1), None, Some(9), Some(1)]);
        let g = Grouping::new(parents.into_iter(), items.into_iter());
        assert_eq!(g.counts, vec![2, 1, 2, 0]);
        let out = g.distribute(["a", "b", "c", "d", "e"]);
        assert_eq!(
            out,
            vec![
                vec!["b", "e"],
                vec!["a"],
                vec!["b", "e"],
                Vec::<&str>::new()
            ]
        );
        for (list, &n) in out.iter().zip(&g.counts) {
            assert_eq!(list.capacity(), n, "each list is allocated once, to size");
        }
    }

    #[test]
    fn integer_widths_match() {
        let parents = vec![Value::Int(Some(7))];
        let items = vec![Value::BigInt(Some(7)), Value::SmallInt(Some(7))];
        let out = Grouping::new(parents.into_iter(), items.into_iter()).distribute([1, 2]);
        assert_eq!(out, vec![vec![1, 2]]);
    }
}
