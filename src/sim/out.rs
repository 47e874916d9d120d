//! What a node's handler may do: send messages, set timers, report trace events. Handlers
//! push effects here and the engine applies them, so every handler is a pure state machine
//! over (its own state, the virtual time, the input).
use rand_chacha::ChaCha8Rng;

use super::message::Payload;
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// Timers a node can set. Each carries what it is for; a timer from a node's previous life
/// (before a restart) is discarded by the engine.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Timer {
    // Broker.
    BrokerHeartbeat,
    IsrCheck,
    FetcherWake { leader: BrokerId },
    FetchExpire { park_id: u64 },
    ProduceExpire { purgatory_id: u64 },
    RetentionCheck,
    /// The coordinator's join phase ends (initial delay or rebalance timeout).
    GroupJoin { group: std::rc::Rc<str> },
    /// Check whether a member's session expired.
    MemberSession { group: std::rc::Rc<str>, member: String },
    // Controller.
    SessionCheck { broker: BrokerId },
    // Clients.
    ClientWake,
    RequestTimeout { req_id: u64 },
    Poll,
    RateTick,
    /// A group member's heartbeat thread.
    Heartbeat,
    /// auto.commit.interval.ms passed (the consumer commits while waiting in poll()).
    AutoCommit,
    /// The application finished processing a batch.
    ProcessingDone,
}

/// The context a handler runs in.
pub struct Ctx<'a> {
    pub now: Millis,
    pub rng: &'a mut ChaCha8Rng,
    pub out: &'a mut Out,
}

#[derive(Default, Debug)]
pub struct Out {
    pub sends: Vec<(NodeId, Payload)>,
    pub timers: Vec<(Millis, Timer)>,
    pub trace: Vec<TraceEvent>,
}

impl Ctx<'_> {
    pub fn send(&mut self, to: NodeId, payload: Payload) {
        self.out.sends.push((to, payload));
    }

    /// Fires `timer` after `delay_ms` of virtual time.
    pub fn set_timer(&mut self, delay_ms: Millis, timer: Timer) {
        self.out.timers.push((delay_ms, timer));
    }

    pub fn trace(&mut self, event: TraceEvent) {
        self.out.trace.push(event);
    }

    pub fn trace_hw(&mut self, tp: &TopicPartition, broker: BrokerId, high_watermark: i64) {
        self.trace(TraceEvent::HighWatermark { tp: tp.clone(), broker, high_watermark });
    }
}
