//! Typed trace events: every state change the learner may want to see. The UI narrates from
//! them, golden tests compare their one-line renderings, and their hash proves determinism.
use std::fmt;
use std::rc::Rc;

use super::error::KafkaError;
use super::group::GroupState;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ElectionKind {
    Clean,
    Unclean,
    Preferred,
    ControlledShutdown,
}

impl fmt::Display for ElectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ElectionKind::Clean => "clean",
            ElectionKind::Unclean => "UNCLEAN",
            ElectionKind::Preferred => "preferred",
            ElectionKind::ControlledShutdown => "controlled-shutdown",
        })
    }
}

/// A producer's record numbers (1 for its first record) as runs `(first, last)`: printed
/// `records #4-#6, #9`, so a check or a lesson can name exactly which acknowledged record an
/// unclean election lost. Long lists print their first runs and how many more.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RecordNumbers(pub Vec<(u64, u64)>);

impl RecordNumbers {
    /// Every number, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().flat_map(|&(first, last)| first..=last)
    }
}

impl fmt::Display for RecordNumbers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 6;
        let n: u64 = self.0.iter().map(|(a, b)| b - a + 1).sum();
        f.write_str(if n == 1 { "record " } else { "records " })?;
        for (i, (first, last)) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if first == last {
                write!(f, "#{first}")?;
            } else {
                write!(f, "#{first}-#{last}")?;
            }
        }
        if self.0.len() > SHOWN {
            let rest: u64 = self.0[SHOWN..].iter().map(|(a, b)| b - a + 1).sum();
            write!(f, " and {rest} more")?;
        }
        Ok(())
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TraceEvent {
    BrokerStarted {
        broker: BrokerId,
    },
    BrokerKilled {
        broker: BrokerId,
    },
    BrokerShutdownRequested {
        broker: BrokerId,
    },
    BrokerStopped {
        broker: BrokerId,
    },
    BrokerFenced {
        broker: BrokerId,
    },
    BrokerUnfenced {
        broker: BrokerId,
    },
    TopicCreated {
        topic: Rc<str>,
        partitions: i32,
        replication_factor: i32,
    },
    TopicDeleted {
        topic: Rc<str>,
    },
    PartitionsAdded {
        topic: Rc<str>,
        from: i32,
        to: i32,
    },
    TopicConfigChanged {
        topic: Rc<str>,
        name: String,
        value: Option<String>,
    },
    /// `broker` None: the cluster-wide default.
    BrokerConfigChanged {
        broker: Option<BrokerId>,
        name: String,
        value: Option<String>,
    },
    LeaderElected {
        tp: TopicPartition,
        leader: Option<BrokerId>,
        leader_epoch: i32,
        isr: Vec<BrokerId>,
        kind: ElectionKind,
    },
    IsrChanged {
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        partition_epoch: i32,
    },
    IsrChangeProposed {
        tp: TopicPartition,
        broker: BrokerId,
        new_isr: Vec<BrokerId>,
    },
    BecameLeader {
        tp: TopicPartition,
        broker: BrokerId,
        leader_epoch: i32,
        log_end_offset: i64,
    },
    BecameFollower {
        tp: TopicPartition,
        broker: BrokerId,
        leader: Option<BrokerId>,
        leader_epoch: i32,
    },
    Appended {
        tp: TopicPartition,
        broker: BrokerId,
        first_offset: i64,
        last_offset: i64,
        leader_epoch: i32,
        leader: bool,
    },
    HighWatermark {
        tp: TopicPartition,
        broker: BrokerId,
        high_watermark: i64,
    },
    /// A replica cut its log. `lost_committed` counts removed records below the high watermark
    /// the replica had seen: acknowledged data gone, which only an unclean election causes.
    Truncated {
        tp: TopicPartition,
        broker: BrokerId,
        from: i64,
        to: i64,
        lost_committed: i64,
    },
    LogStartAdvanced {
        tp: TopicPartition,
        broker: BrokerId,
        log_start_offset: i64,
    },
    /// A follower's fetch got no answer within replica.socket.timeout.ms.
    ReplicaFetchTimedOut {
        broker: BrokerId,
        leader: BrokerId,
    },
    /// A broker saw a gap in the metadata log and waits for the image (see `MetadataGap`).
    MetadataGap {
        broker: BrokerId,
        applied: u64,
        received: u64,
    },
    ProduceRejected {
        tp: TopicPartition,
        broker: BrokerId,
        error: KafkaError,
    },
    DuplicateBatch {
        tp: TopicPartition,
        broker: BrokerId,
        base_offset: i64,
    },
    /// `records`: which of the producer's records (numbered from 1) the batch carried.
    ProduceAcked {
        client: Rc<str>,
        tp: TopicPartition,
        base_offset: i64,
        count: usize,
        records: RecordNumbers,
    },
    ProduceRetry {
        client: Rc<str>,
        tp: TopicPartition,
        error: KafkaError,
        attempt: u32,
    },
    ProduceFailed {
        client: Rc<str>,
        tp: TopicPartition,
        error: KafkaError,
        count: usize,
        records: RecordNumbers,
    },
    Consumed {
        client: Rc<str>,
        tp: TopicPartition,
        first_offset: i64,
        last_offset: i64,
    },
    OffsetReset {
        client: Rc<str>,
        tp: TopicPartition,
        offset: i64,
        policy: &'static str,
    },
    ConsumerError {
        client: Rc<str>,
        tp: TopicPartition,
        error: KafkaError,
    },
    MessageDropped {
        from: NodeId,
        to: NodeId,
        kind: &'static str,
        reason: &'static str,
    },
    NetworkPartitioned {
        side_a: Vec<NodeId>,
        side_b: Vec<NodeId>,
    },
    NetworkHealed,
    NodePaused {
        node: NodeId,
    },
    NodeResumed {
        node: NodeId,
    },
    ClientStarted {
        client: Rc<str>,
    },
    GroupMemberJoined {
        group: Rc<str>,
        member: String,
    },
    GroupMemberReplaced {
        group: Rc<str>,
        instance: String,
        member: String,
    },
    GroupMemberRemoved {
        group: Rc<str>,
        member: String,
        reason: &'static str,
    },
    GroupStateChanged {
        group: Rc<str>,
        state: GroupState,
        generation: i32,
        reason: &'static str,
    },
    GroupLoaded {
        group: Rc<str>,
        coordinator: BrokerId,
        generation: i32,
        members: usize,
    },
    OffsetsCommitted {
        group: Rc<str>,
        offsets: Vec<(TopicPartition, i64)>,
    },
    PartitionsRevoked {
        client: Rc<str>,
        group: Rc<str>,
        partitions: Vec<TopicPartition>,
    },
    PartitionsAssigned {
        client: Rc<str>,
        group: Rc<str>,
        generation: i32,
        partitions: Vec<TopicPartition>,
    },
    PartitionsLost {
        client: Rc<str>,
        group: Rc<str>,
        partitions: Vec<TopicPartition>,
    },
    JoinedGroup {
        client: Rc<str>,
        group: Rc<str>,
        generation: i32,
        member_id: String,
        leader: bool,
    },
    ClientStopped {
        client: Rc<str>,
    },
    /// A consumer's processing time per poll changed (a slow consumer).
    ConsumerSlowed {
        client: Rc<str>,
        processing_ms: Millis,
    },
}

