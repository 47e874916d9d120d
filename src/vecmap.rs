//! Ordered maps and sets kept as one sorted `Vec`.
//!
//! The engine needs maps that iterate in key order (determinism: no hash order anywhere) and
//! used `BTreeMap`/`BTreeSet` for that. Each key/value pair type got its own copy of the
//! B-tree's code (insert, remove with rebalancing, iterators, drop), about 2.5 KB of
//! WebAssembly per type and 167 KB in all for the ~60 types (docs/BENCHMARKS.md). The maps
//! here hold few entries (brokers, partitions, members, requests in flight: tens, rarely a few
//! hundred), where a binary search over one contiguous `Vec` is as fast as a B-tree and its
//! code is a few hundred bytes per type. Iteration order is the same (ascending keys), so the
//! switch changes no trace.
//!
//! The API is the subset of `BTreeMap`/`BTreeSet` the crate uses, with the same names and
//! meanings, so reading the engine needs nothing new.
use std::borrow::Borrow;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

/// The positions `from..to` of the sorted `items` whose keys lie in `range`.
fn range_positions<E, Q: Ord + ?Sized, R: RangeBounds<Q>>(items: &[E], key: impl Fn(&E) -> &Q, range: &R) -> (usize, usize) {
    let from = match range.start_bound() {
        Bound::Unbounded => 0,
        Bound::Included(k) => items.partition_point(|e| key(e) < k),
        Bound::Excluded(k) => items.partition_point(|e| key(e) <= k),
    };
    let to = match range.end_bound() {
        Bound::Unbounded => items.len(),
        Bound::Included(k) => items.partition_point(|e| key(e) <= k),
        Bound::Excluded(k) => items.partition_point(|e| key(e) < k),
    };
    (from, to.max(from))
}

/// A map ordered by key, stored as a sorted `Vec` of entries.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(k, v)| (k, v))).finish()
    }
}

pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
pub type IterMut<'a, K, V> = std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

fn pair<K, V>(e: &(K, V)) -> (&K, &V) {
    (&e.0, &e.1)
}
fn pair_mut<K, V>(e: &mut (K, V)) -> (&K, &mut V) {
    (&e.0, &mut e.1)
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn clear(&mut self) {
        self.entries.clear()
    }
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.entries.iter_mut().map(pair_mut as fn(&mut (K, V)) -> (&K, &mut V))
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.0)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.1)
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|e| &mut e.1)
    }
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.0)
    }
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.1)
    }
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(pair)
    }
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(pair)
    }
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }
    /// Keeps the entries for which `keep` is true, visiting them in key order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|e| e.0.borrow().cmp(key))
    }

    /// Where `key` is or would go; appends in key order (ids, offsets) are the common case for
    /// inserts, so the end is checked first.
    fn find_for_insert(&self, key: &K) -> Result<usize, usize> {
        match self.entries.last().map(|last| last.0.cmp(key)) {
            None => Err(0),
            Some(std::cmp::Ordering::Less) => Err(self.entries.len()),
            Some(std::cmp::Ordering::Equal) => Ok(self.entries.len() - 1),
            Some(std::cmp::Ordering::Greater) => self.find(key),
        }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }
    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| pair(&self.entries[i]))
    }
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }
    /// Inserts or replaces; returns the value replaced (the key already there is kept, as in
    /// `BTreeMap`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find_for_insert(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|e| e.1)
    }
    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry { map: self, index, key }),
        }
    }
    /// Entries whose keys lie in `range`, in key order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let (from, to) = self.bounds(&range);
        self.entries[from..to].iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }
    fn bounds<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: &R) -> (usize, usize)
    where
        K: Borrow<Q>,
    {
        range_positions(&self.entries, |e| e.0.borrow(), range)
    }
    /// Moves every entry of `other` into `self` (a key in both takes `other`'s value).
    pub fn append(&mut self, other: &mut Self) {
        for (k, v) in std::mem::take(&mut other.entries) {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// As `BTreeMap`'s `collect`: a later value for a key replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = VecMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(a: [(K, V); N]) -> Self {
        a.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K: Ord + Borrow<Q>, V, Q: Ord + ?Sized> Index<&Q> for VecMap<K, V> {
    type Output = V;
    /// Panics when the key is absent, as `BTreeMap`'s index does: an engine bug, not input.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key in map")
    }
}

pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }
    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(default()),
        }
    }
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(o) = &mut self {
            f(o.get_mut());
        }
        self
    }
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(o) => o.key(),
            Entry::Vacant(v) => v.key(),
        }
    }
}

