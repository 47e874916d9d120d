//! The consumer client (KafkaConsumer with its fetcher): positions, auto.offset.reset through
//! ListOffsets, one fetch in flight per broker, a buffer that poll() drains max.poll.records
//! at a time, metadata, and the application's poll loop and commitSync. Consumers fetch from
//! the leader and only ever see records below its HW. Subscribed with a group.id, the
//! consumer owns a `ConsumerCoordinator` (consumer_coordinator.rs) for the group protocol.
use crate::vecmap::VecMap;
use std::collections::VecDeque;
use std::rc::Rc;

use super::config::{CommitMode, ConsumerConfig, OffsetReset};
use super::connection::Connections;
use super::consumer_coordinator::{ConsumerContext, ConsumerCoordinator, Handled, Phase};
use super::error::KafkaError;
use super::message::{FetchData, FetchPartition, OffsetSpec, Payload};
use super::out::{Ctx, Timer};
use super::record_batch::RecordBatch;
use super::trace::TraceEvent;
use super::types::{BrokerId, ClientId, Millis, NodeId, Record, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PartitionPosition {
    /// The next offset poll() returns; None until reset or seek.
    pub position: Option<i64>,
    /// Stopped by an error the application must handle (auto.offset.reset=none).
    pub error: Option<KafkaError>,
    pub high_watermark: i64,
    /// After a fetch error the partition waits retry.backoff.ms.
    pub retry_after: Millis,
}

#[derive(Clone, Debug)]
enum Request {
    Fetch(BrokerId),
    ListOffsets(BrokerId),
}

#[derive(Clone, Debug)]
pub struct Consumer {
    pub id: ClientId,
    pub name: Rc<str>,
    pub config: ConsumerConfig,
    pub running: bool,
    pub incarnation: u32,
    pub(crate) bootstrap: Vec<BrokerId>,
    pub(crate) bootstrap_cursor: usize,
    pub(crate) metadata: VecMap<Rc<str>, Vec<(Option<BrokerId>, i32)>>,
    metadata_in_flight: Option<u64>,
    pub(crate) metadata_wanted: bool,
    /// When the last metadata response arrived; the next refresh is due metadata.max.age.ms
    /// later (Metadata.timeToNextUpdate).
    pub(crate) last_metadata_ms: Option<Millis>,
    /// The cluster metadata version of the newest response applied; older ones are stale.
    metadata_version: u64,
    /// No metadata request before this time (backoff after a stale response).
    metadata_retry_at: Millis,
    pub assignment: Vec<TopicPartition>,
    pub positions: VecMap<TopicPartition, PartitionPosition>,
    requests: VecMap<u64, Request>,
    pub(crate) buffer: VecDeque<BufferedBatch>,
    /// Per partition: how many records the buffer holds and the offset poll() moves the
    /// position to once they are all returned (the fetched batches' end).
    pub(crate) buffered: VecMap<TopicPartition, (usize, i64)>,
    /// Subscribed with a group.id: the group protocol decides the assignment.
    pub group: Option<Box<ConsumerCoordinator>>,
    /// The application processes the last poll's records until then.
    pub(crate) busy_until: Millis,
    /// The commitSync the application is blocked in.
    pub(crate) sync_commit_inflight: Option<u64>,
    poll_pending: bool,
    next_req_id: u64,
    wake_at: Option<Millis>,
    pub(crate) connections: Connections,
    pub consumed_count: u64,
    /// How many records the last poll() that returned any gave the application.
    last_batch: u64,
    /// When the consumer was killed or closed.
    pub(crate) stopped_at: Option<Millis>,
    /// Filled only when the simulation records consumption (tests, lessons).
    pub consumed: Vec<(TopicPartition, Record)>,
    pub record_consumed: bool,
}

/// A fetched batch whose records poll() has not returned yet (the consumer's
/// `CompletedFetch`, one batch at a time).
#[derive(Clone, Debug)]
pub(crate) struct BufferedBatch {
    tp: TopicPartition,
    batch: Rc<RecordBatch>,
    /// The index of the next record to return.
    next: usize,
}

impl Consumer {
    pub fn new(id: ClientId, name: Rc<str>, config: ConsumerConfig, bootstrap: Vec<BrokerId>) -> Self {
        Consumer {
            id,
            name,
            config,
            running: true,
            incarnation: 0,
            bootstrap,
            bootstrap_cursor: 0,
            metadata: VecMap::new(),
            metadata_in_flight: None,
            metadata_wanted: true,
            last_metadata_ms: None,
            metadata_version: 0,
            metadata_retry_at: 0,
            assignment: Vec::new(),
            positions: VecMap::new(),
            requests: VecMap::new(),
            buffer: VecDeque::new(),
            buffered: VecMap::new(),
            group: None,
            busy_until: 0,
            sync_commit_inflight: None,
            poll_pending: false,
            next_req_id: 0,
            wake_at: None,
            connections: Connections::default(),
            consumed_count: 0,
            last_batch: 0,
            stopped_at: None,
            consumed: Vec::new(),
            record_consumed: false,
        }
    }

    fn next_req_id(&mut self) -> u64 {
        next_id(&mut self.next_req_id)
    }

    /// The coordinator and the rest of the consumer, lent to it for one call.
    fn split(&mut self) -> Option<(&mut ConsumerCoordinator, Lent<'_>)> {
        let Consumer {
            config,
            name,
            bootstrap,
            bootstrap_cursor,
            metadata,
            metadata_wanted,
            last_metadata_ms,
            assignment,
            positions,
            buffer,
            buffered,
            group,
            busy_until,
            next_req_id,
            wake_at,
            connections,
            ..
        } = self;
        let lent = Lent {
            config,
            name,
            bootstrap,
            bootstrap_cursor,
            connections,
            next_req_id,
            wake_at,
            metadata,
            metadata_wanted,
            last_metadata_ms: *last_metadata_ms,
            assignment,
            positions,
            buffer,
            buffered,
            busy_until: *busy_until,
        };
        Some((group.as_deref_mut()?, lent))
    }

    /// KafkaConsumer.subscribe with a group.id: the member joins at once.
    pub fn subscribe(&mut self, ctx: &mut Ctx, group: &str, topics: Vec<String>) {
        let mut coordinator = ConsumerCoordinator::new(group, topics, ctx.now);
        if let Some(old) = self.group.take() {
            // Subscribing again starts a new membership; committed offsets still being fetched
            // for the partitions the consumer holds are still awaited.
            coordinator.pending_offsets = old.pending_offsets;
            coordinator.offset_fetch_inflight = old.offset_fetch_inflight;
        }
        self.group = Some(Box::new(coordinator));
        self.metadata_wanted = true;
        ctx.set_timer(self.config.heartbeat_interval_ms, Timer::Heartbeat);
        if self.config.commit_mode == CommitMode::Auto {
            ctx.set_timer(self.config.auto_commit_interval_ms.max(1), Timer::AutoCommit);
        }
        self.run(ctx);
    }

    /// KafkaConsumer.assign: replaces the assignment; positions of kept partitions stay.
    pub fn assign(&mut self, ctx: &mut Ctx, partitions: Vec<TopicPartition>) {
        self.positions.retain(|tp, _| partitions.contains(tp));
        for tp in &partitions {
            self.positions.entry(tp.clone()).or_insert(PartitionPosition { position: None, error: None, high_watermark: -1, retry_after: 0 });
        }
        self.buffer.retain(|b| partitions.contains(&b.tp));
        self.buffered.retain(|tp, _| partitions.contains(tp));
        self.assignment = partitions;
        self.metadata_wanted = true;
        self.run(ctx);
    }

    /// KafkaConsumer.seek.
    pub fn seek(&mut self, ctx: &mut Ctx, tp: &TopicPartition, offset: i64) {
        if let Some(p) = self.positions.get_mut(tp) {
            p.position = Some(offset);
            p.error = None;
        }
        self.buffer.retain(|b| b.tp != *tp);
        self.buffered.remove(tp);
        self.run(ctx);
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
            Timer::Poll => {
                self.poll_pending = false;
                self.poll(ctx);
            }
            Timer::Heartbeat => {
                if let Some((g, mut c)) = self.split() {
                    if g.on_heartbeat_timer(ctx, &mut c) {
                        self.schedule_poll(ctx, 0);
                    }
                }
            }
            Timer::AutoCommit => {
                if let Some((g, mut c)) = self.split() {
                    g.on_auto_commit_timer(ctx, &mut c);
                }
            }
            Timer::ProcessingDone => self.on_processing_done(ctx),
            Timer::RequestTimeout { req_id } => {
                if let Some(g) = self.group.as_mut() {
                    if g.inflight_is(req_id) {
                        g.clear_inflight();
                        g.coordinator_gone();
                    }
                }
                if self.sync_commit_inflight == Some(req_id) {
                    // commitSync gives up (TimeoutException) and the application goes on.
                    self.end_sync_commit(ctx);
                }
                if let Some((g, mut c)) = self.split() {
                    g.on_request_timeout(ctx, &mut c, req_id);
                }
                if self.metadata_in_flight == Some(req_id) {
                    self.metadata_in_flight = None;
                    self.bootstrap_cursor += 1;
                    self.metadata_wanted = true;
                }
                if self.requests.remove(&req_id).is_some() {
                    self.metadata_wanted = true;
                }
                self.run(ctx);
            }
            // The brokers', the controller's and producers' timers: a consumer never sets them.
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
            | Timer::RateTick => {}
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, payload: Payload) {
        if !self.running {
            return;
        }
        if let (NodeId::Broker(b), false) = (from, matches!(payload, Payload::Disconnected { .. })) {
            self.connections.connected(b);
        }
        if let Some((g, mut c)) = self.split() {
            match g.on_message(ctx, &mut c, &payload) {
                Handled::NotGroup => {}
                Handled::Done => return,
                Handled::Run => return self.run(ctx),
                Handled::CommitAnswered(req_id) => {
                    if self.sync_commit_inflight == Some(req_id) {
                        self.end_sync_commit(ctx);
                    }
                    return;
                }
            }
        }
        match payload {
            Payload::MetadataResponse { req_id, topics, version } => {
                if self.metadata_in_flight != Some(req_id) {
                    return;
                }
                self.metadata_in_flight = None;
                if version < self.metadata_version {
                    // The broker's metadata image is older than one we already applied (it
                    // restarted and has not caught up): keep ours and ask another broker after
                    // retry.backoff.ms, as Kafka's client keeps cached partitions whose leader
                    // epoch is newer than the response's (Metadata.updateLatestMetadata, KIP-320).
                    self.bootstrap_cursor += 1;
                    self.metadata_wanted = true;
                    self.metadata_retry_at = ctx.now + self.config.retry_backoff_ms;
                    self.run(ctx);
                    return;
                }
                self.metadata_version = version;
                self.last_metadata_ms = Some(ctx.now);
                // A topic the broker does not know yet (just created, its metadata still on
                // the way; or being auto-created) comes back without partitions: ask again
                // after retry.backoff.ms, as Kafka's client does for UNKNOWN_TOPIC_OR_PARTITION
                // and LEADER_NOT_AVAILABLE (Metadata.handleMetadataResponse: an
                // InvalidMetadataException requests an update), not metadata.max.age.ms later.
                if topics.iter().any(|(_, parts)| parts.is_empty()) {
                    self.metadata_wanted = true;
                    self.metadata_retry_at = ctx.now + self.config.retry_backoff_ms;
                }
                for (topic, parts) in topics {
                    self.metadata.insert(topic, parts);
                }
                if let Some((g, mut c)) = self.split() {
                    g.on_metadata_updated(ctx, &mut c, req_id);
                }
                self.run(ctx);
            }
            Payload::ListOffsetsResponse { req_id, partitions } => {
                if self.requests.remove(&req_id).is_none() {
                    return;
                }
                for (tp, r) in partitions {
                    match r {
                        Ok(offset) => {
                            if let Some(p) = self.positions.get_mut(&tp) {
                                if p.position.is_none() {
                                    p.position = Some(offset);
                                    let policy = match self.config.auto_offset_reset {
                                        OffsetReset::Earliest => "earliest",
                                        _ => "latest",
                                    };
                                    ctx.trace(TraceEvent::OffsetReset { client: self.name.clone(), tp: tp.clone(), offset, policy });
                                }
                            }
                        }
                        Err(_) => self.metadata_wanted = true,
                    }
                }
                self.run(ctx);
            }
            Payload::FetchResponse { req_id, partitions } => {
                if self.requests.remove(&req_id).is_none() {
                    return;
                }
                for (tp, r) in partitions {
                    self.on_fetched(ctx, tp, r);
                }
                self.schedule_poll(ctx, 0);
                self.run(ctx);
            }
            Payload::Disconnected { req_id } => {
                if req_id.is_some() && self.metadata_in_flight == req_id {
                    self.metadata_in_flight = None;
                    self.bootstrap_cursor += 1;
                }
                if let Some(id) = req_id {
                    self.requests.remove(&id);
                    if let Some(g) = self.group.as_mut() {
                        if g.inflight_is(id) {
                            g.clear_inflight();
                            g.coordinator_gone();
                        }
                        if g.offset_fetch_inflight == Some(id) {
                            g.offset_fetch_inflight = None;
                            g.coordinator_gone();
                        }
                    }
                    if self.sync_commit_inflight == Some(id) {
                        // The coordinator's connection closed under a commitSync: the commit
                        // fails (retriable) and the application goes on, as on its timeout.
                        if let Some(g) = self.group.as_mut() {
                            g.coordinator_gone();
                        }
                        self.end_sync_commit(ctx);
                    }
                }
                self.metadata_wanted = true;
                if let NodeId::Broker(b) = from {
                    self.connections.refused(b, ctx.now);
                    if let Some(at) = self.connections.retry_at(b) {
                        self.schedule_wake(ctx, at);
                    }
                }
            }
            // A group's answers go to the coordinator above; without a group nothing waits on
            // them (a consumer never leaves the group it subscribed with).
            Payload::FindCoordinatorResponse { .. }
            | Payload::JoinGroupResponse { .. }
            | Payload::SyncGroupResponse { .. }
            | Payload::HeartbeatResponse { .. }
            | Payload::LeaveGroupResponse { .. }
            | Payload::OffsetCommitResponse { .. }
            | Payload::OffsetFetchResponse { .. } => {}
            // Requests, and answers for brokers and producers: never sent to a consumer.
            Payload::BrokerHeartbeat { .. }
            | Payload::BrokerHeartbeatResponse { .. }
            | Payload::MetadataUpdate(_)
            | Payload::AlterPartition { .. }
            | Payload::AlterPartitionResponse { .. }
            | Payload::MetadataRequest { .. }
            | Payload::AutoCreateTopic { .. }
            | Payload::Produce { .. }
            | Payload::ProduceResponse { .. }
            | Payload::Fetch { .. }
            | Payload::ListOffsets { .. }
            | Payload::FindCoordinator { .. }
            | Payload::JoinGroup { .. }
            | Payload::SyncGroup { .. }
            | Payload::Heartbeat { .. }
            | Payload::LeaveGroup { .. }
            | Payload::OffsetCommit { .. }
            | Payload::OffsetFetch { .. } => {}
        }
    }

    fn on_fetched(&mut self, ctx: &mut Ctx, tp: TopicPartition, r: Result<FetchData, KafkaError>) {
        let Some(pos) = self.positions.get_mut(&tp) else { return };
        match r {
            Ok(data) => {
                pos.high_watermark = data.high_watermark;
                // Only records that continue from where poll() will read are kept. Kafka returns
                // whole batches: the records of the first one below the fetch offset are
                // skipped, and control batches are never returned but move the position past
                // them (CompletedFetch.nextFetchedRecord).
                let next = self.buffered.get(&tp).map(|b| b.1).or(pos.position);
                if let (Some(next), Some(first)) = (next, data.batches.first()) {
                    if first.base_offset <= next {
                        let entry = self.buffered.entry(tp.clone()).or_insert((0, next));
                        for batch in data.batches {
                            if batch.next_offset() <= entry.1 {
                                continue;
                            }
                            let from = batch.index_of(entry.1);
                            entry.1 = batch.next_offset();
                            if batch.is_control() {
                                continue;
                            }
                            entry.0 += batch.record_count() - from;
                            self.buffer.push_back(BufferedBatch { tp: tp.clone(), batch, next: from });
                        }
                        if entry.0 == 0 {
                            let end = entry.1;
                            self.buffered.remove(&tp);
                            pos.position = Some(end.max(next));
                        }
                    }
                }
            }
            Err(KafkaError::OffsetOutOfRange) => match self.config.auto_offset_reset {
                OffsetReset::None => {
                    pos.error = Some(KafkaError::OffsetOutOfRange);
                    ctx.trace(TraceEvent::ConsumerError { client: self.name.clone(), tp, error: KafkaError::OffsetOutOfRange });
                }
                _ => pos.position = None,
            },
            Err(e) => {
                pos.retry_after = ctx.now + self.config.retry_backoff_ms;
                if matches!(
                    e,
                    KafkaError::NotLeaderOrFollower | KafkaError::FencedLeaderEpoch | KafkaError::UnknownLeaderEpoch | KafkaError::UnknownTopicOrPartition
                ) {
                    self.metadata_wanted = true;
                }
                let at = ctx.now + self.config.retry_backoff_ms;
                self.schedule_wake(ctx, at);
            }
        }
    }

    /// The application calls poll() again after `delay`, but never while still processing.
    pub(crate) fn schedule_poll(&mut self, ctx: &mut Ctx, delay: Millis) {
        // Blocked in commitSync: the next poll comes when the commit is answered.
        if self.sync_commit_inflight.is_some() {
            return;
        }
        if !self.poll_pending && (!self.buffer.is_empty() || self.group.as_ref().is_some_and(|g| g.needs_poll())) {
            self.poll_pending = true;
            let at = (ctx.now + delay).max(self.busy_until);
            ctx.set_timer(at - ctx.now, Timer::Poll);
        }
    }

    /// The application's poll(): up to max.poll.records from the buffer.
    fn poll(&mut self, ctx: &mut Ctx) {
        if self.sync_commit_inflight.is_some() {
            // Still inside commitSync: end_sync_commit schedules the next poll.
            return;
        }
        if let Some((g, mut c)) = self.split() {
            g.on_poll_entry(ctx, &mut c);
        }
        let mut n = 0;
        let mut ranges: Vec<(TopicPartition, i64, i64)> = Vec::new();
        while n < self.config.max_poll_records {
            let Some(front) = self.buffer.front_mut() else { break };
            let (tp, batch, from) = (front.tp.clone(), front.batch.clone(), front.next);
            let take = (batch.record_count() - from).min(self.config.max_poll_records - n);
            front.next += take;
            if front.next == batch.record_count() {
                self.buffer.pop_front();
            }
            n += take;
            for i in from..from + take {
                let offset = batch.offset_of(i);
                match ranges.last_mut() {
                    Some((t, _, last)) if *t == tp && *last + 1 == offset => *last = offset,
                    _ => ranges.push((tp.clone(), offset, offset)),
                }
                if self.record_consumed {
                    self.consumed.push((tp.clone(), batch.record(i)));
                }
            }
            let mut position = batch.offset_of(from + take - 1) + 1;
            if let Some(b) = self.buffered.get_mut(&tp) {
                b.0 -= take;
                if b.0 == 0 {
                    position = b.1;
                    self.buffered.remove(&tp);
                }
            }
            if let Some(p) = self.positions.get_mut(&tp) {
                p.position = Some(position);
            }
            self.consumed_count += take as u64;
        }
        for (tp, first, last) in ranges {
            ctx.trace(TraceEvent::Consumed { client: self.name.clone(), tp, first_offset: first, last_offset: last });
        }
        if n > 0 {
            self.last_batch = n as u64;
            self.busy_until = ctx.now + self.config.processing_ms;
            match self.config.commit_mode {
                CommitMode::BeforeProcessing => {
                    let _ = self.commit_positions(ctx);
                }
                CommitMode::Sync | CommitMode::Async if self.group.is_some() => ctx.set_timer(self.config.processing_ms, Timer::ProcessingDone),
                // Auto-commit commits in poll() and on its timer; without a group there is no
                // coordinator to commit to.
                CommitMode::Auto | CommitMode::Never | CommitMode::Sync | CommitMode::Async => {}
            }
        }
        self.schedule_poll(ctx, self.config.processing_ms);
        self.run(ctx);
    }

    fn leader_of(&self, tp: &TopicPartition) -> Option<(BrokerId, i32)> {
        self.metadata.get(&tp.topic).and_then(|p| p.get(tp.partition as usize)).and_then(|(l, e)| l.map(|l| (l, *e)))
    }

    fn schedule_wake(&mut self, ctx: &mut Ctx, at: Millis) {
        schedule_wake(&mut self.wake_at, ctx, at);
    }

    fn busy_with(&self, broker: BrokerId, list: bool) -> bool {
        self.requests.values().any(|r| match r {
            Request::Fetch(b) => !list && *b == broker,
            Request::ListOffsets(b) => list && *b == broker,
        })
    }

    fn run(&mut self, ctx: &mut Ctx) {
        if let Some((g, mut c)) = self.split() {
            g.tick(ctx, &mut c);
        }
        // metadata.max.age.ms: metadata is refreshed at least this often, error or not.
        let has_topics = !self.assignment.is_empty() || self.group.is_some();
        if let (Some(last), true, None) = (self.last_metadata_ms, has_topics, self.metadata_in_flight) {
            let due = last + self.config.metadata_max_age_ms;
            if ctx.now >= due {
                self.metadata_wanted = true;
            } else {
                self.schedule_wake(ctx, due);
            }
        }
        if self.metadata_wanted && self.metadata_in_flight.is_none() && self.metadata_retry_at > ctx.now {
            let at = self.metadata_retry_at;
            self.schedule_wake(ctx, at);
        } else if self.metadata_wanted && self.metadata_in_flight.is_none() && !self.bootstrap.is_empty() {
            let mut topics: Vec<Rc<str>> = self.assignment.iter().map(|tp| tp.topic.clone()).collect();
            if let Some(g) = self.group.as_ref() {
                topics.extend(g.group_topics());
            }
            crate::sort::sort(&mut topics);
            topics.dedup();
            let n = self.bootstrap.len();
            let broker = (0..n)
                .map(|i| self.bootstrap[(self.bootstrap_cursor + i) % n])
                .find(|b| self.connections.ready(*b, ctx.now))
                .unwrap_or(self.bootstrap[self.bootstrap_cursor % n]);
            let req_id = self.next_req_id();
            self.metadata_in_flight = Some(req_id);
            self.metadata_wanted = false;
            ctx.send(NodeId::Broker(broker), Payload::MetadataRequest { req_id, topics });
            ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
        }
        let mut resets: VecMap<BrokerId, Vec<(TopicPartition, OffsetSpec)>> = VecMap::new();
        let mut fetches: VecMap<BrokerId, Vec<FetchPartition>> = VecMap::new();
        let mut leaderless = false;
        for tp in self.assignment.clone() {
            let Some(pos) = self.positions.get(&tp).cloned() else { continue };
            if pos.error.is_some() {
                continue;
            }
            if self.group.as_ref().is_some_and(|g| g.pending_offsets.contains(&tp)) {
                continue;
            }
            if pos.retry_after > ctx.now {
                let at = pos.retry_after;
                self.schedule_wake(ctx, at);
                continue;
            }
            let Some((leader, epoch)) = self.leader_of(&tp) else {
                leaderless = true;
                continue;
            };
            match pos.position {
                None => match self.config.auto_offset_reset {
                    OffsetReset::None => {
                        self.positions.get_mut(&tp).expect("exists").error = Some(KafkaError::NoOffsetForPartition);
                        ctx.trace(TraceEvent::ConsumerError { client: self.name.clone(), tp, error: KafkaError::NoOffsetForPartition });
                    }
                    policy => {
                        let spec = if policy == OffsetReset::Earliest { OffsetSpec::Earliest } else { OffsetSpec::Latest };
                        resets.entry(leader).or_default().push((tp, spec));
                    }
                },
                Some(position) => {
                    // Partitions with records still buffered are not fetched again.
                    if self.buffered.contains_key(&tp) {
                        continue;
                    }
                    fetches.entry(leader).or_default().push(FetchPartition {
                        tp,
                        fetch_offset: position,
                        last_fetched_epoch: None,
                        current_leader_epoch: epoch,
                        max_bytes: self.config.max_partition_fetch_bytes,
                    });
                }
            }
        }
        if leaderless {
            self.metadata_wanted = true;
            let at = ctx.now + self.config.retry_backoff_ms;
            self.schedule_wake(ctx, at);
        }
        let now = ctx.now;
        let conns = self.connections.clone();
        let blocked = |b: &BrokerId| !conns.ready(*b, now);
        for (broker, partitions) in resets {
            if self.busy_with(broker, true) || blocked(&broker) {
                continue;
            }
            let req_id = self.next_req_id();
            self.requests.insert(req_id, Request::ListOffsets(broker));
            ctx.send(NodeId::Broker(broker), Payload::ListOffsets { req_id, partitions });
            ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
        }
        for (broker, partitions) in fetches {
            if self.busy_with(broker, false) || blocked(&broker) {
                continue;
            }
            let req_id = self.next_req_id();
            self.requests.insert(req_id, Request::Fetch(broker));
            ctx.send(NodeId::Broker(broker), Payload::Fetch { req_id, replica: None, max_wait_ms: self.config.fetch_max_wait_ms, partitions });
            ctx.set_timer(self.config.request_timeout_ms + self.config.fetch_max_wait_ms, Timer::RequestTimeout { req_id });
        }
    }
}

impl Consumer {
    /// How many records the application finished processing: all that poll() returned, but
    /// the last batch while its processing time runs (or ran, when the consumer stopped).
    /// Blocked in commitSync, the batch is processed.
    pub fn processed_count(&self, now: Millis) -> u64 {
        let unfinished = self.stopped_at.unwrap_or(now) < self.busy_until && self.sync_commit_inflight.is_none();
        self.consumed_count - if unfinished { self.last_batch } else { 0 }
    }

    /// Commits the positions of every owned partition (in a group); returns the request id.
    fn commit_positions(&mut self, ctx: &mut Ctx) -> Option<u64> {
        let (g, mut c) = self.split()?;
        g.commit_positions(ctx, &mut c)
    }

    /// Processing of the last batch is done: commitSync (the application blocks until the
    /// answer) or commitAsync (it polls on at once).
    fn on_processing_done(&mut self, ctx: &mut Ctx) {
        if !self.group.as_ref().is_some_and(|g| g.phase == Phase::Stable) {
            return;
        }
        match self.config.commit_mode {
            CommitMode::Async => {
                self.commit_positions(ctx);
            }
            CommitMode::Sync => {
                if let Some(req_id) = self.commit_positions(ctx) {
                    self.sync_commit_inflight = Some(req_id);
                    self.busy_until = Millis::MAX;
                    ctx.set_timer(self.config.request_timeout_ms, Timer::RequestTimeout { req_id });
                }
            }
            // These commit in poll() (auto, before processing) or never.
            CommitMode::Auto | CommitMode::BeforeProcessing | CommitMode::Never => {}
        }
    }

    /// commitSync returned (answered or timed out): the application polls again.
    fn end_sync_commit(&mut self, ctx: &mut Ctx) {
        self.sync_commit_inflight = None;
        self.busy_until = ctx.now;
        self.schedule_poll(ctx, 0);
        self.run(ctx);
    }

    /// Closing the consumer: its coordinator commits and leaves the group (dynamic members).
    pub fn close(&mut self, ctx: &mut Ctx) {
        if let Some((g, mut c)) = self.split() {
            g.close(ctx, &mut c);
        }
        self.running = false;
    }
}

fn next_id(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter
}

/// Wakes the consumer at `at` unless an earlier wake-up (still in the future) is set.
fn schedule_wake(wake_at: &mut Option<Millis>, ctx: &mut Ctx, at: Millis) {
    if wake_at.is_none_or(|w| at < w || w < ctx.now) {
        *wake_at = Some(at);
        ctx.set_timer(at.saturating_sub(ctx.now), Timer::ClientWake);
    }
}

/// The consumer without its coordinator, lent to the coordinator for one call.
struct Lent<'a> {
    config: &'a ConsumerConfig,
    name: &'a Rc<str>,
    bootstrap: &'a [BrokerId],
    bootstrap_cursor: &'a mut usize,
    connections: &'a Connections,
    next_req_id: &'a mut u64,
    wake_at: &'a mut Option<Millis>,
    metadata: &'a VecMap<Rc<str>, Vec<(Option<BrokerId>, i32)>>,
    metadata_wanted: &'a mut bool,
    last_metadata_ms: Option<Millis>,
    assignment: &'a mut Vec<TopicPartition>,
    positions: &'a mut VecMap<TopicPartition, PartitionPosition>,
    buffer: &'a mut VecDeque<BufferedBatch>,
    buffered: &'a mut VecMap<TopicPartition, (usize, i64)>,
    busy_until: Millis,
}