fn ids(v: &[BrokerId]) -> String {
    v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
}

fn tp_list(v: &[TopicPartition]) -> String {
    v.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
}

fn tp_offsets(v: &[(TopicPartition, i64)]) -> String {
    v.iter().map(|(p, o)| format!("{p}={o}")).collect::<Vec<_>>().join(", ")
}

fn nodes(v: &[NodeId]) -> String {
    v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TraceEvent::*;
        match self {
            BrokerStarted { broker } => write!(f, "broker {broker} started"),
            BrokerKilled { broker } => write!(f, "broker {broker} killed (hard)"),
            BrokerShutdownRequested { broker } => write!(f, "broker {broker} requested controlled shutdown"),
            BrokerStopped { broker } => write!(f, "broker {broker} stopped (clean)"),
            BrokerFenced { broker } => write!(f, "controller fenced broker {broker}"),
            BrokerUnfenced { broker } => write!(f, "controller unfenced broker {broker}"),
            TopicCreated { topic, partitions, replication_factor } => {
                write!(f, "topic {topic} created: {partitions} partition(s), replication factor {replication_factor}")
            }
            TopicDeleted { topic } => write!(f, "topic {topic} deleted"),
            PartitionsAdded { topic, from, to } => write!(f, "topic {topic} grew from {from} to {to} partitions"),
            TopicConfigChanged { topic, name, value: Some(v) } => write!(f, "topic {topic} config {name}={v}"),
            TopicConfigChanged { topic, name, value: None } => write!(f, "topic {topic} config {name} reset to default"),
            BrokerConfigChanged { broker, name, value } => {
                let who = broker.map_or("every broker (cluster default)".to_string(), |b| format!("broker {b}"));
                match value {
                    Some(v) => write!(f, "{who}: dynamic config {name}={v}"),
                    None => write!(f, "{who}: dynamic config {name} removed"),
                }
            }
            LeaderElected { tp, leader: Some(l), leader_epoch, isr, kind } => {
                write!(f, "{tp}: {kind} election, leader {l}, epoch {leader_epoch}, isr [{}]", ids(isr))
            }
            LeaderElected { tp, leader: None, leader_epoch, isr, .. } => {
                write!(f, "{tp}: no eligible leader (offline), epoch {leader_epoch}, isr [{}]", ids(isr))
            }
            IsrChanged { tp, isr, partition_epoch } => write!(f, "{tp}: isr now [{}] (partition epoch {partition_epoch})", ids(isr)),
            IsrChangeProposed { tp, broker, new_isr } => write!(f, "{tp}: leader {broker} proposes isr [{}]", ids(new_isr)),
            BecameLeader { tp, broker, leader_epoch, log_end_offset } => {
                write!(f, "{tp}: broker {broker} became leader at epoch {leader_epoch}, log end offset {log_end_offset}")
            }
            BecameFollower { tp, broker, leader: Some(l), leader_epoch } => {
                write!(f, "{tp}: broker {broker} follows {l} at epoch {leader_epoch}")
            }
            BecameFollower { tp, broker, leader: None, leader_epoch } => {
                write!(f, "{tp}: broker {broker} has no leader to follow at epoch {leader_epoch}")
            }
            Appended { tp, broker, first_offset, last_offset, leader_epoch, leader } => write!(
                f,
                "{tp}: broker {broker} appended offsets {first_offset}..={last_offset} (epoch {leader_epoch}, {})",
                if *leader { "leader" } else { "follower" }
            ),
            HighWatermark { tp, broker, high_watermark } => write!(f, "{tp}: broker {broker} high watermark {high_watermark}"),
            Truncated { tp, broker, from, to, lost_committed } => {
                write!(f, "{tp}: broker {broker} truncated log from {from} to {to}")?;
                if *lost_committed > 0 {
                    write!(f, " LOSING {lost_committed} committed record(s)")?;
                }
                Ok(())
            }
            LogStartAdvanced { tp, broker, log_start_offset } => write!(f, "{tp}: broker {broker} log start offset {log_start_offset}"),
            ReplicaFetchTimedOut { broker, leader } => write!(
                f,
                "broker {broker}: replica fetch to broker {leader} got no answer within replica.socket.timeout.ms; retrying after replica.fetch.backoff.ms"
            ),
            MetadataGap { broker, applied, received } => write!(
                f,
                "broker {broker}: metadata update {received} skips {}..={}; it waits for the image instead of applying it over the gap",
                applied + 1,
                received - 1
            ),
            ProduceRejected { tp, broker, error } => write!(f, "{tp}: broker {broker} rejected produce: {}", error.code_name()),
            DuplicateBatch { tp, broker, base_offset } => write!(f, "{tp}: broker {broker} recognised a duplicate batch at {base_offset}"),
            ProduceAcked { client, tp, base_offset, count, records } => {
                write!(f, "{client}: {count} record(s) acknowledged at {tp}@{base_offset} ({records})")
            }
            ProduceRetry { client, tp, error, attempt } => write!(f, "{client}: retrying {tp} after {} (attempt {attempt})", error.code_name()),
            ProduceFailed { client, tp, error, count, records } => write!(f, "{client}: {count} record(s) to {tp} FAILED ({records}): {}", error.code_name()),
            Consumed { client, tp, first_offset, last_offset } => write!(f, "{client}: consumed {tp} offsets {first_offset}..={last_offset}"),
            OffsetReset { client, tp, offset, policy } => write!(f, "{client}: {tp} position reset to {offset} ({policy})"),
            ConsumerError { client, tp, error } => write!(f, "{client}: {tp} {}", error.code_name()),
            MessageDropped { from, to, kind, reason } => write!(f, "{kind} {from}->{to} dropped: {reason}"),
            NetworkPartitioned { side_a, side_b } => write!(f, "network partitioned: {{{}}} | {{{}}}", nodes(side_a), nodes(side_b)),
            NetworkHealed => write!(f, "network healed"),
            NodePaused { node } => write!(f, "{node} paused"),
            NodeResumed { node } => write!(f, "{node} resumed"),
            ClientStarted { client } => write!(f, "{client} started"),
            ClientStopped { client } => write!(f, "{client} stopped"),
            ConsumerSlowed { client, processing_ms } => write!(f, "{client} now takes {processing_ms} ms to process each poll's records"),
            GroupMemberJoined { group, member } => write!(f, "group {group}: {member} joined"),
            GroupMemberReplaced { group, instance, member } => write!(f, "group {group}: static member {instance} is back as {member}"),
            GroupMemberRemoved { group, member, reason } => write!(f, "group {group}: removed {member} because {reason}"),
            GroupStateChanged { group, state, generation, reason } => write!(f, "group {group}: {state} (generation {generation}) because {reason}"),
            GroupLoaded { group, coordinator, generation, members } => {
                write!(f, "group {group}: broker {coordinator} is the new coordinator (generation {generation}, {members} member(s))")
            }
            OffsetsCommitted { group, offsets } => write!(f, "group {group}: committed {}", tp_offsets(offsets)),
            PartitionsRevoked { client, group, partitions } => write!(f, "{client} ({group}): revoked [{}]", tp_list(partitions)),
            PartitionsAssigned { client, group, generation, partitions } => {
                write!(f, "{client} ({group}): assigned [{}] in generation {generation}", tp_list(partitions))
            }
            PartitionsLost { client, group, partitions } => write!(f, "{client} ({group}): LOST [{}]", tp_list(partitions)),
            JoinedGroup { client, group, generation, member_id, leader } => {
                write!(f, "{client} joined {group} as {member_id}, generation {generation}{}", if *leader { ", leader" } else { "" })
            }
        }
    }
}

