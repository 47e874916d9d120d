//! The replica manager (Kafka: `kafka.server.ReplicaManager`): the partitions a broker hosts
//! and the metadata it knows them by; produce (appendRecords) and fetch (fetchMessages) with
//! their purgatories (delayed_produce.rs, delayed_fetch.rs); ListOffsets; becoming leader or
//! follower as the metadata says (applyDelta); the periodic ISR check. The group coordinator
//! writes to `__consumer_offsets` through it.
use crate::vecmap::VecMap;

use super::coordinator::OFFSETS_TOPIC;
use super::delayed_fetch::{answer_now, DelayedFetch};
use super::delayed_produce::{AppendResults, CoordinatorWrite, DelayedProduce, DelayedResult, Reply};
use super::error::KafkaError;
use super::message::{FetchData, FetchPartition, MetadataDelta, OffsetSpec, PartitionState, Payload, ProduceBatch, TopicSettings};
use super::metadata_cache::MetadataCache;
use super::out::{Ctx, Timer};
use super::partition::{Partition, StateChange};
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

/// What the replica manager hands back to the group coordinator, which it does not own: a
/// coordinator write that finished waiting (Kafka passes DelayedProduce a response callback),
/// and leadership of a `__consumer_offsets` partition won or lost (the coordinator's
/// onElection / onResignation).
pub(crate) trait CoordinatorCallbacks {
    fn on_write_completed(&mut self, ctx: &mut Ctx, to: NodeId, req_id: u64, write: CoordinatorWrite, results: &AppendResults);
    fn on_election(&mut self, ctx: &mut Ctx, replica_manager: &ReplicaManager, tp: &TopicPartition);
    fn on_resignation(&mut self, ctx: &mut Ctx, replica_manager: &ReplicaManager, partition: i32);
}

#[derive(Clone, Debug)]
pub struct ReplicaManager {
    me: BrokerId,
    /// replica.lag.time.max.ms.
    replica_lag_time_max_ms: Millis,
    pub metadata_cache: MetadataCache,
    pub partitions: VecMap<TopicPartition, Partition>,
    delayed_fetches: Vec<DelayedFetch>,
    delayed_produces: Vec<DelayedProduce>,
    /// One counter for parked fetches, purgatory entries and replica fetch requests.
    next_id: u64,
}