/// A set ordered by value, stored as a sorted `Vec`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn clear(&mut self) {
        self.items.clear()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|x| keep(x))
    }
    /// The values in order, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|e| e.borrow().cmp(value))
    }

    fn find_for_insert(&self, value: &T) -> Result<usize, usize> {
        match self.items.last().map(|last| last.cmp(value)) {
            None => Err(0),
            Some(std::cmp::Ordering::Less) => Err(self.items.len()),
            Some(std::cmp::Ordering::Equal) => Ok(self.items.len() - 1),
            Some(std::cmp::Ordering::Greater) => self.find(value),
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }
    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| &self.items[i])
    }
    /// Adds `value`; false when it was already there (the one there is kept, as in `BTreeSet`).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find_for_insert(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }
    /// Adds `value`, returning the equal value it replaced.
    pub fn replace(&mut self, value: T) -> Option<T> {
        match self.find_for_insert(&value) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i], value)),
            Err(i) => {
                self.items.insert(i, value);
                None
            }
        }
    }
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(value).is_some()
    }
    pub fn take<Q: Ord + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| self.items.remove(i))
    }
    /// Values in `self` and not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + Clone + 'a {
        self.items.iter().filter(move |x| !other.contains(*x))
    }
    /// Values in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + Clone + 'a {
        self.items.iter().filter(move |x| other.contains(*x))
    }
    /// Values in either, in order, each once.
    pub fn union<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        let mut a = self.items.iter().peekable();
        let mut b = other.items.iter().peekable();
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    b.next();
                    a.next()
                }
            },
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        })
    }
    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.items.iter().all(|x| other.contains(x))
    }
    pub fn is_superset(&self, other: &VecSet<T>) -> bool {
        other.is_subset(self)
    }
    pub fn is_disjoint(&self, other: &VecSet<T>) -> bool {
        !self.items.iter().any(|x| other.contains(x))
    }
    /// Values in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        let (from, to) = range_positions(&self.items, |e| e.borrow(), &range);
        self.items[from..to].iter()
    }
    pub fn append(&mut self, other: &mut Self) {
        for x in std::mem::take(&mut other.items) {
            self.insert(x);
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut s = VecSet::new();
        s.extend(iter);
        s
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for x in iter {
            self.insert(x);
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        for x in iter {
            self.insert(*x);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(a: [T; N]) -> Self {
        a.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Random operations on both a `VecMap` and a `BTreeMap`: same answers, same order.
    #[test]
    fn behaves_as_btreemap() {
        let mut x: u64 = 99;
        let mut next = move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) as u32
        };
        for round in 0..50 {
            let mut ours: VecMap<u32, u32> = VecMap::new();
            let mut std: BTreeMap<u32, u32> = BTreeMap::new();
            let mut ours_set: VecSet<u32> = VecSet::new();
            let mut std_set: BTreeSet<u32> = BTreeSet::new();
            for _ in 0..300 {
                let k = next() % 64;
                let v = next();
                match next() % 7 {
                    0 | 1 => assert_eq!(ours.insert(k, v), std.insert(k, v), "round {round}"),
                    2 => assert_eq!(ours.remove(&k), std.remove(&k)),
                    3 => {
                        *ours.entry(k).or_insert(0) += v % 5;
                        *std.entry(k).or_insert(0) += v % 5;
                    }
                    4 => {
                        ours.retain(|k2, _| (k2 + k) % 5 != 0);
                        std.retain(|k2, _| (k2 + k) % 5 != 0);
                    }
                    5 => assert_eq!(ours_set.insert(k), std_set.insert(k)),
                    _ => assert_eq!(ours_set.remove(&k), std_set.remove(&k)),
                }
                let lo = next() % 64;
                let hi = lo + next() % 16;
                assert!(ours.range(lo..hi).eq(std.range(lo..hi)));
                assert!(ours.range(lo..=hi).eq(std.range(lo..=hi)));
                assert!(ours_set.range(lo..hi).eq(std_set.range(lo..hi)));
            }
            assert!(ours.iter().eq(std.iter()));
            assert!(ours_set.iter().eq(std_set.iter()));
            assert_eq!(format!("{ours:?}"), format!("{std:?}"));
            assert_eq!(format!("{ours_set:?}"), format!("{std_set:?}"));
            let other: VecSet<u32> = (0..64).filter(|n| n % 3 == 0).collect();
            let std_other: BTreeSet<u32> = (0..64).filter(|n| n % 3 == 0).collect();
            assert!(ours_set.difference(&other).eq(std_set.difference(&std_other)));
            assert!(ours_set.intersection(&other).eq(std_set.intersection(&std_other)));
            assert!(ours_set.union(&other).eq(std_set.union(&std_other)));
        }
    }

    #[test]
    fn collect_keeps_the_last_value_for_a_key() {
        let m: VecMap<_, _> = [(2, "a"), (1, "b"), (2, "c")].into_iter().collect();
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![(&1, &"b"), (&2, &"c")]);
    }
}
