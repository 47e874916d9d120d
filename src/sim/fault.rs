//! Faults are data: lessons script them, the sandbox has buttons for them, sweeps draw them.
//! `Sim::apply` (engine.rs) carries them out; the network's share is in network.rs.
use super::types::{BrokerId, ClientId, Millis, NodeId};

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Fault {
    /// The broker process dies at once (kill -9).
    KillBroker(BrokerId),
    /// Clean shutdown: controlled shutdown moves leaderships away first.
    StopBroker(BrokerId),
    StartBroker(BrokerId),
    /// Cuts every link between the two sides, both ways.
    Partition {
        side_a: Vec<NodeId>,
        side_b: Vec<NodeId>,
    },
    /// Cuts one node off from every other node.
    Isolate(NodeId),
    Heal,
    SetLatency {
        latency_ms: Millis,
        jitter_ms: Millis,
    },
    /// Drops the next `count` messages from `from` to `to` (None: any).
    DropNext {
        from: Option<NodeId>,
        to: Option<NodeId>,
        count: u32,
    },
    /// A long GC pause or a stuck process: it handles nothing until resumed.
    Pause(NodeId),
    Resume(NodeId),
    CrashClient(ClientId),
    /// The consumer's application takes this long to process each batch it polls.
    SlowConsumer {
        client: ClientId,
        processing_ms: Millis,
    },
}
