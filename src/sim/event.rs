//! What the event queue holds: a message arriving or a node's timer firing, ordered by
//! (virtual time, sequence number) so that equal times keep the order they were scheduled in.
use std::cmp::Ordering;
use std::rc::Rc;

use super::message::Message;
use super::out::Timer;
use super::types::{Millis, NodeId};

#[derive(Clone, Debug)]
pub(crate) enum Event {
    /// Shared between copies of the simulation (the player keeps several); taken out, or
    /// copied if still shared, when it arrives.
    Deliver(Rc<Message>),
    Timer {
        node: NodeId,
        incarnation: u32,
        timer: Timer,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Scheduled {
    pub time: Millis,
    pub seq: u64,
    pub event: Event,
}

impl Scheduled {
    /// The node the event happens at.
    pub fn target(&self) -> NodeId {
        match &self.event {
            Event::Deliver(m) => m.to,
            Event::Timer { node, .. } => *node,
        }
    }
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // BinaryHeap is a max-heap: reverse so the earliest (time, seq) pops first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}
