//! Sorting for the whole crate through one copy of the sort algorithm.
//!
//! `slice::sort_by` is generic: every element type and comparator gets its own copy of
//! driftsort/quicksort, about 4 KB of WebAssembly each, and the crate had 25 of them (a
//! ninth of the bundle's code, measured in docs/BENCHMARKS.md). Here the elements' positions
//! are sorted by one non-generic function that calls the comparator through `dyn`, then the
//! slice is permuted in place. The sort is stable, so results are exactly what
//! `sort_by` gives, and the engine stays deterministic.
use std::cmp::Ordering;

/// Stable sort by a comparator (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut order, &mut |a, b| compare(&v[a as usize], &v[b as usize]));
    permute(v, order);
}

/// Stable sort (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Stable sort by a key (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

#[inline(never)]
fn sort_positions(order: &mut [u32], compare: &mut dyn FnMut(u32, u32) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Puts the element at `order[i]` at position i, following each cycle once.
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut cur = start;
        while order[cur] as usize != start {
            let next = order[cur] as usize;
            v.swap(cur, next);
            order[cur] = cur as u32;
            cur = next;
        }
        order[cur] = cur as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_exactly_as_the_standard_stable_sort() {
        // A small deterministic generator: many lengths, many ties.
        let mut x: u64 = 12345;
        for len in 0..200usize {
            let v: Vec<(u8, u32)> = (0..len as u32)
                .map(|i| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((x >> 59) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            let mut std = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "length {len}");
            let mut ours = v.clone();
            let mut std = v;
            sort_by_key(&mut ours, |e| std::cmp::Reverse(e.0));
            std.sort_by_key(|e| std::cmp::Reverse(e.0));
            assert_eq!(ours, std, "length {len}, by key");
        }
    }
}
