//! A broker: the node that receives messages and timers and hands them to the parts Kafka's
//! broker has: the replica manager (replica_manager.rs: partitions, produce, fetch and their
//! purgatories), the replica fetcher (replica_fetcher.rs: following leaders), retention
//! (log_manager.rs) and the group coordinator (group_coordinator.rs). The broker itself
//! heartbeats to the controller, applies the metadata log in order, answers Metadata
//! requests, and starts, stops and dies.
use crate::vecmap::VecMap;
use std::rc::Rc;

use super::config::ClusterConfig;
use super::group::Group;
use super::group_coordinator::GroupCoordinator;
use super::log_manager::{cleanup_logs, RETENTION_CHECK_INTERVAL_MS};
use super::message::{MetadataDelta, PartitionLeader, Payload};
use super::out::{Ctx, Timer};
use super::partition::Partition;
use super::replica_fetcher::ReplicaFetcherManager;
use super::replica_manager::ReplicaManager;
use super::trace::TraceEvent;
use super::types::{BrokerId, NodeId, TopicPartition};

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum BrokerState {
    Running,
    /// Controlled shutdown requested; waits for the controller to move leaderships.
    ShuttingDown,
    Down,
}

/// The words `describe cluster`, the stage and the details panel print (padding honoured).
impl std::fmt::Display for BrokerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            BrokerState::Running => "running",
            BrokerState::ShuttingDown => "shutting down",
            BrokerState::Down => "down",
        })
    }
}

#[derive(Clone, Debug)]
pub struct Broker {
    pub id: BrokerId,
    pub state: BrokerState,
    pub incarnation: u32,
    pub metadata_version: u64,
    /// Whether the controller last told this broker it is fenced.
    pub fenced: bool,
    pub(crate) replica_manager: ReplicaManager,
    replica_fetcher: ReplicaFetcherManager,
    pub(crate) group_coordinator: GroupCoordinator,
    pub(crate) cluster: ClusterConfig,
}

impl Broker {
    pub fn new(id: BrokerId, cluster: ClusterConfig) -> Self {
        Broker {
            id,
            state: BrokerState::Down,
            incarnation: 0,
            metadata_version: 0,
            fenced: true,
            replica_manager: ReplicaManager::new(id, cluster.replica_lag_time_max_ms),
            replica_fetcher: ReplicaFetcherManager::new(id),
            group_coordinator: GroupCoordinator::new(id, cluster.replica_lag_time_max_ms),
            cluster,
        }
    }

    pub fn is_up(&self) -> bool {
        self.state != BrokerState::Down
    }

    /// The partition replicas this broker hosts.
    pub fn replicas(&self) -> &VecMap<TopicPartition, Partition> {
        &self.replica_manager.partitions
    }

    /// The consumer groups this broker coordinates.
    pub fn groups(&self) -> &VecMap<Rc<str>, Group> {
        &self.group_coordinator.groups
    }

    // ---- Lifecycle ----

