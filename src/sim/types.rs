//! The nouns every part of the engine shares.
use std::fmt;
use std::rc::Rc;

/// Virtual time in milliseconds since the simulation started.
pub type Millis = u64;

/// The wall-clock date virtual time 0 stands for: 2026-01-05T09:00:00Z, a Monday morning.
/// Record timestamps (CreateTime) are this plus the virtual time, so they read like a real
/// cluster's (`CreateTime:1767603600123`), and every run of a seed gets the same ones.
pub const CLOCK_EPOCH_MS: i64 = 1_767_603_600_000;

/// A record timestamp for virtual time `now`.
pub fn wall_clock_ms(now: Millis) -> i64 {
    CLOCK_EPOCH_MS + now as i64
}
/// Kafka's `node.id` of a broker.
pub type BrokerId = i32;
/// Index of a client (producer or consumer) in the simulation.
pub type ClientId = u32;

/// Who sends and receives messages. The KRaft controller quorum is drawn as one node
/// that never fails (a documented simplification).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum NodeId {
    Controller,
    Broker(BrokerId),
    Client(ClientId),
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Controller => write!(f, "controller"),
            NodeId::Broker(b) => write!(f, "broker-{b}"),
            NodeId::Client(c) => write!(f, "client-{c}"),
        }
    }
}

/// A topic name and partition number, displayed as Kafka displays it (`orders-0`).
#[derive(Clone, Eq, Debug)]
pub struct TopicPartition {
    pub topic: Rc<str>,
    pub partition: i32,
}

// Ordered by topic name, then partition, as a derive would; but most comparisons in the
// engine's maps are between clones of the same `Rc<str>`, so the pointers are compared before
// the bytes.
impl Ord for TopicPartition {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let topic = if Rc::ptr_eq(&self.topic, &other.topic) { std::cmp::Ordering::Equal } else { self.topic.cmp(&other.topic) };
        topic.then(self.partition.cmp(&other.partition))
    }
}

impl PartialOrd for TopicPartition {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::hash::Hash for TopicPartition {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.topic.hash(state);
        self.partition.hash(state);
    }
}

impl PartialEq for TopicPartition {
    fn eq(&self, other: &Self) -> bool {
        self.partition == other.partition && (Rc::ptr_eq(&self.topic, &other.topic) || self.topic == other.topic)
    }
}

impl TopicPartition {
    pub fn new(topic: &str, partition: i32) -> Self {
        TopicPartition { topic: Rc::from(topic), partition }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// One record as a consumer, a check or the stage sees it (Kafka's `ConsumerRecord`): read
/// out of the `RecordBatch` that holds it (record_batch.rs), with its offset, the batch's
/// leader epoch and producer, and its sequence.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Record {
    pub offset: i64,
    /// The leader epoch of the batch that carried it (KIP-101).
    pub leader_epoch: i32,
    /// CreateTime set by the producer.
    pub timestamp_ms: i64,
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    pub headers: Rc<[(Rc<str>, Rc<str>)]>,
    /// -1 when the producer is not idempotent.
    pub producer_id: i64,
    /// -1 when the producer is not idempotent.
    pub sequence: i32,
}

/// Bytes a record occupies: payload plus a fixed per-record overhead, close to the v2 format's
/// varint-encoded record header for small records.
pub fn record_size(key: Option<&str>, value: Option<&str>, headers: &[(Rc<str>, Rc<str>)]) -> usize {
    const RECORD_OVERHEAD: usize = 10;
    RECORD_OVERHEAD + key.map_or(0, str::len) + value.map_or(0, str::len) + headers.iter().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>()
}

/// What a producer application hands to `send()`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProducerRecord {
    pub topic: Rc<str>,
    /// An explicit partition wins over the key (KafkaProducer.java:1458-1477).
    pub partition: Option<i32>,
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    pub headers: Rc<[(Rc<str>, Rc<str>)]>,
}

impl ProducerRecord {
    pub fn new(topic: &str, key: Option<&str>, value: Option<&str>) -> Self {
        ProducerRecord { topic: Rc::from(topic), partition: None, key: key.map(Rc::from), value: value.map(Rc::from), headers: Rc::from(Vec::new()) }
    }
}
