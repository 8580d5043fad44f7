//! Collecting and ordering with code shared between element types, for a smaller wasm
//! (docs/size.md).
//!
//! The standard library's stable sort is compiled anew for every element type and
//! comparison (about 2 KB of wasm each), and `collect()` into a `BTreeMap` or `BTreeSet`
//! runs one such sort per element and iterator type. Maps and sets here are built by
//! insertion instead, which reuses the `insert` each map type has anyway (the result is
//! the same: a later pair with an equal key replaces the earlier value), and vectors are
//! sorted with [`sort_stable_by`], whose sort is compiled once. `collect()` into a
//! `Result<Vec<_>, _>` goes through an adapter that compiles larger than the plain loop
//! of [`CompactCollect::try_collect_vec`].

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `items` by `compare`, keeping equal items in their order, as `sort_by` does:
/// one shared sort orders their positions, then the items move into that order.
pub fn sort_stable_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| match (items.get(a), items.get(b)) {
        (Some(a), Some(b)) => compare(a, b),
        _ => Ordering::Equal,
    });
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&position| slots.get_mut(position).and_then(Option::take)));
}

/// The one instance of the standard sort: positions, compared through a trait object.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// `collect()` variants for every iterator, each the same result in less code.
pub trait CompactCollect: Iterator + Sized {
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

    /// The items as a vector, or the first error among them.
    fn try_collect_vec<T, E>(self) -> Result<Vec<T>, E>
    where
        Self: Iterator<Item = Result<T, E>>,
    {
        let mut items = Vec::new();
        for item in self {
            items.push(item?);
        }
        Ok(items)
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

impl<I: Iterator> CompactCollect for I {}

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
        assert_eq!([Ok(1), Err("bad"), Err("later")].into_iter().try_collect_vec(), Err("bad"));
        assert_eq!([Ok::<_, ()>(1), Ok(2)].into_iter().try_collect_vec(), Ok(vec![1, 2]));
    }

    #[test]
    fn sorting_is_stable_like_sort_by() {
        let mut pairs = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        let mut expected = pairs.clone();
        expected.sort_by_key(|pair| pair.0);
        sort_stable_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        assert_eq!(pairs, expected);
        let mut empty: Vec<u8> = Vec::new();
        sort_stable_by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }
}
