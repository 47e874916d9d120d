//! A broker: hosts partition replicas, leads or follows them, serves produce and fetch,
//! maintains the ISR and the high watermark, and heartbeats to the controller.
//!
//! Citations are to apache/kafka `core/src/main/scala/kafka/cluster/Partition.scala` (PS) and
//! `AbstractFetcherThread.scala` (AFT) at the commit named in ../shared/kafka-reference.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::config::ClusterConfig;
use super::error::KafkaError;
use super::log::{PartitionLog, SequenceCheck};
use super::message::{FetchData, FetchPartition, MetadataDelta, OffsetSpec, PartitionLeader, PartitionState, Payload, ProduceBatch, TopicSettings};
use super::out::{Ctx, Timer};
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, Record, TopicPartition};

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum BrokerState {
    Running,
    /// Controlled shutdown requested; waits for the controller to move leaderships.
    ShuttingDown,
    Down,
}

/// What the leader knows of one follower (Replica.scala's ReplicaState).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FollowerState {
    /// -1 until the follower fetches from this leader.
    pub log_end_offset: i64,
    pub last_caught_up_ms: Millis,
    pub last_fetch_ms: Millis,
    pub last_fetch_leader_log_end_offset: i64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Role {
    Leader {
        /// The ISR as the controller committed it.
        isr: Vec<BrokerId>,
        /// A proposed ISR in flight to the controller, and when it was sent.
        pending_isr: Option<(Vec<BrokerId>, Millis)>,
        followers: VecMap<BrokerId, FollowerState>,
    },
    Follower {
        leader: Option<BrokerId>,
    },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub high_watermark: i64,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub role: Role,
    pub settings: TopicSettings,
}

