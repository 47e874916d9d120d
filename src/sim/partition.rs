//! One partition as a broker hosts it (Kafka: `kafka.cluster.Partition`): its log, leader and
//! partition epochs, its role, and as leader the ISR, the high watermark and what it knows of
//! each follower. Becoming leader or follower, appends on the leader, HW and ISR changes.
//!
//! Citations are to apache/kafka `core/src/main/scala/kafka/cluster/Partition.scala` (PS) at the
//! commit named in ../shared/kafka-reference.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::error::KafkaError;
use super::log::{PartitionLog, SequenceCheck};
use super::message::{FetchData, FetchPartition, PartitionState, Payload, ProduceBatch, TopicSettings};
use super::out::Ctx;
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// How long a proposed ISR change may stay unanswered before the leader proposes again.
const ALTER_PARTITION_RETRY_MS: Millis = 5_000;

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
pub struct Partition {
    pub log: PartitionLog,
    pub high_watermark: i64,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub role: Role,
    pub settings: TopicSettings,
}

/// What a metadata update did to the partition (the replica manager acts on it).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum StateChange {
    /// Older than what the partition knows, or nothing that matters here changed.
    None,
    /// Partition.makeLeader: leader in a new epoch.
    BecameLeader,
    /// Still the leader; took the controller's ISR.
    IsrUpdated,
    /// Partition.makeFollower: follows `leader` in a new epoch (or a new leader).
    BecameFollower { was_leader: bool, leader: Option<BrokerId> },
}

/// A leader append: where the records went and, for acks=all, the offset the high watermark
/// must pass before the producer hears back.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) struct LeaderAppend {
    pub base_offset: i64,
    pub required_offset: Option<i64>,
    /// A retried batch the log already holds (answered with its original offset, not written).
    pub duplicate: bool,
}

impl Partition {
    /// A replica this broker was just assigned: an empty log, no epoch yet, following nobody.
    pub(crate) fn new(replicas: Vec<BrokerId>, settings: TopicSettings) -> Self {
        Partition {
            log: PartitionLog::new(),
            high_watermark: 0,
            leader_epoch: -1,
            partition_epoch: -1,
            replicas,
            role: Role::Follower { leader: None },
            settings,
        }
    }

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

    pub(crate) fn effective_min_isr(&self) -> usize {
        (self.settings.min_insync_replicas.max(1) as usize).min(self.replicas.len().max(1))
    }

    /// The broker restarted: it follows nobody until the metadata says otherwise.
    pub(crate) fn reset_for_restart(&mut self) {
        self.role = Role::Follower { leader: None };
        // The recovery point: a simplification that assumes a fresh HW checkpoint.
        self.high_watermark = self.high_watermark.min(self.log.log_end_offset());
        // Kafka rebuilds its Partition objects from the metadata image after a restart: the
        // epochs it knew live only in the log's epoch cache. Forgetting them here makes the
        // first image apply even when no epoch moved while the broker was down (a clean
        // stop whose last update the broker had already applied).
        self.leader_epoch = -1;
        self.partition_epoch = -1;
    }

    // ---- Leader and follower ----

    /// Becomes leader or follower as the controller decided (Partition.makeLeader /
    /// makeFollower), or just takes a new committed ISR.
    pub(crate) fn apply_state(&mut self, ctx: &mut Ctx, tp: &TopicPartition, me: BrokerId, st: &PartitionState, settings: TopicSettings) -> StateChange {
        let now = ctx.now;
        self.settings = settings;
        self.replicas = st.replicas.clone();
        if st.leader_epoch < self.leader_epoch || (st.leader_epoch == self.leader_epoch && st.partition_epoch <= self.partition_epoch) {
            return StateChange::None;
        }
        let new_epoch = st.leader_epoch > self.leader_epoch || (st.leader == Some(me)) != self.is_leader();
        self.partition_epoch = st.partition_epoch;
        if st.leader == Some(me) {
            if new_epoch || !self.is_leader() {
                self.leader_epoch = st.leader_epoch;
                let leo = self.log.log_end_offset();
                self.log.assign_epoch(st.leader_epoch, leo);
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
                self.role = Role::Leader { isr: st.isr.clone(), pending_isr: None, followers };
                ctx.trace(TraceEvent::BecameLeader { tp: tp.clone(), broker: me, leader_epoch: st.leader_epoch, log_end_offset: leo });
                return StateChange::BecameLeader;
            }
            if let Role::Leader { isr, pending_isr, .. } = &mut self.role {
                *isr = st.isr.clone();
                *pending_isr = None;
            }
            return StateChange::IsrUpdated;
        }
        let was_leader = self.is_leader();
        let leader_changed = !matches!(self.role, Role::Follower { leader } if leader == st.leader);
        self.leader_epoch = st.leader_epoch;
        if !(was_leader || leader_changed || new_epoch) {
            return StateChange::None;
        }
        self.role = Role::Follower { leader: st.leader };
        ctx.trace(TraceEvent::BecameFollower { tp: tp.clone(), broker: me, leader: st.leader, leader_epoch: st.leader_epoch });
        StateChange::BecameFollower { was_leader, leader: st.leader }
    }

