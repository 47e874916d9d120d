//! A log's record batches in shared chunks, so that copying a simulation costs per chunk,
//! not per batch.
//!
//! The player copies the simulation when the page's previous state still shares it (every
//! step while playing) and keeps copies as checkpoints for seeking. With one `VecDeque` per
//! replica, a copy touched every record ever kept: on the busy preset the copy grew with the
//! run and took 9 % of each frame after a few seconds (Chrome profile, docs/BENCHMARKS.md).
//! Here full chunks are immutable and shared between copies (`Rc`); a write copies at most the
//! one chunk it touches, the first time after a copy.
use std::rc::Rc;

/// Items (a log's batches) per chunk: a copy-on-write of one chunk is this many pointer clones.
const CHUNK: usize = 256;

/// A sequence with `push` at the back, removal from either end and indexing. Every chunk but
/// the first and the last holds exactly `CHUNK` items, so an index is found by arithmetic;
/// no chunk is empty.
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Clone> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    fn locate(&self, i: usize) -> (usize, usize) {
        let first = self.chunks[0].len();
        if i < first {
            (0, i)
        } else {
            let rest = i - first;
            (1 + rest / CHUNK, rest % CHUNK)
        }
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (c, k) = self.locate(i);
        Some(&self.chunks[c][k])
    }

    pub fn back(&self) -> Option<&T> {
        self.chunks.last().and_then(|c| c.last())
    }

    pub fn push(&mut self, item: T) {
        // The last chunk fills up to CHUNK (it may be the first, short after a prefix went).
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Rc::make_mut(last).push(item),
            _ => self.chunks.push(Rc::new(vec![item])),
        }
        self.len += 1;
    }

    /// Removes items from `at` to the end.
    pub fn truncate(&mut self, at: usize) {
        if at >= self.len {
            return;
        }
        let (c, k) = self.locate(at);
        self.chunks.truncate(c + 1);
        if k == 0 {
            self.chunks.pop();
        } else {
            Rc::make_mut(&mut self.chunks[c]).truncate(k);
        }
        self.len = at;
    }

    /// Removes the first `n` items.
    pub fn remove_front(&mut self, n: usize) {
        if n >= self.len {
            self.chunks.clear();
            self.len = 0;
            return;
        }
        if n == 0 {
            return;
        }
        let (c, k) = self.locate(n);
        self.chunks.drain(..c);
        if k > 0 {
            Rc::make_mut(&mut self.chunks[0]).drain(..k);
        }
        self.len -= n;
    }

    /// The first index whose item does not satisfy `pred` (items are partitioned by it).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid).expect("in range")) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    pub fn iter(&self) -> Iter<'_, T> {
        Iter { of: self, front: 0, back: self.len }
    }

    /// Items from index `from` on.
    pub fn iter_from(&self, from: usize) -> Iter<'_, T> {
        Iter { of: self, front: from.min(self.len), back: self.len }
    }
}

impl<T: Clone + PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for Chunked<T> {}

pub struct Iter<'a, T> {
    of: &'a Chunked<T>,
    front: usize,
    back: usize,
}

impl<'a, T: Clone> Iterator for Iter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.of.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<T: Clone> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.of.get(self.back)
    }
}

impl<T: Clone> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Random pushes, truncations and front removals on a `Chunked` and a `VecDeque`: same
    /// contents, and a copy taken midway is not changed by later writes.
    #[test]
    fn behaves_as_a_deque_and_copies_are_independent() {
        let mut x: u64 = 7;
        let mut next = move |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut ours: Chunked<u64> = Chunked::default();
        let mut model: VecDeque<u64> = VecDeque::new();
        let mut snapshot: Option<(Chunked<u64>, Vec<u64>)> = None;
        for step in 0..5000u64 {
            match next(10) {
                0 => {
                    let at = next(model.len() as u64 + 1) as usize;
                    ours.truncate(at);
                    model.truncate(at);
                }
                1 => {
                    let n = next(model.len() as u64 / 2 + 1) as usize;
                    ours.remove_front(n);
                    model.drain(..n);
                }
                2 if step % 500 == 2 => snapshot = Some((ours.clone(), model.iter().copied().collect())),
                _ => {
                    let k = next(600) as usize;
                    for v in 0..k as u64 {
                        ours.push(step * 1000 + v);
                        model.push_back(step * 1000 + v);
                    }
                }
            }
            assert_eq!(ours.len(), model.len(), "step {step}");
            assert!(ours.iter().eq(model.iter()), "step {step}");
            assert!(ours.iter().rev().eq(model.iter().rev()), "step {step}");
            if !model.is_empty() {
                let i = next(model.len() as u64) as usize;
                assert_eq!(ours.get(i), model.get(i));
                assert_eq!(ours.iter_from(i).nth(1), model.get(i + 1));
                assert_eq!(ours.partition_point(|v| *v < model[i]), model.partition_point(|v| *v < model[i]));
            }
            assert_eq!(ours.back(), model.back());
            if let Some((copy, was)) = &snapshot {
                assert!(copy.iter().eq(was.iter()), "a copy changed at step {step}");
            }
        }
    }
}
