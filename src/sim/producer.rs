//! The producer client: KafkaProducer's RecordAccumulator and Sender, request by request.
//! Batching (linger.ms, batch.size), one batch per partition per request, at most
//! max.in.flight.requests.per.connection requests per broker, retries with backoff,
//! delivery.timeout.ms, and the idempotent producer's per-partition sequence numbers.
use crate::vecmap::VecMap;
use std::collections::VecDeque;
use std::rc::Rc;

use rand_core::RngCore;

use super::config::ProducerConfig;
use super::connection::Connections;
use super::error::KafkaError;
use super::message::{Payload, ProduceBatch};
use super::murmur2::partition_for_key;
use super::out::{Ctx, Timer};
use super::record_batch::{increment_sequence, DefaultRecord, RecordBatch, NO_PRODUCER_EPOCH, RECORD_BATCH_OVERHEAD};
use super::trace::{RecordNumbers, TraceEvent};
use super::types::{record_size, BrokerId, ClientId, Millis, NodeId, ProducerRecord, TopicPartition};

/// A record the producer has been given and whose partition is not known yet (metadata).
#[derive(Clone, Debug)]
struct Unsent {
    record: ProducerRecord,
    enqueued_ms: Millis,
    /// The record's number at this producer: 1 for the first record handed to it.
    number: u64,
}

#[derive(Clone, Debug)]
struct Batch {
    tp: TopicPartition,
    /// Shared with the request on the wire and, once appended, with every replica's log;
    /// appended to only while the batch is open.
    records: Rc<Vec<DefaultRecord>>,
    /// The records' bytes (without the batch header).
    bytes: usize,
    created_ms: Millis,
    attempts: u32,
    retry_at: Millis,
    /// Assigned when first drained, kept across retries (idempotent producer).
    base_sequence: i32,
    /// The producer's record numbers in this batch, as runs (first, last): the trace names
    /// exactly which records an acknowledgement covers.
    numbers: Vec<(u64, u64)>,
}

#[derive(Clone, Debug)]
struct InFlight {
    broker: BrokerId,
    batches: Vec<Batch>,
}

/// A steady stream of records for scenarios: `per_second` records with keys drawn from
/// `keys` (none: null keys), until `remaining` runs out.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RateSpec {
    pub topic: Rc<str>,
    pub per_second: u32,
    pub keys: Vec<Rc<str>>,
    pub value_bytes: usize,
    pub remaining: Option<u64>,
    /// What the values are: numbered (`<producer>-<n>`, padded to `value_bytes`) or order events.
    pub values: Values,
}

/// The values a rate generates (`producer start --value`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Values {
    /// `<producer>-<n>`, padded with dots to `value_bytes`.
    Numbered,
    /// JSON order events, as the seeds' shop producers send them (`order_value`).
    Orders,
}

/// `<producer>-<n>`, padded with dots to `bytes` (the firehose's 100-byte values), built in
/// `value` (a reused buffer) so that each record costs one allocation, its `Rc<str>`. The
/// number is written by hand: `write!` through `fmt` cost 9 % of the firehose's instructions
/// (callgrind).
fn generated_value(value: &mut String, name: &str, n: u64, bytes: usize) -> Rc<str> {
    const PAD: &str = "................................................................................................................................";
    value.clear();
    value.push_str(name);
    value.push('-');
    push_decimal(value, n);
    let mut missing = bytes.saturating_sub(value.len());
    while missing > 0 {
        let k = missing.min(PAD.len());
        value.push_str(&PAD[..k]);
        missing -= k;
    }
    Rc::from(value.as_str())
}

/// `n` in decimal digits.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

/// `s` as the inside of a JSON string (names and keys are whatever the learner typed).
fn push_json_str(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        } else if c < ' ' {
            let hex = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(hex[c as usize >> 4] as char);
            out.push(hex[c as usize & 15] as char);
            continue;
        }
        out.push(c);
    }
}