impl Replica {
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader { .. })
    }

    /// The ISR the leader must honour while a change is in flight (KIP-497's maximal ISR):
    /// committed members plus proposed additions.
    pub fn maximal_isr(&self) -> Vec<BrokerId> {
        match &self.role {
            Role::Leader { isr, pending_isr, .. } => {
                let mut m = isr.clone();
                if let Some((p, _)) = pending_isr {
                    for b in p {
                        if !m.contains(b) {
                            m.push(*b);
                        }
                    }
                }
                m
            }
            Role::Follower { .. } => Vec::new(),
        }
    }

    pub fn committed_isr(&self) -> &[BrokerId] {
        match &self.role {
            Role::Leader { isr, .. } => isr,
            Role::Follower { .. } => &[],
        }
    }

    fn effective_min_isr(&self) -> usize {
        (self.settings.min_insync_replicas.max(1) as usize).min(self.replicas.len().max(1))
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
struct ParkedFetch {
    park_id: u64,
    from: NodeId,
    req_id: u64,
    replica: Option<BrokerId>,
    partitions: Vec<FetchPartition>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum DelayedResult {
    Done(Result<i64, KafkaError>),
    /// Waiting for the high watermark to reach `required_offset`.
    Waiting {
        base_offset: i64,
        required_offset: i64,
        leader_epoch: i32,
    },
}

/// Who waits on a delayed append, and how to answer them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Reply {
    Produce,
    /// A group's offset commit, applied to the coordinator's cache once replicated.
    OffsetCommit {
        group: Rc<str>,
        offsets: Vec<(TopicPartition, i64)>,
    },
    /// The leader's assignment, stored before the group becomes Stable.
    GroupStored {
        group: Rc<str>,
        generation: i32,
    },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct DelayedProduce {
    pub(crate) purgatory_id: u64,
    pub(crate) from: NodeId,
    pub(crate) req_id: u64,
    pub(crate) results: Vec<(TopicPartition, DelayedResult)>,
    pub(crate) reply: Reply,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct Fetcher {
    in_flight: Option<u64>,
    backoff_until: Millis,
}

#[derive(Clone, Debug)]
pub struct Broker {
    pub id: BrokerId,
    pub state: BrokerState,
    pub incarnation: u32,
    pub metadata_version: u64,
    /// Whether the controller last told this broker it is fenced.
    pub fenced: bool,
    pub live_brokers: Vec<BrokerId>,
    /// This broker's own dynamic configs (defaults for what topics do not override).
    pub dynamic_configs: VecMap<String, String>,
    /// The metadata image: partition states and settings of every topic.
    pub metadata: VecMap<TopicPartition, (PartitionState, TopicSettings)>,
    pub replicas: VecMap<TopicPartition, Replica>,
    parked: Vec<ParkedFetch>,
    pub(crate) purgatory: Vec<DelayedProduce>,
    fetchers: VecMap<BrokerId, Fetcher>,
    next_id: u64,
    pub(crate) cluster: ClusterConfig,
    /// Consumer groups this broker coordinates (it leads their __consumer_offsets partition).
    pub groups: VecMap<Rc<str>, super::group::Group>,
}

/// How long a proposed ISR change may stay unanswered before the leader proposes again.
const ALTER_PARTITION_RETRY_MS: Millis = 5_000;
/// log.retention.check.interval.ms is 300000 in Kafka; a simulated minute keeps scenes short.
const RETENTION_CHECK_INTERVAL_MS: Millis = 60_000;

impl Broker {
    pub fn new(id: BrokerId, cluster: ClusterConfig) -> Self {
        Broker {
            id,
            state: BrokerState::Down,
            incarnation: 0,
            metadata_version: 0,
            fenced: true,
            live_brokers: Vec::new(),
            dynamic_configs: VecMap::new(),
            metadata: VecMap::new(),
            replicas: VecMap::new(),
            parked: Vec::new(),
            purgatory: Vec::new(),
            fetchers: VecMap::new(),
            next_id: 1,
            cluster,
            groups: VecMap::new(),
        }
    }

    pub fn is_up(&self) -> bool {
        self.state != BrokerState::Down
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    // ---- Lifecycle ----

    /// Starts (or restarts) the process. Logs survive a restart; everything in memory
    /// (metadata, roles, purgatories, fetchers) is rebuilt from the controller.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.state = BrokerState::Running;
        self.incarnation += 1;
        self.metadata_version = 0;
        self.fenced = true;
        self.metadata.clear();
        self.parked.clear();
        self.purgatory.clear();
        self.fetchers.clear();
        self.groups.clear();
        for r in self.replicas.values_mut() {
            r.role = Role::Follower { leader: None };
            // The recovery point: a simplification that assumes a fresh HW checkpoint.
            r.high_watermark = r.high_watermark.min(r.log.log_end_offset());
            // Kafka rebuilds its Partition objects from the metadata image after a restart: the
            // epochs it knew live only in the log's epoch cache. Forgetting them here makes the
            // first image apply even when no epoch moved while the broker was down (a clean
            // stop whose last update the broker had already applied).
            r.leader_epoch = -1;
            r.partition_epoch = -1;
        }
        ctx.trace(TraceEvent::BrokerStarted { broker: self.id });
        self.send_heartbeat(ctx);
        ctx.set_timer(RETENTION_CHECK_INTERVAL_MS, Timer::RetentionCheck);
        ctx.set_timer(self.cluster.replica_lag_time_max_ms / 2, Timer::IsrCheck);
    }

    /// A hard kill: the process is gone at once. Its host's kernel still closes its sockets,
    /// so whoever waits on a request the broker held hears the connection close.
    pub fn kill(&mut self, ctx: &mut Ctx) {
        self.state = BrokerState::Down;
        self.incarnation += 1;
        ctx.trace(TraceEvent::BrokerKilled { broker: self.id });
        self.close_connections(ctx);
    }

    /// The process ended with requests it had not answered: parked fetches, produces and
    /// offset commits in purgatory, group members waiting on JoinGroup or SyncGroup. Their
    /// connections close, and a Kafka client fails every in-flight request on a closed
    /// connection at once (NetworkClient.processDisconnection) instead of waiting for
    /// request.timeout.ms.
    fn close_connections(&mut self, ctx: &mut Ctx) {
        let mut held: Vec<(NodeId, u64)> = Vec::new();
        held.extend(self.parked.drain(..).map(|p| (p.from, p.req_id)));
        for d in self.purgatory.drain(..) {
            if matches!(d.reply, Reply::Produce | Reply::OffsetCommit { .. }) {
                held.push((d.from, d.req_id));
            }
        }
        for g in self.groups.values() {
            for m in g.members.values() {
                held.extend(m.pending_join.iter().chain(m.pending_sync.iter()).map(|r| (m.client, *r)));
            }
        }
        let mut seen: Vec<(NodeId, u64)> = Vec::with_capacity(held.len());
        for (to, req_id) in held {
            if !seen.contains(&(to, req_id)) {
                seen.push((to, req_id));
                ctx.send(to, Payload::Disconnected { req_id: Some(req_id) });
            }
        }
    }

    /// A clean shutdown: ask the controller to move leaderships first (controlled shutdown).
    pub fn request_shutdown(&mut self, ctx: &mut Ctx) {
        self.state = BrokerState::ShuttingDown;
        ctx.trace(TraceEvent::BrokerShutdownRequested { broker: self.id });
        self.send_heartbeat(ctx);
    }

    fn send_heartbeat(&mut self, ctx: &mut Ctx) {
        ctx.send(
            NodeId::Controller,
            Payload::BrokerHeartbeat {
                incarnation: self.incarnation,
                metadata_version: self.metadata_version,
                want_shutdown: self.state == BrokerState::ShuttingDown,
            },
        );
        ctx.set_timer(self.cluster.broker_heartbeat_interval_ms, Timer::BrokerHeartbeat);
    }

    // ---- Dispatch ----

    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, payload: Payload) {
        match payload {
            Payload::BrokerHeartbeatResponse { fenced, shutdown_ok, metadata } => {
                self.fenced = fenced;
                if let Some(m) = metadata {
                    self.apply_metadata(ctx, m);
                }
                if shutdown_ok && self.state == BrokerState::ShuttingDown {
                    self.state = BrokerState::Down;
                    self.incarnation += 1;
                    ctx.trace(TraceEvent::BrokerStopped { broker: self.id });
                    self.close_connections(ctx);
                }
            }
            Payload::MetadataUpdate(delta) => self.apply_metadata(ctx, delta),
            Payload::AlterPartitionResponse { tp, result } => self.on_alter_partition_response(ctx, tp, result),
            Payload::MetadataRequest { req_id, topics } => self.on_metadata_request(ctx, from, req_id, topics),
            Payload::Produce { req_id, acks, timeout_ms, batches } => self.on_produce(ctx, from, req_id, acks, timeout_ms, batches),
            Payload::Fetch { req_id, replica, max_wait_ms, partitions } => self.on_fetch(ctx, from, req_id, replica, max_wait_ms, partitions),
            Payload::FetchResponse { req_id, partitions } => {
                if let NodeId::Broker(leader) = from {
                    self.on_fetch_response(ctx, leader, req_id, partitions);
                }
            }
            Payload::ListOffsets { req_id, partitions } => self.on_list_offsets(ctx, from, req_id, partitions),
            Payload::FindCoordinator { req_id, group } => self.on_find_coordinator(ctx, from, req_id, &group),
            Payload::JoinGroup { req_id, join } => self.on_join_group(ctx, from, req_id, join),
            Payload::SyncGroup { req_id, group, generation, member_id, assignments } => {
                self.on_sync_group(ctx, from, req_id, &group, generation, &member_id, assignments)
            }
            Payload::Heartbeat { req_id, group, generation, member_id } => self.on_heartbeat(ctx, from, req_id, &group, generation, &member_id),
            Payload::LeaveGroup { req_id, group, member_id } => self.on_leave_group(ctx, from, req_id, &group, &member_id),
            Payload::OffsetCommit { req_id, group, generation, member_id, offsets } => {
                self.on_offset_commit(ctx, from, req_id, &group, generation, &member_id, offsets)
            }
            Payload::OffsetFetch { req_id, group, partitions } => self.on_offset_fetch(ctx, from, req_id, &group, partitions),
            Payload::Disconnected { req_id: Some(req_id) } => {
                // A follower's fetch hit a dead leader: back off, then try again.
                if let NodeId::Broker(leader) = from {
                    self.fail_fetch(ctx, leader, req_id, false);
                }
            }
            _ => {}
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::BrokerHeartbeat => self.send_heartbeat(ctx),
            Timer::IsrCheck => {
                self.maybe_shrink_isr(ctx);
                ctx.set_timer(self.cluster.replica_lag_time_max_ms / 2, Timer::IsrCheck);
            }
            Timer::FetcherWake { leader } => self.maybe_fetch(ctx, leader),
            Timer::ReplicaFetchTimeout { leader, req_id } => self.fail_fetch(ctx, leader, req_id, true),
            Timer::FetchExpire { park_id } => {
                if let Some(i) = self.parked.iter().position(|p| p.park_id == park_id) {
                    let p = self.parked.remove(i);
                    self.respond_fetch(ctx, p.from, p.req_id, p.replica, &p.partitions);
                }
            }
            Timer::ProduceExpire { purgatory_id } => {
                if let Some(i) = self.purgatory.iter().position(|d| d.purgatory_id == purgatory_id) {
                    let d = self.purgatory.remove(i);
                    self.send_delayed(ctx, d);
                }
            }
            Timer::GroupJoin { group } => self.on_join_deadline(ctx, &group),
            Timer::MemberSession { group, member } => self.on_member_session(ctx, &group, &member),
            Timer::RetentionCheck => {
                self.apply_retention(ctx);
                ctx.set_timer(RETENTION_CHECK_INTERVAL_MS, Timer::RetentionCheck);
            }
            _ => {}
        }
    }

    // ---- Metadata ----

    fn apply_metadata(&mut self, ctx: &mut Ctx, delta: MetadataDelta) {
        if !delta.full && delta.version <= self.metadata_version {
            return;
        }
        // KRaft brokers read the metadata log in order (they fetch it by offset), so no change
        // is ever skipped. A delta after a gap (a lost update) is not applied over it: the
        // broker's next heartbeat still reports the old version, and its response carries the
        // full image, as a lost metadata fetch is retried after
        // controller.quorum.request.timeout.ms (2000, the heartbeat interval's default too).
        if !delta.full && delta.version > self.metadata_version + 1 {
            // A (re)started broker has no image yet: the image comes with its first heartbeat.
            if self.metadata_version > 0 {
                ctx.trace(TraceEvent::MetadataGap { broker: self.id, applied: self.metadata_version, received: delta.version });
            }
            return;
        }
        if delta.full && delta.version < self.metadata_version {
            return;
        }
        self.metadata_version = delta.version;
        self.live_brokers = delta.live_brokers.clone();
        self.dynamic_configs = delta.broker_configs.get(&self.id).cloned().unwrap_or_default();
        if delta.full {
            let keep: Vec<TopicPartition> = delta.partitions.iter().map(|(tp, _, _)| tp.clone()).collect();
            let gone: Vec<TopicPartition> = self.replicas.keys().filter(|tp| !keep.contains(tp)).cloned().collect();
            for tp in gone {
                self.remove_replica(ctx, &tp);
            }
            self.metadata.retain(|tp, _| keep.contains(tp));
        }
        for topic in &delta.deleted_topics {
            let gone: Vec<TopicPartition> = self.metadata.keys().filter(|tp| tp.topic == *topic).cloned().collect();
            for tp in gone {
                self.metadata.remove(&tp);
                self.remove_replica(ctx, &tp);
            }
        }
        for (tp, st, settings) in delta.partitions {
            self.metadata.insert(tp.clone(), (st.clone(), settings.clone()));
            self.apply_partition_state(ctx, tp, st, settings);
        }
        let leaders: Vec<BrokerId> = self.fetchers.keys().copied().collect();
        for leader in leaders {
            self.maybe_fetch(ctx, leader);
        }
    }

    fn remove_replica(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        if self.replicas.remove(tp).is_some() {
            self.fail_delayed_produces(ctx, tp, KafkaError::UnknownTopicOrPartition);
        }
    }

    /// Becomes leader or follower as the controller decided (Partition.makeLeader /
    /// makeFollower), or just takes a new committed ISR.
    /// The topic's settings with this broker's dynamic defaults for what the topic does not set.
    fn local_settings(&self, mut s: TopicSettings) -> TopicSettings {
        for (name, value) in &self.dynamic_configs {
            let Some(topic_name) = super::config::topic_name_for_broker_config(name) else { continue };
            if s.overridden.iter().any(|o| o == topic_name) {
                continue;
            }
            if topic_name == "cleanup.policy" {
                s.cleanup_policy_delete = value.split(',').any(|p| p.trim() == "delete");
                continue;
            }
            let Ok(n) = value.parse::<i64>() else { continue };
            match topic_name {
                "min.insync.replicas" => s.min_insync_replicas = n as i32,
                "segment.bytes" => s.segment_bytes = n,
                "segment.ms" => s.segment_ms = n,
                "max.message.bytes" => s.max_message_bytes = n,
                "retention.ms" => s.retention_ms = n,
                "retention.bytes" => s.retention_bytes = n,
                _ => {}
            }
        }
        s
    }

    fn apply_partition_state(&mut self, ctx: &mut Ctx, tp: TopicPartition, st: PartitionState, settings: TopicSettings) {
        let settings = self.local_settings(settings);
        if !st.replicas.contains(&self.id) {
            self.remove_replica(ctx, &tp);
            return;
        }
        let now = ctx.now;
        let me = self.id;
        let replica = self.replicas.entry(tp.clone()).or_insert_with(|| Replica {
            log: PartitionLog::new(),
            high_watermark: 0,
            leader_epoch: -1,
            partition_epoch: -1,
            replicas: st.replicas.clone(),
            role: Role::Follower { leader: None },
            settings: settings.clone(),
        });
        replica.settings = settings;
        replica.replicas = st.replicas.clone();
        if st.leader_epoch < replica.leader_epoch || (st.leader_epoch == replica.leader_epoch && st.partition_epoch <= replica.partition_epoch) {
            return;
        }
        let new_epoch = st.leader_epoch > replica.leader_epoch || (st.leader == Some(me)) != replica.is_leader();
        replica.partition_epoch = st.partition_epoch;
        if st.leader == Some(me) {
            if new_epoch || !replica.is_leader() {
                replica.leader_epoch = st.leader_epoch;
                let leo = replica.log.log_end_offset();
                replica.log.assign_epoch(st.leader_epoch, leo);
                let followers = st
                    .replicas
                    .iter()
                    .filter(|b| **b != me)
                    .map(|b| {
                        let in_sync = st.isr.contains(b);
                        (
                            *b,
                            FollowerState {
                                log_end_offset: -1,
                                last_caught_up_ms: if in_sync { now } else { 0 },
                                last_fetch_ms: 0,
                                last_fetch_leader_log_end_offset: -1,
                            },
                        )
                    })
                    .collect::<VecMap<_, _>>();
                replica.role = Role::Leader { isr: st.isr.clone(), pending_isr: None, followers };
                ctx.trace(TraceEvent::BecameLeader { tp: tp.clone(), broker: me, leader_epoch: st.leader_epoch, log_end_offset: leo });
                if &*tp.topic == super::coordinator::OFFSETS_TOPIC {
                    self.load_groups(ctx, &tp);
                }
            } else if let Role::Leader { isr, pending_isr, .. } = &mut replica.role {
                *isr = st.isr.clone();
                *pending_isr = None;
            }
            self.maybe_increment_hw(ctx, &tp);
        } else {
            let was_leader = replica.is_leader();
            let leader_changed = !matches!(replica.role, Role::Follower { leader } if leader == st.leader);
            replica.leader_epoch = st.leader_epoch;
            if was_leader || leader_changed || new_epoch {
                replica.role = Role::Follower { leader: st.leader };
                ctx.trace(TraceEvent::BecameFollower { tp: tp.clone(), broker: me, leader: st.leader, leader_epoch: st.leader_epoch });
                if was_leader {
                    self.fail_delayed_produces(ctx, &tp, KafkaError::NotLeaderOrFollower);
                    if &*tp.topic == super::coordinator::OFFSETS_TOPIC {
                        self.unload_groups(ctx, tp.partition);
                    }
                }
                if let Some(leader) = st.leader {
                    self.fetchers.entry(leader).or_default();
                }
            }
        }
    }

    fn on_metadata_request(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, topics: Vec<Rc<str>>) {
        let mut out: Vec<(Rc<str>, Vec<PartitionLeader>)> = Vec::new();
        for topic in topics {
            let parts: Vec<PartitionLeader> = self
                .metadata
                .range(TopicPartition { topic: topic.clone(), partition: 0 }..)
                .take_while(|(tp, _)| tp.topic == topic)
                .map(|(_, (st, _))| (st.leader, st.leader_epoch))
                .collect();
            if parts.is_empty() {
                // auto.create.topics.enable=true (Kafka's default): the broker asks the
                // controller to create the topic; the client retries its metadata request.
                ctx.send(NodeId::Controller, Payload::AutoCreateTopic { topic: topic.clone() });
            }
            out.push((topic, parts));
        }
        ctx.send(from, Payload::MetadataResponse { req_id, version: self.metadata_version, topics: out });
    }

    // ---- Produce ----

    fn on_produce(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, acks: i16, timeout_ms: u64, batches: Vec<ProduceBatch>) {
        let mut results = Vec::with_capacity(batches.len());
        for batch in batches {
            let tp = batch.tp.clone();
            let r = self.append_to_leader(ctx, batch, acks);
            if let Err(e) = &r {
                ctx.trace(TraceEvent::ProduceRejected { tp: tp.clone(), broker: self.id, error: *e });
            }
            results.push((tp, r));
        }
        match acks {
            // acks=0: the broker sends no response at all.
            0 => {}
            1 => {
                let results = results.into_iter().map(|(tp, r)| (tp, r.map(|(base, _)| base))).collect();
                ctx.send(from, Payload::ProduceResponse { req_id, results });
            }
            _ => {
                let purgatory_id = self.next_id();
                let results: Vec<(TopicPartition, DelayedResult)> = results
                    .into_iter()
                    .map(|(tp, r)| {
                        let epoch = self.replicas.get(&tp).map_or(-1, |r| r.leader_epoch);
                        let d = match r {
                            Ok((base, Some(required))) => DelayedResult::Waiting { base_offset: base, required_offset: required, leader_epoch: epoch },
                            Ok((base, None)) => DelayedResult::Done(Ok(base)),
                            Err(e) => DelayedResult::Done(Err(e)),
                        };
                        (tp, d)
                    })
                    .collect();
                let mut d = DelayedProduce { purgatory_id, from, req_id, results, reply: Reply::Produce };
                if self.try_complete(&mut d) {
                    self.send_delayed(ctx, d);
                } else {
                    self.purgatory.push(d);
                    ctx.set_timer(timeout_ms, Timer::ProduceExpire { purgatory_id });
                }
            }
        }
    }

    /// Partition.appendRecordsToLeader: leadership, size, min ISR (acks=all) and
    /// idempotence checks, then the append. Returns the base offset and, for acks=all, the
    /// offset the high watermark must pass.
    pub(crate) fn append_to_leader(&mut self, ctx: &mut Ctx, batch: ProduceBatch, acks: i16) -> Result<(i64, Option<i64>), KafkaError> {
        let me = self.id;
        let now = ctx.now;
        let Some(replica) = self.replicas.get_mut(&batch.tp) else {
            return Err(if self.metadata.contains_key(&batch.tp) { KafkaError::NotLeaderOrFollower } else { KafkaError::UnknownTopicOrPartition });
        };
        if !replica.is_leader() {
            return Err(KafkaError::NotLeaderOrFollower);
        }
        let bytes: usize = batch.records.iter().map(|r| super::types::record_size(r.key.as_deref(), r.value.as_deref(), &r.headers)).sum();
        if bytes as i64 > replica.settings.max_message_bytes {
            return Err(KafkaError::RecordTooLarge);
        }
        // PS:1375-1387: with acks=all, refuse before writing anything when the ISR is too small.
        if acks == -1 && replica.committed_isr().len() < replica.effective_min_isr() {
            return Err(KafkaError::NotEnoughReplicas);
        }
        let n = batch.records.len() as i32;
        let last_seq = if batch.producer_id >= 0 { batch.base_sequence.wrapping_add(n - 1) } else { -1 };
        match replica.log.check_sequence(batch.producer_id, batch.base_sequence, last_seq) {
            SequenceCheck::Accept => {}
            SequenceCheck::Duplicate { base_offset } => {
                ctx.trace(TraceEvent::DuplicateBatch { tp: batch.tp.clone(), broker: me, base_offset });
                let required = (acks == -1).then_some(base_offset + n as i64);
                return Ok((base_offset, required));
            }
            SequenceCheck::OutOfOrder => return Err(KafkaError::OutOfOrderSequenceNumber),
        }
        let base = replica.log.log_end_offset();
        let epoch = replica.leader_epoch;
        let records: Vec<Rc<Record>> = batch
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Rc::new(Record {
                    offset: base + i as i64,
                    leader_epoch: epoch,
                    timestamp_ms: r.timestamp_ms,
                    key: r.key.clone(),
                    value: r.value.clone(),
                    headers: r.headers.clone(),
                    producer_id: batch.producer_id,
                    sequence: if batch.producer_id >= 0 { batch.base_sequence.wrapping_add(i as i32) } else { -1 },
                })
            })
            .collect();
        let (seg_bytes, seg_ms) = (replica.settings.segment_bytes, replica.settings.segment_ms);
        replica.log.append(&records, now, seg_bytes, seg_ms);
        let last = base + n as i64 - 1;
        ctx.trace(TraceEvent::Appended { tp: batch.tp.clone(), broker: me, first_offset: base, last_offset: last, leader_epoch: epoch, leader: true });
        let tp = batch.tp.clone();
        self.maybe_increment_hw(ctx, &tp);
        self.wake_parked(ctx, &tp);
        Ok((base, (acks == -1).then_some(last + 1)))
    }

    /// DelayedProduce.tryComplete via Partition.checkEnoughReplicasReachOffset (PS:1111-1146).
    pub(crate) fn try_complete(&self, d: &mut DelayedProduce) -> bool {
        let mut all = true;
        for (tp, r) in d.results.iter_mut() {
            if let DelayedResult::Waiting { base_offset, required_offset, leader_epoch } = *r {
                match self.replicas.get(tp) {
                    Some(rep) if rep.is_leader() && rep.leader_epoch == leader_epoch => {
                        if rep.high_watermark >= required_offset {
                            *r = if rep.maximal_isr().len() >= rep.effective_min_isr() {
                                DelayedResult::Done(Ok(base_offset))
                            } else {
                                DelayedResult::Done(Err(KafkaError::NotEnoughReplicasAfterAppend))
                            };
                        } else {
                            all = false;
                        }
                    }
                    _ => *r = DelayedResult::Done(Err(KafkaError::NotLeaderOrFollower)),
                }
            }
        }
        all
    }

    pub(crate) fn send_delayed(&mut self, ctx: &mut Ctx, d: DelayedProduce) {
        let results: Vec<(TopicPartition, Result<i64, KafkaError>)> = d
            .results
            .into_iter()
            .map(|(tp, r)| match r {
                DelayedResult::Done(r) => (tp, r),
                DelayedResult::Waiting { .. } => (tp, Err(KafkaError::RequestTimedOut)),
            })
            .collect();
        match d.reply {
            Reply::Produce => ctx.send(d.from, Payload::ProduceResponse { req_id: d.req_id, results }),
            Reply::OffsetCommit { group, offsets } => self.finish_offset_commit(ctx, d.from, d.req_id, &group, offsets, &results),
            Reply::GroupStored { group, generation } => self.finish_group_store(ctx, &group, generation, results.iter().all(|(_, r)| r.is_ok())),
        }
    }

    fn complete_delayed_produces(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        let mut i = 0;
        while i < self.purgatory.len() {
            if !self.purgatory[i].results.iter().any(|(t, _)| t == tp) {
                i += 1;
                continue;
            }
            let mut d = self.purgatory[i].clone();
            if self.try_complete(&mut d) {
                self.purgatory.remove(i);
                self.send_delayed(ctx, d);
            } else {
                self.purgatory[i] = d;
                i += 1;
            }
        }
    }

    fn fail_delayed_produces(&mut self, ctx: &mut Ctx, tp: &TopicPartition, error: KafkaError) {
        let mut i = 0;
        while i < self.purgatory.len() {
            let mut touched = false;
            for (t, r) in self.purgatory[i].results.iter_mut() {
                if t == tp && matches!(r, DelayedResult::Waiting { .. }) {
                    *r = DelayedResult::Done(Err(error));
                    touched = true;
                }
            }
            if touched && self.purgatory[i].results.iter().all(|(_, r)| matches!(r, DelayedResult::Done(_))) {
                let d = self.purgatory.remove(i);
                self.send_delayed(ctx, d);
            } else {
                i += 1;
            }
        }
    }

    // ---- High watermark and ISR ----

    /// Partition.maybeIncrementLeaderHW (PS:1148-1220): the minimum LEO over the maximal ISR
    /// and caught-up eligible followers; never while under min ISR (Kafka 3.7+); only forward.
    fn maybe_increment_hw(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        let now = ctx.now;
        let lag = self.cluster.replica_lag_time_max_ms;
        let me = self.id;
        let live = self.live_brokers.clone();
        let Some(replica) = self.replicas.get_mut(tp) else { return };
        let maximal = replica.maximal_isr();
        if maximal.len() < replica.effective_min_isr() {
            return;
        }
        let leo = replica.log.log_end_offset();
        let Role::Leader { followers, .. } = &replica.role else { return };
        let mut candidate = leo;
        for (b, f) in followers {
            let in_isr = maximal.contains(b);
            let caught_up = f.log_end_offset >= 0 && (f.log_end_offset >= leo || now.saturating_sub(f.last_caught_up_ms) <= lag);
            if in_isr || (caught_up && live.contains(b)) {
                candidate = candidate.min(f.log_end_offset);
            }
        }
        if candidate > replica.high_watermark {
            replica.high_watermark = candidate;
            ctx.trace_hw(tp, me, candidate);
            self.complete_delayed_produces(ctx, tp);
            self.wake_parked(ctx, tp);
        }
    }

    /// Partition.maybeShrinkIsr (PS:1253-1326): drop followers that are not caught up.
    fn maybe_shrink_isr(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let lag = self.cluster.replica_lag_time_max_ms;
        let me = self.id;
        let tps: Vec<TopicPartition> = self.replicas.keys().cloned().collect();
        for tp in tps {
            let Some(replica) = self.replicas.get_mut(&tp) else { continue };
            let leo = replica.log.log_end_offset();
            let (epoch, pepoch) = (replica.leader_epoch, replica.partition_epoch);
            let Role::Leader { isr, pending_isr, followers } = &mut replica.role else { continue };
            if let Some((_, sent)) = pending_isr {
                if now.saturating_sub(*sent) < ALTER_PARTITION_RETRY_MS {
                    continue;
                }
                *pending_isr = None;
            }
            let out_of_sync: Vec<BrokerId> = isr
                .iter()
                .copied()
                .filter(|b| *b != me)
                .filter(|b| followers.get(b).is_none_or(|f| !(f.log_end_offset >= leo || now.saturating_sub(f.last_caught_up_ms) <= lag)))
                .collect();
            if out_of_sync.is_empty() {
                continue;
            }
            let new_isr: Vec<BrokerId> = isr.iter().copied().filter(|b| !out_of_sync.contains(b)).collect();
            *pending_isr = Some((new_isr.clone(), now));
            ctx.trace(TraceEvent::IsrChangeProposed { tp: tp.clone(), broker: me, new_isr: new_isr.clone() });
            ctx.send(NodeId::Controller, Payload::AlterPartition { tp: tp.clone(), leader_epoch: epoch, partition_epoch: pepoch, new_isr });
        }
    }

    /// Partition.maybeExpandIsr (PS:1030-1075): a follower rejoins once it has reached the
    /// high watermark and the start of the current leader epoch.
    fn maybe_expand_isr(&mut self, ctx: &mut Ctx, tp: &TopicPartition, follower: BrokerId) {
        let now = ctx.now;
        let me = self.id;
        let live = self.live_brokers.contains(&follower);
        let Some(replica) = self.replicas.get_mut(tp) else { return };
        let hw = replica.high_watermark;
        let epoch_start = replica.log.epochs().iter().rev().find(|(e, _)| *e == replica.leader_epoch).map_or(0, |e| e.1);
        let (epoch, pepoch) = (replica.leader_epoch, replica.partition_epoch);
        let Role::Leader { isr, pending_isr, followers } = &mut replica.role else { return };
        if pending_isr.is_some() || isr.contains(&follower) || !live {
            return;
        }
        let Some(f) = followers.get(&follower) else { return };
        if f.log_end_offset >= hw && f.log_end_offset >= epoch_start {
            let mut new_isr = isr.clone();
            new_isr.push(follower);
            *pending_isr = Some((new_isr.clone(), now));
            ctx.trace(TraceEvent::IsrChangeProposed { tp: tp.clone(), broker: me, new_isr: new_isr.clone() });
            ctx.send(NodeId::Controller, Payload::AlterPartition { tp: tp.clone(), leader_epoch: epoch, partition_epoch: pepoch, new_isr });
        }
    }

    fn on_alter_partition_response(&mut self, ctx: &mut Ctx, tp: TopicPartition, result: Result<PartitionState, KafkaError>) {
        let Some(replica) = self.replicas.get_mut(&tp) else { return };
        match result {
            Ok(st) => {
                if st.leader_epoch != replica.leader_epoch || st.partition_epoch <= replica.partition_epoch {
                    return;
                }
                replica.partition_epoch = st.partition_epoch;
                if let Role::Leader { isr, pending_isr, .. } = &mut replica.role {
                    *isr = st.isr.clone();
                    *pending_isr = None;
                }
                self.maybe_increment_hw(ctx, &tp);
            }
            Err(_) => {
                // Wait for newer metadata; the next check proposes again if still needed.
                if let Role::Leader { pending_isr, .. } = &mut replica.role {
                    *pending_isr = None;
                }
            }
        }
    }

    // ---- Fetch (serving) ----

    fn check_leader(&self, p: &FetchPartition) -> Result<&Replica, KafkaError> {
        let replica = self.replicas.get(&p.tp).ok_or(if self.metadata.contains_key(&p.tp) {
            KafkaError::NotLeaderOrFollower
        } else {
            KafkaError::UnknownTopicOrPartition
        })?;
        if !replica.is_leader() {
            return Err(KafkaError::NotLeaderOrFollower);
        }
        if p.current_leader_epoch >= 0 {
            if p.current_leader_epoch < replica.leader_epoch {
                return Err(KafkaError::FencedLeaderEpoch);
            }
            if p.current_leader_epoch > replica.leader_epoch {
                return Err(KafkaError::UnknownLeaderEpoch);
            }
        }
        Ok(replica)
    }

    /// What a fetch would return now, without side effects.
    fn read_partition(&self, p: &FetchPartition, replica_fetch: bool) -> Result<FetchData, KafkaError> {
        let replica = self.check_leader(p)?;
        let log = &replica.log;
        let base = FetchData {
            records: Vec::new(),
            high_watermark: replica.high_watermark,
            log_start_offset: log.log_start_offset(),
            log_end_offset: log.log_end_offset(),
            diverging_epoch: None,
        };
        if replica_fetch {
            if let Some(last_epoch) = p.last_fetched_epoch {
                let (epoch, end) = log.end_offset_for_epoch(last_epoch);
                if epoch < last_epoch || end < p.fetch_offset {
                    return Ok(FetchData { diverging_epoch: Some((epoch, end)), ..base });
                }
            }
            if p.fetch_offset < log.log_start_offset() {
                return Ok(base);
            }
            if p.fetch_offset > log.log_end_offset() {
                return Err(KafkaError::OffsetOutOfRange);
            }
            let records = log.read(p.fetch_offset, log.log_end_offset(), p.max_bytes);
            Ok(FetchData { records, ..base })
        } else {
            if p.fetch_offset < log.log_start_offset() || p.fetch_offset > log.log_end_offset() {
                return Err(KafkaError::OffsetOutOfRange);
            }
            // Consumers only ever see committed records (design.html:352-353).
            let records = log.read(p.fetch_offset, replica.high_watermark, p.max_bytes);
            Ok(FetchData { records, ..base })
        }
    }

    fn on_fetch(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, replica: Option<BrokerId>, max_wait_ms: u64, partitions: Vec<FetchPartition>) {
        if let Some(follower) = replica {
            for p in &partitions {
                self.update_follower_state(ctx, follower, p);
            }
        }
        let ready = partitions.iter().any(|p| match self.read_partition(p, replica.is_some()) {
            Ok(d) => !d.records.is_empty() || d.diverging_epoch.is_some() || (replica.is_some() && p.fetch_offset < d.log_start_offset),
            Err(_) => true,
        });
        if ready || max_wait_ms == 0 {
            self.respond_fetch(ctx, from, req_id, replica, &partitions);
        } else {
            let park_id = self.next_id();
            self.parked.push(ParkedFetch { park_id, from, req_id, replica, partitions });
            ctx.set_timer(max_wait_ms, Timer::FetchExpire { park_id });
        }
    }

    fn respond_fetch(&mut self, ctx: &mut Ctx, to: NodeId, req_id: u64, replica: Option<BrokerId>, partitions: &[FetchPartition]) {
        let out = partitions.iter().map(|p| (p.tp.clone(), self.read_partition(p, replica.is_some()))).collect();
        ctx.send(to, Payload::FetchResponse { req_id, partitions: out });
    }

    /// Answers parked fetches that now have something to return.
    fn wake_parked(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        let mut i = 0;
        while i < self.parked.len() {
            let p = &self.parked[i];
            let has_data = p
                .partitions
                .iter()
                .any(|fp| &fp.tp == tp && self.read_partition(fp, p.replica.is_some()).map_or(true, |d| !d.records.is_empty() || d.diverging_epoch.is_some()));
            if has_data {
                let p = self.parked.remove(i);
                self.respond_fetch(ctx, p.from, p.req_id, p.replica, &p.partitions);
            } else {
                i += 1;
            }
        }
    }

    /// Replica.updateFetchStateOrThrow: the fetch offset tells the leader how far the follower
    /// has replicated; `lastCaughtUpTimeMs` follows Replica.scala:67-73.
    fn update_follower_state(&mut self, ctx: &mut Ctx, follower: BrokerId, p: &FetchPartition) {
        let now = ctx.now;
        let ok = self.check_leader(p).is_ok();
        if !ok {
            return;
        }
        let Some(replica) = self.replicas.get_mut(&p.tp) else { return };
        // A fetch that must first truncate says nothing about what the follower holds.
        if let Some(last_epoch) = p.last_fetched_epoch {
            let (epoch, end) = replica.log.end_offset_for_epoch(last_epoch);
            if epoch < last_epoch || end < p.fetch_offset {
                return;
            }
        }
        let leo = replica.log.log_end_offset();
        let Role::Leader { followers, .. } = &mut replica.role else { return };
        let Some(f) = followers.get_mut(&follower) else { return };
        if p.fetch_offset >= leo {
            f.last_caught_up_ms = now;
        } else if p.fetch_offset >= f.last_fetch_leader_log_end_offset && f.last_fetch_leader_log_end_offset >= 0 {
            f.last_caught_up_ms = f.last_caught_up_ms.max(f.last_fetch_ms);
        }
        f.log_end_offset = p.fetch_offset.min(leo);
        f.last_fetch_ms = now;
        f.last_fetch_leader_log_end_offset = leo;
        let tp = p.tp.clone();
        self.maybe_expand_isr(ctx, &tp, follower);
        self.maybe_increment_hw(ctx, &tp);
    }

    fn on_list_offsets(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, partitions: Vec<(TopicPartition, OffsetSpec)>) {
        let out = partitions
            .into_iter()
            .map(|(tp, spec)| {
                let fp = FetchPartition { tp: tp.clone(), fetch_offset: 0, last_fetched_epoch: None, current_leader_epoch: -1, max_bytes: 0 };
                let r = self.check_leader(&fp).map(|rep| match spec {
                    OffsetSpec::Earliest => rep.log.log_start_offset(),
                    // read_uncommitted: the latest offset a consumer can read is the HW.
                    OffsetSpec::Latest => rep.high_watermark,
                });
                (tp, r)
            })
            .collect();
        ctx.send(from, Payload::ListOffsetsResponse { req_id, partitions: out });
    }

    // ---- Fetch (following) ----

    /// Sends the next replica fetch to `leader` for every partition this broker follows there.
    fn maybe_fetch(&mut self, ctx: &mut Ctx, leader: BrokerId) {
        if self.state == BrokerState::Down {
            return;
        }
        let Some(fetcher) = self.fetchers.get(&leader) else { return };
        if fetcher.in_flight.is_some() || ctx.now < fetcher.backoff_until {
            return;
        }
        let max_bytes = self.cluster.replica_fetch_max_bytes;
        let partitions: Vec<FetchPartition> = self
            .replicas
            .iter()
            .filter(|(_, r)| matches!(r.role, Role::Follower { leader: Some(l) } if l == leader))
            .map(|(tp, r)| FetchPartition {
                tp: tp.clone(),
                fetch_offset: r.log.log_end_offset(),
                last_fetched_epoch: r.log.latest_epoch(),
                current_leader_epoch: r.leader_epoch,
                max_bytes,
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let req_id = self.next_id();
        self.fetchers.get_mut(&leader).expect("exists").in_flight = Some(req_id);
        ctx.send(NodeId::Broker(leader), Payload::Fetch { req_id, replica: Some(self.id), max_wait_ms: self.cluster.replica_fetch_wait_max_ms, partitions });
        // A fetch lost on the wire or held by a paused or cut-off leader would otherwise leave
        // this fetcher waiting forever (and the follower out of the ISR for good).
        ctx.set_timer(self.cluster.replica_socket_timeout_ms, Timer::ReplicaFetchTimeout { leader, req_id });
    }

    /// The fetcher gives up on a request (AbstractFetcherThread.processFetchRequest catches the
    /// timeout) and backs off for replica.fetch.backoff.ms before fetching again.
    fn fail_fetch(&mut self, ctx: &mut Ctx, leader: BrokerId, req_id: u64, timed_out: bool) {
        let backoff = self.cluster.replica_fetch_backoff_ms;
        let Some(f) = self.fetchers.get_mut(&leader) else { return };
        if f.in_flight != Some(req_id) {
            return;
        }
        f.in_flight = None;
        f.backoff_until = ctx.now + backoff;
        if timed_out {
            ctx.trace(TraceEvent::ReplicaFetchTimedOut { broker: self.id, leader });
        }
        ctx.set_timer(backoff, Timer::FetcherWake { leader });
    }

    fn on_fetch_response(&mut self, ctx: &mut Ctx, leader: BrokerId, req_id: u64, partitions: Vec<(TopicPartition, Result<FetchData, KafkaError>)>) {
        let Some(f) = self.fetchers.get_mut(&leader) else { return };
        if f.in_flight != Some(req_id) {
            return;
        }
        f.in_flight = None;
        let mut any_error = false;
        for (tp, result) in partitions {
            match result {
                Ok(data) => self.process_fetched(ctx, leader, &tp, data),
                Err(_) => any_error = true,
            }
        }
        if any_error {
            let backoff = self.cluster.replica_fetch_backoff_ms;
            if let Some(f) = self.fetchers.get_mut(&leader) {
                f.backoff_until = ctx.now + backoff;
            }
            ctx.set_timer(backoff, Timer::FetcherWake { leader });
        } else {
            self.maybe_fetch(ctx, leader);
        }
    }

    fn process_fetched(&mut self, ctx: &mut Ctx, leader: BrokerId, tp: &TopicPartition, data: FetchData) {
        let me = self.id;
        let now = ctx.now;
        let Some(replica) = self.replicas.get_mut(tp) else { return };
        if !matches!(replica.role, Role::Follower { leader: Some(l) } if l == leader) {
            return;
        }
        if let Some((epoch, end)) = data.diverging_epoch {
            // AFT:560-612: truncate to the leader's end offset for the epoch, or to our own end
            // of the largest epoch below it when we do not know that epoch; undefined falls
            // back to the high watermark.
            let leo = replica.log.log_end_offset();
            let target = if epoch < 0 {
                replica.high_watermark
            } else {
                let (my_epoch, my_end) = replica.log.end_offset_for_epoch(epoch);
                if my_epoch == epoch {
                    end.min(my_end)
                } else if my_epoch < 0 {
                    replica.high_watermark
                } else {
                    // We do not know the leader's epoch: cut to the end of our largest smaller
                    // epoch and ask again with that one (KIP-279).
                    my_end
                }
            }
            .min(leo)
            .max(replica.log.log_start_offset());
            let epochs_before = replica.log.epochs().len();
            let removed = replica.log.truncate_to(target);
            debug_assert!(
                target < leo || replica.log.epochs().len() < epochs_before,
                "engine bug: divergence on {tp} at broker {me} made no progress (leader said {epoch}/{end}, leo {leo})"
            );
            let lost = removed.iter().filter(|r| r.offset < replica.high_watermark).count() as i64;
            replica.high_watermark = replica.high_watermark.min(replica.log.log_end_offset());
            ctx.trace(TraceEvent::Truncated { tp: tp.clone(), broker: me, from: leo, to: target, lost_committed: lost });
            return;
        }
        if replica.log.log_end_offset() < data.log_start_offset {
            // Behind the leader's log start (retention moved it): start over from there.
            replica.log.reset_to(data.log_start_offset);
            replica.high_watermark = data.log_start_offset;
            ctx.trace(TraceEvent::LogStartAdvanced { tp: tp.clone(), broker: me, log_start_offset: data.log_start_offset });
        }
        if let Some(first) = data.records.first() {
            if first.offset == replica.log.log_end_offset() {
                let (sb, sm) = (replica.settings.segment_bytes, replica.settings.segment_ms);
                replica.log.append(&data.records, now, sb, sm);
                let last = data.records.last().expect("non-empty");
                ctx.trace(TraceEvent::Appended {
                    tp: tp.clone(),
                    broker: me,
                    first_offset: first.offset,
                    last_offset: last.offset,
                    leader_epoch: last.leader_epoch,
                    leader: false,
                });
            }
        }
        if data.log_start_offset > replica.log.log_start_offset() {
            replica.log.advance_log_start(data.log_start_offset);
        }
        let new_hw = data.high_watermark.min(replica.log.log_end_offset());
        if new_hw > replica.high_watermark {
            replica.high_watermark = new_hw;
            ctx.trace_hw(tp, me, new_hw);
        }
    }

    // ---- Retention ----

    fn apply_retention(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        let now = ctx.now;
        for (tp, replica) in self.replicas.iter_mut() {
            // Time and size retention delete segments only when cleanup.policy includes
            // `delete` (UnifiedLog.deleteOldSegments: `if (config.delete) ... else 0`); a
            // compact-only topic such as __consumer_offsets keeps every segment.
            if !replica.is_leader() || !replica.settings.cleanup_policy_delete {
                continue;
            }
            let (rms, rbytes) = (replica.settings.retention_ms, replica.settings.retention_bytes);
            if let Some(start) = replica.log.apply_retention(now, rms, rbytes, replica.high_watermark) {
                ctx.trace(TraceEvent::LogStartAdvanced { tp: tp.clone(), broker: me, log_start_offset: start });
            }
        }
    }
}