impl ConsumerContext for Lent<'_> {
    fn config(&self) -> &ConsumerConfig {
        self.config
    }

    fn name(&self) -> &Rc<str> {
        self.name
    }

    fn next_req_id(&mut self) -> u64 {
        next_id(self.next_req_id)
    }

    fn last_req_id(&self) -> u64 {
        *self.next_req_id
    }

    fn ready_bootstrap(&self, now: Millis) -> Option<BrokerId> {
        let n = self.bootstrap.len();
        (0..n).map(|i| self.bootstrap[(*self.bootstrap_cursor + i) % n]).find(|b| self.connections.ready(*b, now))
    }

    fn next_bootstrap(&mut self) {
        *self.bootstrap_cursor += 1;
    }

    fn schedule_wake(&mut self, ctx: &mut Ctx, at: Millis) {
        schedule_wake(self.wake_at, ctx, at);
    }

    fn busy_until(&self) -> Millis {
        self.busy_until
    }

    fn assignment(&self) -> &[TopicPartition] {
        self.assignment
    }

    fn assignment_mut(&mut self) -> &mut Vec<TopicPartition> {
        self.assignment
    }

    fn position(&self, tp: &TopicPartition) -> Option<i64> {
        self.positions.get(tp).and_then(|p| p.position)
    }

    fn set_position(&mut self, tp: &TopicPartition, position: Option<i64>) {
        if let Some(p) = self.positions.get_mut(tp) {
            p.position = position;
        }
    }

    fn add_partition(&mut self, tp: TopicPartition) {
        self.positions.insert(tp, PartitionPosition { position: None, error: None, high_watermark: -1, retry_after: 0 });
    }

    fn drop_partitions(&mut self, gone: &[TopicPartition]) {
        self.positions.retain(|tp, _| !gone.contains(tp));
        self.buffer.retain(|b| !gone.contains(&b.tp));
        self.buffered.retain(|tp, _| !gone.contains(tp));
    }

    fn partition_count(&self, topic: &str) -> Option<usize> {
        self.metadata.get(topic).map(Vec::len)
    }

    fn metadata_due(&self, now: Millis) -> bool {
        self.last_metadata_ms.is_none_or(|t| now >= t + self.config.metadata_max_age_ms)
    }

    fn metadata_wanted(&self) -> bool {
        *self.metadata_wanted
    }

    fn request_metadata(&mut self) {
        *self.metadata_wanted = true;
    }
}