/// An order event as Python's `json.dumps` writes it (a space after each `,` and `:`, which
/// also lets the details panel wrap it): `{"order_id": "shop-1", "customer_id": "c-17",
/// "amount": 42.50, "category": "books", "ts": 1767603600120}`. The order id is the
/// numbered value (`<producer>-<n>`), unique in the cluster, so a duplicate is a resent
/// record; the customer is the record's key when it has one, else one of c-1..c-50; the
/// amount is whole cents (1.00 to 500.00) written d.cc, no float; `ts`, the event time, is
/// the virtual time on the clock of record timestamps (CreateTime). Every draw comes from the
/// simulation's RNG, so a seed gives the same orders everywhere.
fn order_value(value: &mut String, name: &str, n: u64, customer: Option<&str>, now: Millis, rng: &mut impl RngCore) -> Rc<str> {
    use std::fmt::Write as _;
    const CATEGORIES: [&str; 6] = ["books", "electronics", "garden", "groceries", "toys", "clothing"];
    value.clear();
    value.push_str("{\"order_id\": \"");
    push_json_str(value, name);
    let _ = write!(value, "-{n}\", \"customer_id\": \"");
    match customer {
        Some(c) => push_json_str(value, c),
        None => {
            let _ = write!(value, "c-{}", 1 + rng.next_u32() % 50);
        }
    }
    let cents = 100 + rng.next_u32() % 49_901;
    let category = CATEGORIES[rng.next_u32() as usize % CATEGORIES.len()];
    let _ = write!(value, "\", \"amount\": {}.{:02}, \"category\": \"{category}\", \"ts\": {}}}", cents / 100, cents % 100, super::types::wall_clock_ms(now));
    Rc::from(value.as_str())
}

/// One record whose delivery failed for good, with the error its callback got.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Failed {
    pub tp: TopicPartition,
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    pub error: KafkaError,
}

/// One batch's end as its records' callbacks see it: when, which records (the producer's
/// numbers, as runs), and the error if it failed. Kept for a tool that times each record from
/// send to callback (kafka-producer-perf-test.sh's PerfCallback, ProducerPerformance.java).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Completed {
    pub at: Millis,
    pub tp: TopicPartition,
    pub records: Vec<(u64, u64)>,
    pub error: Option<KafkaError>,
}

/// One acknowledged record, kept for checks ("no acknowledged record is ever lost").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Acked {
    pub tp: TopicPartition,
    pub offset: i64,
    /// Key, value and CreateTime: what tells this record from another one written later at
    /// the same offset (after a truncation), for the lessons' `lost` query.
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    pub timestamp_ms: i64,
    /// The record's number at this producer (1 for its first record).
    pub number: u64,
}

#[derive(Clone, Debug)]
pub struct Producer {
    pub id: ClientId,
    pub name: Rc<str>,
    pub config: ProducerConfig,
    pub producer_id: i64,
    pub running: bool,
    /// When it was stopped (the stage lets it fade out).
    pub(crate) stopped_at: Option<Millis>,
    pub incarnation: u32,
    bootstrap: Vec<BrokerId>,
    bootstrap_cursor: usize,
    /// topic -> per partition (leader, leader epoch).
    metadata: VecMap<Rc<str>, Vec<(Option<BrokerId>, i32)>>,
    metadata_in_flight: Option<u64>,
    metadata_wanted: bool,
    unsent: VecDeque<Unsent>,
    batches: VecMap<TopicPartition, VecDeque<Batch>>,
    in_flight: VecMap<u64, InFlight>,
    next_sequence: VecMap<TopicPartition, i32>,
    sticky: VecMap<Rc<str>, (i32, usize)>,
    next_req_id: u64,
    wake_at: Option<Millis>,
    connections: Connections,
    buffered_bytes: usize,
    pub rate: Option<RateSpec>,
    generated: u64,
    /// Records handed to the producer so far (send() and the rate): numbers them.
    handed: u64,
    pub acked_count: u64,
    pub failed_count: u64,
    /// Filled only when the simulation records acknowledgements (tests, lessons).
    pub acked: Vec<Acked>,
    /// Filled only when the simulation records acknowledgements.
    pub failures: Vec<Failed>,
    pub record_acks: bool,
    /// Kept only while a tool asks for them (`Sim::take_completions`): None costs nothing.
    pub(crate) completions: Option<Vec<Completed>>,
}

/// `max.block.ms`: how long send() waits for a topic's metadata (ProducerConfig default).
const MAX_BLOCK_MS: Millis = 60_000;
const METADATA_TIMEOUT_MS: Millis = 30_000;

impl Producer {
    pub fn new(id: ClientId, name: Rc<str>, config: ProducerConfig, bootstrap: Vec<BrokerId>, producer_id: i64) -> Self {
        Producer {
            id,
            name,
            producer_id: if config.enable_idempotence { producer_id } else { -1 },
            config,
            running: true,
            stopped_at: None,
            incarnation: 0,
            bootstrap,
            bootstrap_cursor: 0,
            metadata: VecMap::new(),
            metadata_in_flight: None,
            metadata_wanted: false,
            unsent: VecDeque::new(),
            batches: VecMap::new(),
            in_flight: VecMap::new(),
            next_sequence: VecMap::new(),
            sticky: VecMap::new(),
            next_req_id: 0,
            wake_at: None,
            connections: Connections::default(),
            buffered_bytes: 0,
            rate: None,
            generated: 0,
            handed: 0,
            acked_count: 0,
            failed_count: 0,
            acked: Vec::new(),
            failures: Vec::new(),
            record_acks: false,
            completions: None,
        }
    }