    // ---- Produce ----

    /// Partition.appendRecordsToLeader: leadership, size, min ISR (acks=all) and idempotence
    /// checks, then the append.
    pub(crate) fn append_records_to_leader(&mut self, ctx: &mut Ctx, me: BrokerId, produce: &ProduceBatch, acks: i16) -> Result<LeaderAppend, KafkaError> {
        let now = ctx.now;
        if !self.is_leader() {
            return Err(KafkaError::NotLeaderOrFollower);
        }
        // max.message.bytes bounds the whole batch, header included
        // (UnifiedLog.analyzeAndValidateRecords: batch.sizeInBytes > config.maxMessageSize).
        let batch = &produce.batch;
        if batch.size_bytes() as i64 > self.settings.max_message_bytes {
            return Err(KafkaError::RecordTooLarge);
        }
        // PS:1375-1387: with acks=all, refuse before writing anything when the ISR is too small.
        if acks == -1 && self.committed_isr().len() < self.effective_min_isr() {
            return Err(KafkaError::NotEnoughReplicas);
        }
        let n = batch.record_count() as i64;
        match self.log.check_sequence(batch.producer_id, batch.base_sequence, batch.last_sequence()) {
            SequenceCheck::Accept => {}
            SequenceCheck::Duplicate { base_offset } => {
                ctx.trace(TraceEvent::DuplicateBatch { tp: produce.tp.clone(), broker: me, base_offset });
                let required_offset = (acks == -1).then_some(base_offset + n);
                return Ok(LeaderAppend { base_offset, required_offset, duplicate: true });
            }
            SequenceCheck::OutOfOrder => return Err(KafkaError::OutOfOrderSequenceNumber),
        }
        let base = self.log.log_end_offset();
        let epoch = self.leader_epoch;
        // The leader appends the producer's batch as it is, with its own offsets and epoch.
        let appended = Rc::new(batch.assigned(base, epoch));
        let last = appended.last_offset();
        let (seg_bytes, seg_ms) = (self.settings.segment_bytes, self.settings.segment_ms);
        self.log.append(std::slice::from_ref(&appended), now, seg_bytes, seg_ms);
        ctx.trace(TraceEvent::Appended { tp: produce.tp.clone(), broker: me, first_offset: base, last_offset: last, leader_epoch: epoch, leader: true });
        Ok(LeaderAppend { base_offset: base, required_offset: (acks == -1).then_some(last + 1), duplicate: false })
    }

    // ---- High watermark and ISR ----

    /// Partition.maybeIncrementLeaderHW (PS:1148-1220): the minimum LEO over the maximal ISR
    /// and caught-up eligible followers; never while under min ISR (Kafka 3.7+); only forward.
    /// Returns the new high watermark if it moved.
    pub(crate) fn maybe_increment_leader_hw(&mut self, now: Millis, lag: Millis, live: &[BrokerId]) -> Option<i64> {
        let maximal = self.maximal_isr();
        if maximal.len() < self.effective_min_isr() {
            return None;
        }
        let leo = self.log.log_end_offset();
        let Role::Leader { followers, .. } = &self.role else { return None };
        let mut candidate = leo;
        for (b, f) in followers {
            let in_isr = maximal.contains(b);
            let caught_up = f.log_end_offset >= 0 && (f.log_end_offset >= leo || now.saturating_sub(f.last_caught_up_ms) <= lag);
            if in_isr || (caught_up && live.contains(b)) {
                candidate = candidate.min(f.log_end_offset);
            }
        }
        if candidate > self.high_watermark {
            self.high_watermark = candidate;
            return Some(candidate);
        }
        None
    }