impl ReplicaManager {
    pub fn new(me: BrokerId, replica_lag_time_max_ms: Millis) -> Self {
        ReplicaManager {
            me,
            replica_lag_time_max_ms,
            metadata_cache: MetadataCache::default(),
            partitions: VecMap::new(),
            delayed_fetches: Vec::new(),
            delayed_produces: Vec::new(),
            next_id: 1,
        }
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The broker (re)starts: logs survive; the image, roles and purgatories are rebuilt from
    /// the controller.
    pub(crate) fn restart(&mut self) {
        self.metadata_cache.partitions.clear();
        self.delayed_fetches.clear();
        self.delayed_produces.clear();
        for p in self.partitions.values_mut() {
            p.reset_for_restart();
        }
    }

    /// The process ended: the requests it held and will never answer (parked fetches, then
    /// produces and offset commits in purgatory), as (requester, request id).
    pub(crate) fn drain_held_requests(&mut self) -> Vec<(NodeId, u64)> {
        let mut held: Vec<(NodeId, u64)> = Vec::new();
        held.extend(self.delayed_fetches.drain(..).map(|p| (p.from, p.req_id)));
        for d in self.delayed_produces.drain(..) {
            if matches!(d.reply, Reply::Produce | Reply::Coordinator(CoordinatorWrite::OffsetCommit { .. })) {
                held.push((d.from, d.req_id));
            }
        }
        held
    }

    // ---- Metadata ----

    /// ReplicaManager.applyDelta: takes the controller's delta (already in order) and becomes
    /// leader or follower where it says. Returns the leaders this broker now follows a
    /// partition of (the fetcher needs one for each).
    pub(crate) fn apply_delta(&mut self, ctx: &mut Ctx, delta: MetadataDelta, coordinator: &mut impl CoordinatorCallbacks) -> Vec<BrokerId> {
        self.metadata_cache.live_brokers = delta.live_brokers.clone();
        self.metadata_cache.dynamic_configs = delta.broker_configs.get(&self.me).cloned().unwrap_or_default();
        if delta.full {
            let keep: Vec<TopicPartition> = delta.partitions.iter().map(|(tp, _, _)| tp.clone()).collect();
            let gone: Vec<TopicPartition> = self.partitions.keys().filter(|tp| !keep.contains(tp)).cloned().collect();
            for tp in gone {
                self.remove_replica(ctx, &tp, coordinator);
            }
            self.metadata_cache.partitions.retain(|tp, _| keep.contains(tp));
        }
        for topic in &delta.deleted_topics {
            let gone: Vec<TopicPartition> = self.metadata_cache.partitions.keys().filter(|tp| tp.topic == *topic).cloned().collect();
            for tp in gone {
                self.metadata_cache.partitions.remove(&tp);
                self.remove_replica(ctx, &tp, coordinator);
            }
        }
        let mut follow = Vec::new();
        for (tp, st, settings) in delta.partitions {
            self.metadata_cache.partitions.insert(tp.clone(), (st.clone(), settings.clone()));
            if let Some(leader) = self.apply_partition_state(ctx, tp, st, settings, coordinator) {
                follow.push(leader);
            }
        }
        follow
    }

    fn remove_replica(&mut self, ctx: &mut Ctx, tp: &TopicPartition, coordinator: &mut impl CoordinatorCallbacks) {
        if self.partitions.remove(tp).is_some() {
            self.fail_delayed_produces(ctx, tp, KafkaError::UnknownTopicOrPartition, coordinator);
        }
    }

    /// One partition's new state: leader or follower (Partition.makeLeader / makeFollower), or
    /// a new committed ISR. Returns the leader to fetch from when this broker starts following.
    fn apply_partition_state(
        &mut self,
        ctx: &mut Ctx,
        tp: TopicPartition,
        st: PartitionState,
        settings: TopicSettings,
        coordinator: &mut impl CoordinatorCallbacks,
    ) -> Option<BrokerId> {
        let settings = self.metadata_cache.local_settings(settings);
        if !st.replicas.contains(&self.me) {
            self.remove_replica(ctx, &tp, coordinator);
            return None;
        }
        let partition = self.partitions.entry(tp.clone()).or_insert_with(|| Partition::new(st.replicas.clone(), settings.clone()));
        match partition.apply_state(ctx, &tp, self.me, &st, settings) {
            StateChange::None => None,
            StateChange::BecameLeader => {
                if &*tp.topic == OFFSETS_TOPIC {
                    coordinator.on_election(ctx, self, &tp);
                }
                self.maybe_increment_hw(ctx, &tp, coordinator);
                None
            }
            StateChange::IsrUpdated => {
                self.maybe_increment_hw(ctx, &tp, coordinator);
                None
            }
            StateChange::BecameFollower { was_leader, leader } => {
                if was_leader {
                    self.fail_delayed_produces(ctx, &tp, KafkaError::NotLeaderOrFollower, coordinator);
                    if &*tp.topic == OFFSETS_TOPIC {
                        coordinator.on_resignation(ctx, self, tp.partition);
                    }
                }
                leader
            }
        }
    }

    // ---- Produce ----

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_produce(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        req_id: u64,
        acks: i16,
        timeout_ms: u64,
        batches: Vec<ProduceBatch>,
        coordinator: &mut impl CoordinatorCallbacks,
    ) {
        let mut results = Vec::with_capacity(batches.len());
        for batch in batches {
            let tp = batch.tp.clone();
            let r = self.append_to_leader(ctx, batch, acks, coordinator);
            if let Err(e) = &r {
                ctx.trace(TraceEvent::ProduceRejected { tp: tp.clone(), broker: self.me, error: *e });
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
                        let epoch = self.partitions.get(&tp).map_or(-1, |r| r.leader_epoch);
                        let d = match r {
                            Ok((base, Some(required))) => DelayedResult::Waiting { base_offset: base, required_offset: required, leader_epoch: epoch },
                            Ok((base, None)) => DelayedResult::Done(Ok(base)),
                            Err(e) => DelayedResult::Done(Err(e)),
                        };
                        (tp, d)
                    })
                    .collect();
                let d = DelayedProduce { purgatory_id, from, req_id, results, reply: Reply::Produce };
                self.add_delayed_produce(ctx, d, timeout_ms, coordinator);
            }
        }
    }

    /// ReplicaManager.appendRecords to a leader replica (Partition.appendRecordsToLeader).
    /// Returns the base offset and, for acks=all, the offset the high watermark must pass.
    pub(crate) fn append_to_leader(
        &mut self,
        ctx: &mut Ctx,
        batch: ProduceBatch,
        acks: i16,
        coordinator: &mut impl CoordinatorCallbacks,
    ) -> Result<(i64, Option<i64>), KafkaError> {
        let Some(partition) = self.partitions.get_mut(&batch.tp) else {
            return Err(self.metadata_cache.missing_replica_error(&batch.tp));
        };
        let append = partition.append_records_to_leader(ctx, self.me, &batch, acks)?;
        if !append.duplicate {
            self.maybe_increment_hw(ctx, &batch.tp, coordinator);
            self.wake_delayed_fetches(ctx, &batch.tp);
        }
        Ok((append.base_offset, append.required_offset))
    }

    /// Answers `d` at once if it is complete, else parks it in the produce purgatory until
    /// it completes or `timeout_ms` passes.
    pub(crate) fn add_delayed_produce(&mut self, ctx: &mut Ctx, mut d: DelayedProduce, timeout_ms: Millis, coordinator: &mut impl CoordinatorCallbacks) {
        if d.try_complete(&self.partitions) {
            self.send_delayed(ctx, d, coordinator);
        } else {
            let purgatory_id = d.purgatory_id;
            self.delayed_produces.push(d);
            ctx.set_timer(timeout_ms, Timer::ProduceExpire { purgatory_id });
        }
    }

    /// The produce purgatory's timeout: answered with what there is.
    pub(crate) fn expire_delayed_produce(&mut self, ctx: &mut Ctx, purgatory_id: u64, coordinator: &mut impl CoordinatorCallbacks) {
        if let Some(i) = self.delayed_produces.iter().position(|d| d.purgatory_id == purgatory_id) {
            let d = self.delayed_produces.remove(i);
            self.send_delayed(ctx, d, coordinator);
        }
    }

    fn send_delayed(&mut self, ctx: &mut Ctx, mut d: DelayedProduce, coordinator: &mut impl CoordinatorCallbacks) {
        let results = d.take_results();
        match d.reply {
            Reply::Produce => ctx.send(d.from, Payload::ProduceResponse { req_id: d.req_id, results }),
            Reply::Coordinator(write) => coordinator.on_write_completed(ctx, d.from, d.req_id, write, &results),
        }
    }

    fn complete_delayed_produces(&mut self, ctx: &mut Ctx, tp: &TopicPartition, coordinator: &mut impl CoordinatorCallbacks) {
        let mut i = 0;
        while i < self.delayed_produces.len() {
            if !self.delayed_produces[i].results.iter().any(|(t, _)| t == tp) {
                i += 1;
                continue;
            }
            let mut d = self.delayed_produces[i].clone();
            if d.try_complete(&self.partitions) {
                self.delayed_produces.remove(i);
                self.send_delayed(ctx, d, coordinator);
            } else {
                self.delayed_produces[i] = d;
                i += 1;
            }
        }
    }

    fn fail_delayed_produces(&mut self, ctx: &mut Ctx, tp: &TopicPartition, error: KafkaError, coordinator: &mut impl CoordinatorCallbacks) {
        let mut i = 0;
        while i < self.delayed_produces.len() {
            let touched = self.delayed_produces[i].fail_partition(tp, error);
            if touched && self.delayed_produces[i].is_done() {
                let d = self.delayed_produces.remove(i);
                self.send_delayed(ctx, d, coordinator);
            } else {
                i += 1;
            }
        }
    }

    // ---- High watermark and ISR ----

    /// The leader's HW may move (Partition.maybeIncrementLeaderHW); when it does, delayed
    /// produces and parked fetches waiting on it are completed.
    fn maybe_increment_hw(&mut self, ctx: &mut Ctx, tp: &TopicPartition, coordinator: &mut impl CoordinatorCallbacks) {
        let Some(partition) = self.partitions.get_mut(tp) else { return };
        if let Some(hw) = partition.maybe_increment_leader_hw(ctx.now, self.replica_lag_time_max_ms, &self.metadata_cache.live_brokers) {
            ctx.trace_hw(tp, self.me, hw);
            self.complete_delayed_produces(ctx, tp, coordinator);
            self.wake_delayed_fetches(ctx, tp);
        }
    }

    /// The periodic ISR check (ReplicaManager.maybeShrinkIsr, every half of
    /// replica.lag.time.max.ms).
    pub(crate) fn maybe_shrink_isr(&mut self, ctx: &mut Ctx) {
        let lag = self.replica_lag_time_max_ms;
        for (tp, partition) in self.partitions.iter_mut() {
            partition.maybe_shrink_isr(ctx, tp, self.me, lag);
        }
    }

    pub(crate) fn on_alter_partition_response(
        &mut self,
        ctx: &mut Ctx,
        tp: TopicPartition,
        result: Result<PartitionState, KafkaError>,
        coordinator: &mut impl CoordinatorCallbacks,
    ) {
        let Some(partition) = self.partitions.get_mut(&tp) else { return };
        if partition.on_alter_partition_response(result) {
            self.maybe_increment_hw(ctx, &tp, coordinator);
        }
    }

    // ---- Fetch (serving) ----

    fn check_leader(&self, p: &FetchPartition) -> Result<&Partition, KafkaError> {
        let partition = self.partitions.get(&p.tp).ok_or(self.metadata_cache.missing_replica_error(&p.tp))?;
        partition.check_leader(p.current_leader_epoch)?;
        Ok(partition)
    }

    /// What a fetch would return now, without side effects.
    fn read_partition(&self, p: &FetchPartition, replica_fetch: bool) -> Result<FetchData, KafkaError> {
        self.check_leader(p)?.read(p, replica_fetch)
    }

    /// ReplicaManager.fetchMessages: a follower's fetch first tells the leader how far it got;
    /// a fetch with nothing to return waits in the fetch purgatory up to `max_wait_ms`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_fetch(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        req_id: u64,
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        partitions: Vec<FetchPartition>,
        coordinator: &mut impl CoordinatorCallbacks,
    ) {
        if let Some(follower) = replica {
            for p in &partitions {
                self.update_follower_state(ctx, follower, p, coordinator);
            }
        }
        let ready = answer_now(&partitions, replica.is_some(), |p| self.read_partition(p, replica.is_some()));
        if ready || max_wait_ms == 0 {
            self.respond_fetch(ctx, from, req_id, replica, &partitions);
        } else {
            let park_id = self.next_id();
            self.delayed_fetches.push(DelayedFetch { park_id, from, req_id, replica, partitions });
            ctx.set_timer(max_wait_ms, Timer::FetchExpire { park_id });
        }
    }

    /// The fetch purgatory's timeout: answered with what there is.
    pub(crate) fn expire_delayed_fetch(&mut self, ctx: &mut Ctx, park_id: u64) {
        if let Some(i) = self.delayed_fetches.iter().position(|p| p.park_id == park_id) {
            let p = self.delayed_fetches.remove(i);
            self.respond_fetch(ctx, p.from, p.req_id, p.replica, &p.partitions);
        }
    }

    fn respond_fetch(&mut self, ctx: &mut Ctx, to: NodeId, req_id: u64, replica: Option<BrokerId>, partitions: &[FetchPartition]) {
        let out = partitions.iter().map(|p| (p.tp.clone(), self.read_partition(p, replica.is_some()))).collect();
        ctx.send(to, Payload::FetchResponse { req_id, partitions: out });
    }

    /// Answers parked fetches that now have something to return.
    fn wake_delayed_fetches(&mut self, ctx: &mut Ctx, tp: &TopicPartition) {
        let mut i = 0;
        while i < self.delayed_fetches.len() {
            if self.delayed_fetches[i].completes_on(tp, |fp, replica_fetch| self.read_partition(fp, replica_fetch)) {
                let p = self.delayed_fetches.remove(i);
                self.respond_fetch(ctx, p.from, p.req_id, p.replica, &p.partitions);
            } else {
                i += 1;
            }
        }
    }

    /// A follower's fetch offset moves its state at the leader, then maybe the ISR and HW.
    fn update_follower_state(&mut self, ctx: &mut Ctx, follower: BrokerId, p: &FetchPartition, coordinator: &mut impl CoordinatorCallbacks) {
        if self.check_leader(p).is_err() {
            return;
        }
        let Some(partition) = self.partitions.get_mut(&p.tp) else { return };
        if !partition.update_follower_state(ctx.now, follower, p) {
            return;
        }
        let live = self.metadata_cache.live_brokers.contains(&follower);
        partition.maybe_expand_isr(ctx, &p.tp, self.me, follower, live);
        self.maybe_increment_hw(ctx, &p.tp, coordinator);
    }

    pub(crate) fn on_list_offsets(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, partitions: Vec<(TopicPartition, OffsetSpec)>) {
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
}