    /// Records handed to the producer and not yet acknowledged or failed.
    pub fn pending_records(&self) -> usize {
        self.unsent.len()
            + self.batches.values().flat_map(|q| q.iter()).map(|b| b.records.len()).sum::<usize>()
            + self.in_flight.values().flat_map(|f| f.batches.iter()).map(|b| b.records.len()).sum::<usize>()
    }

    /// True once a Metadata response has told this producer the topic's partitions: until then
    /// KafkaProducer.send blocks in waitOnMetadata.
    pub fn knows_topic(&self, topic: &str) -> bool {
        self.metadata.contains_key(topic)
    }

    fn completed(&mut self, at: Millis, tp: &TopicPartition, records: &[(u64, u64)], error: Option<KafkaError>) {
        if let Some(c) = self.completions.as_mut() {
            c.push(Completed { at, tp: tp.clone(), records: records.to_vec(), error });
        }
    }

    pub fn is_idle(&self) -> bool {
        self.pending_records() == 0 && self.rate.as_ref().is_none_or(|r| r.remaining == Some(0))
    }

    fn next_req_id(&mut self) -> u64 {
        self.next_req_id += 1;
        self.next_req_id
    }

    /// KafkaProducer.send: hand over a record. It waits for metadata if the topic is unknown.
    pub fn send(&mut self, ctx: &mut Ctx, record: ProducerRecord) {
        self.handed += 1;
        self.unsent.push_back(Unsent { record, enqueued_ms: ctx.now, number: self.handed });
        self.run(ctx);
    }

    pub fn start_rate(&mut self, ctx: &mut Ctx, spec: RateSpec) {
        self.rate = Some(spec);
        ctx.set_timer(0, Timer::RateTick);
    }