    /// Partition.maybeShrinkIsr (PS:1253-1326): drop followers that are not caught up.
    pub(crate) fn maybe_shrink_isr(&mut self, ctx: &mut Ctx, tp: &TopicPartition, me: BrokerId, lag: Millis) {
        let now = ctx.now;
        let leo = self.log.log_end_offset();
        let (epoch, pepoch) = (self.leader_epoch, self.partition_epoch);
        let Role::Leader { isr, pending_isr, followers } = &mut self.role else { return };
        if let Some((_, sent)) = pending_isr {
            if now.saturating_sub(*sent) < ALTER_PARTITION_RETRY_MS {
                return;
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
            return;
        }
        let new_isr: Vec<BrokerId> = isr.iter().copied().filter(|b| !out_of_sync.contains(b)).collect();
        *pending_isr = Some((new_isr.clone(), now));
        ctx.trace(TraceEvent::IsrChangeProposed { tp: tp.clone(), broker: me, new_isr: new_isr.clone() });
        ctx.send(NodeId::Controller, Payload::AlterPartition { tp: tp.clone(), leader_epoch: epoch, partition_epoch: pepoch, new_isr });
    }

    /// Partition.maybeExpandIsr (PS:1030-1075): a follower rejoins once it has reached the
    /// high watermark and the start of the current leader epoch.
    pub(crate) fn maybe_expand_isr(&mut self, ctx: &mut Ctx, tp: &TopicPartition, me: BrokerId, follower: BrokerId, live: bool) {
        let now = ctx.now;
        let hw = self.high_watermark;
        let epoch_start = self.log.epochs().iter().rev().find(|(e, _)| *e == self.leader_epoch).map_or(0, |e| e.1);
        let (epoch, pepoch) = (self.leader_epoch, self.partition_epoch);
        let Role::Leader { isr, pending_isr, followers } = &mut self.role else { return };
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

    /// The controller answered a proposed ISR. True when the committed ISR changed (the high
    /// watermark may move).
    pub(crate) fn on_alter_partition_response(&mut self, result: Result<PartitionState, KafkaError>) -> bool {
        match result {
            Ok(st) => {
                if st.leader_epoch != self.leader_epoch || st.partition_epoch <= self.partition_epoch {
                    return false;
                }
                self.partition_epoch = st.partition_epoch;
                if let Role::Leader { isr, pending_isr, .. } = &mut self.role {
                    *isr = st.isr.clone();
                    *pending_isr = None;
                }
                true
            }
            Err(_) => {
                // Wait for newer metadata; the next check proposes again if still needed.
                if let Role::Leader { pending_isr, .. } = &mut self.role {
                    *pending_isr = None;
                }
                false
            }
        }
    }

    /// Replica.updateFetchStateOrThrow: the fetch offset tells the leader how far the follower
    /// has replicated; `lastCaughtUpTimeMs` follows Replica.scala:67-73. False when the fetch
    /// says nothing about the follower (the ISR and HW need no second look).
    pub(crate) fn update_follower_state(&mut self, now: Millis, follower: BrokerId, p: &FetchPartition) -> bool {
        // A fetch that must first truncate says nothing about what the follower holds.
        if let Some(last_epoch) = p.last_fetched_epoch {
            let (epoch, end) = self.log.end_offset_for_epoch(last_epoch);
            if epoch < last_epoch || end < p.fetch_offset {
                return false;
            }
        }
        let leo = self.log.log_end_offset();
        let Role::Leader { followers, .. } = &mut self.role else { return false };
        let Some(f) = followers.get_mut(&follower) else { return false };
        if p.fetch_offset >= leo {
            f.last_caught_up_ms = now;
        } else if p.fetch_offset >= f.last_fetch_leader_log_end_offset && f.last_fetch_leader_log_end_offset >= 0 {
            f.last_caught_up_ms = f.last_caught_up_ms.max(f.last_fetch_ms);
        }
        f.log_end_offset = p.fetch_offset.min(leo);
        f.last_fetch_ms = now;
        f.last_fetch_leader_log_end_offset = leo;
        true
    }

    // ---- Fetch (serving) ----

    /// Leadership and the fetcher's view of the leader epoch (Partition.checkCurrentLeaderEpoch).
    pub(crate) fn check_leader(&self, current_leader_epoch: i32) -> Result<(), KafkaError> {
        if !self.is_leader() {
            return Err(KafkaError::NotLeaderOrFollower);
        }
        if current_leader_epoch >= 0 {
            if current_leader_epoch < self.leader_epoch {
                return Err(KafkaError::FencedLeaderEpoch);
            }
            if current_leader_epoch > self.leader_epoch {
                return Err(KafkaError::UnknownLeaderEpoch);
            }
        }
        Ok(())
    }

    /// What a fetch from the leader returns now, without side effects (Partition.fetchRecords).
    pub(crate) fn read(&self, p: &FetchPartition, replica_fetch: bool) -> Result<FetchData, KafkaError> {
        let log = &self.log;
        let base = FetchData {
            batches: Vec::new(),
            high_watermark: self.high_watermark,
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
            let batches = log.read(p.fetch_offset, log.log_end_offset(), p.max_bytes);
            Ok(FetchData { batches, ..base })
        } else {
            if p.fetch_offset < log.log_start_offset() || p.fetch_offset > log.log_end_offset() {
                return Err(KafkaError::OffsetOutOfRange);
            }
            // Consumers only ever see committed records (design.html:352-353).
            let batches = log.read(p.fetch_offset, self.high_watermark, p.max_bytes);
            Ok(FetchData { batches, ..base })
        }
    }
}
