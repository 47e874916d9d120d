//! Client connections to brokers. When a connection is refused, Kafka's NetworkClient does
//! not send to that node again until a reconnect backoff has passed, doubling it from
//! `reconnect.backoff.ms` (50) up to `reconnect.backoff.max.ms` (1000)
//! (CommonClientConfigs; ClusterConnectionStates). Requests are only sent on a ready
//! connection, so a dead broker costs a retry attempt only for requests already in flight.
use crate::vecmap::VecMap;

use super::types::{BrokerId, Millis};

pub const RECONNECT_BACKOFF_MS: Millis = 50;
pub const RECONNECT_BACKOFF_MAX_MS: Millis = 1_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct ConnState {
    failures: u32,
    retry_at: Millis,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Connections {
    states: VecMap<BrokerId, ConnState>,
}

impl Connections {
    /// Whether a request may be sent to `broker` now.
    pub fn ready(&self, broker: BrokerId, now: Millis) -> bool {
        self.states.get(&broker).is_none_or(|s| s.retry_at <= now)
    }

    /// When the node becomes ready again, if it is backing off.
    pub fn retry_at(&self, broker: BrokerId) -> Option<Millis> {
        self.states.get(&broker).map(|s| s.retry_at)
    }

    /// The connection was refused. Returns whether it had been up (so requests in flight on
    /// it really failed), as opposed to a reconnect attempt that failed again.
    pub fn refused(&mut self, broker: BrokerId, now: Millis) -> bool {
        let s = self.states.entry(broker).or_default();
        let was_up = s.failures == 0;
        let backoff = (RECONNECT_BACKOFF_MS << s.failures.min(10)).min(RECONNECT_BACKOFF_MAX_MS);
        s.failures += 1;
        s.retry_at = now + backoff;
        was_up
    }

    /// A response arrived: the connection works.
    pub fn connected(&mut self, broker: BrokerId) {
        self.states.remove(&broker);
    }
}
