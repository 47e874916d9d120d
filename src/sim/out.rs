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
    FetcherWake {
        leader: BrokerId,
    },
    /// A replica fetch got no answer within replica.socket.timeout.ms.
    ReplicaFetchTimeout {
        leader: BrokerId,
        req_id: u64,
    },
    FetchExpire {
        park_id: u64,
    },
    ProduceExpire {
        purgatory_id: u64,
    },
    RetentionCheck,
    /// The coordinator's join phase ends (initial delay or rebalance timeout).
    GroupJoin {
        group: std::rc::Rc<str>,
    },
    /// Check whether a member's session expired.
    MemberSession {
        group: std::rc::Rc<str>,
        member: String,
    },
    // Controller.
    SessionCheck {
        broker: BrokerId,
    },
    // Clients.
    ClientWake,
    RequestTimeout {
        req_id: u64,
    },
    Poll,
    RateTick,
    /// A group member's heartbeat thread.
    Heartbeat,
    /// auto.commit.interval.ms passed (the consumer commits while waiting in poll()).
    AutoCommit,
    /// The application finished processing a batch.
    ProcessingDone,
}

/// What a timer means, in Kafka's terms: the `step` verb shows the learner which setting or
/// mechanism is behind the next event (never Rust's debug notation).
impl std::fmt::Display for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Timer::BrokerHeartbeat => f.write_str("heartbeat to the controller is due (broker.heartbeat.interval.ms)"),
            Timer::IsrCheck => f.write_str("ISR check: followers behind for replica.lag.time.max.ms leave the ISR"),
            Timer::FetcherWake { leader } => write!(f, "the replica fetcher for leader {leader} wakes (replica.fetch.backoff.ms)"),
            Timer::ReplicaFetchTimeout { leader, req_id } => {
                write!(f, "replica fetch #{req_id} to leader {leader} reached replica.socket.timeout.ms")
            }
            Timer::FetchExpire { park_id } => write!(f, "fetch #{park_id} waited in purgatory for its max wait: answered with what there is"),
            Timer::ProduceExpire { purgatory_id } => write!(f, "produce #{purgatory_id} (acks=all) timed out in purgatory waiting for the ISR"),
            Timer::RetentionCheck => f.write_str("retention check (log.retention.check.interval.ms)"),
            Timer::GroupJoin { group } => write!(f, "group {group}: the join phase ends (initial rebalance delay or rebalance timeout)"),
            Timer::MemberSession { group, member } => write!(f, "group {group}: session check of {member} (session.timeout.ms)"),
            Timer::SessionCheck { broker } => write!(f, "session check of broker {broker} (broker.session.timeout.ms)"),
            Timer::ClientWake => f.write_str("the client wakes: linger.ms, a backoff or a metadata refresh is due"),
            Timer::RequestTimeout { req_id } => write!(f, "request #{req_id} reached request.timeout.ms"),
            Timer::Poll => f.write_str("the application calls poll()"),
            Timer::RateTick => f.write_str("the application sends its next record"),
            Timer::Heartbeat => f.write_str("heartbeat thread: heartbeat.interval.ms passed"),
            Timer::AutoCommit => f.write_str("auto.commit.interval.ms passed: the consumer commits while it waits in poll()"),
            Timer::ProcessingDone => f.write_str("the application finished processing its records"),
        }
    }
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

#[cfg(test)]
mod tests {
    use crate::sim::Fault;

    /// The `step` verb's descriptions of timers are words and Kafka settings: over a failover
    /// run with a producer and a consumer group, no description is Rust's debug notation.
    #[test]
    fn timer_descriptions_are_words() {
        let mut sim = crate::scenarios::failover_preset(7);
        sim.apply(Fault::KillBroker(1)).expect("broker 1 is up");
        let mut timers = 0;
        for _ in 0..3_000 {
            let Some(line) = sim.describe_next_event() else { break };
            if !line.contains(" arrives") {
                timers += 1;
                assert!(!line.contains('{') && !line.contains("timer "), "a timer in debug notation: {line}");
            }
            sim.step();
        }
        assert!(timers > 100, "only {timers} timers fired");
    }
}