    fn rate_tick(&mut self, ctx: &mut Ctx) {
        let Some(spec) = self.rate.clone() else { return };
        if spec.remaining == Some(0) || spec.per_second == 0 {
            return;
        }
        // At most one tick per virtual millisecond; several records per tick above 1000/s.
        let interval = (1000 / spec.per_second.max(1) as u64).max(1);
        let per_tick = ((spec.per_second as u64 * interval) / 1000).max(1);
        let mut n = per_tick;
        if let Some(r) = spec.remaining {
            n = n.min(r);
        }
        let mut scratch = String::new();
        let headers: Rc<[(Rc<str>, Rc<str>)]> = Rc::from(Vec::new());
        for _ in 0..n {
            // The application blocks while buffer.memory is full; the tick resumes later.
            if self.buffered_bytes >= self.config.buffer_memory {
                break;
            }
            let key = if spec.keys.is_empty() { None } else { Some(spec.keys[(ctx.rng.next_u32() as usize) % spec.keys.len()].clone()) };
            self.generated += 1;
            let value = match spec.values {
                Values::Numbered => generated_value(&mut scratch, &self.name, self.generated, spec.value_bytes),
                Values::Orders => order_value(&mut scratch, &self.name, self.generated, key.as_deref(), ctx.now, ctx.rng),
            };
            let record = ProducerRecord { topic: spec.topic.clone(), partition: None, key, value: Some(value), headers: headers.clone() };
            self.handed += 1;
            self.unsent.push_back(Unsent { record, enqueued_ms: ctx.now, number: self.handed });
            if let Some(rate) = self.rate.as_mut() {
                if let Some(r) = rate.remaining.as_mut() {
                    *r -= 1;
                }
            }
        }
        self.run(ctx);
        if self.rate.as_ref().is_some_and(|r| r.remaining != Some(0)) {
            ctx.set_timer(interval, Timer::RateTick);
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        if !self.running {
            return;
        }
        match timer {
            Timer::ClientWake => {
                if self.wake_at.is_some_and(|w| w <= ctx.now) {
                    self.wake_at = None;
                }
                self.run(ctx);
            }
            Timer::RateTick => self.rate_tick(ctx),
            Timer::RequestTimeout { req_id } => {
                if self.metadata_in_flight == Some(req_id) {
                    self.metadata_in_flight = None;
                    self.bootstrap_cursor += 1;
                    self.metadata_wanted = true;
                    self.run(ctx);
                } else if let Some(f) = self.in_flight.remove(&req_id) {
                    // request.timeout.ms: Kafka closes the connection and the batches retry.
                    self.metadata_wanted = true;
                    for b in f.batches {
                        self.complete_batch(ctx, b, Err(KafkaError::RequestTimedOut));
                    }
                    self.run(ctx);
                }
            }
            // The brokers', the controller's and consumers' timers: a producer never sets them.
            Timer::BrokerHeartbeat
            | Timer::IsrCheck
            | Timer::FetcherWake { .. }
            | Timer::ReplicaFetchTimeout { .. }
            | Timer::FetchExpire { .. }
            | Timer::ProduceExpire { .. }
            | Timer::RetentionCheck
            | Timer::GroupJoin { .. }
            | Timer::MemberSession { .. }
            | Timer::SessionCheck { .. }
            | Timer::Poll
            | Timer::Heartbeat
            | Timer::AutoCommit
            | Timer::ProcessingDone => {}
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, payload: Payload) {
        if !self.running {
            return;
        }
        match payload {
            Payload::MetadataResponse { req_id, topics, .. } => {
                if let NodeId::Broker(b) = from {
                    self.connections.connected(b);
                }
                if self.metadata_in_flight != Some(req_id) {
                    return;
                }
                self.metadata_in_flight = None;
                for (topic, parts) in topics {
                    if parts.is_empty() {
                        self.metadata.remove(&topic);
                    } else {
                        self.metadata.insert(topic, parts);
                    }
                }
                self.run(ctx);
            }
            Payload::ProduceResponse { req_id, results } => {
                if let NodeId::Broker(b) = from {
                    self.connections.connected(b);
                }
                let Some(f) = self.in_flight.remove(&req_id) else { return };
                for b in f.batches {
                    let r = results.iter().find(|(tp, _)| *tp == b.tp).map(|(_, r)| *r).unwrap_or(Err(KafkaError::NetworkException));
                    if matches!(r, Err(KafkaError::NotLeaderOrFollower | KafkaError::UnknownTopicOrPartition | KafkaError::LeaderNotAvailable)) {
                        self.metadata_wanted = true;
                    }
                    self.complete_batch(ctx, b, r);
                }
                self.run(ctx);
            }
            Payload::Disconnected { req_id } => {
                let NodeId::Broker(broker) = from else { return };
                let was_up = self.connections.refused(broker, ctx.now);
                if req_id.is_some() && self.metadata_in_flight == req_id {
                    self.metadata_in_flight = None;
                    self.bootstrap_cursor += 1;
                    self.metadata_wanted = true;
                } else if let Some(f) = req_id.and_then(|id| self.in_flight.remove(&id)) {
                    self.metadata_wanted = true;
                    for b in f.batches {
                        if was_up {
                            self.complete_batch(ctx, b, Err(KafkaError::NetworkException));
                        } else {
                            // A reconnect that failed again: the batch never left, no attempt.
                            self.requeue(b);
                        }
                    }
                }
                if let Some(at) = self.connections.retry_at(broker) {
                    self.schedule_wake(ctx, at);
                }
            }
            // Requests, and answers for brokers and consumers: never sent to a producer.
            Payload::BrokerHeartbeat { .. }
            | Payload::BrokerHeartbeatResponse { .. }
            | Payload::MetadataUpdate(_)
            | Payload::AlterPartition { .. }
            | Payload::AlterPartitionResponse { .. }
            | Payload::MetadataRequest { .. }
            | Payload::AutoCreateTopic { .. }
            | Payload::Produce { .. }
            | Payload::Fetch { .. }
            | Payload::FetchResponse { .. }
            | Payload::ListOffsets { .. }
            | Payload::ListOffsetsResponse { .. }
            | Payload::FindCoordinator { .. }
            | Payload::FindCoordinatorResponse { .. }
            | Payload::JoinGroup { .. }
            | Payload::JoinGroupResponse { .. }
            | Payload::SyncGroup { .. }
            | Payload::SyncGroupResponse { .. }
            | Payload::Heartbeat { .. }
            | Payload::HeartbeatResponse { .. }
            | Payload::LeaveGroup { .. }
            | Payload::LeaveGroupResponse { .. }
            | Payload::OffsetCommit { .. }
            | Payload::OffsetCommitResponse { .. }
            | Payload::OffsetFetch { .. }
            | Payload::OffsetFetchResponse { .. } => {}
        }
    }

    fn lowest_unacked_sequence(&self, tp: &TopicPartition) -> Option<i32> {
        let queued = self.batches.get(tp).into_iter().flat_map(|q| q.iter()).filter(|b| b.base_sequence >= 0).map(|b| b.base_sequence);
        let flying = self.in_flight.values().flat_map(|f| f.batches.iter()).filter(|b| b.tp == *tp).map(|b| b.base_sequence);
        queued.chain(flying).min()
    }

    /// Sender.completeBatch: acknowledge, retry, or fail a batch.
    fn complete_batch(&mut self, ctx: &mut Ctx, mut b: Batch, result: Result<i64, KafkaError>) {
        match result {
            Ok(base) => {
                self.buffered_bytes = self.buffered_bytes.saturating_sub(b.bytes);
                self.acked_count += b.records.len() as u64;
                if self.record_acks && base >= 0 {
                    let numbers = b.numbers.iter().flat_map(|&(first, last)| first..=last);
                    for (i, (r, number)) in b.records.iter().zip(numbers).enumerate() {
                        self.acked.push(Acked {
                            tp: b.tp.clone(),
                            offset: base + i as i64,
                            key: r.key.clone(),
                            value: r.value.clone(),
                            timestamp_ms: r.timestamp_ms,
                            number,
                        });
                    }
                }
                self.completed(ctx.now, &b.tp, &b.numbers, None);
                let records = RecordNumbers(std::mem::take(&mut b.numbers));
                ctx.trace(TraceEvent::ProduceAcked { client: self.name.clone(), tp: b.tp.clone(), base_offset: base, count: b.records.len(), records });
            }
            Err(e) => {
                // With idempotence, a batch that overtook an earlier failed one is told
                // OUT_OF_ORDER_SEQUENCE_NUMBER; it is retried after the earlier one.
                let reorder_retry = e == KafkaError::OutOfOrderSequenceNumber
                    && self.producer_id >= 0
                    && self.lowest_unacked_sequence(&b.tp).is_some_and(|s| s < b.base_sequence);
                let within_timeout = ctx.now < b.created_ms + self.config.delivery_timeout_ms;
                if (e.is_retriable() || reorder_retry) && b.attempts < self.config.retries && within_timeout {
                    b.attempts += 1;
                    b.retry_at = ctx.now + self.config.retry_backoff_ms;
                    ctx.trace(TraceEvent::ProduceRetry { client: self.name.clone(), tp: b.tp.clone(), error: e, attempt: b.attempts });
                    self.requeue(b);
                } else {
                    let e = if !within_timeout && e.is_retriable() { KafkaError::DeliveryTimeout } else { e };
                    self.fail_batch(ctx, b, e);
                }
            }
        }
    }

    /// Puts a batch back at the front of its partition's queue, in sequence order
    /// (RecordAccumulator.insertInSequenceOrder).
    fn requeue(&mut self, b: Batch) {
        let q = self.batches.entry(b.tp.clone()).or_default();
        let pos = if b.base_sequence >= 0 { q.iter().position(|x| x.base_sequence < 0 || x.base_sequence > b.base_sequence).unwrap_or(q.len()) } else { 0 };
        q.insert(pos, b);
    }

    fn fail_batch(&mut self, ctx: &mut Ctx, b: Batch, error: KafkaError) {
        self.buffered_bytes = self.buffered_bytes.saturating_sub(b.bytes);
        self.failed_count += b.records.len() as u64;
        if self.record_acks {
            for r in b.records.iter() {
                self.failures.push(Failed { tp: b.tp.clone(), key: r.key.clone(), value: r.value.clone(), error });
            }
        }
        self.completed(ctx.now, &b.tp, &b.numbers, Some(error));
        let records = RecordNumbers(b.numbers);
        ctx.trace(TraceEvent::ProduceFailed { client: self.name.clone(), tp: b.tp.clone(), error, count: b.records.len(), records });
    }

    fn leader_of(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.metadata.get(&tp.topic).and_then(|p| p.get(tp.partition as usize)).and_then(|(l, _)| *l)
    }

    fn schedule_wake(&mut self, ctx: &mut Ctx, at: Millis) {
        if self.wake_at.is_none_or(|w| at < w || w < ctx.now) {
            self.wake_at = Some(at);
            ctx.set_timer(at.saturating_sub(ctx.now), Timer::ClientWake);
        }
    }

    fn request_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_in_flight.is_some() || self.bootstrap.is_empty() {
            return;
        }
        let mut topics: Vec<Rc<str>> = self.metadata.keys().cloned().collect();
        for u in &self.unsent {
            if !topics.contains(&u.record.topic) {
                topics.push(u.record.topic.clone());
            }
        }
        crate::sort::sort(&mut topics);
        // Ask a broker whose connection is ready, starting at the cursor (leastLoadedNode).
        let n = self.bootstrap.len();
        let Some(broker) = (0..n).map(|i| self.bootstrap[(self.bootstrap_cursor + i) % n]).find(|b| self.connections.ready(*b, ctx.now)) else {
            let at = self.bootstrap.iter().filter_map(|b| self.connections.retry_at(*b)).min().unwrap_or(ctx.now + 1);
            self.schedule_wake(ctx, at);
            return;
        };
        let req_id = self.next_req_id();
        self.metadata_in_flight = Some(req_id);
        self.metadata_wanted = false;
        ctx.send(NodeId::Broker(broker), Payload::MetadataRequest { req_id, topics });
        ctx.set_timer(METADATA_TIMEOUT_MS.min(self.config.request_timeout_ms), Timer::RequestTimeout { req_id });
    }

    /// Picks the partition of a record: explicit, keyed (murmur2), or the sticky partition
    /// for null keys (KIP-794: switch after batch.size bytes, uniformly among partitions with
    /// a known leader; Kafka's choice is random, ours comes from the seeded RNG).
    fn choose_partition(&mut self, ctx: &mut Ctx, record: &ProducerRecord, size: usize) -> Option<i32> {
        let parts = self.metadata.get(&record.topic)?;
        let n = parts.len() as i32;
        if let Some(p) = record.partition {
            return Some(p);
        }
        if let Some(k) = &record.key {
            return Some(partition_for_key(k.as_bytes(), n));
        }
        let available: Vec<i32> = parts.iter().enumerate().filter(|(_, (l, _))| l.is_some()).map(|(i, _)| i as i32).collect();
        let batch_size = self.config.batch_size.max(1);
        let entry = self.sticky.get(&record.topic).copied();
        let (p, produced) = match entry {
            Some((p, produced)) if produced < batch_size && p < n => (p, produced),
            _ => {
                let pool: Vec<i32> = if available.is_empty() { (0..n).collect() } else { available };
                (pool[(ctx.rng.next_u32() as usize) % pool.len()], 0)
            }
        };
        self.sticky.insert(record.topic.clone(), (p, produced + size));
        Some(p)
    }

    /// One pass of the Sender loop: place records, expire, drain ready batches, send.
    fn run(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        // Place records whose topic metadata is known. Records still waiting go back to the
        // same queue, which keeps its capacity between passes: a rate refills it every tick,
        // and copying it into a new queue each pass cost 9 % of the firehose's instructions at
        // 30,000 records (callgrind), most of it while the first metadata was awaited.
        let mut pending = std::mem::take(&mut self.unsent);
        for _ in 0..pending.len() {
            let u = pending.pop_front().expect("counted");
            let size = record_size(u.record.key.as_deref(), u.record.value.as_deref(), &u.record.headers);
            match self.choose_partition(ctx, &u.record, size) {
                Some(p) if p >= 0 && (p as usize) < self.metadata.get(&u.record.topic).map_or(0, |v| v.len()) => {
                    self.append_to_batch(now, TopicPartition { topic: u.record.topic.clone(), partition: p }, &u.record, size, u.number);
                }
                // An explicit partition the topic does not have.
                Some(p) => self.fail_unsent(ctx, &u, p),
                None => {
                    if now.saturating_sub(u.enqueued_ms) >= MAX_BLOCK_MS {
                        // max.block.ms passed without the topic's metadata.
                        self.fail_unsent(ctx, &u, -1);
                    } else {
                        self.metadata_wanted = true;
                        pending.push_back(u);
                    }
                }
            }
        }
        self.unsent = pending;

        // Expire batches past delivery.timeout.ms.
        let timeout = self.config.delivery_timeout_ms;
        let tps: Vec<TopicPartition> = self.batches.keys().cloned().collect();
        for tp in &tps {
            let q = self.batches.get_mut(tp).expect("listed");
            let mut expired = Vec::new();
            q.retain(|b| {
                let keep = now < b.created_ms + timeout;
                if !keep {
                    expired.push(b.clone());
                }
                keep
            });
            for b in expired {
                self.fail_batch(ctx, b, KafkaError::DeliveryTimeout);
            }
        }

        // Drain: at most one batch per partition per request, per broker.
        let mut per_broker: VecMap<BrokerId, Vec<Batch>> = VecMap::new();
        let mut next_wake: Option<Millis> = None;
        let want = |t: Millis, nw: &mut Option<Millis>| {
            if nw.is_none_or(|w| t < w) {
                *nw = Some(t);
            }
        };
        let in_flight_per_broker = |inf: &VecMap<u64, InFlight>, b: BrokerId| inf.values().filter(|f| f.broker == b).count();
        for tp in tps {
            let Some(front) = self.batches.get(&tp).and_then(|q| q.front()) else { continue };
            let Some(leader) = self.leader_of(&tp) else {
                self.metadata_wanted = true;
                continue;
            };
            if !self.connections.ready(leader, now) {
                if let Some(at) = self.connections.retry_at(leader) {
                    want(at, &mut next_wake);
                }
                continue;
            }
            let full = self.batches[&tp].len() > 1 || RECORD_BATCH_OVERHEAD + front.bytes >= self.config.batch_size;
            let ready_at = if front.attempts > 0 {
                front.retry_at
            } else if full {
                now
            } else {
                front.created_ms + self.config.linger_ms
            };
            if ready_at > now {
                want(ready_at, &mut next_wake);
                continue;
            }
            if front.attempts > 0 && self.producer_id >= 0 {
                // A retried batch goes only once every earlier sequence is settled.
                if self.lowest_unacked_sequence(&tp).is_some_and(|s| s < front.base_sequence) {
                    continue;
                }
            }
            if in_flight_per_broker(&self.in_flight, leader) + usize::from(per_broker.contains_key(&leader))
                >= self.config.max_in_flight_requests_per_connection
            {
                continue;
            }
            // With idempotence, a retry must not share the wire with later batches in flight.
            let mut batch = self.batches.get_mut(&tp).expect("listed").pop_front().expect("front");
            if self.batches.get(&tp).is_some_and(|q| q.is_empty()) {
                self.batches.remove(&tp);
            }
            if self.producer_id >= 0 && batch.base_sequence < 0 {
                let seq = self.next_sequence.entry(tp.clone()).or_insert(0);
                batch.base_sequence = *seq;
                *seq = increment_sequence(*seq, batch.records.len() as i32);
            }
            per_broker.entry(leader).or_default().push(batch);
        }
        for (broker, batches) in per_broker {
            let req_id = self.next_req_id();
            // Idempotent producers have epoch 0 (no InitProducerId bumps yet).
            let epoch = if self.producer_id >= 0 { 0 } else { NO_PRODUCER_EPOCH };
            let wire: Vec<ProduceBatch> = batches
                .iter()
                .map(|b| ProduceBatch { tp: b.tp.clone(), batch: RecordBatch::new(b.records.clone(), self.producer_id, epoch, b.base_sequence, false) })
                .collect();
            ctx.send(NodeId::Broker(broker), Payload::Produce { req_id, acks: self.config.acks, timeout_ms: self.config.request_timeout_ms, batches: wire });
            if self.config.acks == 0 {
                // acks=0: done as soon as it is on the wire; the offset is unknown (-1).
                for b in batches {
                    self.complete_batch(ctx, b, Ok(-1));
                }
            } else {
                self.in_flight.insert(req_id, InFlight { broker, batches });
                ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
            }
        }
        if self.metadata_wanted && self.metadata_in_flight.is_none() {
            self.request_metadata(ctx);
        }
        if !self.unsent.is_empty() || self.batches.values().any(|q| !q.is_empty()) {
            // Re-check at least every retry.backoff.ms while anything is waiting.
            want(now + self.config.retry_backoff_ms.max(1), &mut next_wake);
        }
        if let Some(t) = next_wake {
            self.schedule_wake(ctx, t);
        }
    }

    /// A record that never reached a batch fails with UNKNOWN_TOPIC_OR_PARTITION (`partition`
    /// -1: the topic's metadata never came).
    fn fail_unsent(&mut self, ctx: &mut Ctx, u: &Unsent, partition: i32) {
        let tp = TopicPartition { topic: u.record.topic.clone(), partition };
        let error = KafkaError::UnknownTopicOrPartition;
        self.failed_count += 1;
        if self.record_acks {
            self.failures.push(Failed { tp: tp.clone(), key: u.record.key.clone(), value: u.record.value.clone(), error });
        }
        self.completed(ctx.now, &tp, &[(u.number, u.number)], Some(error));
        let records = RecordNumbers(vec![(u.number, u.number)]);
        ctx.trace(TraceEvent::ProduceFailed { client: self.name.clone(), tp, error, count: 1, records });
    }

    fn append_to_batch(&mut self, now: Millis, tp: TopicPartition, r: &ProducerRecord, size: usize, number: u64) {
        let batch_size = self.config.batch_size;
        let q = self.batches.entry(tp.clone()).or_default();
        let timestamp_ms = super::types::wall_clock_ms(now);
        let rec = |offset_delta: usize| DefaultRecord {
            offset_delta: offset_delta as i32,
            timestamp_ms,
            key: r.key.clone(),
            value: r.value.clone(),
            headers: r.headers.clone(),
        };
        self.buffered_bytes += size;
        if let Some(last) = q.back_mut() {
            // MemoryRecordsBuilder.hasRoomFor: the batch header counts against batch.size.
            if last.attempts == 0 && last.base_sequence < 0 && RECORD_BATCH_OVERHEAD + last.bytes + size <= batch_size.max(1) {
                let records = Rc::make_mut(&mut last.records);
                records.push(rec(records.len()));
                last.bytes += size;
                match last.numbers.last_mut() {
                    Some(run) if run.1 + 1 == number => run.1 = number,
                    _ => last.numbers.push((number, number)),
                }
                return;
            }
        }
        let mut records = Vec::with_capacity((batch_size / size.max(1)).clamp(1, 1024));
        records.push(rec(0));
        q.push_back(Batch {
            tp,
            records: Rc::new(records),
            bytes: size,
            created_ms: now,
            attempts: 0,
            retry_at: 0,
            base_sequence: -1,
            numbers: vec![(number, number)],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    fn orders(seed: u64, name: &str, customer: Option<&str>) -> Vec<String> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut scratch = String::new();
        (1..=50).map(|n| order_value(&mut scratch, name, n, customer, 100 * n, &mut rng).to_string()).collect()
    }

    #[test]
    fn generated_values_are_numbered_and_padded() {
        let mut scratch = String::new();
        assert_eq!(&*generated_value(&mut scratch, "p", 0, 6), "p-0...");
        assert_eq!(&*generated_value(&mut scratch, "p", 1234567890, 4), "p-1234567890");
        assert_eq!(&*generated_value(&mut scratch, "p", u64::MAX, 0), "p-18446744073709551615");
    }

    #[test]
    fn order_values_are_json_with_the_issues_fields_and_follow_the_seed() {
        let a = orders(7, "shop", None);
        assert_eq!(a, orders(7, "shop", None), "same seed, same orders");
        assert_ne!(a, orders(8, "shop", None), "another seed, other orders");
        for (i, v) in a.iter().enumerate() {
            let n = i as u64 + 1;
            let json: serde_json::Value = serde_json::from_str(v).unwrap_or_else(|e| panic!("{v}: {e}"));
            let o = json.as_object().unwrap();
            let keys: Vec<&str> = o.keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 5, "{v}");
            assert_eq!(o["order_id"], format!("shop-{n}"));
            let c: u32 = o["customer_id"].as_str().unwrap().strip_prefix("c-").unwrap().parse().unwrap();
            assert!((1..=50).contains(&c), "{v}");
            assert!(["books", "electronics", "garden", "groceries", "toys", "clothing"].contains(&o["category"].as_str().unwrap()), "{v}");
            assert_eq!(o["ts"].as_i64(), Some(super::super::types::wall_clock_ms(100 * n)));
            // Whole cents written d.cc: two decimals, 1.00 to 500.00.
            let amount = v.split("\"amount\": ").nth(1).unwrap().split(',').next().unwrap();
            let (units, cents) = amount.split_once('.').unwrap();
            assert_eq!(cents.len(), 2, "{v}");
            assert!((1..=500).contains(&units.parse::<u32>().unwrap()), "{v}");
        }
        // The exact text, pinned: the browser draws from the same ChaCha8 stream.
        assert_eq!(a[0], r#"{"order_id": "shop-1", "customer_id": "c-40", "amount": 236.95, "category": "books", "ts": 1767603600100}"#);
    }

    #[test]
    fn an_orders_customer_is_its_key_and_text_is_escaped_as_json() {
        for text in ["customer_7", r#"say "hi" \ bye"#, "tab\there\u{1}"] {
            for (n, v) in orders(1, text, Some(text)).iter().enumerate() {
                let json: serde_json::Value = serde_json::from_str(v).unwrap_or_else(|e| panic!("{v}: {e}"));
                assert_eq!(json["customer_id"], text);
                assert_eq!(json["order_id"], format!("{text}-{}", n + 1));
            }
        }
    }
}
