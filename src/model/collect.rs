//! Building ordered maps and sets by insertion, for a smaller wasm.
//!
//! `collect()` into a `BTreeMap` or `BTreeSet` first gathers the pairs into a vector and
//! stable-sorts it, and that sort is compiled anew for every element and iterator type
//! (about 2 KB of wasm each, two dozen times over). Inserting one by one reuses the
//! `insert` each map type has anyway; the result is the same (a later pair with an equal
//! key replaces the earlier value), and maps here are small.

use std::collections::{BTreeMap, BTreeSet};

/// `collect_map`, `try_collect_map` and `collect_set` for every iterator.
pub trait CollectByInsert: Iterator + Sized {
    /// The pairs as a map; for equal keys the last value wins, as with `collect()`.
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        map.extend(self);
        map
    }

    /// The pairs as a map, or the first error among them.
    fn try_collect_map<K: Ord, V, E>(self) -> Result<BTreeMap<K, V>, E>
    where
        Self: Iterator<Item = Result<(K, V), E>>,
    {
        let mut map = BTreeMap::new();
        for pair in self {
            let (key, value) = pair?;
            map.insert(key, value);
        }
        Ok(map)
    }

    /// The items as a set.
    fn collect_set<T: Ord>(self) -> BTreeSet<T>
    where
        Self: Iterator<Item = T>,
    {
        let mut set = BTreeSet::new();
        set.extend(self);
        set
    }
}

impl<I: Iterator> CollectByInsert for I {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_pairs_replace_earlier_values_as_collect_does() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        let expected: BTreeMap<_, _> = pairs.into_iter().collect();
        assert_eq!(pairs.into_iter().collect_map(), expected);
        assert_eq!([3, 1, 3].into_iter().collect_set(), BTreeSet::from([1, 3]));
        let failing = [Ok(("a", 1)), Err("bad"), Ok(("b", 2))];
        assert_eq!(failing.into_iter().try_collect_map(), Err("bad"));
        assert_eq!([Ok::<_, ()>(("a", 1))].into_iter().try_collect_map(), Ok(BTreeMap::from([("a", 1)])));
    }
}
