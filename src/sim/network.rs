//! The network between nodes: latency with seeded jitter, FIFO links (TCP never reorders a
//! connection), cuts between sets of nodes, drop rules, and paused nodes whose messages and
//! timers wait until they resume. The engine asks it when a message arrives and whether it
//! is lost; a cut is checked at send and again at delivery, so messages in flight across a
//! new cut are lost too.
use crate::vecmap::{VecMap, VecSet};

use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

use super::event::Scheduled;
use super::types::{Millis, NodeId};

#[derive(Clone, Debug, Default)]
pub(crate) struct Network {
    pub latency_ms: Millis,
    pub jitter_ms: Millis,
    pub cuts: Vec<(VecSet<NodeId>, VecSet<NodeId>)>,
    pub drops: Vec<(Option<NodeId>, Option<NodeId>, u32)>,
    /// TCP keeps each connection in order: a message never overtakes an earlier one.
    pub last_arrival: VecMap<(NodeId, NodeId), Millis>,
    pub paused: VecSet<NodeId>,
    /// Events of paused nodes, set aside until they resume.
    pub held: Vec<Scheduled>,
}

impl Network {
    pub fn is_cut(&self, a: NodeId, b: NodeId) -> bool {
        self.cuts.iter().any(|(x, y)| (x.contains(&a) && y.contains(&b)) || (x.contains(&b) && y.contains(&a)))
    }

    /// Why a message sent now from `from` to `to` is lost, if it is: a cut, else the first
    /// drop rule that matches it (which it uses up).
    pub fn lost_at_send(&mut self, from: NodeId, to: NodeId) -> Option<&'static str> {
        if self.is_cut(from, to) {
            return Some("network partition");
        }
        let rule = self.drops.iter_mut().find(|(f, t, n)| *n > 0 && f.is_none_or(|f| f == from) && t.is_none_or(|t| t == to))?;
        rule.2 -= 1;
        self.drops.retain(|r| r.2 > 0);
        Some("dropped by fault")
    }

    /// When a message sent at `now` arrives: the latency plus seeded jitter, but never before
    /// an earlier message on the same link.
    pub fn arrival(&mut self, now: Millis, from: NodeId, to: NodeId, rng: &mut ChaCha8Rng) -> Millis {
        let jitter = if self.jitter_ms > 0 { rng.next_u64() % (self.jitter_ms + 1) } else { 0 };
        let mut arrive = now + self.latency_ms.max(1) + jitter;
        let link = self.last_arrival.entry((from, to)).or_insert(0);
        arrive = arrive.max(*link);
        *link = arrive;
        arrive
    }

    /// Cuts every link between the two sides.
    pub fn cut(&mut self, side_a: Vec<NodeId>, side_b: Vec<NodeId>) {
        self.cuts.push((side_a.into_iter().collect::<VecSet<_>>(), side_b.into_iter().collect::<VecSet<_>>()));
    }

    /// Removes every cut and drop rule.
    pub fn heal(&mut self) {
        self.cuts.clear();
        self.drops.clear();
    }

    /// Pauses `node`; false if it already was.
    pub fn pause(&mut self, node: NodeId) -> bool {
        self.paused.insert(node)
    }

    pub fn is_paused(&self, node: NodeId) -> bool {
        self.paused.contains(&node)
    }

    /// Resumes `node` and hands back the events it missed, in the order they were due; None if
    /// it was not paused.
    pub fn resume(&mut self, node: NodeId) -> Option<Vec<Scheduled>> {
        if !self.paused.remove(&node) {
            return None;
        }
        let (mut mine, rest): (Vec<Scheduled>, Vec<Scheduled>) = std::mem::take(&mut self.held).into_iter().partition(|s| s.target() == node);
        self.held = rest;
        crate::sort::sort_by_key(&mut mine, |s| (s.time, s.seq));
        Some(mine)
    }
}
