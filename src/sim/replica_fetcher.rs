//! The follower side of replication (Kafka: `ReplicaFetcherManager`, one
//! `ReplicaFetcherThread` per leader, after `AbstractFetcherThread`): one fetch in flight per
//! leader for every partition followed there; divergence and truncation by leader epoch; the
//! follower's appends and high watermark; timeouts and backoff.
//!
//! Citations are to apache/kafka `core/src/main/scala/kafka/server/AbstractFetcherThread.scala`
//! (AFT) at the commit named in ../shared/kafka-reference.
use crate::vecmap::VecMap;

use super::config::ClusterConfig;
use super::error::KafkaError;
use super::message::{FetchData, FetchPartition, Payload};
use super::out::{Ctx, Timer};
use super::partition::{Partition, Role};
use super::replica_manager::ReplicaManager;
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, NodeId, TopicPartition};

#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct Fetcher {
    in_flight: Option<u64>,
    backoff_until: Millis,
}

#[derive(Clone, Debug)]
pub struct ReplicaFetcherManager {
    me: BrokerId,
    /// One fetcher per leader this broker follows a partition of.
    fetchers: VecMap<BrokerId, Fetcher>,
}

impl ReplicaFetcherManager {
    pub fn new(me: BrokerId) -> Self {
        ReplicaFetcherManager { me, fetchers: VecMap::new() }
    }

    pub(crate) fn clear(&mut self) {
        self.fetchers.clear();
    }

    /// A partition now follows `leader` (ReplicaFetcherManager.addFetcherForPartitions).
    pub(crate) fn add_fetcher(&mut self, leader: BrokerId) {
        self.fetchers.entry(leader).or_default();
    }

    pub(crate) fn leaders(&self) -> Vec<BrokerId> {
        self.fetchers.keys().copied().collect()
    }

    /// Sends the next replica fetch to `leader` for every partition this broker follows there.
    pub(crate) fn maybe_fetch(&mut self, ctx: &mut Ctx, cluster: &ClusterConfig, replica_manager: &mut ReplicaManager, leader: BrokerId) {
        let Some(fetcher) = self.fetchers.get(&leader) else { return };
        if fetcher.in_flight.is_some() || ctx.now < fetcher.backoff_until {
            return;
        }
        let max_bytes = cluster.replica_fetch_max_bytes;
        let partitions: Vec<FetchPartition> = replica_manager
            .partitions
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
        let req_id = replica_manager.next_id();
        self.fetchers.get_mut(&leader).expect("exists").in_flight = Some(req_id);
        ctx.send(NodeId::Broker(leader), Payload::Fetch { req_id, replica: Some(self.me), max_wait_ms: cluster.replica_fetch_wait_max_ms, partitions });
        // A fetch lost on the wire or held by a paused or cut-off leader would otherwise leave
        // this fetcher waiting forever (and the follower out of the ISR for good).
        ctx.set_timer(cluster.replica_socket_timeout_ms, Timer::ReplicaFetchTimeout { leader, req_id });
    }

    /// The fetcher gives up on a request (AbstractFetcherThread.processFetchRequest catches the
    /// timeout) and backs off for replica.fetch.backoff.ms before fetching again.
    pub(crate) fn fail_fetch(&mut self, ctx: &mut Ctx, cluster: &ClusterConfig, leader: BrokerId, req_id: u64, timed_out: bool) {
        let backoff = cluster.replica_fetch_backoff_ms;
        let Some(f) = self.fetchers.get_mut(&leader) else { return };
        if f.in_flight != Some(req_id) {
            return;
        }
        f.in_flight = None;
        f.backoff_until = ctx.now + backoff;
        if timed_out {
            ctx.trace(TraceEvent::ReplicaFetchTimedOut { broker: self.me, leader });
        }
        ctx.set_timer(backoff, Timer::FetcherWake { leader });
    }

    /// Applies a fetch response. True when the fetcher should fetch again at once (no
    /// partition failed; after an error it backs off first).
    pub(crate) fn on_fetch_response(
        &mut self,
        ctx: &mut Ctx,
        cluster: &ClusterConfig,
        replica_manager: &mut ReplicaManager,
        leader: BrokerId,
        req_id: u64,
        partitions: Vec<(TopicPartition, Result<FetchData, KafkaError>)>,
    ) -> bool {
        let Some(f) = self.fetchers.get_mut(&leader) else { return false };
        if f.in_flight != Some(req_id) {
            return false;
        }
        f.in_flight = None;
        let mut any_error = false;
        for (tp, result) in partitions {
            match result {
                Ok(data) => {
                    if let Some(partition) = replica_manager.partitions.get_mut(&tp) {
                        process_partition_data(ctx, self.me, leader, &tp, partition, data);
                    }
                }
                Err(_) => any_error = true,
            }
        }
        if any_error {
            let backoff = cluster.replica_fetch_backoff_ms;
            if let Some(f) = self.fetchers.get_mut(&leader) {
                f.backoff_until = ctx.now + backoff;
            }
            ctx.set_timer(backoff, Timer::FetcherWake { leader });
            return false;
        }
        true
    }
}

/// One partition's data from the leader: truncate on divergence, restart from the leader's
/// log start if behind it, append, and take the leader's high watermark
/// (ReplicaFetcherThread.processPartitionData, Partition.appendRecordsToFollowerOrFutureReplica).
fn process_partition_data(ctx: &mut Ctx, me: BrokerId, leader: BrokerId, tp: &TopicPartition, replica: &mut Partition, data: FetchData) {
    let now = ctx.now;
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
        let hw = replica.high_watermark;
        let lost: i64 = removed.iter().map(|b| (0..b.record_count()).filter(|&i| b.offset_of(i) < hw).count() as i64).sum();
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
    if let (Some(first), Some(last)) = (data.batches.first(), data.batches.last()) {
        // The follower copies the leader's batches as they are (appendAsFollower).
        if first.base_offset == replica.log.log_end_offset() {
            let (sb, sm) = (replica.settings.segment_bytes, replica.settings.segment_ms);
            replica.log.append(&data.batches, now, sb, sm);
            ctx.trace(TraceEvent::Appended {
                tp: tp.clone(),
                broker: me,
                first_offset: first.base_offset,
                last_offset: last.last_offset(),
                leader_epoch: last.partition_leader_epoch,
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