impl TraceEvent {
    /// The partition the event is about, if it is about one.
    pub fn partition(&self) -> Option<&TopicPartition> {
        use TraceEvent::*;
        match self {
            LeaderElected { tp, .. }
            | IsrChanged { tp, .. }
            | IsrChangeProposed { tp, .. }
            | BecameLeader { tp, .. }
            | BecameFollower { tp, .. }
            | Appended { tp, .. }
            | HighWatermark { tp, .. }
            | Truncated { tp, .. }
            | LogStartAdvanced { tp, .. }
            | ProduceRejected { tp, .. }
            | DuplicateBatch { tp, .. }
            | ProduceAcked { tp, .. }
            | ProduceRetry { tp, .. }
            | ProduceFailed { tp, .. }
            | Consumed { tp, .. }
            | OffsetReset { tp, .. }
            | ConsumerError { tp, .. } => Some(tp),
            _ => None,
        }
    }
}

/// A trace event with the virtual time it happened at.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Traced {
    pub time_ms: Millis,
    pub event: TraceEvent,
}

impl fmt::Display for Traced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{:>8}ms] {}", self.time_ms, self.event)
    }
}

/// FNV-1a, 64 bits: stable across platforms and releases, unlike std's hashers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TraceHasher(u64);

impl Default for TraceHasher {
    fn default() -> Self {
        TraceHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHasher {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl fmt::Write for TraceHasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// The kept trace. Full chunks are shared behind `Rc`, so cloning a `Sim` (a snapshot for
/// seeking) copies a few pointers and at most one open chunk, not the whole history.
#[derive(Clone, Debug, Default)]
pub struct TraceLog {
    chunks: Vec<Rc<Vec<Traced>>>,
    open: Vec<Traced>,
}

const TRACE_CHUNK: usize = 256;

impl TraceLog {
    pub fn push(&mut self, t: Traced) {
        self.open.push(t);
        if self.open.len() == TRACE_CHUNK {
            self.chunks.push(Rc::new(std::mem::take(&mut self.open)));
        }
    }

    pub fn len(&self) -> usize {
        self.chunks.len() * TRACE_CHUNK + self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Traced> + '_ {
        self.chunks.iter().flat_map(|c| c.iter()).chain(self.open.iter())
    }

    /// The entries from index `from` on (the ones a caller has not seen yet).
    pub fn since(&self, from: usize) -> impl Iterator<Item = &Traced> + '_ {
        let first_chunk = from / TRACE_CHUNK;
        let skip = from % TRACE_CHUNK;
        self.chunks.iter().skip(first_chunk).flat_map(|c| c.iter()).chain(self.open.iter()).skip(if first_chunk <= self.chunks.len() {
            skip
        } else {
            usize::MAX
        })
    }
}

impl PartialEq for TraceLog {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}