    /// Starts (or restarts) the process. Logs survive a restart; everything in memory
    /// (metadata, roles, purgatories, fetchers) is rebuilt from the controller.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.state = BrokerState::Running;
        self.incarnation += 1;
        self.metadata_version = 0;
        self.fenced = true;
        self.replica_manager.restart();
        self.replica_fetcher.clear();
        self.group_coordinator.clear();
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
        let mut held = self.replica_manager.drain_held_requests();
        held.extend(self.group_coordinator.held_requests());
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
        let (rm, gc) = (&mut self.replica_manager, &mut self.group_coordinator);
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
            Payload::AlterPartitionResponse { tp, result } => rm.on_alter_partition_response(ctx, tp, result, gc),
            Payload::MetadataRequest { req_id, topics } => self.on_metadata_request(ctx, from, req_id, topics),
            Payload::Produce { req_id, acks, timeout_ms, batches } => rm.on_produce(ctx, from, req_id, acks, timeout_ms, batches, gc),
            Payload::Fetch { req_id, replica, max_wait_ms, partitions } => rm.on_fetch(ctx, from, req_id, replica, max_wait_ms, partitions, gc),
            Payload::FetchResponse { req_id, partitions } => {
                if let NodeId::Broker(leader) = from {
                    if self.replica_fetcher.on_fetch_response(ctx, &self.cluster, rm, leader, req_id, partitions) {
                        self.maybe_fetch(ctx, leader);
                    }
                }
            }
            Payload::ListOffsets { req_id, partitions } => rm.on_list_offsets(ctx, from, req_id, partitions),
            Payload::FindCoordinator { req_id, group } => gc.on_find_coordinator(ctx, rm, from, req_id, &group),
            Payload::JoinGroup { req_id, join } => gc.on_join_group(ctx, rm, from, req_id, join),
            Payload::SyncGroup { req_id, group, generation, member_id, assignments } => {
                gc.on_sync_group(ctx, rm, from, req_id, &group, generation, &member_id, assignments)
            }
            Payload::Heartbeat { req_id, group, generation, member_id } => gc.on_heartbeat(ctx, rm, from, req_id, &group, generation, &member_id),
            Payload::LeaveGroup { req_id, group, member_id } => gc.on_leave_group(ctx, rm, from, req_id, &group, &member_id),
            Payload::OffsetCommit { req_id, group, generation, member_id, offsets } => {
                gc.on_offset_commit(ctx, rm, from, req_id, &group, generation, &member_id, offsets)
            }
            Payload::OffsetFetch { req_id, group, partitions } => gc.on_offset_fetch(ctx, rm, from, req_id, &group, partitions),
            Payload::Disconnected { req_id: Some(req_id) } => {
                // A follower's fetch hit a dead leader: back off, then try again.
                if let NodeId::Broker(leader) = from {
                    self.replica_fetcher.fail_fetch(ctx, &self.cluster, leader, req_id, false);
                }
            }
            // Nothing waits on a message that was not a request.
            Payload::Disconnected { req_id: None } => {}
            // Requests for the controller and answers for clients: never sent to a broker.
            Payload::BrokerHeartbeat { .. }
            | Payload::AlterPartition { .. }
            | Payload::AutoCreateTopic { .. }
            | Payload::MetadataResponse { .. }
            | Payload::ProduceResponse { .. }
            | Payload::ListOffsetsResponse { .. }
            | Payload::FindCoordinatorResponse { .. }
            | Payload::JoinGroupResponse { .. }
            | Payload::SyncGroupResponse { .. }
            | Payload::HeartbeatResponse { .. }
            | Payload::LeaveGroupResponse { .. }
            | Payload::OffsetCommitResponse { .. }
            | Payload::OffsetFetchResponse { .. } => {}
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        let (rm, gc) = (&mut self.replica_manager, &mut self.group_coordinator);
        match timer {
            Timer::BrokerHeartbeat => self.send_heartbeat(ctx),
            Timer::IsrCheck => {
                rm.maybe_shrink_isr(ctx);
                ctx.set_timer(self.cluster.replica_lag_time_max_ms / 2, Timer::IsrCheck);
            }
            Timer::FetcherWake { leader } => self.maybe_fetch(ctx, leader),
            Timer::ReplicaFetchTimeout { leader, req_id } => self.replica_fetcher.fail_fetch(ctx, &self.cluster, leader, req_id, true),
            Timer::FetchExpire { park_id } => rm.expire_delayed_fetch(ctx, park_id),
            Timer::ProduceExpire { purgatory_id } => rm.expire_delayed_produce(ctx, purgatory_id, gc),
            Timer::GroupJoin { group } => gc.on_join_deadline(ctx, rm, &group),
            Timer::MemberSession { group, member } => gc.on_member_session(ctx, rm, &group, &member),
            Timer::RetentionCheck => {
                cleanup_logs(ctx, self.id, &mut rm.partitions);
                ctx.set_timer(RETENTION_CHECK_INTERVAL_MS, Timer::RetentionCheck);
            }
            // The controller's and the clients' timers: a broker never sets them.
            Timer::SessionCheck { .. }
            | Timer::ClientWake
            | Timer::RequestTimeout { .. }
            | Timer::Poll
            | Timer::RateTick
            | Timer::Heartbeat
            | Timer::AutoCommit
            | Timer::ProcessingDone => {}
        }
    }

    /// Sends the next replica fetch to `leader` unless this broker is down.
    fn maybe_fetch(&mut self, ctx: &mut Ctx, leader: BrokerId) {
        if self.state == BrokerState::Down {
            return;
        }
        self.replica_fetcher.maybe_fetch(ctx, &self.cluster, &mut self.replica_manager, leader);
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
        for leader in self.replica_manager.apply_delta(ctx, delta, &mut self.group_coordinator) {
            self.replica_fetcher.add_fetcher(leader);
        }
        for leader in self.replica_fetcher.leaders() {
            self.maybe_fetch(ctx, leader);
        }
    }

    fn on_metadata_request(&mut self, ctx: &mut Ctx, from: NodeId, req_id: u64, topics: Vec<Rc<str>>) {
        let mut out: Vec<(Rc<str>, Vec<PartitionLeader>)> = Vec::new();
        for topic in topics {
            let parts = self.replica_manager.metadata_cache.partition_leaders(&topic);
            if parts.is_empty() {
                // auto.create.topics.enable=true (Kafka's default): the broker asks the
                // controller to create the topic; the client retries its metadata request.
                ctx.send(NodeId::Controller, Payload::AutoCreateTopic { topic: topic.clone() });
            }
            out.push((topic, parts));
        }
        ctx.send(from, Payload::MetadataResponse { req_id, version: self.metadata_version, topics: out });
    }
}
